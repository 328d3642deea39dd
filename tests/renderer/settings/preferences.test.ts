import { describe, expect, it } from 'vitest'
import { overridesOf } from '../../../src/renderer/src/settings/preferences'
import type { RunSettings } from '../../../src/shared'

const settings = (learningRate: number): RunSettings =>
  ({ seed: 0, learningRate, lambda: 0.5, tau: 0.22, maxSteps: 16, provider: 'cpu', candidates: 4 }) as RunSettings
const gridworld = settings(0.02)
const blocks = settings(0.01)

describe('run settings per model package', () => {
  it('saves only the settings the user changed, so the others follow each package', () => {
    expect(overridesOf({ ...gridworld, tau: 0.3, seed: 7 }, gridworld)).toEqual({ tau: 0.3, seed: 7 })
    expect(overridesOf(gridworld, gridworld)).toEqual({})
    // a push task then keeps blocks' learning rate under the user's tau
    expect({ ...blocks, ...overridesOf({ ...gridworld, tau: 0.3 }, gridworld) }).toMatchObject({ learningRate: 0.01, tau: 0.3 })
  })
})
