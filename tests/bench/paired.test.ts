import { describe, expect, it } from 'vitest'
import { meanDifference, reading, signTest } from '../../bench/paired'

/** Paired outcomes with that many tasks A alone passes, B alone passes, both pass, neither passes. */
function outcomes(wins: number, losses: number, both: number, neither: number): [boolean[], boolean[]] {
  const a = [...Array(wins).fill(true), ...Array(losses).fill(false), ...Array(both).fill(true), ...Array(neither).fill(false)]
  const b = [...Array(wins).fill(false), ...Array(losses).fill(true), ...Array(both).fill(true), ...Array(neither).fill(false)]
  return [a, b]
}
const num = (xs: boolean[]) => xs.map(Number)
const diff = (a: boolean[], b: boolean[]) => meanDifference(num(a), num(b))

describe('paired comparisons', () => {
  it('puts a bootstrap interval around the mean difference that narrows with more tasks', () => {
    const [a, b] = outcomes(30, 10, 40, 20) // +0.2, per-task sd 0.6: standard error 0.06
    const i = diff(a, b)
    expect(i.mean).toBeCloseTo(0.2)
    expect(i.low).toBeGreaterThan(0.05)
    expect(i.low).toBeLessThan(0.12)
    expect(i.high).toBeGreaterThan(0.28)
    expect(i.high).toBeLessThan(0.35)
    const four = diff([...a, ...a, ...a, ...a], [...b, ...b, ...b, ...b])
    expect((four.high - four.low) / (i.high - i.low)).toBeCloseTo(0.5, 1)
    expect(diff(a, b)).toEqual(i) // seeded: the same interval every run
    expect(diff(a, a)).toEqual({ mean: 0, low: 0, high: 0 })
    expect(() => meanDifference([1], [1, 0])).toThrow(/same, non-zero number of tasks/)
  })

  it('reads a difference from the exact sign test, not from the interval alone', () => {
    const read = (w: number, l: number, both: number, neither: number) => reading(signTest(...outcomes(w, l, both, neither)), 'teacher', 'best-of-N')
    expect(read(3, 1, 90, 6)).toBe('within noise')
    expect(read(30, 10, 40, 20)).toBe('teacher better')
    expect(read(10, 30, 40, 20)).toBe('best-of-N better')
    // 9 wins to 2 on 100 tasks: the bootstrap interval leaves out 0, the exact test (p = 0.065) does not
    expect(diff(...outcomes(9, 2, 50, 39)).low).toBeGreaterThan(0)
    expect(read(9, 2, 50, 39)).toBe('within noise')
  })

  it('runs the exact sign test on the tasks where the two disagree', () => {
    expect(signTest(...outcomes(10, 0, 5, 5))).toEqual({ wins: 10, losses: 0, p: expect.closeTo(2 / 1024, 12) })
    expect(signTest(...outcomes(8, 2, 0, 0)).p).toBeCloseTo((2 * (1 + 10 + 45)) / 1024, 12)
    expect(signTest(...outcomes(2, 8, 0, 0)).p).toBeCloseTo(signTest(...outcomes(8, 2, 0, 0)).p, 12)
    expect(signTest(...outcomes(5, 5, 3, 3))).toEqual({ wins: 5, losses: 5, p: 1 })
    expect(signTest(...outcomes(0, 0, 7, 3)).p).toBe(1)
    expect(signTest(...outcomes(600, 400, 0, 0)).p).toBeGreaterThan(0) // many tasks: no overflow
    expect(signTest(...outcomes(600, 400, 0, 0)).p).toBeLessThan(1e-8)
  })
})
