/**
 * The messages between the run queue (main thread, owns the project file) and the run worker
 * (worker thread, owns the models). Frames travel as raw RGB bytes; the main thread encodes PNGs
 * when it stores them.
 */
import type { RunMethod, RunQuery, RunResult, RunSettings } from '../../../shared'
import type { ProviderChoice } from '../runtime'
import type { NewStep } from '../store'

export interface RunRequest {
  runId: string
  method: RunMethod
  settings: RunSettings
  queries: RunQuery[]
  instruction: string
  firstFrame: { width: number; height: number; rgb: Uint8Array }
  /** The task's suite family, when it has one: the rule-based evaluator judges the videos. */
  family: string | null
  packageDir: string
}

export interface PlanRequest {
  requestId: number
  instruction: string
  packageDir: string
}

export type ToWorker =
  | { type: 'run'; request: RunRequest }
  | { type: 'cancel'; runId: string }
  | { type: 'plan'; request: PlanRequest }

/** A step as the worker reports it: the stored step's metrics, preview frames as raw RGB. */
export type WorkerStep = Omit<NewStep, 'previewFrames'> & { preview: Uint8Array[] }

export type FromWorker =
  | { type: 'run-started'; runId: string; provider: ProviderChoice; maxSteps: number }
  | { type: 'run-step'; runId: string; step: WorkerStep }
  | { type: 'run-video'; runId: string; kind: 'base' | 'candidate' | 'final'; fps: number; width: number; height: number; frames: Uint8Array[] }
  | { type: 'run-progress'; runId: string; completed: number; total: number }
  | { type: 'run-finished'; runId: string; status: 'done' | 'cancelled'; result: RunResult }
  | { type: 'run-failed'; runId: string; error: string }
  | { type: 'plan-done'; requestId: number; queries: { kind: 'goal' | 'process'; text: string }[] }
  | { type: 'plan-failed'; requestId: number; error: string }
