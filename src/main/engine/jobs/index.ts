/**
 * jobs/: runs as work items. The run queue (main thread) stores runs and their steps as they
 * happen; the run worker (worker thread) holds the models and executes the teacher method and the
 * baselines; executeRun is the engine-only core that the CLI and benchmarks call directly.
 */
export { RunQueue } from './run-queue'
export type { QueueState, RunQueueOptions } from './run-queue'
export { executeRun, queryInputs } from './execute-run'
export type { RunHooks, RunOutcome } from './execute-run'
export { ModelCache } from './model-cache'
export type { RunRequest } from './messages'
