import { describe, expect, it } from 'vitest'
import { formatDuration, formatLoss, formatProbability, keptBaseVideo, pickedSeed, queryLabels, weakestPYes } from '../../../src/renderer/src/runs/format'
import type { Run } from '../../../src/shared'

const run = (finalPYes: number[] | null) => ({ result: finalPYes === null ? null : { finalPYes } }) as unknown as Run

describe('run formatting', () => {
  it('formats durations for progress and ETA', () => {
    expect(formatDuration(null)).toBe('—')
    expect(formatDuration(850.4)).toBe('850 ms')
    expect(formatDuration(12_345)).toBe('12.3 s')
    expect(formatDuration(65_000)).toBe('1 m 05 s')
  })

  it('shows a loss with four decimals, and a confident teacher\'s tiny loss in two significant digits', () => {
    expect(formatLoss(0.21999)).toBe('0.2200')
    expect(formatLoss(3.5)).toBe('3.5000')
    expect(formatLoss(0)).toBe('0.0000')
    expect(formatLoss(0.0001234)).toBe('1.2e-4')
    expect(formatLoss(4e-7)).toBe('4.0e-7')
  })

  it('labels queries goal, process 1, process 2 in run order', () => {
    expect(queryLabels({ queries: [{ kind: 'process' }, { kind: 'goal' }, { kind: 'process' }] } as Run)).toEqual(['process 1', 'goal', 'process 2'])
  })

  it('reports the weakest final P(Yes), or nothing before the run ends', () => {
    expect(weakestPYes(run([0.9, 0.42, 0.7]))).toBe(0.42)
    expect(weakestPYes(run(null))).toBeNull()
    expect(formatProbability(0.42)).toBe('0.420')
  })

  it('says a teacher run kept the base video only when it stopped confident before any update', () => {
    const teacher = (stopReason: string, updates: number) => ({ method: 'teacher', result: { stopReason, updates } }) as unknown as Run
    expect(keptBaseVideo(teacher('confident', 0))).toBe(true)
    expect(keptBaseVideo(teacher('confident', 3))).toBe(false)
    expect(keptBaseVideo(teacher('max-steps', 0))).toBe(false)
    expect(keptBaseVideo({ method: 'best-of-n', result: { stopReason: 'picked', updates: 0 } } as unknown as Run)).toBe(false)
    expect(keptBaseVideo({ method: 'teacher', result: null } as unknown as Run)).toBe(false)
  })

  it('names the seed a teacher run started from only when the teacher picked another sample than the run\'s own', () => {
    const pool = [{ seed: 7 }, { seed: 8 }, { seed: 9 }]
    const teacher = (chosenIndex: number | null, candidates: unknown = pool) => ({ method: 'teacher', settings: { seed: 7 }, result: { candidates, chosenIndex } }) as unknown as Run
    expect(pickedSeed(teacher(2))).toBe(9)
    expect(pickedSeed(teacher(0))).toBeNull()
    expect(pickedSeed(teacher(null, null))).toBeNull()
    expect(pickedSeed({ method: 'best-of-n', settings: { seed: 7 }, result: { candidates: pool, chosenIndex: 2 } } as unknown as Run)).toBeNull()
    expect(pickedSeed({ method: 'teacher', settings: { seed: 7 }, result: null } as unknown as Run)).toBeNull()
  })
})
