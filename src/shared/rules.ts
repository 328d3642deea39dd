import { z } from 'zod'
import { Id } from './bytes'

/** A goal query checks the end state; process queries check how the video gets there. */
export const RuleKind = z.enum(['goal', 'process'])
export type RuleKind = z.infer<typeof RuleKind>

/** Who wrote the query: the teacher model, or the user in the rules panel. */
export const RuleOrigin = z.enum(['teacher', 'user'])
export type RuleOrigin = z.infer<typeof RuleOrigin>

export const RuleText = z
  .string()
  .trim()
  .min(1, 'The query is empty: write a yes/no question.')
  .max(500, 'The query is longer than 500 characters: shorten it.')

export const RuleWeight = z
  .number()
  .finite()
  .min(0, 'A weight cannot be negative.')
  .max(100, 'A weight above 100 is not allowed.')

/** A yes/no rule query on a task, phrased so that "Yes" means the rule holds. */
export const RuleQuery = z.object({
  id: Id,
  taskId: Id,
  position: z.number().int().min(0),
  kind: RuleKind,
  text: z.string(),
  weight: z.number(),
  origin: RuleOrigin,
  /** Id of the task suite's rule this query came from (e.g. 'maze.reach_goal'), if any. */
  ruleId: z.string().nullable(),
})
export type RuleQuery = z.infer<typeof RuleQuery>

export const AddRuleInput = z.object({
  taskId: Id,
  kind: RuleKind,
  text: RuleText,
  weight: RuleWeight.default(1),
  origin: RuleOrigin.default('user'),
})

export const UpdateRuleInput = z.object({
  id: Id,
  kind: RuleKind.optional(),
  text: RuleText.optional(),
  weight: RuleWeight.optional(),
})

/** A run needs exactly one goal query and one to three process queries (the method's shape). */
export function describeRuleSetProblem(rules: readonly { kind: RuleKind }[]): string | null {
  const goals = rules.filter((r) => r.kind === 'goal').length
  const processes = rules.length - goals
  if (goals !== 1) return `A run needs exactly one goal query; this task has ${goals}.`
  if (processes < 1 || processes > 3)
    return `A run needs one to three process queries; this task has ${processes}.`
  return null
}
