import { describe, expect, it } from 'vitest'
import { queryLossWeights, teacherLoss } from '../../../src/main/engine/optimize/objective'

describe('queryLossWeights', () => {
  it('splits lambda between the goal and the mean of the process queries', () => {
    const w = queryLossWeights([{ kind: 'goal', weight: 1 }, { kind: 'process', weight: 1 }, { kind: 'process', weight: 1 }], 0.5)
    expect(w).toEqual([0.5, 0.25, 0.25])
  })

  it('gives everything to the goal when lambda is 1 and to the processes when it is 0', () => {
    const qs = [{ kind: 'goal', weight: 1 }, { kind: 'process', weight: 1 }] as const
    expect(queryLossWeights(qs, 1)).toEqual([1, 0])
    expect(queryLossWeights(qs, 0)).toEqual([0, 1])
  })

  it('keeps the loss scale when a side is missing and applies user weights', () => {
    expect(queryLossWeights([{ kind: 'goal', weight: 2 }], 0.5)).toEqual([2])
    expect(queryLossWeights([{ kind: 'process', weight: 1 }, { kind: 'process', weight: 0.5 }], 0.5)).toEqual([0.5, 0.25])
  })

  it('rejects lambda outside [0, 1]', () => {
    expect(() => queryLossWeights([], 1.5)).toThrow(/lambda/)
  })
})

describe('teacherLoss', () => {
  it('is the weighted negative log of P(Yes)', () => {
    expect(teacherLoss([0.8, 0.5], [0.5, 0.5])).toBeCloseTo(0.5 * -Math.log(0.8) + 0.5 * -Math.log(0.5))
  })

  it('reaches tau 0.22 at about 0.8 confidence on every query', () => {
    expect(teacherLoss([0.8, 0.8], [0.5, 0.5])).toBeLessThan(0.23)
    expect(teacherLoss([0.8, 0.8], [0.5, 0.5])).toBeGreaterThan(0.22)
  })
})
