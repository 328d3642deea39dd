/** Connect: draw a path, one cell per frame, joining the two dots of each colour around the walls. */
import { A, DOT_COLOURS, UNKNOWN, appearanceId } from '../appearance'
import { type Geometry } from '../geometry'
import { at, baseLayer, bfs, lRoutes, makeArea, makeVerdict, neighbours, pathTo } from '../grid'
import { knobRange, type KnobValues } from '../knobs'
import { rngFor, type Rng } from '../rng'
import type { BuiltTask, CorruptedVideo, FamilyInfo, FamilyModule, RuleDef, Split } from '../types'

const F = 'connect'
const DOT_IDS = DOT_COLOURS.map((c) => appearanceId(`dot-${c}`))
const PATH_IDS = DOT_COLOURS.map((c) => appearanceId(`path-${c}`))
const rules: RuleDef[] = [
  { id: 'connect.linked', kind: 'goal', family: F, query: 'Does an unbroken path of its colour join the two dots of each colour at the end?' },
  { id: 'connect.intact', kind: 'process', family: F, query: 'Do all the dots stay where they are, with no dot added or lost?' },
  { id: 'connect.no_wall', kind: 'process', family: F, query: 'Does the path stay off the walls?' },
  { id: 'connect.grow', kind: 'process', family: F, query: 'Does the path grow by at most one cell per frame, always attached, never erased?' },
]
const [GOAL, INTACT, WALL, GROW] = rules.map((r) => r.id)

const info: FamilyInfo = {
  name: F,
  title: 'Connect',
  description: 'Draw a path of the same colour between the two dots of each colour, one cell per frame, without crossing walls.',
  rules,
  knobs: [
    { name: 'grid', description: 'side of the square area in cells', train: [5, 7], heldout: [8, 10] },
    { name: 'pairs', description: 'pairs of dots to connect', train: [1, 1], heldout: [2, 2] },
    { name: 'pathCells', description: 'path cells drawn in all', train: [2, 8], heldout: [6, 11] },
  ],
  splits: { train: 'areas of 5-7 cells, one teal pair, 2-8 path cells', heldout: 'areas of 8-10 cells, a teal and a magenta pair (never seen in training), 6-11 path cells' },
  variants: ['one-pair', 'two-pairs'],
  heldoutOnlyVariants: ['two-pairs'],
  corruptions: [
    { name: 'wall_clip', description: 'the path cuts straight through a wall', breaks: [WALL] },
    { name: 'teleport', description: 'two path cells appear in one frame', breaks: [GROW] },
    { name: 'stop_short', description: 'the path stops one or two cells early', breaks: [GOAL] },
    { name: 'wrong_target', description: 'the path heads to another cell', breaks: [GOAL] },
    { name: 'duplicate', description: 'an extra dot appears for a few frames', breaks: [INTACT] },
    { name: 'vanish', description: 'a dot disappears for a few frames', breaks: [INTACT] },
    { name: 'frozen', description: 'nothing is drawn', breaks: [GOAL] },
  ],
}

const PHRASES = [
  'Connect each pair of same-coloured dots with a path of their colour.',
  'Draw a line between the two dots of the same colour, going around the walls.',
  'Join the matching dots with a path, one cell at a time, without crossing walls.',
  'Link every dot to its partner of the same colour by drawing a path.',
  'Trace a path from one dot to the other dot of its colour, avoiding the walls.',
]

interface Scene {
  g: Geometry
  layout: Uint8Array
  dots: [number, number][]
  /** Drawn cells per pair, in drawing order (dots excluded). */
  drawn: number[][]
}

interface Overlay {
  /** Cells visible in frame t (default t). */
  counts?: number[]
  extraDot?: { pair: number; cell: number; from: number; to: number }
  hiddenDot?: { pair: number; from: number; to: number }
}

function render(s: Scene, o: Overlay = {}): Uint8Array[] {
  const base = s.layout.slice()
  s.dots.forEach(([a, b], p) => (base[a] = base[b] = DOT_IDS[p]))
  const order = s.drawn.flatMap((cells, p) => cells.map((cell) => ({ cell, p })))
  const frames: Uint8Array[] = []
  for (let t = 0; t < s.g.frames; t++) {
    const cells = base.slice()
    const count = Math.min(order.length, o.counts ? o.counts[t] : t)
    for (let i = 0; i < count; i++) cells[order[i].cell] = PATH_IDS[order[i].p]
    if (o.extraDot && t >= o.extraDot.from && t <= o.extraDot.to) cells[o.extraDot.cell] = DOT_IDS[o.extraDot.pair]
    if (o.hiddenDot && t >= o.hiddenDot.from && t <= o.hiddenDot.to) cells[s.dots[o.hiddenDot.pair][1]] = A.floor
    frames.push(cells)
  }
  return frames
}

