/** Push-to-target: slide each coloured block onto the outline of its own colour. */
import { A, OBJECT_COLOURS } from '../appearance'
import { type Geometry } from '../geometry'
import { at, baseLayer, bfs, compose, makeArea, makeVerdict, pathTo, stateOf, type Placed } from '../grid'
import { multiDuplicate, multiShapeChange, multiStopShort, multiTeleport, multiVanish, multiWallClip, planOf, schedule, type MultiContext, type MultiPlan } from '../object-tracks'
import { knobRange, type KnobValues } from '../knobs'
import { rngFor } from '../rng'
import type { BuiltTask, CorruptedVideo, FamilyInfo, FamilyModule, RuleDef, Split } from '../types'
import { OBJECT_IDS, PLACED_IDS, BENT_IDS, TARGET_IDS, everyMove, readObjects, smallStep } from './objects-judge'

const F = 'push'
const rules: RuleDef[] = [
  { id: 'push.on_target', kind: 'goal', family: F, query: 'Does every coloured block end on the outline of its own colour?' },
  { id: 'push.intact', kind: 'process', family: F, query: 'Does each coloured block stay one whole block of its own colour in every frame?' },
  { id: 'push.no_wall', kind: 'process', family: F, query: 'Do the coloured blocks stay off the walls the whole time?' },
  { id: 'push.step', kind: 'process', family: F, query: 'Does every block move at most one cell per frame, never jumping?' },
]
const [GOAL, INTACT, WALL, STEP] = rules.map((r) => r.id)

const info: FamilyInfo = {
  name: F,
  title: 'Push to target',
  description: 'Slide each coloured block, one after another and one cell per frame, onto the outline of the same colour.',
  rules,
  knobs: [
    { name: 'grid', description: 'side of the square room in cells', train: [5, 7], heldout: [8, 10] },
    { name: 'objects', description: 'number of coloured blocks', train: [1, 2], heldout: [3, 3] },
    { name: 'moves', description: 'total cells moved by all blocks', train: [2, 7], heldout: [8, 11] },
  ],
  splits: { train: 'rooms of 5-7 cells, 1-2 blocks, 2-7 moves in all', heldout: 'rooms of 8-10 cells, 3 blocks, 8-11 moves' },
  variants: ['standard'],
  heldoutOnlyVariants: [],
  corruptions: [
    { name: 'wall_clip', description: 'a block takes a shortcut through a wall', breaks: [WALL] },
    { name: 'teleport', description: 'a block jumps two or more cells in one frame', breaks: [STEP] },
    { name: 'stop_short', description: 'a block stops before its outline', breaks: [GOAL] },
    { name: 'wrong_target', description: 'the last block goes to another cell', breaks: [GOAL] },
    { name: 'duplicate', description: 'a copy of a block appears for a few frames', breaks: [INTACT] },
    { name: 'vanish', description: 'a block disappears for a few frames', breaks: [INTACT] },
    { name: 'shape_change', description: 'a block turns into a cross for a few frames', breaks: [INTACT] },
    { name: 'frozen', description: 'nothing moves', breaks: [GOAL] },
  ],
}

const PHRASES = [
  'Slide each coloured block onto the outline of the same colour.',
  'Move every block onto the matching coloured outline, one cell at a time.',
  'Push the blocks to their targets: each block belongs on the outline of its own colour.',
  'Bring each coloured square onto the empty frame of its colour without crossing walls.',
  'Put every block on its same-coloured outline, moving one block at a time.',
]

function build(seed: number, split: Split, g: Geometry, knobs?: KnobValues): BuiltTask {
  const rng = rngFor(F, split, seed)
  const range = (name: string) => knobRange(info, split, knobs, name)
  const size = Math.min(g.canvasCells, rng.range(...range('grid')))
  const drawn = rng.range(...range('objects'))
  const [loRaw, hiRaw] = range('moves')
  const hi = Math.min(hiRaw, g.frames - 1)
  const lo = Math.min(loRaw, hi)
  // each block moves at least two cells, so few moves leave room for few blocks
  const count = Math.min(drawn, Math.max(1, Math.floor(hi / 2)))
  const area = makeArea(g, size)
  for (let attempt = 0; attempt < 2000; attempt++) {
    const layout = baseLayer(area, A.floor)
    const inside: number[] = []
    for (let r = 0; r < size; r++) for (let c = 0; c < size; c++) inside.push(at(area, r, c))
    for (const c of inside) if (rng.next() < 0.12) layout[c] = A.wall
    const free = rng.shuffle(inside.filter((c) => layout[c] === A.floor))
    if (free.length < 2 * count + 2) continue
    const starts = free.slice(0, count)
    const targets = free.slice(count, 2 * count)
    const colours = rng.shuffle(OBJECT_COLOURS.map((_, k) => k)).slice(0, count)
    const paths: number[][] = []
    for (let i = 0; i < count; i++) {
      const blocked = new Set<number>([...targets.filter((_, j) => j !== i), ...starts.filter((_, j) => j > i)])
      const { dist, prev } = bfs(g, starts[i], (c) => layout[c] === A.floor && !blocked.has(c))
      if (dist[targets[i]] < 2) break
      paths.push(pathTo(prev, starts[i], targets[i]))
    }
    if (paths.length !== count) continue
    const total = paths.reduce((a, p) => a + p.length - 1, 0)
    if (total < lo || total > hi) continue
    return assemble(g, rng, layout, colours, starts, targets, paths, size, free.slice(2 * count))
  }
  throw new Error(`push: could not place ${count} blocks in a ${size}-cell room for seed ${seed}. Try another seed, or pin fewer knobs.`)
}

