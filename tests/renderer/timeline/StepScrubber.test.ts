import { describe, expect, it } from 'vitest'
import { showsBaseVideo } from '../../../src/renderer/src/timeline/StepScrubber'
import type { Run, Step } from '../../../src/shared'

const run = (stopReason: string, updates: number) => ({ result: { stopReason, updates } }) as unknown as Run
const step = (index: number, gradNorm: number) => ({ index, gradNorm }) as Step

describe('the step timeline', () => {
  it('labels step 0 as the base video only when the run ended on it before any teacher step', () => {
    expect(showsBaseVideo(run('confident', 0), step(0, 0))).toBe(true)
    // a preview computed by a teacher step has a gradient (runs recorded before the base video was judged first)
    expect(showsBaseVideo(run('confident', 0), step(0, 0.37))).toBe(false)
    expect(showsBaseVideo(run('confident', 3), step(0, 0))).toBe(false)
    expect(showsBaseVideo(run('max-steps', 0), step(0, 0))).toBe(false)
    expect(showsBaseVideo(run('confident', 0), step(1, 0))).toBe(false)
    expect(showsBaseVideo({ result: null } as unknown as Run, step(0, 0))).toBe(false)
  })
})
