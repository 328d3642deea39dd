/** Maze: the red agent walks from its start through open corridors to the green goal. */
import { A } from '../appearance'
import { agentSprites, duplicate, planFromPath, shapeChange, stopShort, teleport, vanish, wallClip, type AgentPlan, type TrackContext } from '../agent-track'
import { readAgent } from '../agent-judge'
import { type Geometry } from '../geometry'
import { at, baseLayer, bfs, compose, makeArea, makeVerdict, pathTo, stateOf, type Area } from '../grid'
import { knobRange, type KnobValues } from '../knobs'
import { rngFor, type Rng } from '../rng'
import type { BuiltTask, CorruptedVideo, FamilyInfo, FamilyModule, RuleDef, Split } from '../types'

const F = 'maze'
const rules: RuleDef[] = [
  { id: 'maze.reach_goal', kind: 'goal', family: F, query: 'Does the red square end on the green goal?' },
  { id: 'maze.one_agent', kind: 'process', family: F, query: 'Is there exactly one red square in every frame, keeping its shape?' },
  { id: 'maze.no_wall', kind: 'process', family: F, query: 'Does the red square stay on open floor and never cross a wall?' },
  { id: 'maze.step', kind: 'process', family: F, query: 'Does the red square move at most one cell per frame, never jumping?' },
]
const [GOAL, ONE, WALL, STEP] = rules.map((r) => r.id)

const info: FamilyInfo = {
  name: F,
  title: 'Maze',
  description: 'Walk the red square from its start through the open corridors to the green goal, one cell per frame.',
  rules,
  knobs: [
    { name: 'grid', description: 'side of the square maze in cells', train: [6, 8], heldout: [9, 10] },
    { name: 'pathLength', description: 'cells on the shortest path from start to goal', train: [3, 8], heldout: [9, 11] },
  ],
  splits: {
    train: 'mazes of 6-8 cells, shortest paths of 3-8 steps',
    heldout: 'mazes of 9-10 cells, paths of 9-11 steps; half of them add two decoy squares (pink, brown) never seen in training',
  },
  variants: ['standard', 'decoys'],
  heldoutOnlyVariants: ['decoys'],
  corruptions: [
    { name: 'wall_clip', description: 'takes a shortcut straight through a wall', breaks: [WALL] },
    { name: 'teleport', description: 'jumps two or more cells between frames', breaks: [STEP] },
    { name: 'stop_short', description: 'stops 1-3 cells before the goal', breaks: [GOAL] },
    { name: 'wrong_target', description: 'walks to another cell (a decoy when there is one)', breaks: [GOAL] },
    { name: 'duplicate', description: 'a copy of the agent stays behind for a few frames', breaks: [ONE] },
    { name: 'vanish', description: 'the agent disappears for a few frames', breaks: [ONE] },
    { name: 'shape_change', description: 'the agent turns into a cross for a few frames', breaks: [ONE] },
    { name: 'frozen', description: 'nothing moves', breaks: [GOAL] },
  ],
}

const PHRASES = [
  'Move the red square through the maze to the green goal.',
  'Guide the red square along the open corridors until it reaches the green square.',
  'Navigate the red agent to the green goal without passing through walls.',
  'Find a way through the maze: bring the red square onto the green goal, one step at a time.',
  'Walk the red square to the green goal, moving one cell per frame and never crossing a wall.',
]

/** Carves a maze by randomised depth-first search on even lattice points, then opens a few loops. */
function carve(area: Area, rng: Rng): Uint8Array {
  const cells = baseLayer(area, A.wall)
  const n = area.size
  const nodes = Math.ceil(n / 2)
  const seen = new Uint8Array(nodes * nodes)
  const stack: [number, number][] = [[rng.int(nodes), rng.int(nodes)]]
  seen[stack[0][0] * nodes + stack[0][1]] = 1
  cells[at(area, stack[0][0] * 2, stack[0][1] * 2)] = A.floor
  while (stack.length) {
    const [r, c] = stack[stack.length - 1]
    const next = ([[1, 0], [-1, 0], [0, 1], [0, -1]] as const)
      .map(([dr, dc]) => [r + dr, c + dc] as [number, number])
      .filter(([nr, nc]) => nr >= 0 && nc >= 0 && nr < nodes && nc < nodes && nr * 2 < n && nc * 2 < n && !seen[nr * nodes + nc])
    if (!next.length) {
      stack.pop()
      continue
    }
    const [nr, nc] = rng.pick(next)
    seen[nr * nodes + nc] = 1
    cells[at(area, r + nr, c + nc)] = A.floor
    cells[at(area, nr * 2, nc * 2)] = A.floor
    stack.push([nr, nc])
  }
  // open a few loops so there is more than one way round
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      if (cells[at(area, r, c)] !== A.wall || rng.next() > 0.12) continue
      const horiz = c > 0 && c < n - 1 && cells[at(area, r, c - 1)] === A.floor && cells[at(area, r, c + 1)] === A.floor
      const vert = r > 0 && r < n - 1 && cells[at(area, r - 1, c)] === A.floor && cells[at(area, r + 1, c)] === A.floor
      if (horiz !== vert) cells[at(area, r, c)] = A.floor
    }
  }
  return cells
}

