import type { RuleKind, SuiteFamily } from '../../../shared'
import { StudioError } from '../errors'

/** A generated suite task: first frame as raw RGB (H*W*3), instruction and the family's rules. */
export interface SuiteTask {
  instruction: string
  firstFrame: Uint8Array
  width: number
  height: number
  rules: { id: string; kind: RuleKind; query: string }[]
}

export interface TaskSuitePort {
  listFamilies(): SuiteFamily[]
  generateTask(family: string, seed: number): SuiteTask
}

/** Used until the task suite is wired in: lists no family and refuses to generate. */
export const taskSuiteNotConnected: TaskSuitePort = {
  listFamilies: () => [],
  generateTask: (family) => {
    throw new StudioError(
      'suite-unavailable',
      `The built-in task suite is not part of this build, so task family "${family}" cannot be generated: ` +
        'drop an image with an instruction or a task file instead.',
    )
  },
}

/** The shape of src/main/engine/tasks/index.ts exports this adapter relies on. */
export interface TaskSuiteModule {
  listFamilies(): readonly (string | { name: string; description?: string })[]
  generateTask(
    family: string,
    seed: number,
    opts?: unknown,
  ): {
    firstFrame: Uint8Array
    instruction: string
    geometry: { height: number; width: number }
    rules: readonly { id: string; kind: RuleKind; query: string }[]
  }
}

export function taskSuiteFromModule(suite: TaskSuiteModule): TaskSuitePort {
  return {
    listFamilies: () =>
      suite.listFamilies().map((f) =>
        typeof f === 'string' ? { name: f, description: '' } : { name: f.name, description: f.description ?? '' },
      ),
    generateTask: (family, seed) => {
      const known = suite.listFamilies().map((f) => (typeof f === 'string' ? f : f.name))
      if (!known.includes(family)) {
        throw new StudioError('suite-family', `The task suite has no family "${family}"; it has: ${known.join(', ')}.`)
      }
      const task = suite.generateTask(family, seed)
      return {
        instruction: task.instruction,
        firstFrame: task.firstFrame,
        width: task.geometry.width,
        height: task.geometry.height,
        rules: [...task.rules],
      }
    },
  }
}
