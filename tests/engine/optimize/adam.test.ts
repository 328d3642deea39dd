import { describe, expect, it } from 'vitest'
import { adamStep, createAdamState, defaultAdamSettings } from '../../../src/main/engine/optimize/adam'

describe('adamStep', () => {
  it('matches torch.optim.Adam (lr 0.1) over three steps', () => {
    // Reference printed by: torch.optim.Adam([p], lr=0.1) on p=[0.5,-1,2] with the gradients below.
    const params = { lora: new Float32Array([0.5, -1.0, 2.0]) }
    let state = createAdamState(params)
    const gradients = [
      [1.0, -2.0, 0.5],
      [0.3, 0.1, -4.0],
      [-1.0, 0.0, 2.0],
    ]
    for (const g of gradients) state = adamStep(params, { lora: new Float32Array(g) }, state, { ...defaultAdamSettings, learningRate: 0.1 })
    expect(state.step).toBe(3)
    const expected = [0.3108935058116913, -0.7879387140274048, 1.9825036525726318]
    params.lora.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5))
  })

  it('minimises a quadratic', () => {
    const params = { w: new Float32Array([3, -2]) }
    let state = createAdamState(params)
    for (let i = 0; i < 500; i++) {
      const grad = new Float32Array([2 * params.w[0], 2 * params.w[1]])
      state = adamStep(params, { w: grad }, state, { ...defaultAdamSettings, learningRate: 0.05 })
    }
    expect(Math.abs(params.w[0])).toBeLessThan(1e-2)
    expect(Math.abs(params.w[1])).toBeLessThan(1e-2)
  })

  it('refuses a missing or misshapen gradient with the parameter name', () => {
    const params = { a: new Float32Array(2) }
    const state = createAdamState(params)
    expect(() => adamStep(params, {}, state, { ...defaultAdamSettings, learningRate: 1 })).toThrow(/"a"/)
    expect(() => adamStep(params, { a: new Float32Array(3) }, state, { ...defaultAdamSettings, learningRate: 1 })).toThrow(/3 values/)
  })
})
