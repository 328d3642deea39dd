import { describe, expect, it } from 'vitest'
import { earlyStopStep } from '../../../src/renderer/src/charts/RunCurves'
import type { Run, Step } from '../../../src/shared'

const steps = [0, 1, 2].map((index) => ({ index }) as Step)
const ended = (stopReason: string) => ({ result: { stopReason } }) as unknown as Run

describe('early-stop marker', () => {
  it('marks the last step when the run stopped confident, and nothing otherwise', () => {
    expect(earlyStopStep(ended('confident'), steps)).toBe(2)
    expect(earlyStopStep(ended('max-steps'), steps)).toBeNull()
    expect(earlyStopStep(ended('confident'), [])).toBeNull()
    expect(earlyStopStep({ result: null } as unknown as Run, steps)).toBeNull()
  })
})
