/** Collect: the red agent picks up every yellow coin, then walks onto the exit. */
import { A } from '../appearance'
import { agentSprites, duplicate, planFromPath, shapeChange, stopShort, teleport, vanish, wallClip, type AgentPlan, type TrackContext } from '../agent-track'
import { readAgent } from '../agent-judge'
import { type Geometry } from '../geometry'
import { at, baseLayer, bfs, compose, makeArea, makeVerdict, pathTo, stateOf, type Placed } from '../grid'
import { knobRange, type KnobValues } from '../knobs'
import { rngFor, type Rng } from '../rng'
import type { BuiltTask, CorruptedVideo, FamilyInfo, FamilyModule, RuleDef, Split } from '../types'

const F = 'collect'
const rules: RuleDef[] = [
  { id: 'collect.done', kind: 'goal', family: F, query: 'Are all the yellow coins gone and the red square on the exit at the end?' },
  { id: 'collect.one_agent', kind: 'process', family: F, query: 'Is there exactly one red square in every frame, keeping its shape?' },
  { id: 'collect.legal_move', kind: 'process', family: F, query: 'Does the red square move at most one cell per frame and never cross a wall?' },
  { id: 'collect.coins_kept', kind: 'process', family: F, query: 'Does each yellow coin stay in place until the red square picks it up?' },
]
const [GOAL, ONE, MOVE, COINS] = rules.map((r) => r.id)

const info: FamilyInfo = {
  name: F,
  title: 'Collect',
  description: 'Walk the red square over every yellow coin to pick it up, then onto the dark teal exit.',
  rules,
  knobs: [
    { name: 'grid', description: 'side of the square room in cells', train: [5, 7], heldout: [8, 10] },
    { name: 'coins', description: 'number of coins', train: [1, 2], heldout: [3, 3] },
    { name: 'pathLength', description: 'cells walked to collect every coin and reach the exit', train: [3, 8], heldout: [9, 11] },
  ],
  splits: { train: 'rooms of 5-7 cells, 1-2 coins, tours of 3-8 steps', heldout: 'rooms of 8-10 cells, 3 coins (never seen in training), tours of 9-11 steps' },
  variants: ['standard'],
  heldoutOnlyVariants: [],
  corruptions: [
    { name: 'wall_clip', description: 'takes a shortcut through a wall', breaks: [MOVE] },
    { name: 'teleport', description: 'jumps two or more cells in one frame', breaks: [MOVE] },
    { name: 'stop_short', description: 'stops 1-3 cells before the exit', breaks: [GOAL] },
    { name: 'wrong_target', description: 'walks straight to the exit, leaving a coin behind', breaks: [GOAL] },
    { name: 'duplicate', description: 'a copy of the agent stays behind for a few frames', breaks: [ONE] },
    { name: 'vanish', description: 'the agent disappears for a few frames', breaks: [ONE] },
    { name: 'shape_change', description: 'the agent turns into a cross for a few frames', breaks: [ONE] },
    { name: 'coin_vanish', description: 'a coin disappears before the agent reaches it', breaks: [COINS] },
    { name: 'frozen', description: 'nothing moves', breaks: [GOAL] },
  ],
}

const PHRASES = [
  'Pick up every yellow coin with the red square, then go to the exit.',
  'Collect all the coins and finish on the dark teal exit.',
  'Move the red square over each yellow coin, and once all are gathered, step onto the exit.',
  'Gather the yellow coins one cell at a time, then leave through the exit.',
  'Walk the red square to collect every coin before reaching the exit square.',
]

