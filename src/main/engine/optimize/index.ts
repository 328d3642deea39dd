/**
 * optimize/: the test-time loop's math. Adam on the LoRA tensors, the lambda-weighted teacher
 * objective, gradient clipping and the early-stop decision — pure functions, no I/O.
 */
export { adamStep, createAdamState, defaultAdamSettings } from './adam'
export type { AdamSettings, AdamState, NamedTensors } from './adam'
export { clipByGlobalNorm, globalNorm } from './gradients'
export { queryLossWeights, teacherLoss } from './objective'
export type { WeightedQuery } from './objective'
export { BestSoFar, stopReason } from './early-stop'
export type { StopReason, StopRule } from './early-stop'
