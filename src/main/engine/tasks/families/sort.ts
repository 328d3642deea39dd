/** Sort: rearrange the bars, one swap of neighbours per frame, until they ascend left to right. */
import { A, BAR_COLOURS, UNKNOWN, appearanceId } from '../appearance'
import { cellIndex, cellRow, type Geometry } from '../geometry'
import { baseLayer, makeArea, makeVerdict, type Area } from '../grid'
import { knobRange, type KnobValues } from '../knobs'
import { rngFor, type Rng } from '../rng'
import type { BuiltTask, CorruptedVideo, EntityState, FamilyInfo, FamilyModule, RuleDef, Split } from '../types'

const F = 'sort'
const BAR_IDS = BAR_COLOURS.map((c) => appearanceId(`bar-${c}`))
const rules: RuleDef[] = [
  { id: 'sort.ascending', kind: 'goal', family: F, query: 'Are the bars ordered from shortest on the left to tallest on the right at the end?' },
  { id: 'sort.intact', kind: 'process', family: F, query: 'Does every bar keep its colour and its height in every frame?' },
  { id: 'sort.swap', kind: 'process', family: F, query: 'Does each bar move at most one place sideways per frame?' },
]
const [GOAL, INTACT, SWAP] = rules.map((r) => r.id)

const info: FamilyInfo = {
  name: F,
  title: 'Sort',
  description: 'Swap neighbouring bars, one swap per frame, until they stand from shortest on the left to tallest on the right.',
  rules,
  knobs: [
    { name: 'grid', description: 'side of the square area in cells (bars are at most grid-1 tall)', train: [5, 7], heldout: [8, 10] },
    { name: 'bars', description: 'number of bars', train: [3, 4], heldout: [5, 5] },
    { name: 'swaps', description: 'neighbour swaps needed (inversions)', train: [1, 4], heldout: [5, 10] },
  ],
  splits: { train: 'areas of 5-7 cells, 3-4 bars, 1-4 swaps', heldout: 'areas of 8-10 cells, 5 bars, 5-10 swaps' },
  variants: ['standard'],
  heldoutOnlyVariants: [],
  corruptions: [
    { name: 'teleport', description: 'two bars two places apart trade places in one frame', breaks: [SWAP] },
    { name: 'stop_short', description: 'stops one or two swaps before the end', breaks: [GOAL] },
    { name: 'wrong_target', description: 'sorts tallest-first instead', breaks: [GOAL] },
    { name: 'duplicate', description: 'a copy of a bar appears in an empty column for a few frames', breaks: [INTACT] },
    { name: 'vanish', description: 'a bar disappears for a few frames', breaks: [INTACT] },
    { name: 'shape_change', description: 'a bar grows or shrinks by one cell for a few frames', breaks: [INTACT] },
    { name: 'frozen', description: 'nothing moves', breaks: [GOAL] },
  ],
}

const PHRASES = [
  'Sort the bars so they rise from shortest on the left to tallest on the right.',
  'Rearrange the bars in ascending order of height by swapping neighbours.',
  'Order the bars by height, smallest first, moving one swap per frame.',
  'Swap adjacent bars until every bar is taller than the one to its left.',
  'Put the coloured bars in order from short to tall, left to right.',
]

const inversions = (h: number[]) => {
  let n = 0
  for (let i = 0; i < h.length; i++) for (let j = i + 1; j < h.length; j++) if (h[i] > h[j]) n++
  return n
}

/** Arrangements (bar ids by column) from `start`, one bubble-sort swap each, until ordered by `before`. */
function bubble(start: number[], before: (a: number, b: number) => boolean): number[][] {
  const seq = [start.slice()]
  let cur = start.slice()
  for (;;) {
    const i = cur.findIndex((b, k) => k + 1 < cur.length && before(cur[k + 1], b))
    if (i < 0) return seq
    cur = cur.slice()
    ;[cur[i], cur[i + 1]] = [cur[i + 1], cur[i]]
    seq.push(cur)
  }
}

interface Scene {
  g: Geometry
  area: Area
  heights: number[]
  colours: number[]
  firstCol: number
}

interface Overlay {
  hidden?: { bar: number; from: number; to: number }
  resized?: { bar: number; by: number; from: number; to: number }
  ghost?: { bar: number; col: number; from: number; to: number }
}

