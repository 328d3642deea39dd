import { z } from 'zod'
import { ExecutionProvider, RunMethod, RunSettings } from './run'

/** The default model package, every package, and what this machine can run them on. */
export const RuntimeInfo = z.object({
  package: z
    .object({
      id: z.string(),
      hash: z.string(),
      video: z.object({ frames: z.number().int(), width: z.number().int(), height: z.number().int(), fps: z.number() }),
      maxQueries: z.number().int(),
      defaults: RunSettings,
    })
    .nullable(),
  /** Why the package could not be loaded (missing or damaged files), when it could not. */
  packageError: z.string().nullable(),
  /**
   * Every model package, the default (above) first: a task runs on the package trained on its
   * family, else on the default one.
   */
  packages: z.array(z.object({
    id: z.string(),
    families: z.array(z.string()),
    /** The package's own run settings (manifest defaults: each package's learning rate is chosen on its validation split); null when it did not load. */
    defaults: RunSettings.nullable(),
    error: z.string().nullable(),
  })),
  providers: z.array(z.object({ name: ExecutionProvider, bundled: z.boolean(), note: z.string() })),
  onnxruntime: z.string(),
})
export type RuntimeInfo = z.infer<typeof RuntimeInfo>

export const StartRunInput = z.object({
  taskId: z.string().min(1),
  method: RunMethod,
  /** Anything left out comes from the model package's defaults. */
  settings: RunSettings.partial().default({}),
})
export type StartRunInput = z.input<typeof StartRunInput>

export const QueueState = z.object({
  paused: z.boolean(),
  activeRunId: z.string().nullable(),
  queuedRunIds: z.array(z.string()),
})
export type QueueState = z.infer<typeof QueueState>

export const ExportFormat = z.enum(['mp4', 'webm', 'gif', 'png'])
export type ExportFormat = z.infer<typeof ExportFormat>

export const ExportRunInput = z.object({
  runId: z.string().min(1),
  format: ExportFormat,
  /** Frames per second of the written video; the package's rate when left out. */
  fps: z.number().positive().max(120).optional(),
  /** Nearest-neighbour upscale factor. */
  scale: z.number().int().min(1).max(16).default(4),
  /** Output file (or folder for png); a file in the studio's exports folder when left out. */
  outPath: z.string().min(1).optional(),
})
export type ExportRunInput = z.input<typeof ExportRunInput>

export const ExportResult = z.object({
  path: z.string(),
  runCardPath: z.string().nullable(),
  frames: z.number().int(),
  width: z.number().int(),
  height: z.number().int(),
})
export type ExportResult = z.infer<typeof ExportResult>