function permutations(items: number[]): number[][] {
  if (items.length <= 1) return [items.slice()]
  return items.flatMap((x, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((p) => [x, ...p]))
}

/** The shortest tour start -> every coin (best order) -> exit, as a cell path. */
function tour(g: Geometry, open: (c: number) => boolean, start: number, coins: number[], exit: number): number[] | null {
  const searches = new Map<number, ReturnType<typeof bfs>>()
  const from = (cell: number) => {
    let s = searches.get(cell)
    if (!s) searches.set(cell, (s = bfs(g, cell, open)))
    return s
  }
  let best: number[] | null = null
  for (const order of permutations(coins)) {
    const stops = [start, ...order, exit]
    let length = 0
    for (let i = 1; i < stops.length && length >= 0; i++) {
      const d = from(stops[i - 1]).dist[stops[i]]
      length = d < 0 ? -1 : length + d
    }
    if (length < 0 || (best && length + 1 >= best.length)) continue
    let path = [start]
    for (let i = 1; i < stops.length; i++) path = path.concat(pathTo(from(stops[i - 1]).prev, stops[i - 1], stops[i]).slice(1))
    best = path
  }
  return best
}

function build(seed: number, split: Split, g: Geometry, knobs?: KnobValues): BuiltTask {
  const rng = rngFor(F, split, seed)
  const range = (name: string) => knobRange(info, split, knobs, name)
  const size = Math.min(g.canvasCells, rng.range(...range('grid')))
  const drawn = rng.range(...range('coins'))
  const [loRaw, hiRaw] = range('pathLength')
  const hi = Math.min(hiRaw, g.frames - 1)
  const lo = Math.min(loRaw, hi)
  // a short tour has room for few coins
  const count = Math.min(drawn, Math.max(1, Math.floor(hi / 3)))
  const area = makeArea(g, size)
  for (let attempt = 0; attempt < 3000; attempt++) {
    const layout = baseLayer(area, A.floor)
    const inside: number[] = []
    for (let r = 0; r < size; r++) for (let c = 0; c < size; c++) inside.push(at(area, r, c))
    for (const c of inside) if (rng.next() < 0.15) layout[c] = A.wall
    const free = rng.shuffle(inside.filter((c) => layout[c] === A.floor))
    if (free.length < count + 3) continue
    const [start, exit, ...rest] = free
    const coins = rest.slice(0, count)
    const path = tour(g, (c) => layout[c] === A.floor, start, coins, exit)
    if (!path || path.length - 1 < lo || path.length - 1 > hi) continue
    // every coin must be picked up before the agent first steps on the exit
    if (path.indexOf(exit) !== path.length - 1) continue
    return assemble(g, rng, layout, start, exit, coins, path, size)
  }
  throw new Error(`collect: could not lay out ${count} coins in a ${size}-cell room for seed ${seed}. Try another seed, or pin fewer knobs.`)
}

function assemble(g: Geometry, rng: Rng, layout: Uint8Array, start: number, exit: number, coins: number[], path: number[], size: number): BuiltTask {
  const base = layout.slice()
  base[exit] = A.exit
  const firstVisit = (plan: AgentPlan, coin: number) => plan.pos.indexOf(coin)
  const render = (plan: AgentPlan, hideCoin?: { coin: number; from: number }) =>
    plan.pos.map((_, t) => {
      const placed: Placed[] = []
      for (const c of coins) {
        const v = firstVisit(plan, c)
        const gone = (v >= 0 && v <= t) || (hideCoin && hideCoin.coin === c && t >= hideCoin.from)
        if (!gone) placed.push({ cell: c, appearance: A.coin })
      }
      return compose(base, [...placed, ...agentSprites(plan, t)])
    })
  const gt = planFromPath(path, g.frames)
  const ctx: TrackContext = {
    geometry: g,
    path,
    rng,
    isWall: (c) => layout[c] === A.wall,
    maySkip: (cells) => !cells.some((c) => coins.includes(c) || c === exit),
    // a glitch must not coincide with a coin pickup (the coin would vanish with no agent on it)
    quiet: (t, plan) => !coins.some((c) => firstVisit(plan, c) === t),
  }
  const wrap = (name: string, plan: AgentPlan | null): CorruptedVideo | null =>
    plan && { name, cells: render(plan), breaks: info.corruptions.find((c) => c.name === name)!.breaks }
  return {
    variant: 'standard',
    knobs: { grid: size, coins: coins.length, pathLength: path.length - 1 },
    paraphrases: rng.shuffle(PHRASES.slice()),
    cells: render(gt),
    entities: [
      { id: 'agent', kind: 'agent', appearance: 'agent', ...rc(g, start) },
      { id: 'exit', kind: 'exit', appearance: 'exit', ...rc(g, exit) },
      ...coins.map((c, i) => ({ id: `coin${i}`, kind: 'coin', appearance: 'coin', ...rc(g, c) })),
    ],
    states: gt.pos.map((p, t) => [
      stateOf(g, 'agent', p, A.agent),
      ...coins.flatMap((c, i) => (firstVisit(gt, c) > t || firstVisit(gt, c) < 0 ? [stateOf(g, `coin${i}`, c, A.coin)] : [])),
    ]),
    corrupt(name) {
      switch (name) {
        case 'wall_clip': return wrap(name, wallClip(ctx))
        case 'teleport': return wrap(name, teleport(ctx))
        case 'stop_short': return wrap(name, stopShort(ctx))
        case 'duplicate': return wrap(name, duplicate(ctx))
        case 'vanish': return wrap(name, vanish(ctx))
        case 'shape_change': return wrap(name, shapeChange(ctx))
        case 'frozen': return wrap(name, planFromPath([start], g.frames))
        case 'wrong_target': {
          const { dist, prev } = bfs(g, start, (c) => layout[c] === A.floor)
          const direct = pathTo(prev, start, exit)
          if (dist[exit] < 1 || coins.every((c) => direct.includes(c))) return null
          return wrap(name, planFromPath(direct, g.frames))
        }
        case 'coin_vanish': {
          const options = coins.filter((c) => firstVisit(gt, c) >= 2)
          if (!options.length) return null
          const coin = rng.pick(options)
          const from = rng.range(1, firstVisit(gt, coin) - 1)
          return { name, cells: render(gt, { coin, from }), breaks: [COINS] }
        }
        default: throw new Error(`collect has no corruption "${name}"`)
      }
    },
  }
}

const rc = (g: Geometry, cell: number) => ({ row: Math.floor(cell / g.canvasCells), col: cell % g.canvasCells })

function judge(frames: Uint8Array[], g: Geometry) {
  const reading = readAgent(frames, g)
  const first = frames[0]
  const last = frames[frames.length - 1]
  const exits: number[] = []
  const coins: number[] = []
  first.forEach((v, i) => {
    if (v === A.exit) exits.push(i)
    if (v === A.coin) coins.push(i)
  })
  const lastAgents = reading.agents[frames.length - 1]
  const done = exits.length === 1 && !last.includes(A.coin) && lastAgents.length === 1 && lastAgents[0] === exits[0]
  let coinsKept = true
  // no coin may appear where there was none
  frames.forEach((f) => f.forEach((v, i) => v === A.coin && !coins.includes(i) && (coinsKept = false)))
  for (const c of coins) {
    const gone = frames.findIndex((f) => f[c] !== A.coin)
    if (gone < 0) continue
    if (frames[gone][c] !== A.agent) coinsKept = false
    for (let t = gone + 1; t < frames.length; t++) if (frames[t][c] === A.coin) coinsKept = false
  }
  return makeVerdict(F, rules, {
    [GOAL]: done,
    [ONE]: reading.oneAgent,
    [MOVE]: reading.offWalls && reading.smallSteps,
    [COINS]: coinsKept,
  })
}

export const collect: FamilyModule = { info, build, judge }
