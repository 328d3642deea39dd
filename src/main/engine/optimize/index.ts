/**
 * optimize/: the test-time loop (Adam on the LoRA, lambda-weighted teacher objective, gradient
 * clipping, early stop, keep-best) and the baselines it is compared with (base, best-of-N,
 * VLM-as-solver). The math files are pure; the loop and baselines talk to models/ only.
 */
export { adamStep, createAdamState, defaultAdamSettings } from './adam'
export type { AdamSettings, AdamState, NamedTensors } from './adam'
export { clipByGlobalNorm, globalNorm } from './gradients'
export { queryLossWeights, teacherLoss } from './objective'
export type { WeightedQuery } from './objective'
export { BestSoFar, stopReason } from './early-stop'
export type { StopReason, StopRule } from './early-stop'
export { optimizeWithTeacher } from './teacher-loop'
export type { StepReport, TeacherLoopHooks, TeacherLoopResult, TeacherLoopSettings } from './teacher-loop'
export { bestOfN, sampleBase, solveWithTeacher, solverInstructions } from './baselines'
export type { Candidate, CandidateHooks, CandidateSearchResult } from './baselines'
