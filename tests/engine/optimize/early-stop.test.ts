import { describe, expect, it } from 'vitest'
import { BestSoFar, stopReason } from '../../../src/main/engine/optimize/early-stop'

describe('stopReason', () => {
  const rule = { tau: 0.22, maxSteps: 40, earlyStop: true }
  it('stops when the teacher is confident', () => {
    expect(stopReason(0.2, 3, rule)).toBe('confident')
    expect(stopReason(0.3, 3, rule)).toBeNull()
  })
  it('stops at the step budget', () => {
    expect(stopReason(0.9, 40, rule)).toBe('max-steps')
  })
  it('ignores tau for fixed budgets', () => {
    expect(stopReason(0.01, 5, { ...rule, maxSteps: 10, earlyStop: false })).toBeNull()
    expect(stopReason(0.01, 10, { ...rule, maxSteps: 10, earlyStop: false })).toBe('max-steps')
  })
})

describe('BestSoFar', () => {
  it('keeps the snapshot of the lowest loss', () => {
    const best = new BestSoFar<number>()
    best.offer(1.0, 0, () => 10)
    best.offer(0.5, 1, () => 11)
    expect(best.offer(0.7, 2, () => 12)).toBe(false)
    expect(best.value).toBe(11)
    expect(best.index).toBe(1)
    expect(best.loss).toBe(0.5)
  })

  it('keeps a rescored state only until a lower loss comes', () => {
    const best = new BestSoFar<number>()
    best.offer(0.1, 0, () => 10)
    best.rescore(0.9) // its final video was judged worse than its preview
    expect(best.offer(0.5, 1, () => 11)).toBe(true)
    expect(best.value).toBe(11)
    best.rescore(0.6)
    expect(best.offer(0.7, 2, () => 12)).toBe(false)
    expect(best.loss).toBe(0.6)
  })
})