function assemble(g: Geometry, rng: ReturnType<typeof rngFor>, layout: Uint8Array, colours: number[], starts: number[], targets: number[], paths: number[][], size: number, spare: number[]): BuiltTask {
  const base = layout.slice()
  targets.forEach((t, i) => (base[t] = TARGET_IDS[colours[i]]))
  const appearanceAt = (obj: number, cell: number, bent: boolean) =>
    bent ? BENT_IDS[colours[obj]] : cell === targets[obj] ? PLACED_IDS[colours[obj]] : OBJECT_IDS[colours[obj]]
  const render = (plan: MultiPlan) =>
    plan.pos[0].map((_, t) => {
      const placed: Placed[] = plan.ghosts.filter((x) => x.t === t).map((x) => ({ cell: x.cell, appearance: OBJECT_IDS[colours[x.obj]] }))
      plan.pos.forEach((p, o) => !plan.hidden[o][t] && placed.push({ cell: p[t], appearance: appearanceAt(o, p[t], plan.bent[o][t]) }))
      return compose(base, placed)
    })
  const ctx: MultiContext = {
    geometry: g,
    paths,
    together: false,
    rng,
    isWall: (c) => layout[c] === A.wall,
    mayUse: (c, obj) => layout[c] === A.floor && !targets.some((t, j) => j !== obj && t === c),
    mayStopEarly: () => true,
  }
  const gt = planOf(schedule(paths, g.frames, false))
  const wrap = (name: string, plan: MultiPlan | null): CorruptedVideo | null =>
    plan && { name, cells: render(plan), breaks: info.corruptions.find((c) => c.name === name)!.breaks }
  const names = colours.map((k) => OBJECT_COLOURS[k])
  const paraphrases = rng.shuffle(PHRASES.slice())
  return {
    variant: 'standard',
    knobs: { grid: size, objects: colours.length, moves: paths.reduce((a, p) => a + p.length - 1, 0) },
    paraphrases,
    cells: render(gt),
    entities: [
      ...starts.map((s, i) => ({ id: `block-${names[i]}`, kind: 'block', appearance: `object-${names[i]}`, ...rc(g, s) })),
      ...targets.map((s, i) => ({ id: `outline-${names[i]}`, kind: 'outline', appearance: `target-${names[i]}`, ...rc(g, s) })),
    ],
    states: gt.pos[0].map((_, t) => gt.pos.map((p, o) => stateOf(g, `block-${names[o]}`, p[t], appearanceAt(o, p[t], false)))),
    corrupt(name) {
      switch (name) {
        case 'wall_clip': return wrap(name, multiWallClip(ctx))
        case 'teleport': return wrap(name, multiTeleport(ctx))
        case 'stop_short': return wrap(name, multiStopShort(ctx))
        case 'duplicate': return wrap(name, multiDuplicate(ctx, spare))
        case 'vanish': return wrap(name, multiVanish(ctx))
        case 'shape_change': return wrap(name, multiShapeChange(ctx))
        case 'frozen': return wrap(name, planOf(paths.map((p) => new Array(g.frames).fill(p[0]))))
        case 'wrong_target': {
          const last = paths.length - 1
          const before = paths.slice(0, last).reduce((a, p) => a + p.length - 1, 0)
          const blocked = new Set(targets.filter((_, j) => j !== last))
          const { dist, prev } = bfs(g, starts[last], (c) => layout[c] === A.floor && !blocked.has(c))
          const ends = spare.filter((c) => dist[c] >= 1 && before + dist[c] <= g.frames - 1)
          if (!ends.length) return null
          return wrap(name, planOf(schedule([...paths.slice(0, last), pathTo(prev, starts[last], rng.pick(ends))], g.frames, false)))
        }
        default: throw new Error(`push has no corruption "${name}"`)
      }
    },
  }
}

const rc = (g: Geometry, cell: number) => ({ row: Math.floor(cell / g.canvasCells), col: cell % g.canvasCells })

function judge(frames: Uint8Array[], g: Geometry) {
  const reading = readObjects(frames, A.wall)
  const first = frames[0]
  const last = frames[frames.length - 1]
  const onTarget = reading.colours.length > 0 && reading.colours.every((k) => {
    const outline: number[] = []
    first.forEach((v, i) => (v === TARGET_IDS[k] || v === PLACED_IDS[k]) && outline.push(i))
    const cells = reading.cells[k][frames.length - 1]
    return outline.length === 1 && cells.length === 1 && cells[0] === outline[0] && last[outline[0]] === PLACED_IDS[k]
  })
  return makeVerdict(F, rules, {
    [GOAL]: onTarget,
    [INTACT]: reading.intact,
    [WALL]: reading.offWalls,
    [STEP]: everyMove(reading, smallStep(g)),
  })
}

export const push: FamilyModule = { info, build, judge }