function build(seed: number, split: Split, g: Geometry, knobs?: KnobValues): BuiltTask {
  const rng = rngFor(F, split, seed)
  const knob = (name: string) => {
    const [lo, hi] = knobRange(info, split, knobs, name)
    const top = Math.min(hi, name === 'grid' ? g.canvasCells : g.frames - 1)
    return rng.range(Math.min(lo, top), top)
  }
  const size = knob('grid')
  const wanted = knob('pathLength')
  const variant = split === 'heldout' && rng.next() < 0.5 ? 'decoys' : 'standard'
  const area = makeArea(g, size)
  for (let attempt = 0; attempt < 400; attempt++) {
    const layout = carve(area, rng)
    const floor: number[] = []
    layout.forEach((v, i) => v === A.floor && floor.push(i))
    const start = rng.pick(floor)
    const { dist, prev } = bfs(g, start, (c) => layout[c] === A.floor)
    // accept the wanted length, or after many tries anything within the split's range
    const [lo, hi] = knobRange(info, split, knobs, 'pathLength')
    const goals = floor.filter((c) => (attempt < 300 ? dist[c] === wanted : dist[c] >= Math.min(lo, wanted) && dist[c] <= Math.min(hi, g.frames - 1)))
    if (!goals.length) continue
    const goal = rng.pick(goals)
    const path = pathTo(prev, start, goal)
    const decoys: number[] = []
    if (variant === 'decoys') {
      const free = floor.filter((c) => !path.includes(c))
      if (free.length < 2) continue
      rng.shuffle(free)
      decoys.push(free[0], free[1])
    }
    return assemble({ g, rng, layout, start, goal, path, decoys, variant, size })
  }
  throw new Error(`maze: could not build a maze of size ${size} with a path of ${wanted} steps for seed ${seed}. Try another seed, or pin fewer knobs.`)
}

interface Scene {
  g: Geometry
  rng: Rng
  layout: Uint8Array
  start: number
  goal: number
  path: number[]
  decoys: number[]
  variant: string
  size: number
}

function assemble(s: Scene): BuiltTask {
  const { g, rng, layout, goal, path, decoys } = s
  const base = layout.slice()
  base[goal] = A.goal
  if (decoys.length) {
    base[decoys[0]] = A.decoyPink
    base[decoys[1]] = A.decoyBrown
  }
  const render = (plan: AgentPlan) => plan.pos.map((_, t) => compose(base, agentSprites(plan, t)))
  const gt = planFromPath(path, g.frames)
  const ctx: TrackContext = {
    geometry: g,
    path,
    rng,
    isWall: (c) => layout[c] === A.wall,
    maySkip: () => true,
    quiet: () => true,
  }
  const suffix = decoys.length ? ' Ignore the pink and brown squares.' : ''
  const paraphrases = PHRASES.map((p) => p + suffix)
  rng.shuffle(paraphrases)
  const entities = [
    { id: 'agent', kind: 'agent', appearance: 'agent', ...rc(g, path[0]) },
    { id: 'goal', kind: 'goal', appearance: 'goal', ...rc(g, goal) },
    ...decoys.map((d, i) => ({ id: `decoy${i}`, kind: 'decoy', appearance: i ? 'decoy-brown' : 'decoy-pink', ...rc(g, d) })),
  ]
  const wrap = (name: string, plan: AgentPlan | null): CorruptedVideo | null =>
    plan && { name, cells: render(plan), breaks: info.corruptions.find((c) => c.name === name)!.breaks }
  return {
    variant: s.variant,
    knobs: { grid: s.size, pathLength: path.length - 1 },
    paraphrases,
    cells: render(gt),
    entities,
    states: gt.pos.map((p) => [stateOf(g, 'agent', p, A.agent)]),
    corrupt(name) {
      switch (name) {
        case 'wall_clip': return wrap(name, wallClip(ctx))
        case 'teleport': return wrap(name, teleport(ctx))
        case 'stop_short': return wrap(name, stopShort(ctx))
        case 'duplicate': return wrap(name, duplicate(ctx))
        case 'vanish': return wrap(name, vanish(ctx))
        case 'shape_change': return wrap(name, shapeChange(ctx))
        case 'frozen': return { name, cells: render(planFromPath([path[0]], g.frames)), breaks: [GOAL] }
        case 'wrong_target': {
          const { dist, prev } = bfs(g, path[0], (c) => layout[c] === A.floor && c !== goal)
          const pool = decoys.length ? decoys.filter((d) => dist[d] > 0 && dist[d] < g.frames) : []
          const others = pool.length ? pool : Array.from(dist.keys()).filter((c) => dist[c] >= 2 && dist[c] < g.frames && c !== goal)
          if (!others.length) return null
          return wrap(name, planFromPath(pathTo(prev, path[0], rng.pick(others)), g.frames))
        }
        default: throw new Error(`maze has no corruption "${name}"`)
      }
    },
  }
}

const rc = (g: Geometry, cell: number) => ({ row: Math.floor(cell / g.canvasCells), col: cell % g.canvasCells })

function judge(cells: Uint8Array[], g: Geometry) {
  const reading = readAgent(cells, g)
  const goals: number[] = []
  cells[0].forEach((v, i) => v === A.goal && goals.push(i))
  const last = reading.agents[cells.length - 1]
  return makeVerdict(F, rules, {
    [GOAL]: goals.length === 1 && last.length === 1 && last[0] === goals[0],
    [ONE]: reading.oneAgent,
    [WALL]: reading.offWalls,
    [STEP]: reading.smallSteps,
  })
}

export const maze: FamilyModule = { info, build, judge }
