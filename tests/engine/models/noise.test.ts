import { describe, expect, it } from 'vitest'
import { seededUniform, standardNormal } from '../../../src/main/engine/models/noise'

describe('seeded noise', () => {
  it('is reproducible per seed and differs across seeds', () => {
    expect(Array.from(standardNormal(6, 7))).toEqual(Array.from(standardNormal(6, 7)))
    expect(Array.from(standardNormal(6, 7))).not.toEqual(Array.from(standardNormal(6, 8)))
  })

  it('has zero mean and unit variance', () => {
    const z = standardNormal(100_000, 1)
    const mean = z.reduce((s, v) => s + v, 0) / z.length
    const variance = z.reduce((s, v) => s + (v - mean) ** 2, 0) / z.length
    expect(Math.abs(mean)).toBeLessThan(0.02)
    expect(Math.abs(variance - 1)).toBeLessThan(0.02)
  })

  it('draws uniforms in [0, 1)', () => {
    const u = seededUniform(3)
    for (let i = 0; i < 1000; i++) {
      const v = u()
      expect(v).toBeGreaterThanOrEqual(0)
      expect(v).toBeLessThan(1)
    }
  })
})
