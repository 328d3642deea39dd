import type { Run, RunMethod } from '../../../shared'

export const METHOD_LABELS: Record<RunMethod, string> = {
  teacher: 'Teacher',
  'best-of-n': 'Best-of-N',
  base: 'Base sample',
  solver: 'Solver',
}

/** "1 m 05 s", "12.3 s", "850 ms". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—'
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  const s = Math.round(ms / 1000)
  return `${Math.floor(s / 60)} m ${String(s % 60).padStart(2, '0')} s`
}

/**
 * A teacher loss: four decimals, or two significant digits below 0.001 (a confident teacher's loss
 * on a right video is 1e-5 or less, which four decimals would show as 0.0000).
 */
export function formatLoss(loss: number): string {
  return loss !== 0 && Math.abs(loss) < 0.001 ? loss.toExponential(1) : loss.toFixed(4)
}

export const formatProbability = (p: number | null | undefined) => (p === null || p === undefined ? '—' : p.toFixed(3))

/** The lowest final P(Yes) across the run's queries: the rule the video satisfies least. */
export function weakestPYes(run: Run): number | null {
  const p = run.result?.finalPYes
  return p && p.length ? Math.min(...p) : null
}

/** A teacher run that ended on the base video: the teacher was confident in it before any LoRA update. */
export function keptBaseVideo(run: Pick<Run, 'method' | 'result'>): boolean {
  return run.method === 'teacher' && run.result?.stopReason === 'confident' && run.result.updates === 0
}

/**
 * The seed of the sample a teacher run started from when the teacher picked it among several (settings.pickOf)
 * and it is not the run's own seed; null otherwise (the loop started from the run's own noise).
 */
export function pickedSeed(run: Pick<Run, 'method' | 'result' | 'settings'>): number | null {
  if (run.method !== 'teacher' || !run.result?.candidates || run.result.chosenIndex === null) return null
  const seed = run.result.candidates[run.result.chosenIndex]?.seed
  return seed === undefined || seed === run.settings.seed ? null : seed
}

/** Short label of a run query for legends: "goal", "process 1", ... */
export function queryLabels(run: Pick<Run, 'queries'>): string[] {
  let process = 0
  return run.queries.map((q) => (q.kind === 'goal' ? 'goal' : `process ${++process}`))
}

export const shortId = (id: string) => id.slice(0, 8)
