/** Fall: coloured blocks drop straight down, one cell per frame, until they rest. */
import { A, OBJECT_COLOURS } from '../appearance'
import { cellCol, cellRow, type Geometry } from '../geometry'
import { at, baseLayer, compose, makeArea, makeVerdict, stateOf, type Area, type Placed } from '../grid'
import { multiDuplicate, multiShapeChange, multiStopShort, multiTeleport, multiVanish, planOf, schedule, withPath, type MultiContext, type MultiPlan } from '../object-tracks'
import { knobRange, type KnobValues } from '../knobs'
import { rngFor, type Rng } from '../rng'
import type { BuiltTask, CorruptedVideo, FamilyInfo, FamilyModule, RuleDef, Split } from '../types'
import { BENT_IDS, OBJECT_IDS, everyMove, readObjects } from './objects-judge'

const F = 'fall'
const rules: RuleDef[] = [
  { id: 'fall.rest', kind: 'goal', family: F, query: 'Has every block come to rest on the ground, a ledge or another block at the end?' },
  { id: 'fall.intact', kind: 'process', family: F, query: 'Does each coloured block stay one whole block of its own colour in every frame?' },
  { id: 'fall.straight', kind: 'process', family: F, query: 'Does each block only fall straight down, at most one cell per frame, never through a ledge?' },
]
const [GOAL, INTACT, STRAIGHT] = rules.map((r) => r.id)

const info: FamilyInfo = {
  name: F,
  title: 'Fall',
  description: 'Let every coloured block fall straight down, one cell per frame, until it rests on the ground, a ledge or another block.',
  rules,
  knobs: [
    { name: 'grid', description: 'side of the square area in cells', train: [5, 7], heldout: [8, 10] },
    { name: 'objects', description: 'number of falling blocks', train: [1, 2], heldout: [3, 3] },
    { name: 'ledges', description: 'wall ledges blocks can land on', train: [1, 2], heldout: [2, 3] },
  ],
  splits: { train: 'areas of 5-7 cells, 1-2 blocks, 1-2 ledges', heldout: 'areas of 8-10 cells, 3 blocks, 2-3 ledges' },
  variants: ['standard'],
  heldoutOnlyVariants: [],
  corruptions: [
    { name: 'wall_clip', description: 'a block falls through the ledge it should land on', breaks: [STRAIGHT] },
    { name: 'teleport', description: 'a block drops two or more cells in one frame', breaks: [STRAIGHT] },
    { name: 'stop_short', description: 'a block stops in mid-air', breaks: [GOAL] },
    { name: 'duplicate', description: 'a copy of a block appears for a few frames', breaks: [INTACT] },
    { name: 'vanish', description: 'a block disappears for a few frames', breaks: [INTACT] },
    { name: 'shape_change', description: 'a block turns into a cross for a few frames', breaks: [INTACT] },
    { name: 'frozen', description: 'nothing moves', breaks: [GOAL] },
  ],
}

const PHRASES = [
  'Let the coloured blocks fall straight down until they land.',
  'Drop every block: each one falls one cell per frame until something stops it.',
  'Show the blocks falling under gravity until they rest on the ground, a ledge or another block.',
  'Make each block fall down in its column until it comes to rest.',
  'Simulate gravity: the blocks drop straight down and stop when they hit something.',
]

/** Positions per frame when every block falls together (lowest first) until all rest. */
function simulate(area: Area, layout: Uint8Array, starts: number[], frames: number): number[][] {
  const C = area.geometry.canvasCells
  const bottom = area.top + area.size - 1
  const cur = starts.slice()
  const track = starts.map((s) => [s])
  for (let t = 1; t < frames; t++) {
    const order = cur.map((_, i) => i).sort((a, b) => cur[b] - cur[a])
    for (const i of order) {
      const below = cur[i] + C
      const supported = cellRow(area.geometry, cur[i]) === bottom || layout[below] === A.wall || cur.includes(below)
      if (!supported) cur[i] = below
    }
    cur.forEach((c, i) => track[i].push(c))
  }
  return track
}

const pathOf = (track: number[]) => track.filter((c, i) => i === 0 || c !== track[i - 1])

function build(seed: number, split: Split, g: Geometry, knobs?: KnobValues): BuiltTask {
  const rng = rngFor(F, split, seed)
  const range = (name: string) => knobRange(info, split, knobs, name)
  const size = Math.min(g.canvasCells, rng.range(...range('grid')))
  const count = rng.range(...range('objects'))
  const ledges = rng.range(...range('ledges'))
  const area = makeArea(g, size)
  for (let attempt = 0; attempt < 3000; attempt++) {
    const layout = baseLayer(area, A.floor)
    for (let l = 0; l < ledges; l++) {
      const row = rng.range(2, size - 2)
      const len = rng.range(1, 3)
      const col = rng.int(size - len + 1)
      for (let k = 0; k < len; k++) layout[at(area, row, col + k)] = A.wall
    }
    const candidates: number[] = []
    for (let r = 0; r <= size - 3; r++) for (let c = 0; c < size; c++) {
      const cell = at(area, r, c)
      if (layout[cell] === A.floor && layout[cell + g.canvasCells] === A.floor) candidates.push(cell)
    }
    if (candidates.length < count) continue
    const starts = rng.shuffle(candidates).slice(0, count)
    const tracks = simulate(area, layout, starts, g.frames)
    const paths = tracks.map(pathOf)
    // every block must fall, and the falling must be over by the last frame
    if (paths.some((p) => p.length < 2) || tracks.some((tr) => tr[g.frames - 1] !== tr[g.frames - 2] && g.frames > 2)) continue
    if (paths.some((p, i) => schedule([p], g.frames, true)[0].some((c, t) => c !== tracks[i][t]))) continue
    const colours = rng.shuffle(OBJECT_COLOURS.map((_, k) => k)).slice(0, count)
    return assemble(area, layout, paths, colours, rng, ledges)
  }
  throw new Error(`fall: could not place ${count} blocks in a ${size}-cell area for seed ${seed}. Try another seed, or pin fewer knobs.`)
}

