/**
 * Pure aggregation of per-task benchmark records into the tables the benchmark prints.
 * Kept free of I/O so it is unit-tested (tests/bench/summarize.test.ts).
 */
import { meanDifference, reading, signTest, type Interval } from './paired'

export interface Outcome {
  success: boolean
  score: number
}

export interface TeacherOutcome extends Outcome {
  updates: number
  seconds: number
  /** Teacher confident (P(Yes) >= confidence) on every query of the final video. */
  confident: boolean
}

export interface TaskRecord {
  family: string
  seed: number
  writerCorrect: boolean
  base: Outcome & { seconds: number }
  teacher: TeacherOutcome
  lambdaOne: TeacherOutcome
  generic: TeacherOutcome
  /** The method's stop on the preview alone: no final video rendered to confirm it (absent in older records). */
  previewStop?: TeacherOutcome
  /** Fixed budgets without early stop: outcome after k updates, k = 0..maxBudget. */
  budgets: Outcome[]
  /** Candidates from seeds seed..seed+N-1: teacher loss and evaluator outcome. */
  candidates: (Outcome & { loss: number })[]
  candidateSeconds: number
  solver: Outcome & { seconds: number }
}

export interface MethodRow {
  method: string
  tasks: number
  successPct: number
  meanScore: number
  meanSteps: number | null
  secondsPerTask: number
  hackingPct: number | null
  oraclePct: number | null
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0)
const pct = (xs: boolean[]) => 100 * mean(xs.map(Number))

/** Seconds one best-of-N candidate of a task cost (sample, answer, judging), from the candidates it drew. */
export function secondsPerCandidate(r: TaskRecord): number {
  return r.candidateSeconds / Math.max(r.candidates.length, 1)
}

export interface MatchedN {
  n: number
  /** The teacher method's mean seconds per task over one candidate's: N before rounding and capping. */
  ratio: number
  teacherSeconds: number
  candidateSeconds: number
  /** N was cut to the candidates drawn per task, so best-of-N got less time than the teacher method. */
  capped: boolean
}

/**
 * Best-of-N compute-matched to the teacher method by measured time, as method.md compares them
 * (69 s per sample for the method against 70 s for best-of-5): N is the mean teacher run's seconds
 * (its steps, each a forward and backward pass of both models, plus the final render) over the mean
 * candidate's, at least 1 and at most the maxN candidates drawn per task.
 */
export function matchedN(records: readonly TaskRecord[], maxN: number): MatchedN {
  const teacherSeconds = mean(records.map((r) => r.teacher.seconds))
  const candidateSeconds = mean(records.map(secondsPerCandidate))
  const ratio = candidateSeconds > 0 ? teacherSeconds / candidateSeconds : 1
  const n = Math.max(1, Math.round(ratio))
  return { n: Math.min(n, maxN), ratio, teacherSeconds, candidateSeconds, capped: n > maxN }
}

/** The teacher's pick among the first n candidates (lowest loss) and whether any of them succeeds (oracle). */
export function bestOf(record: TaskRecord, n: number): { pick: Outcome; oracle: boolean } {
  const first = record.candidates.slice(0, n)
  const pick = first.reduce((best, c) => (c.loss < best.loss ? c : best), first[0])
  return { pick, oracle: first.some((c) => c.success) }
}

function teacherRow(method: string, rs: readonly TaskRecord[], get: (r: TaskRecord) => TeacherOutcome): MethodRow {
  const outs = rs.map(get)
  return {
    method,
    tasks: rs.length,
    successPct: pct(outs.map((o) => o.success)),
    meanScore: mean(outs.map((o) => o.score)),
    meanSteps: mean(outs.map((o) => o.updates)),
    secondsPerTask: mean(outs.map((o) => o.seconds)),
    hackingPct: pct(outs.map((o) => o.confident && !o.success)),
    oraclePct: null,
  }
}

export function methodRows(rs: readonly TaskRecord[], n: number): MethodRow[] {
  const base: MethodRow = {
    method: 'base (1 sample)', tasks: rs.length, successPct: pct(rs.map((r) => r.base.success)), meanScore: mean(rs.map((r) => r.base.score)),
    meanSteps: null, secondsPerTask: mean(rs.map((r) => r.base.seconds)), hackingPct: null, oraclePct: null,
  }
  const picks = rs.map((r) => bestOf(r, n))
  const best: MethodRow = {
    method: `best-of-${n} (teacher picks)`, tasks: rs.length, successPct: pct(picks.map((p) => p.pick.success)), meanScore: mean(picks.map((p) => p.pick.score)),
    meanSteps: null, secondsPerTask: mean(rs.map((r) => secondsPerCandidate(r) * n)), hackingPct: null,
    oraclePct: pct(picks.map((p) => p.oracle)),
  }
  const solver: MethodRow = {
    method: 'VLM-as-solver', tasks: rs.length, successPct: pct(rs.map((r) => r.solver.success)), meanScore: mean(rs.map((r) => r.solver.score)),
    meanSteps: null, secondsPerTask: mean(rs.map((r) => r.solver.seconds)), hackingPct: null, oraclePct: null,
  }
  return [base, best, solver, teacherRow('VLM-as-teacher (ours)', rs, (r) => r.teacher)]
}

