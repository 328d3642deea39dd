import { describe, expect, it } from 'vitest'
import { createRng, rngFor } from '../../../src/main/engine/tasks/rng'

describe('seeded randomness', () => {
  it('repeats for the same seed and differs across seeds and purposes', () => {
    const a = Array.from({ length: 5 }, createRng(42).next)
    const b = createRng(42)
    expect(Array.from({ length: 5 }, b.next)).toEqual(a)
    expect(rngFor('maze', 'train', 1).next()).not.toBe(rngFor('maze', 'heldout', 1).next())
  })

  it('keeps integers in range and shuffles into a permutation', () => {
    const r = createRng(1)
    for (let i = 0; i < 1000; i++) {
      const v = r.range(3, 7)
      expect(v).toBeGreaterThanOrEqual(3)
      expect(v).toBeLessThanOrEqual(7)
    }
    expect(r.shuffle([1, 2, 3, 4, 5]).sort()).toEqual([1, 2, 3, 4, 5])
    expect(() => r.pick([])).toThrow(/empty/)
  })
})
