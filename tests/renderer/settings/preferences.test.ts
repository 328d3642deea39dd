import { describe, expect, it } from 'vitest'
import { overridesOf, packageDefaultsFor } from '../../../src/renderer/src/settings/preferences'
import type { RunSettings, RuntimeInfo } from '../../../src/shared'

const settings = (learningRate: number): RunSettings =>
  ({ seed: 0, learningRate, lambda: 0.5, tau: 0.22, maxSteps: 16, provider: 'cpu', candidates: 4 }) as RunSettings
const gridworld = settings(0.02)
const blocks = settings(0.01)
const runtime = {
  package: { defaults: gridworld },
  packages: [
    { id: 'gridworld', families: ['maze', 'collect'], defaults: gridworld, error: null },
    { id: 'blocks', families: ['fall', 'push'], defaults: blocks, error: null },
    { id: 'broken', families: [], defaults: null, error: 'manifest.json is missing' },
  ],
} as unknown as RuntimeInfo

describe('run settings per model package', () => {
  it("starts a task's run form from the package trained on its family, else from the default package", () => {
    expect(packageDefaultsFor(runtime, 'push')?.learningRate).toBe(0.01)
    expect(packageDefaultsFor(runtime, 'maze')?.learningRate).toBe(0.02)
    expect(packageDefaultsFor(runtime, 'sort')?.learningRate).toBe(0.02)
    expect(packageDefaultsFor(runtime, null)?.learningRate).toBe(0.02)
    expect(packageDefaultsFor({ ...runtime, package: null, packages: [] }, 'push')).toBeNull()
  })

  it('saves only the settings the user changed, so the others follow each package', () => {
    expect(overridesOf({ ...gridworld, tau: 0.3, seed: 7 }, gridworld)).toEqual({ tau: 0.3, seed: 7 })
    expect(overridesOf(gridworld, gridworld)).toEqual({})
    // a push task then keeps blocks' learning rate under the user's tau
    expect({ ...blocks, ...overridesOf({ ...gridworld, tau: 0.3 }, gridworld) }).toMatchObject({ learningRate: 0.01, tau: 0.3 })
  })
})
