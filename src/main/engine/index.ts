/**
 * The engine: everything the studio does, free of Electron and React. Used by the Electron main
 * process, the browser-mode server, the CLI and the tests.
 *   store/   the SQLite project file        images/  first frames and PNG frames
 *   studio/  the StudioApi implementation  suite/   the port to the built-in task suite
 *   errors.ts  StudioError, the error a user can meet (code + what happened, why, what to do)
 */
export * from './studio'
export { StudioError } from './errors'
export { ProjectStore, RecentProjects, PROJECT_EXTENSION } from './store'
export { builtInTaskSuite, taskSuiteFromModule, type TaskSuitePort } from './suite'
