/**
 * Two methods on the same tasks: how sure is "A beats B"? The benchmark's methods run on the same
 * tasks (best-of-N's first candidate is the base sample's seed), so the comparison is paired: the mean
 * of the per-task differences with a percentile bootstrap interval over the tasks, and an exact sign
 * test on the tasks where the two disagree. modelkit/teacher_studio_modelkit/paired.py is the same for
 * the Python measurements. Pure, seeded, unit-tested (tests/bench/paired.test.ts).
 */
export const RESAMPLES = 10_000
export const LEVEL = 0.95

export interface Interval {
  mean: number
  low: number
  high: number
}

/** mulberry32: a small seeded generator, so that an interval is the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Mean of a[i] - b[i] (0/1 outcomes or scores) with its bootstrap interval at `level`, tasks resampled with replacement. */
export function meanDifference(a: readonly number[], b: readonly number[], resamples = RESAMPLES, level = LEVEL, seed = 0): Interval {
  if (a.length !== b.length || a.length === 0) throw new Error(`paired outcomes need the same, non-zero number of tasks (${a.length} and ${b.length})`)
  const d = a.map((x, i) => x - b[i])
  const n = d.length
  const mean = d.reduce((s, x) => s + x, 0) / n
  const rand = seeded(seed)
  const means = new Float64Array(resamples)
  for (let r = 0; r < resamples; r++) {
    let s = 0
    for (let i = 0; i < n; i++) s += d[Math.floor(rand() * n)]
    means[r] = s / n
  }
  means.sort()
  const at = (q: number) => {
    // linear interpolation between order statistics, as numpy's default quantile
    const pos = q * (resamples - 1)
    const lo = Math.floor(pos)
    return means[lo] + (means[Math.min(lo + 1, resamples - 1)] - means[lo]) * (pos - lo)
  }
  return { mean, low: at((1 - level) / 2), high: at((1 + level) / 2) }
}

/** ln(n choose k), exact enough for any number of tasks a benchmark runs. */
function logChoose(n: number, k: number): number {
  let s = 0
  for (let i = 1; i <= k; i++) s += Math.log(n - k + i) - Math.log(i)
  return s
}

/** Two-sided exact sign test (McNemar's, exact) on paired successes: tasks A alone passes, tasks B alone passes, p. */
export function signTest(a: readonly boolean[], b: readonly boolean[]): { wins: number; losses: number; p: number } {
  let wins = 0
  let losses = 0
  a.forEach((x, i) => {
    if (x && !b[i]) wins++
    else if (!x && b[i]) losses++
  })
  const n = wins + losses
  if (n === 0) return { wins, losses, p: 1 }
  let tail = 0
  for (let k = 0; k <= Math.min(wins, losses); k++) tail += Math.exp(logChoose(n, k) - n * Math.LN2)
  return { wins, losses, p: Math.min(1, 2 * tail) }
}

/** Significance level of the readings: a two-sided exact sign test under it calls a difference. */
export const ALPHA = 0.05

/**
 * Plain words for a paired comparison of A with B, from the exact sign test: the bootstrap interval
 * can leave out 0 on a handful of disagreements where the exact test does not (9 wins to 2: p = 0.065),
 * so the test, which needs no approximation, decides; the interval gives the size.
 */
export function reading(t: { wins: number; losses: number; p: number }, a: string, b: string): string {
  return t.p >= ALPHA ? 'within noise' : t.wins > t.losses ? `${a} better` : `${b} better`
}
