/** The timeline of one run: preview frames per step, base vs optimized video, per-rule verdicts. */
export { StepScrubber } from './StepScrubber'
export { VideoCompare } from './VideoCompare'
export { Verdicts } from './Verdicts'
export { Candidates } from './Candidates'
