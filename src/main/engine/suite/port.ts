import type { RuleKind, SuiteFamily, SuiteSplit } from '../../../shared'
import { StudioError } from '../errors'
import * as suiteModule from '../tasks'

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
  generateTask(family: string, seed: number, split?: SuiteSplit): SuiteTask
}

/** The shape of src/main/engine/tasks/index.ts exports this adapter relies on. */
export interface TaskSuiteModule {
  listFamilies(): readonly (string | { name: string; description?: string })[]
  generateTask(
    family: string,
    seed: number,
    opts?: { split?: SuiteSplit },
  ): {
    firstFrame: Uint8Array
    instruction: string
    geometry: { canvasCells: number; cellPx: number }
    rules: readonly { id: string; kind: RuleKind; query: string }[]
  }
}

export function taskSuiteFromModule(suite: TaskSuiteModule): TaskSuitePort {
  return {
    listFamilies: () =>
      suite.listFamilies().map((f) =>
        typeof f === 'string' ? { name: f, description: '' } : { name: f.name, description: f.description ?? '' },
      ),
    generateTask: (family, seed, split = 'train') => {
      const known = suite.listFamilies().map((f) => (typeof f === 'string' ? f : f.name))
      if (!known.includes(family)) {
        throw new StudioError('suite-family', `The task suite has no family "${family}"; it has: ${known.join(', ')}.`)
      }
      const task = suite.generateTask(family, seed, { split })
      return {
        instruction: task.instruction,
        firstFrame: task.firstFrame,
        width: task.geometry.canvasCells * task.geometry.cellPx,
        height: task.geometry.canvasCells * task.geometry.cellPx,
        rules: [...task.rules],
      }
    },
  }
}

/** The task suite of src/main/engine/tasks behind the port. */
export const builtInTaskSuite: TaskSuitePort = taskSuiteFromModule(suiteModule)
