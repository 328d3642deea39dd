import { z } from 'zod'
import { ProjectInfo } from './project'
import { RunStatus, Step } from './run'

/** Events pushed from the engine to every window or browser tab. */
export const StudioEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('project-opened'), project: ProjectInfo }),
  z.object({ type: z.literal('tasks-changed') }),
  z.object({ type: z.literal('rules-changed'), taskId: z.string() }),
  z.object({
    type: z.literal('run-status'),
    runId: z.string(),
    taskId: z.string(),
    status: RunStatus,
    error: z.string().nullable(),
  }),
  z.object({ type: z.literal('run-step'), taskId: z.string(), step: Step }),
  z.object({
    type: z.literal('run-progress'),
    runId: z.string(),
    /** 'loading-model' while the worker opens the run's model package (the first run of a package). */
    phase: z.enum(['loading-model', 'running']),
    /** The model package the run uses. */
    packageId: z.string(),
    completedSteps: z.number().int().min(0),
    maxSteps: z.number().int().min(0),
    elapsedMs: z.number().min(0),
    /** Remaining time extrapolated from the steps done so far (not the model load); null before the first step. */
    etaMs: z.number().min(0).nullable(),
  }),
])
export type StudioEvent = z.infer<typeof StudioEvent>