function render(s: Scene, seq: number[][], o: Overlay = {}): Uint8Array[] {
  const frames: Uint8Array[] = []
  const ground = s.area.top + s.area.size - 1
  const draw = (cells: Uint8Array, bar: number, col: number, h: number) => {
    for (let k = 0; k < h; k++) cells[cellIndex(s.g, ground - k, col)] = BAR_IDS[s.colours[bar]]
  }
  for (let t = 0; t < s.g.frames; t++) {
    const arr = seq[Math.min(t, seq.length - 1)]
    const cells = baseLayer(s.area, A.floor)
    arr.forEach((bar, j) => {
      if (o.hidden && o.hidden.bar === bar && t >= o.hidden.from && t <= o.hidden.to) return
      const by = o.resized && o.resized.bar === bar && t >= o.resized.from && t <= o.resized.to ? o.resized.by : 0
      draw(cells, bar, s.firstCol + j, s.heights[bar] + by)
    })
    if (o.ghost && t >= o.ghost.from && t <= o.ghost.to) draw(cells, o.ghost.bar, o.ghost.col, s.heights[o.ghost.bar])
    frames.push(cells)
  }
  return frames
}

function build(seed: number, split: Split, g: Geometry, knobs?: KnobValues): BuiltTask {
  const rng = rngFor(F, split, seed)
  const range = (name: string) => knobRange(info, split, knobs, name)
  let size = Math.min(g.canvasCells, rng.range(...range('grid')))
  let n = Math.min(rng.range(...range('bars')), size - 1, BAR_COLOURS.length)
  const [lo, hiRaw] = range('swaps')
  // enough bars (and room for them) for the swaps asked for
  while ((n * (n - 1)) / 2 < lo && n < BAR_COLOURS.length) n++
  size = Math.max(size, Math.min(g.canvasCells, n + 1))
  const hi = Math.min(hiRaw, g.frames - 1, (n * (n - 1)) / 2)
  const wanted = rng.range(Math.min(lo, hi), hi)
  const area = makeArea(g, size)
  const pool = Array.from({ length: size - 1 }, (_, i) => i + 1)
  const heights = rng.shuffle(pool).slice(0, n)
  let order = Array.from({ length: n }, (_, i) => i)
  for (let attempt = 0; attempt < 5000 && inversions(order.map((b) => heights[b])) !== wanted; attempt++) order = rng.shuffle(order)
  if (inversions(order.map((b) => heights[b])) !== wanted) throw new Error(`sort: no order of ${n} bars with ${wanted} swaps for seed ${seed}. Try another seed, or pin fewer knobs.`)
  const colours = rng.shuffle(BAR_COLOURS.map((_, i) => i)).slice(0, n)
  const firstCol = area.left + rng.int(size - n + 1)
  const scene: Scene = { g, area, heights, colours, firstCol }
  const seq = bubble(order, (a, b) => heights[a] < heights[b])
  return assemble(scene, seq, rng, size)
}