function assemble(area: Area, layout: Uint8Array, paths: number[][], colours: number[], rng: Rng, ledges: number): BuiltTask {
  const g = area.geometry
  const C = g.canvasCells
  const bottom = area.top + area.size - 1
  const finals = paths.map((p) => p[p.length - 1])
  const render = (plan: MultiPlan) =>
    plan.pos[0].map((_, t) => {
      const placed: Placed[] = plan.ghosts.filter((x) => x.t === t).map((x) => ({ cell: x.cell, appearance: OBJECT_IDS[colours[x.obj]] }))
      plan.pos.forEach((p, o) => !plan.hidden[o][t] && placed.push({ cell: p[t], appearance: (plan.bent[o][t] ? BENT_IDS : OBJECT_IDS)[colours[o]] }))
      return compose(layout, placed)
    })
  // nothing may rest on a block that stops early or falls further
  const carriesNothing = (obj: number) => !finals.includes(finals[obj] - C)
  const ctx: MultiContext = {
    geometry: g,
    paths,
    together: true,
    rng,
    isWall: (c) => layout[c] === A.wall,
    mayUse: (c) => layout[c] === A.floor,
    mayStopEarly: carriesNothing,
  }
  const gt = planOf(schedule(paths, g.frames, true))
  const wrap = (name: string, plan: MultiPlan | null): CorruptedVideo | null =>
    plan && { name, cells: render(plan), breaks: info.corruptions.find((c) => c.name === name)!.breaks }
  const used = new Set(paths.flat())
  const spare: number[] = []
  for (let r = 0; r < area.size; r++) for (let c = 0; c < area.size; c++) {
    const cell = at(area, r, c)
    if (layout[cell] === A.floor && !used.has(cell)) spare.push(cell)
  }
  rng.shuffle(spare)
  const names = colours.map((k) => OBJECT_COLOURS[k])
  return {
    variant: 'standard',
    knobs: { grid: area.size, objects: paths.length, ledges },
    paraphrases: rng.shuffle(PHRASES.slice()),
    cells: render(gt),
    entities: paths.map((p, i) => ({ id: `block-${names[i]}`, kind: 'block', appearance: `object-${names[i]}`, row: cellRow(g, p[0]), col: cellCol(g, p[0]) })),
    states: gt.pos[0].map((_, t) => gt.pos.map((p, o) => stateOf(g, `block-${names[o]}`, p[t], OBJECT_IDS[colours[o]]))),
    corrupt(name) {
      switch (name) {
        case 'wall_clip': {
          const options: (() => MultiPlan | null)[] = []
          paths.forEach((p, obj) => {
            let cell = finals[obj]
            if (!carriesNothing(obj) || layout[cell + C] !== A.wall) return
            const longer = p.slice()
            while (cellRow(g, cell) < bottom && layout[cell + C] === A.wall) longer.push((cell += C))
            while (cellRow(g, cell) < bottom && layout[cell + C] === A.floor && !finals.includes(cell + C)) longer.push((cell += C))
            if (layout[cell] !== A.floor) return
            options.push(() => withPath(ctx, obj, longer))
          })
          rng.shuffle(options)
          for (const o of options) {
            const plan = o()
            if (plan) return wrap(name, plan)
          }
          return null
        }
        case 'teleport': return wrap(name, multiTeleport(ctx))
        case 'stop_short': return wrap(name, multiStopShort(ctx))
        case 'duplicate': return wrap(name, multiDuplicate(ctx, spare))
        case 'vanish': return wrap(name, multiVanish(ctx))
        case 'shape_change': return wrap(name, multiShapeChange(ctx))
        case 'frozen': return wrap(name, planOf(paths.map((p) => new Array(g.frames).fill(p[0]))))
        default: throw new Error(`fall has no corruption "${name}"`)
      }
    },
  }
}

function judge(frames: Uint8Array[], g: Geometry) {
  const C = g.canvasCells
  const reading = readObjects(frames, A.wall)
  const last = frames[frames.length - 1]
  const t = frames.length - 1
  const rest = reading.colours.length > 0 && reading.colours.every((k) => {
    const cells = reading.cells[k][t]
    if (cells.length !== 1) return false
    const below = cells[0] + C
    if (cellRow(g, cells[0]) === C - 1 || last[below] === A.void || last[below] === A.wall) return true
    return OBJECT_IDS.includes(last[below])
  })
  const straight = reading.offWalls && everyMove(reading, (a, b) => cellCol(g, a) === cellCol(g, b) && (b - a === 0 || b - a === C))
  return makeVerdict(F, rules, { [GOAL]: rest, [INTACT]: reading.intact, [STRAIGHT]: straight })
}

export const fall: FamilyModule = { info, build, judge }