function build(seed: number, split: Split, g: Geometry, knobs?: KnobValues): BuiltTask {
  const rng = rngFor(F, split, seed)
  const range = (name: string) => knobRange(info, split, knobs, name)
  const size = Math.min(g.canvasCells, rng.range(...range('grid')))
  const drawn = rng.range(...range('pairs'))
  const [loRaw, hiRaw] = range('pathCells')
  const hi = Math.min(hiRaw, g.frames - 1)
  const lo = Math.min(loRaw, hi)
  // every pair needs at least two path cells
  const pairs = Math.min(drawn, Math.max(1, Math.floor(hi / 2)))
  const area = makeArea(g, size)
  for (let attempt = 0; attempt < 3000; attempt++) {
    const layout = baseLayer(area, A.floor)
    const inside: number[] = []
    for (let r = 0; r < size; r++) for (let c = 0; c < size; c++) inside.push(at(area, r, c))
    for (const c of inside) if (rng.next() < 0.18) layout[c] = A.wall
    const free = rng.shuffle(inside.filter((c) => layout[c] === A.floor))
    if (free.length < 2 * pairs + 4) continue
    const dots: [number, number][] = []
    for (let p = 0; p < pairs; p++) dots.push([free[2 * p], free[2 * p + 1]])
    const used = new Set(dots.flat())
    const drawn: number[][] = []
    for (const [a, b] of dots) {
      const { dist, prev } = bfs(g, a, (c) => c === b || (layout[c] === A.floor && !used.has(c)))
      if (dist[b] < 3) break
      const cells = pathTo(prev, a, b).slice(1, -1)
      cells.forEach((c) => used.add(c))
      drawn.push(cells)
    }
    if (drawn.length !== pairs) continue
    const total = drawn.reduce((n, d) => n + d.length, 0)
    if (total < lo || total > hi) continue
    return assemble({ g, layout, dots, drawn }, rng, size)
  }
  throw new Error(`connect: could not lay out ${pairs} pairs of dots in a ${size}-cell area for seed ${seed}. Try another seed, or pin fewer knobs.`)
}