function assemble(s: Scene, seq: number[][], rng: Rng, size: number): BuiltTask {
  const { g, heights } = s
  const n = heights.length
  const byHeight = (a: number, b: number) => heights[a] < heights[b]
  const T = g.frames
  const mid = (): [number, number] => {
    const a = rng.range(1, T - 2)
    return [a, Math.min(T - 2, a + rng.int(3))]
  }
  const wrap = (name: string, cells: Uint8Array[]): CorruptedVideo => ({ name, cells, breaks: info.corruptions.find((c) => c.name === name)!.breaks })
  const ground = s.area.top + s.area.size - 1
  const states: EntityState[][] = Array.from({ length: T }, (_, t) =>
    seq[Math.min(t, seq.length - 1)].map((bar, j) => ({ id: `bar${bar}`, appearance: BAR_IDS[s.colours[bar]], row: ground, col: s.firstCol + j })),
  )
  return {
    variant: 'standard',
    knobs: { grid: size, bars: n, swaps: seq.length - 1 },
    paraphrases: rng.shuffle(PHRASES.slice()),
    cells: render(s, seq),
    entities: seq[0].map((bar, j) => ({ id: `bar${bar}`, kind: `bar of height ${heights[bar]}`, appearance: `bar-${BAR_COLOURS[s.colours[bar]]}`, row: ground, col: s.firstCol + j })),
    states,
    corrupt(name) {
      switch (name) {
        case 'teleport': {
          const options: number[][][] = []
          seq.forEach((arr, step) => {
            for (let i = 0; i + 2 < arr.length; i++) {
              if (!byHeight(arr[i + 2], arr[i])) continue
              const jumped = arr.slice()
              ;[jumped[i], jumped[i + 2]] = [jumped[i + 2], jumped[i]]
              const rest = bubble(jumped, byHeight)
              if (step + rest.length <= T) options.push([...seq.slice(0, step + 1), ...rest])
            }
          })
          return options.length ? wrap(name, render(s, rng.pick(options))) : null
        }
        case 'stop_short': {
          const k = Math.min(seq.length - 1, rng.range(1, 2))
          return k >= 1 ? wrap(name, render(s, seq.slice(0, seq.length - k))) : null
        }
        case 'wrong_target': {
          const desc = bubble(seq[0], (a, b) => heights[a] > heights[b])
          return desc.length <= T && desc.length > 1 ? wrap(name, render(s, desc)) : null
        }
        case 'duplicate': {
          const cols: number[] = []
          for (let c = 0; c < s.area.size; c++) {
            const col = s.area.left + c
            if (col < s.firstCol || col >= s.firstCol + n) cols.push(col)
          }
          if (!cols.length) return null
          const [from, to] = mid()
          return wrap(name, render(s, seq, { ghost: { bar: rng.int(n), col: rng.pick(cols), from, to } }))
        }
        case 'vanish': {
          const [from, to] = mid()
          return wrap(name, render(s, seq, { hidden: { bar: rng.int(n), from, to } }))
        }
        case 'shape_change': {
          const bar = rng.int(n)
          const by = heights[bar] === 1 ? 1 : heights[bar] >= s.area.size ? -1 : rng.pick([-1, 1])
          const [from, to] = mid()
          return wrap(name, render(s, seq, { resized: { bar, by, from, to } }))
        }
        case 'frozen':
          return wrap(name, render(s, [seq[0]]))
        default:
          throw new Error(`sort has no corruption "${name}"`)
      }
    },
  }
}

interface BarReading {
  bars: { col: number; id: number; height: number }[]
  wellFormed: boolean
}

/** Reads the bars of a frame: every column's bar cells must be one colour, contiguous, standing on the ground row. */
function readBars(frame: Uint8Array, g: Geometry, ground: number): BarReading {
  const C = g.canvasCells
  const bars: BarReading['bars'] = []
  let wellFormed = !frame.includes(UNKNOWN)
  for (let col = 0; col < C; col++) {
    const rows: number[] = []
    let id = -1
    for (let row = 0; row < C; row++) {
      const v = frame[cellIndex(g, row, col)]
      if (!BAR_IDS.includes(v)) continue
      if (id >= 0 && v !== id) wellFormed = false
      id = v
      rows.push(row)
    }
    if (!rows.length) continue
    const contiguous = rows[rows.length - 1] - rows[0] === rows.length - 1
    if (!contiguous || rows[rows.length - 1] !== ground) wellFormed = false
    bars.push({ col, id, height: rows.length })
  }
  return { bars, wellFormed }
}

function judge(frames: Uint8Array[], g: Geometry) {
  let ground = -1
  frames[0].forEach((v, i) => BAR_IDS.includes(v) && (ground = Math.max(ground, cellRow(g, i))))
  const readings = frames.map((f) => readBars(f, g, ground))
  const key = (r: BarReading) => r.bars.map((b) => `${b.id}:${b.height}`).sort().join(',')
  const firstKey = key(readings[0])
  const uniqueColours = (r: BarReading) => new Set(r.bars.map((b) => b.id)).size === r.bars.length
  const intact = ground >= 0 && readings.every((r) => r.wellFormed && key(r) === firstKey && uniqueColours(r))
  const last = readings[readings.length - 1]
  const ascending =
    ground >= 0 && last.wellFormed && last.bars.length === readings[0].bars.length && last.bars.length >= 2 &&
    last.bars.every((b, i) => i === 0 || b.height > last.bars[i - 1].height)
  let swap = true
  for (let t = 1; t < readings.length; t++) {
    for (const b of readings[t].bars) {
      const now = readings[t].bars.filter((x) => x.id === b.id)
      const before = readings[t - 1].bars.filter((x) => x.id === b.id)
      if (now.length === 1 && before.length === 1 && Math.abs(now[0].col - before[0].col) > 1) swap = false
    }
  }
  return makeVerdict(F, rules, { [GOAL]: ascending, [INTACT]: intact, [SWAP]: swap })
}

export const sort: FamilyModule = { info, build, judge }
