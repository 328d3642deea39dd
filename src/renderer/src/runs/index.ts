/** Runs: the run form (method + hyperparameters), the queue with progress and cancel, data hooks. */
export { RunForm } from './RunForm'
export { RunQueuePanel } from './RunQueuePanel'
export { useQueue, useRun, useRunSteps, useRunVideos, useRuntimeInfo, useTaskRuns, type RunProgress } from './hooks'
export { formatDuration, formatProbability, METHOD_LABELS, queryLabels, shortId, weakestPYes } from './format'
export { RunDetails } from './RunDetails'
export { RunsPanel } from './RunsPanel'
