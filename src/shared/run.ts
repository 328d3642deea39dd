import { z } from 'zod'
import { EncodedFrame, Id, IsoTime } from './bytes'
import { RuleKind } from './rules'

/** How a video is produced: the teacher-guided optimization or one of the baselines. */
export const RunMethod = z.enum(['teacher', 'best-of-n', 'base', 'solver'])
export type RunMethod = z.infer<typeof RunMethod>

export const RunStatus = z.enum(['queued', 'running', 'done', 'cancelled', 'failed', 'interrupted'])
export type RunStatus = z.infer<typeof RunStatus>

/** Statuses a run never leaves. */
export const FINISHED_RUN_STATUSES: readonly RunStatus[] = ['done', 'cancelled', 'failed', 'interrupted']

export const ExecutionProvider = z.enum(['cpu', 'webgpu', 'cuda'])
export type ExecutionProvider = z.infer<typeof ExecutionProvider>

export const RunSettings = z.object({
  seed: z.number().int().min(0).max(2 ** 31 - 1),
  learningRate: z.number().positive().finite(),
  /** Weight of the goal query against the mean of the process queries. */
  lambda: z.number().min(0).max(1),
  /** Early stop when the loss falls to tau or below. */
  tau: z.number().min(0).finite(),
  maxSteps: z.number().int().min(0).max(10_000),
  provider: ExecutionProvider,
  /** Number of candidates for best-of-n. */
  candidates: z.number().int().min(1).max(1000).optional(),
  /**
   * Teacher runs: the teacher first scores this many samples (seeds seed..seed+k-1) and the loop starts from the
   * noise of the one it scores best (modelkit/results/pick_then_teach.md); 1 or absent: the seed's own noise, the
   * method as published.
   */
  pickOf: z.number().int().min(1).max(64).optional(),
  /** Clip the LoRA gradient's global L2 norm to this value before each Adam update; 0 or absent: off. */
  gradientClip: z.number().min(0).finite().optional(),
})
export type RunSettings = z.infer<typeof RunSettings>

/** The queries a run used, copied at its start so later edits do not rewrite history. */
export const RunQuery = z.object({
  kind: RuleKind,
  text: z.string(),
  weight: z.number(),
  ruleId: z.string().nullable(),
})
export type RunQuery = z.infer<typeof RunQuery>

export const RunTimings = z.object({
  createdAt: IsoTime,
  startedAt: IsoTime.nullable(),
  finishedAt: IsoTime.nullable(),
})

/** What actually ran: the provider asked for, the one used, and why they differ. */
export const ProviderUse = z.object({
  requested: ExecutionProvider,
  actual: ExecutionProvider,
  fallbackReason: z.string().nullable(),
})
export type ProviderUse = z.infer<typeof ProviderUse>

/** The rule-based evaluator's verdict on a video (suite tasks only; it never sees the teacher). */
export const EvaluatorVerdict = z.object({
  goal: z.boolean(),
  process: z.array(z.object({ rule: z.string(), ok: z.boolean() })),
  score: z.number().min(0).max(1),
  success: z.boolean(),
})
export type EvaluatorVerdict = z.infer<typeof EvaluatorVerdict>

/** A video the teacher scored while choosing (best-of-n samples, solver instructions). */
export const ScoredCandidate = z.object({
  label: z.string(),
  seed: z.number().int(),
  instruction: z.string(),
  pYes: z.array(z.number()),
  loss: z.number(),
  evaluator: EvaluatorVerdict.nullable(),
})
export type ScoredCandidate = z.infer<typeof ScoredCandidate>

/** How a finished run ended and what its final video scored. */
export const RunResult = z.object({
  /** teacher: confident | max-steps | cancelled; baselines: picked. */
  stopReason: z.enum(['confident', 'max-steps', 'cancelled', 'picked']),
  updates: z.number().int().min(0),
  bestStepIndex: z.number().int().nullable(),
  finalPYes: z.array(z.number()).nullable(),
  finalLoss: z.number().nullable(),
  /** Teacher runs: final videos rendered to confirm a confident preview before stopping (absent in runs saved before it). */
  stopChecks: z.number().int().min(0).optional(),
  provider: ProviderUse,
  evaluator: EvaluatorVerdict.nullable(),
  /** The base sample's verdict from the same noise (teacher runs), for before/after. */
  baseEvaluator: EvaluatorVerdict.nullable(),
  candidates: z.array(ScoredCandidate).nullable(),
  chosenIndex: z.number().int().nullable(),
  wallMs: z.number().min(0),
})
export type RunResult = z.infer<typeof RunResult>

export const Run = z.object({
  id: Id,
  taskId: Id,
  method: RunMethod,
  status: RunStatus,
  settings: RunSettings,
  queries: z.array(RunQuery),
  timings: RunTimings,
  model: z.object({ packageId: z.string(), packageHash: z.string() }),
  versions: z.object({ app: z.string(), onnxruntime: z.string() }),
  error: z.string().nullable(),
  stepCount: z.number().int().min(0),
  result: RunResult.nullable(),
})
export type Run = z.infer<typeof Run>

/** One optimization step: loss, P(Yes) per run query (same order as Run.queries), previews. */
export const Step = z.object({
  runId: Id,
  index: z.number().int().min(0),
  loss: z.number(),
  pYes: z.array(z.number().min(0).max(1)),
  learningRate: z.number(),
  gradNorm: z.number(),
  durationMs: z.number().min(0),
  previewFrames: z.array(EncodedFrame),
})
export type Step = z.infer<typeof Step>

export const VideoKind = z.enum(['base', 'candidate', 'final'])
export type VideoKind = z.infer<typeof VideoKind>

export const Video = z.object({
  id: Id,
  runId: Id,
  kind: VideoKind,
  fps: z.number().positive(),
  frames: z.array(EncodedFrame),
  createdAt: IsoTime,
})
export type Video = z.infer<typeof Video>
