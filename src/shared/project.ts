import { z } from 'zod'

/** A project is one SQLite file holding tasks, rules, runs, steps and videos. */
export const ProjectInfo = z.object({
  name: z.string(),
  path: z.string(),
  schemaVersion: z.number().int(),
  /** Runs found running when the project was opened and marked interrupted. */
  interruptedRuns: z.number().int().min(0),
})
export type ProjectInfo = z.infer<typeof ProjectInfo>

export const RecentProject = z.object({
  name: z.string(),
  path: z.string(),
  openedAt: z.string(),
  exists: z.boolean(),
})
export type RecentProject = z.infer<typeof RecentProject>

export const StudioInfo = z.object({
  appVersion: z.string(),
  projectsDir: z.string(),
  mode: z.enum(['electron', 'browser']),
  project: ProjectInfo.nullable(),
})
export type StudioInfo = z.infer<typeof StudioInfo>

export const ProjectName = z
  .string()
  .trim()
  .min(1, 'The project name is empty.')
  .max(100, 'The project name is longer than 100 characters.')
  .refine((name) => /[\p{L}\p{N}]/u.test(name), 'The project name needs at least one letter or digit.')
