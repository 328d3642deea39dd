/**
 * The port through which the studio reaches the built-in task suite (src/main/engine/tasks).
 * The studio depends only on this interface; `taskSuiteFromModule` adapts the suite's exports.
 */
export {
  type TaskSuitePort,
  type SuiteTask,
  type TaskSuiteModule,
  taskSuiteFromModule,
  builtInTaskSuite,
} from './port'