function assemble(s: Scene, rng: Rng, size: number): BuiltTask {
  const { g, layout, dots, drawn } = s
  const T = g.frames
  const total = drawn.reduce((n, d) => n + d.length, 0)
  const occupied = () => new Set([...dots.flat(), ...drawn.flat()])
  const wrap = (name: string, cells: Uint8Array[]): CorruptedVideo => ({ name, cells, breaks: info.corruptions.find((c) => c.name === name)!.breaks })
  const mid = (): [number, number] => {
    const a = rng.range(1, T - 2)
    return [a, Math.min(T - 2, a + rng.int(3))]
  }
  const withPair = (p: number, cells: number[]): Scene => ({ ...s, drawn: drawn.map((d, i) => (i === p ? cells : d)) })
  const fits = (sc: Scene) => sc.drawn.reduce((n, d) => n + d.length, 0) <= T - 1
  const order = drawn.flatMap((cells, p) => cells.map((cell) => ({ cell, p })))
  return {
    variant: dots.length > 1 ? 'two-pairs' : 'one-pair',
    knobs: { grid: size, pairs: dots.length, pathCells: total },
    paraphrases: rng.shuffle(PHRASES.slice()),
    cells: render(s),
    entities: dots.flatMap(([a, b], p) => [
      { id: `dot-${DOT_COLOURS[p]}-a`, kind: 'dot', appearance: `dot-${DOT_COLOURS[p]}`, ...rc(g, a) },
      { id: `dot-${DOT_COLOURS[p]}-b`, kind: 'dot', appearance: `dot-${DOT_COLOURS[p]}`, ...rc(g, b) },
    ]),
    states: Array.from({ length: T }, (_, t) =>
      order.slice(0, Math.min(t, order.length)).map((x, i) => ({ id: `path${i}`, appearance: PATH_IDS[x.p], ...rc(g, x.cell) })),
    ),
    corrupt(name) {
      switch (name) {
        case 'wall_clip': {
          const options: Scene[] = []
          dots.forEach(([a, b], p) => {
            const others = new Set([...dots.flat(), ...drawn.filter((_, i) => i !== p).flat()])
            for (const route of lRoutes(g, a, b)) {
              const cells = route.slice(0, -1)
              if (cells.length < 2 || !cells.some((c) => layout[c] === A.wall) || cells.some((c) => others.has(c))) continue
              const sc = withPair(p, cells)
              if (fits(sc)) options.push(sc)
            }
          })
          return options.length ? wrap(name, render(rng.pick(options))) : null
        }
        case 'teleport': {
          if (total < 2) return null
          const skip = rng.range(1, total - 1)
          const counts = Array.from({ length: T }, (_, t) => (t < skip ? t : t + 1))
          return wrap(name, render(s, { counts }))
        }
        case 'stop_short': {
          const last = drawn.length - 1
          const k = Math.min(drawn[last].length, rng.range(1, 2))
          return wrap(name, render(withPair(last, drawn[last].slice(0, drawn[last].length - k))))
        }
        case 'wrong_target': {
          const last = drawn.length - 1
          const [a, b] = dots[last]
          const used = new Set([...dots.flat(), ...drawn.filter((_, i) => i !== last).flat()])
          const nearB = new Set([b, ...neighbours(g, b)])
          const { dist, prev } = bfs(g, a, (c) => layout[c] === A.floor && !used.has(c) && !nearB.has(c))
          const before = total - drawn[last].length
          const ends: number[] = []
          dist.forEach((d, c) => d >= 1 && before + d <= T - 1 && ends.push(c))
          if (!ends.length) return null
          return wrap(name, render(withPair(last, pathTo(prev, a, rng.pick(ends)).slice(1))))
        }
        case 'duplicate': {
          const taken = occupied()
          const spots: number[] = []
          layout.forEach((v, c) => v === A.floor && !taken.has(c) && spots.push(c))
          if (!spots.length) return null
          const [from, to] = mid()
          return wrap(name, render(s, { extraDot: { pair: rng.int(dots.length), cell: rng.pick(spots), from, to } }))
        }
        case 'vanish': {
          const [from, to] = mid()
          return wrap(name, render(s, { hiddenDot: { pair: rng.int(dots.length), from, to } }))
        }
        case 'frozen':
          return wrap(name, render(s, { counts: new Array(T).fill(0) }))
        default:
          throw new Error(`connect has no corruption "${name}"`)
      }
    },
  }
}

const rc = (g: Geometry, cell: number) => ({ row: Math.floor(cell / g.canvasCells), col: cell % g.canvasCells })

function judge(frames: Uint8Array[], g: Geometry) {
  const first = frames[0]
  const last = frames[frames.length - 1]
  const dotsOf = (f: Uint8Array, k: number) => {
    const out: number[] = []
    f.forEach((v, i) => v === DOT_IDS[k] && out.push(i))
    return out
  }
  const startDots = DOT_COLOURS.map((_, k) => dotsOf(first, k))
  const present = DOT_COLOURS.map((_, k) => k).filter((k) => startDots[k].length > 0)
  const intact = present.length > 0 && frames.every((f) => !f.includes(UNKNOWN) && DOT_COLOURS.every((_, k) => dotsOf(f, k).join() === startDots[k].join()))
  const linked = present.length > 0 && present.every((k) => {
    const [a, b] = startDots[k]
    if (startDots[k].length !== 2) return false
    const { dist } = bfs(g, a, (c) => last[c] === PATH_IDS[k] || last[c] === DOT_IDS[k])
    return dist[b] >= 0
  })
  const isPath = (v: number) => PATH_IDS.includes(v)
  const noWall = frames.every((f) => f.every((v, i) => !isPath(v) || first[i] !== A.wall))
  let grow = true
  for (let t = 1; t < frames.length && grow; t++) {
    const before = frames[t - 1]
    const now = frames[t]
    let added = 0
    for (let i = 0; i < now.length; i++) {
      if (isPath(before[i]) && now[i] !== before[i]) grow = false
      if (isPath(now[i]) && !isPath(before[i])) {
        added++
        const k = PATH_IDS.indexOf(now[i])
        if (!neighbours(g, i).some((n) => before[n] === PATH_IDS[k] || before[n] === DOT_IDS[k])) grow = false
      }
    }
    if (added > 1) grow = false
  }
  return makeVerdict(F, rules, { [GOAL]: linked, [INTACT]: intact, [WALL]: noWall, [GROW]: grow })
}

export const connect: FamilyModule = { info, build, judge }
