import { z } from 'zod'
import { Bytes, EncodedFrame, Id, IsoTime } from './bytes'
import { RuleKind } from './rules'

/** Where a task came from: an image dropped with an instruction, a task file, or the built-in suite. */
export const TaskSource = z.enum(['dropped', 'file', 'suite'])
export type TaskSource = z.infer<typeof TaskSource>

export const Instruction = z
  .string()
  .trim()
  .min(1, 'The instruction is empty: describe what the video should show.')
  .max(2000, 'The instruction is longer than 2000 characters: shorten it.')

/**
 * The task suite's split a suite task was drawn from: `train` (the distribution the built-in model
 * package was trained on) or `heldout` (bigger grids, longer paths, variants never trained on).
 */
export const SuiteSplit = z.enum(['train', 'heldout'])
export type SuiteSplit = z.infer<typeof SuiteSplit>

/** A task as listed: everything except the first frame's pixels. */
export const TaskSummary = z.object({
  id: Id,
  createdAt: IsoTime,
  instruction: z.string(),
  source: TaskSource,
  sourceName: z.string().nullable(),
  family: z.string().nullable(),
  seed: z.number().int().nullable(),
  split: SuiteSplit.nullable(),
  frameWidth: z.number().int().positive(),
  frameHeight: z.number().int().positive(),
})
export type TaskSummary = z.infer<typeof TaskSummary>

/** A task: an instruction and the first frame (stored as PNG) the video must start from. */
export const Task = TaskSummary.extend({ firstFrame: EncodedFrame })
export type Task = z.infer<typeof Task>

/** Upper bound on any image or task file handed to the studio. */
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024

export const CreateTaskFromImageInput = z.object({
  instruction: Instruction,
  fileName: z.string().max(500),
  image: Bytes,
})

export const ImportTaskFileInput = z.object({
  fileName: z.string().max(500),
  content: Bytes,
})

export const CreateSuiteTaskInput = z.object({
  family: z.string().min(1),
  seed: z.number().int().min(0).max(2 ** 31 - 1),
  split: SuiteSplit.default('train'),
})

/**
 * The task file format (`*.task.json`): a self-contained task with its first frame embedded as
 * base64 (PNG, JPEG or WebP; a `data:` URL is accepted too) and optional starting rules.
 * Its JSON Schema is published at resources/schemas/task.schema.json.
 */
export const TaskFile = z
  .object({
    $schema: z.string().optional(),
    format: z.literal('teacher-studio.task').describe('Marks the file as a Teacher Studio task'),
    version: z.literal(1).describe('Format version'),
    instruction: Instruction.describe('What the video should show, in plain words'),
    image: z
      .string()
      .min(1)
      .describe('The first frame: base64 PNG, JPEG or WebP bytes, or a data: URL'),
    family: z.string().min(1).optional().describe('Task-suite family the task belongs to'),
    seed: z.number().int().min(0).optional().describe('Seed that generated the task'),
    split: SuiteSplit.optional().describe('Task-suite split the seed was drawn from (default train)'),
    rules: z
      .array(
        z
          .object({
            kind: RuleKind,
            text: z.string().trim().min(1).max(500),
            weight: z.number().min(0).max(100).default(1),
          })
          .strict(),
      )
      .max(20)
      .optional()
      .describe('Yes/no rule queries, phrased so that "Yes" means the rule holds'),
  })
  .strict()
export type TaskFile = z.infer<typeof TaskFile>

export const SuiteFamily = z.object({
  name: z.string(),
  description: z.string(),
  /**
   * Whether one of the model packages was trained on this family (a package's manifest lists the
   * families it was trained on); absent when no package lists any or none can be loaded.
   */
  inModelPackage: z.boolean().optional(),
  /** The id of the package that runs this family's tasks, when one was trained on it. */
  modelPackage: z.string().optional(),
})
export type SuiteFamily = z.infer<typeof SuiteFamily>
