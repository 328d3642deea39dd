/**
 * A single agent walking a path (maze, collect) and the corruptions of its track: wall clip,
 * teleport, stop short, duplicate, vanish, shape change. Each returns a new plan or null when it
 * cannot apply to this instance.
 */
import { A } from './appearance'
import { manhattan, type Geometry } from './geometry'
import { holdLast, lRoutes, type Placed } from './grid'
import type { Rng } from './rng'

export interface AgentPlan {
  /** Agent cell per frame (length T). */
  pos: number[]
  hidden: boolean[]
  bent: boolean[]
  /** A second agent's cell per frame, or -1. */
  ghost: number[]
}

export function planFromPath(path: number[], frames: number): AgentPlan {
  return {
    pos: holdLast(path, frames),
    hidden: new Array(frames).fill(false),
    bent: new Array(frames).fill(false),
    ghost: new Array(frames).fill(-1),
  }
}

export function agentSprites(plan: AgentPlan, t: number): Placed[] {
  const out: Placed[] = []
  if (plan.ghost[t] >= 0) out.push({ cell: plan.ghost[t], appearance: A.agent })
  if (!plan.hidden[t]) out.push({ cell: plan.pos[t], appearance: plan.bent[t] ? A.agentBent : A.agent })
  return out
}

export interface TrackContext {
  geometry: Geometry
  /** The ground-truth path, start first (length <= T). */
  path: number[]
  rng: Rng
  isWall(cell: number): boolean
  /** May these path cells be skipped without breaking another rule (e.g. no coin among them)? */
  maySkip(cells: number[]): boolean
  /** May the agent look wrong or be missing in frame t without breaking another rule? */
  quiet(t: number, plan: AgentPlan): boolean
}

const frames = (ctx: TrackContext) => ctx.geometry.frames

/** Shortcut through a wall: an L-shaped route between two path cells that crosses a wall. */
export function wallClip(ctx: TrackContext): AgentPlan | null {
  const p = ctx.path
  const options: number[][] = []
  for (let i = 0; i < p.length; i++) {
    for (let j = i + 2; j < p.length; j++) {
      for (const route of lRoutes(ctx.geometry, p[i], p[j])) {
        if (route.length > j - i || !route.some(ctx.isWall)) continue
        const skipped = p.slice(i + 1, j).filter((c) => !route.includes(c))
        if (!ctx.maySkip(skipped)) continue
        options.push([...p.slice(0, i + 1), ...route, ...p.slice(j + 1)])
      }
    }
  }
  return options.length ? planFromPath(ctx.rng.pick(options), frames(ctx)) : null
}

/** The agent jumps two or more cells between two frames. */
export function teleport(ctx: TrackContext): AgentPlan | null {
  const p = ctx.path
  const options: number[][] = []
  for (let i = 0; i < p.length; i++) {
    for (let j = i + 2; j < p.length; j++) {
      if (manhattan(ctx.geometry, p[i], p[j]) < 2 || !ctx.maySkip(p.slice(i + 1, j))) continue
      options.push([...p.slice(0, i + 1), ...p.slice(j)])
    }
  }
  return options.length ? planFromPath(ctx.rng.pick(options), frames(ctx)) : null
}

/** The agent stops 1-3 cells before the end of its path. */
export function stopShort(ctx: TrackContext): AgentPlan | null {
  const p = ctx.path
  const options: number[][] = []
  for (let k = 1; k <= Math.min(3, p.length - 1); k++) {
    const cut = p.slice(0, p.length - k)
    if (cut[cut.length - 1] !== p[p.length - 1]) options.push(cut)
  }
  return options.length ? planFromPath(ctx.rng.pick(options), frames(ctx)) : null
}

function windows(ctx: TrackContext, plan: AgentPlan, ok: (t: number) => boolean): [number, number][] {
  const T = frames(ctx)
  const out: [number, number][] = []
  for (let a = 1; a <= T - 2; a++) {
    for (let b = a; b <= Math.min(a + 2, T - 2); b++) {
      let good = true
      for (let t = a; t <= b && good; t++) good = ok(t) && ctx.quiet(t, plan)
      if (good) out.push([a, b])
    }
  }
  return out
}

/** A copy of the agent stays behind on a cell it just left, for a few middle frames. */
export function duplicate(ctx: TrackContext): AgentPlan | null {
  const base = planFromPath(ctx.path, frames(ctx))
  const options: AgentPlan[] = []
  for (let a = 1; a <= frames(ctx) - 2; a++) {
    const ghost = base.pos[a - 1]
    if (ghost === base.pos[a]) continue
    const b = Math.min(a + ctx.rng.int(3), frames(ctx) - 2)
    let good = true
    for (let t = a; t <= b; t++) if (base.pos[t] === ghost) good = false
    if (!good) continue
    const plan = planFromPath(ctx.path, frames(ctx))
    for (let t = a; t <= b; t++) plan.ghost[t] = ghost
    options.push(plan)
  }
  return options.length ? ctx.rng.pick(options) : null
}

/** The agent disappears for one to three middle frames. */
export function vanish(ctx: TrackContext): AgentPlan | null {
  const plan = planFromPath(ctx.path, frames(ctx))
  const w = windows(ctx, plan, () => true)
  if (!w.length) return null
  const [a, b] = ctx.rng.pick(w)
  for (let t = a; t <= b; t++) plan.hidden[t] = true
  return plan
}

/** The agent turns into a cross for one to three middle frames. */
export function shapeChange(ctx: TrackContext): AgentPlan | null {
  const plan = planFromPath(ctx.path, frames(ctx))
  const w = windows(ctx, plan, () => true)
  if (!w.length) return null
  const [a, b] = ctx.rng.pick(w)
  for (let t = a; t <= b; t++) plan.bent[t] = true
  return plan
}