export function ablationRows(rs: readonly TaskRecord[]): MethodRow[] {
  const rows = [teacherRow('teacher, lambda = 1 (no process queries)', rs, (r) => r.lambdaOne), teacherRow('teacher, generic queries', rs, (r) => r.generic)]
  if (rs.every((r) => r.previewStop)) rows.push(teacherRow('teacher, stop on the preview alone (not confirmed)', rs, (r) => r.previewStop!))
  const maxBudget = Math.min(...rs.map((r) => r.budgets.length - 1))
  for (const k of [0, 5, 10, 16].filter((b) => b <= maxBudget)) {
    rows.push({
      method: `fixed budget ${k} steps (no early stop)`, tasks: rs.length, successPct: pct(rs.map((r) => r.budgets[k].success)),
      meanScore: mean(rs.map((r) => r.budgets[k].score)), meanSteps: k, secondsPerTask: NaN, hackingPct: null, oraclePct: null,
    })
  }
  return rows
}

/** Success rate after k fixed updates, k = 0..max: the curve of success against steps. */
export function successCurve(rs: readonly TaskRecord[]): number[] {
  const maxBudget = Math.min(...rs.map((r) => r.budgets.length - 1))
  return Array.from({ length: maxBudget + 1 }, (_, k) => pct(rs.map((r) => r.budgets[k].success)))
}

const cell = (v: number | null, digits = 1) => (v === null || Number.isNaN(v) ? '–' : v.toFixed(digits))

export function markdownTable(rows: readonly MethodRow[]): string {
  const head = '| method | tasks | success % | mean score | mean steps | s / task | hacking % | oracle pass@N % |\n|---|---|---|---|---|---|---|---|'
  const body = rows.map((r) => `| ${r.method} | ${r.tasks} | ${cell(r.successPct)} | ${cell(r.meanScore, 3)} | ${cell(r.meanSteps)} | ${cell(r.secondsPerTask, 2)} | ${cell(r.hackingPct)} | ${cell(r.oraclePct)} |`)
  return [head, ...body].join('\n')
}

export interface PairedRow {
  against: string
  teacherPct: number
  otherPct: number
  /** teacher minus the other method, success rate (0-1), with its 95 % bootstrap interval over the tasks. */
  difference: Interval
  wins: number
  losses: number
  p: number
  reading: string
}

/** The teacher method against base, best-of-n and the solver on the same tasks (paired: bench/paired.ts). */
export function pairedRows(rs: readonly TaskRecord[], n: number): PairedRow[] {
  const teacher = rs.map((r) => r.teacher.success)
  const others: [string, boolean[]][] = [
    ['base (1 sample)', rs.map((r) => r.base.success)],
    [`best-of-${n} (teacher picks)`, rs.map((r) => bestOf(r, n).pick.success)],
    ['VLM-as-solver', rs.map((r) => r.solver.success)],
  ]
  return others.map(([against, other]) => {
    const test = signTest(teacher, other)
    return { against, teacherPct: pct(teacher), otherPct: pct(other), difference: meanDifference(teacher.map(Number), other.map(Number)), ...test, reading: reading(test, 'teacher', 'the other') }
  })
}

const points = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}`

export const PAIRED_NOTE = 'The teacher method against each other method on the same tasks: the difference in success with its 95 % bootstrap interval over the tasks, the tasks each alone passes, and the exact sign test on them. "Within noise": the sign test gives p >= 0.05 (with few disagreements the interval can leave out 0 where the exact test does not).'

export function pairedTable(rows: readonly PairedRow[]): string {
  const head = '| teacher against | teacher % | other % | teacher - other, points (95 % CI) | tasks won / lost | sign test p | reading |\n|---|---|---|---|---|---|---|'
  const body = rows.map((r) => `| ${r.against} | ${cell(r.teacherPct)} | ${cell(r.otherPct)} | ${points(r.difference.mean)} (${points(r.difference.low)} to ${points(r.difference.high)}) | ${r.wins} / ${r.losses} | ${r.p.toPrecision(2)} | ${r.reading} |`)
  return [head, ...body].join('\n')
}
