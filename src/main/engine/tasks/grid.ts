/** Cell-grid helpers shared by the families: active area, path search, composing frames. */
import { A, UNKNOWN } from './appearance'
import { cellCol, cellIndex, cellRow, type Geometry } from './geometry'
import type { EntityState, RuleDef, Verdict } from './types'

/** The family's active g x g area inside the canvas, centred; the rest is VOID. */
export interface Area {
  geometry: Geometry
  size: number
  top: number
  left: number
}

export function makeArea(geometry: Geometry, size: number): Area {
  const C = geometry.canvasCells
  if (size > C) throw new Error(`Grid size ${size} does not fit a canvas of ${C} cells; lower the grid size or raise canvasCells.`)
  const top = Math.floor((C - size) / 2)
  return { geometry, size, top, left: top }
}

/** Canvas cell of an area coordinate. */
export const at = (a: Area, r: number, c: number): number => cellIndex(a.geometry, a.top + r, a.left + c)
export const inArea = (a: Area, cell: number): boolean => {
  const r = cellRow(a.geometry, cell) - a.top
  const c = cellCol(a.geometry, cell) - a.left
  return r >= 0 && c >= 0 && r < a.size && c < a.size
}

/** A base layer: void outside the area, `fill` inside. */
export function baseLayer(a: Area, fill: number = A.floor): Uint8Array {
  const C = a.geometry.canvasCells
  const cells = new Uint8Array(C * C).fill(A.void)
  for (let r = 0; r < a.size; r++) for (let c = 0; c < a.size; c++) cells[at(a, r, c)] = fill
  return cells
}

/** The 4-neighbours of a canvas cell. */
export function neighbours(g: Geometry, cell: number): number[] {
  const C = g.canvasCells
  const r = cellRow(g, cell)
  const c = cellCol(g, cell)
  const out: number[] = []
  if (r > 0) out.push(cell - C)
  if (r < C - 1) out.push(cell + C)
  if (c > 0) out.push(cell - 1)
  if (c < C - 1) out.push(cell + 1)
  return out
}

/** Breadth-first distances from `start` over cells where `open` holds (-1 = unreachable). */
export function bfs(g: Geometry, start: number, open: (cell: number) => boolean): { dist: Int32Array; prev: Int32Array } {
  const n = g.canvasCells * g.canvasCells
  const dist = new Int32Array(n).fill(-1)
  const prev = new Int32Array(n).fill(-1)
  const queue = new Int32Array(n)
  let head = 0
  let tail = 0
  dist[start] = 0
  queue[tail++] = start
  while (head < tail) {
    const cur = queue[head++]
    for (const nb of neighbours(g, cur)) {
      if (dist[nb] !== -1 || !open(nb)) continue
      dist[nb] = dist[cur] + 1
      prev[nb] = cur
      queue[tail++] = nb
    }
  }
  return { dist, prev }
}

/** The cell path start..end (both included) from a bfs result. */
export function pathTo(prev: Int32Array, start: number, end: number): number[] {
  const path = [end]
  let cur = end
  while (cur !== start) {
    cur = prev[cur]
    if (cur < 0) throw new Error(`pathTo: ${end} is not reachable from ${start}`)
    path.push(cur)
  }
  return path.reverse()
}

/** The two L-shaped routes from a to b (excluding a, including b). */
export function lRoutes(g: Geometry, a: number, b: number): number[][] {
  const ra = cellRow(g, a), ca = cellCol(g, a), rb = cellRow(g, b), cb = cellCol(g, b)
  const walk = (rowFirst: boolean): number[] => {
    const out: number[] = []
    let r = ra, c = ca
    const stepRow = () => { while (r !== rb) { r += Math.sign(rb - r); out.push(cellIndex(g, r, c)) } }
    const stepCol = () => { while (c !== cb) { c += Math.sign(cb - c); out.push(cellIndex(g, r, c)) } }
    if (rowFirst) { stepRow(); stepCol() } else { stepCol(); stepRow() }
    return out
  }
  return [walk(true), walk(false)]
}

/** Pads a position list to exactly `frames` entries by holding the last one. */
export function holdLast<T>(items: T[], frames: number): T[] {
  if (items.length > frames) throw new Error(`holdLast: ${items.length} positions do not fit ${frames} frames`)
  const out = items.slice()
  while (out.length < frames) out.push(out[out.length - 1])
  return out
}

export interface Placed {
  cell: number
  appearance: number
}

/** A frame: the base layer with sprites placed on top (later ones win). */
export function compose(base: Uint8Array, placed: Placed[]): Uint8Array {
  const cells = base.slice()
  for (const p of placed) cells[p.cell] = p.appearance
  return cells
}

export function stateOf(g: Geometry, id: string, cell: number, appearance: number): EntityState {
  return { id, appearance, row: cellRow(g, cell), col: cellCol(g, cell) }
}

/** Cells of a frame holding one of the given appearances. */
export function cellsWith(frame: Uint8Array, ...appearances: number[]): number[] {
  const out: number[] = []
  for (let i = 0; i < frame.length; i++) if (appearances.includes(frame[i])) out.push(i)
  return out
}

export const hasUnknown = (frame: Uint8Array): boolean => frame.includes(UNKNOWN)

/** Builds a verdict from per-rule outcomes, in the family's rule order. */
export function makeVerdict(family: string, rules: RuleDef[], outcome: Record<string, boolean>): Verdict {
  const goalRule = rules.find((r) => r.kind === 'goal')
  if (!goalRule) throw new Error(`Family ${family} declares no goal rule`)
  const labels: Record<string, 0 | 1> = {}
  for (const r of rules) {
    if (!(r.id in outcome)) throw new Error(`Evaluator for ${family} gave no outcome for rule ${r.id}`)
    labels[r.id] = outcome[r.id] ? 1 : 0
  }
  const process = rules.filter((r) => r.kind === 'process').map((r) => ({ rule: r.id, ok: outcome[r.id] }))
  const goal = outcome[goalRule.id]
  const kept = process.length ? process.filter((p) => p.ok).length / process.length : 1
  return {
    family,
    goalRule: goalRule.id,
    goal,
    process,
    labels,
    score: 0.5 * (goal ? 1 : 0) + 0.5 * kept,
    success: goal && process.every((p) => p.ok),
  }
}
