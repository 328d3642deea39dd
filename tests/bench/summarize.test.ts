import { describe, expect, it } from 'vitest'
import { ablationRows, bestOf, matchedN, methodRows, pairedRows, pairedTable, secondsPerCandidate, successCurve, type TaskRecord } from '../../bench/summarize'

const out = (success: boolean, score = success ? 1 : 0.5) => ({ success, score })
const teacher = (success: boolean, updates: number, confident: boolean) => ({ ...out(success), updates, seconds: 1, confident })

function record(o: { base: boolean; teacher: [boolean, number, boolean]; candidates: [boolean, number][] }): TaskRecord {
  return {
    family: 'maze', seed: 0, writerCorrect: true,
    base: { ...out(o.base), seconds: 0.1 },
    teacher: teacher(...o.teacher), lambdaOne: teacher(false, 3, false), generic: teacher(false, 3, true),
    budgets: Array.from({ length: 17 }, (_, k) => out(k >= 5)),
    candidates: o.candidates.map(([success, loss]) => ({ ...out(success), loss })),
    candidateSeconds: 1.2,
    solver: { ...out(false), seconds: 0.5 },
  }
}

const records = [
  record({ base: false, teacher: [true, 4, true], candidates: [[false, 0.9], [true, 0.5], [false, 0.2], [true, 0.1]] }),
  record({ base: true, teacher: [false, 16, true], candidates: [[true, 0.3], [false, 0.4], [false, 0.6], [false, 0.8]] }),
]

describe('benchmark summaries', () => {
  it('matches best-of-N to the teacher method by measured time', () => {
    // each task drew 4 candidates in 1.2 s: 0.3 s each; a teacher run took 1 s -> N = round(3.33) = 3
    expect(secondsPerCandidate(records[0])).toBeCloseTo(0.3)
    expect(matchedN(records, 12)).toMatchObject({ n: 3, capped: false, teacherSeconds: 1, candidateSeconds: expect.closeTo(0.3) })
    expect(matchedN(records, 12).ratio).toBeCloseTo(10 / 3)
    expect(matchedN(records, 2)).toMatchObject({ n: 2, capped: true })
    // a slower teacher buys more candidates
    const slow = records.map((r) => ({ ...r, teacher: { ...r.teacher, seconds: 3 } }))
    expect(matchedN(slow, 12).n).toBe(10)
  })

  it('lets the teacher pick by loss and the oracle by the evaluator', () => {
    expect(bestOf(records[0], 2)).toEqual({ pick: expect.objectContaining({ success: true, loss: 0.5 }), oracle: true })
    expect(bestOf(records[0], 3).pick.success).toBe(false) // the teacher prefers loss 0.2, a failure
    expect(bestOf(records[1], 3)).toEqual({ pick: expect.objectContaining({ success: true }), oracle: true })
  })

  it('reports success, steps and the hacking rate per method', () => {
    const [base, best, , ours] = methodRows(records, 3)
    expect(base.successPct).toBe(50)
    expect(best.successPct).toBe(50)
    expect(best.oraclePct).toBe(100)
    expect(ours).toMatchObject({ successPct: 50, meanSteps: 10, hackingPct: 50 })
  })

  it('compares the teacher with each method on the same tasks', () => {
    const [base, best, solver] = pairedRows(records, 3)
    // task 0: teacher passes, base fails, best-of-3 picks a failure; task 1: teacher fails, base and best-of-3 pass
    expect(base).toMatchObject({ against: 'base (1 sample)', teacherPct: 50, otherPct: 50, wins: 1, losses: 1, p: 1, reading: 'within noise' })
    expect(base.difference.mean).toBe(0)
    expect(best).toMatchObject({ against: 'best-of-3 (teacher picks)', wins: 1, losses: 1 })
    expect(solver).toMatchObject({ otherPct: 0, wins: 1, losses: 0 })
    expect(solver.difference).toMatchObject({ mean: 0.5, high: 1 })
    expect(pairedTable([solver])).toContain('| VLM-as-solver | 50.0 | 0.0 | +50.0 (+0.0 to +100.0) | 1 / 0 | 1.0 | within noise |')
  })

  it('reads fixed budgets from the rendered curve', () => {
    expect(successCurve(records).slice(4, 6)).toEqual([0, 100])
    expect(ablationRows(records).map((r) => r.method)).toEqual([
      'teacher, lambda = 1 (no process queries)', 'teacher, generic queries',
      'fixed budget 0 steps (no early stop)', 'fixed budget 5 steps (no early stop)', 'fixed budget 10 steps (no early stop)', 'fixed budget 16 steps (no early stop)',
    ])
    expect(ablationRows(records)[1].hackingPct).toBe(100)
  })

  it('adds the preview-only stop as an ablation when every record has it', () => {
    const withPreview = records.map((r) => ({ ...r, previewStop: teacher(r === records[0], 2, true) }))
    const row = ablationRows(withPreview).find((r) => r.method.startsWith('teacher, stop on the preview alone'))
    expect(row).toMatchObject({ successPct: 50, meanSteps: 2, hackingPct: 50 })
    expect(ablationRows([withPreview[0], records[1]]).some((r) => r.method.includes('preview alone'))).toBe(false)
  })
})
