/**
 * manifest.json: the contract between modelkit (which trains and exports a package) and the engine
 * (which runs it). Validated with zod so a package from another modelkit version fails with a
 * readable message instead of a shape error deep inside a run.
 */
import { z } from 'zod'

export const SUPPORTED_MANIFEST_SCHEMA = 1

const tensorSpec = z.object({
  name: z.string(),
  shape: z.array(z.union([z.number().int(), z.string()])),
  dtype: z.string(),
})

const graphSpec = z.object({
  file: z.string(),
  inputs: z.array(tensorSpec),
  outputs: z.array(tensorSpec),
})

export const graphNames = ['plan', 'tto_step', 'sample', 'decode', 'vqa'] as const
export type GraphName = (typeof graphNames)[number]

export const manifestSchema = z.object({
  schema: z.number().int(),
  name: z.string().min(1),
  video: z.object({
    frames: z.number().int().positive(),
    height: z.number().int().positive(),
    width: z.number().int().positive(),
    fps: z.number().positive(),
    canvasCells: z.number().int().positive().optional(),
    cellPx: z.number().int().positive().optional(),
  }),
  latent: z.object({ name: z.string(), shape: z.array(z.number().int().positive()) }),
  lora: z.object({
    rank: z.number().int().positive(),
    scale: z.number().default(1),
    init: z.object({
      A: z.object({ distribution: z.literal('normal'), std: z.number().nonnegative() }),
      B: z.object({ distribution: z.literal('zeros') }),
    }),
    tensors: z.array(z.object({ name: z.string(), shape: z.array(z.number().int().positive()) })).min(1),
    gradientOutputPrefix: z.string(),
  }),
  defaults: z.object({
    learningRate: z.number().positive(),
    lambda: z.number().min(0).max(1),
    tau: z.number().positive(),
    maxSteps: z.number().int().positive(),
    previewFrames: z.number().int().positive(),
    samplerSteps: z.number().int().positive(),
  }).passthrough(),
  text: z.object({
    vocabulary: z.string(),
    maxInstruction: z.number().int().positive(),
    maxQuery: z.number().int().positive(),
    maxPlan: z.number().int().positive(),
    maxQueries: z.number().int().positive(),
  }).passthrough(),
  rules: z.array(z.object({ id: z.string(), kind: z.enum(['goal', 'process']), query: z.string() }).passthrough()).default([]),
  /** Task-suite families the package was trained on, each with its rule ids (optional). */
  families: z.array(z.object({ name: z.string(), rules: z.array(z.string()) }).passthrough()).default([]),
  graphs: z.object(Object.fromEntries(graphNames.map((g) => [g, graphSpec])) as Record<GraphName, typeof graphSpec>),
  files: z.record(z.string(), z.string().regex(/^[0-9a-f]{64}$/)),
}).passthrough()

export type ModelManifest = z.infer<typeof manifestSchema>
