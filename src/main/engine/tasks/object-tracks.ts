/**
 * Several coloured objects moving on paths (push-to-target one after another, fall all at once)
 * and the corruptions of their tracks. Every plan is checked to be collision-free, so a corruption
 * breaks only the rules it names.
 */
import { manhattan, type Geometry } from './geometry'
import { holdLast, lRoutes } from './grid'
import type { Rng } from './rng'

export interface MultiPlan {
  /** pos[object][t]: the object's cell in frame t. */
  pos: number[][]
  hidden: boolean[][]
  bent: boolean[][]
  /** Extra copies: object index, cell, frame. */
  ghosts: { obj: number; cell: number; t: number }[]
}

/** Positions per frame: sequentially (object i moves after i-1 arrived) or all together. */
export function schedule(paths: number[][], frames: number, together: boolean): number[][] {
  if (together) return paths.map((p) => holdLast(p, frames))
  const out: number[][] = []
  let clock = 0
  for (const p of paths) {
    const track: number[] = []
    for (let t = 0; t < frames; t++) track.push(p[Math.max(0, Math.min(p.length - 1, t - clock))])
    clock += p.length - 1
    if (clock > frames - 1) throw new Error(`schedule: paths need ${clock} moves but only ${frames - 1} fit`)
    out.push(track)
  }
  return out
}

export function planOf(pos: number[][]): MultiPlan {
  return {
    pos,
    hidden: pos.map((p) => p.map(() => false)),
    bent: pos.map((p) => p.map(() => false)),
    ghosts: [],
  }
}

/** No two objects (or a ghost and an object) share a cell in any frame. */
export function collisionFree(plan: MultiPlan): boolean {
  const frames = plan.pos[0]?.length ?? 0
  for (let t = 0; t < frames; t++) {
    const seen = new Set<number>()
    for (let o = 0; o < plan.pos.length; o++) {
      if (seen.has(plan.pos[o][t])) return false
      seen.add(plan.pos[o][t])
    }
    for (const g of plan.ghosts) if (g.t === t && seen.has(g.cell)) return false
  }
  return true
}

export interface MultiContext {
  geometry: Geometry
  paths: number[][]
  together: boolean
  rng: Rng
  isWall(cell: number): boolean
  /** May the track of object `obj` use this cell (family constraints beyond collisions)? */
  mayUse(cell: number, obj: number): boolean
  /** May object `obj` end its move early without breaking another rule? */
  mayStopEarly(obj: number): boolean
}

const T = (ctx: MultiContext) => ctx.geometry.frames

/** The plan with one object's path replaced; null if it does not fit the frames or collides. */
export function withPath(ctx: MultiContext, obj: number, path: number[]): MultiPlan | null {
  const paths = ctx.paths.map((p, i) => (i === obj ? path : p))
  const moves = ctx.together ? Math.max(...paths.map((p) => p.length - 1)) : paths.reduce((a, p) => a + p.length - 1, 0)
  if (moves > T(ctx) - 1) return null
  const plan = planOf(schedule(paths, T(ctx), ctx.together))
  return collisionFree(plan) ? plan : null
}

function pickPlan(ctx: MultiContext, candidates: (() => MultiPlan | null)[]): MultiPlan | null {
  ctx.rng.shuffle(candidates)
  for (const c of candidates) {
    const plan = c()
    if (plan) return plan
  }
  return null
}

/** One object takes an L-shaped shortcut that crosses a wall. */
export function multiWallClip(ctx: MultiContext): MultiPlan | null {
  const cands: (() => MultiPlan | null)[] = []
  ctx.paths.forEach((p, obj) => {
    for (let i = 0; i < p.length; i++)
      for (let j = i + 2; j < p.length; j++)
        for (const route of lRoutes(ctx.geometry, p[i], p[j])) {
          if (route.length > j - i || !route.some(ctx.isWall) || !route.every((c) => ctx.isWall(c) || ctx.mayUse(c, obj))) continue
          cands.push(() => withPath(ctx, obj, [...p.slice(0, i + 1), ...route, ...p.slice(j + 1)]))
        }
  })
  return pickPlan(ctx, cands)
}

/** One object jumps two or more cells in one frame. */
export function multiTeleport(ctx: MultiContext): MultiPlan | null {
  const cands: (() => MultiPlan | null)[] = []
  ctx.paths.forEach((p, obj) => {
    for (let i = 0; i < p.length; i++)
      for (let j = i + 2; j < p.length; j++)
        if (manhattan(ctx.geometry, p[i], p[j]) >= 2) cands.push(() => withPath(ctx, obj, [...p.slice(0, i + 1), ...p.slice(j)]))
  })
  return pickPlan(ctx, cands)
}

/** One object stops one or two cells before the end of its path. */
export function multiStopShort(ctx: MultiContext): MultiPlan | null {
  const cands: (() => MultiPlan | null)[] = []
  ctx.paths.forEach((p, obj) => {
    if (!ctx.mayStopEarly(obj)) return
    for (let k = 1; k <= Math.min(2, p.length - 1); k++) cands.push(() => withPath(ctx, obj, p.slice(0, p.length - k)))
  })
  return pickPlan(ctx, cands)
}

function middleWindow(ctx: MultiContext): [number, number] {
  const a = 1 + ctx.rng.int(T(ctx) - 2)
  const b = Math.min(T(ctx) - 2, a + ctx.rng.int(3))
  return [a, b]
}

/** One object disappears for a few middle frames. */
export function multiVanish(ctx: MultiContext): MultiPlan {
  const plan = planOf(schedule(ctx.paths, T(ctx), ctx.together))
  const obj = ctx.rng.int(ctx.paths.length)
  const [a, b] = middleWindow(ctx)
  for (let t = a; t <= b; t++) plan.hidden[obj][t] = true
  return plan
}

/** One object turns into a cross for a few middle frames. */
export function multiShapeChange(ctx: MultiContext): MultiPlan {
  const plan = planOf(schedule(ctx.paths, T(ctx), ctx.together))
  const obj = ctx.rng.int(ctx.paths.length)
  const [a, b] = middleWindow(ctx)
  for (let t = a; t <= b; t++) plan.bent[obj][t] = true
  return plan
}

/** A copy of an object stays on a cell it left, or appears on a free cell, for a few frames. */
export function multiDuplicate(ctx: MultiContext, freeCells: number[]): MultiPlan | null {
  const base = schedule(ctx.paths, T(ctx), ctx.together)
  const cands: (() => MultiPlan | null)[] = []
  for (let obj = 0; obj < base.length; obj++) {
    for (let a = 1; a <= T(ctx) - 2; a++) {
      const cells = base[obj][a] !== base[obj][a - 1] ? [base[obj][a - 1]] : freeCells.slice(0, 3)
      for (const cell of cells) {
        cands.push(() => {
          const plan = planOf(base)
          const b = Math.min(T(ctx) - 2, a + 1)
          for (let t = a; t <= b; t++) plan.ghosts.push({ obj, cell, t })
          return collisionFree(plan) ? plan : null
        })
      }
    }
  }
  return pickPlan(ctx, cands)
}
