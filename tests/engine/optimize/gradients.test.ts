import { describe, expect, it } from 'vitest'
import { clipByGlobalNorm, globalNorm } from '../../../src/main/engine/optimize/gradients'

describe('gradient norms', () => {
  it('computes the global norm across tensors', () => {
    expect(globalNorm({ a: new Float32Array([3]), b: new Float32Array([4]) })).toBeCloseTo(5)
  })

  it('clips to the max norm and keeps direction', () => {
    const g = { a: new Float32Array([3]), b: new Float32Array([4]) }
    const before = clipByGlobalNorm(g, 1)
    expect(before).toBeCloseTo(5)
    expect(globalNorm(g)).toBeCloseTo(1, 5)
    expect(g.a[0] / g.b[0]).toBeCloseTo(0.75)
  })

  it('leaves small gradients alone', () => {
    const g = { a: new Float32Array([0.3, 0.4]) }
    clipByGlobalNorm(g, 1)
    expect(Array.from(g.a)).toEqual([Float32Array.from([0.3])[0], Float32Array.from([0.4])[0]])
  })
})
