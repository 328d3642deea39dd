/**
 * The engine: everything the studio does, free of Electron and React. Used by the Electron main
 * process, the browser-mode server, the CLI and the tests.
 *   store/   the SQLite project file        images/  first frames and PNG frames
 *   studio/  the StudioApi implementation  suite/   the port to the built-in task suite
 */
export * from './studio'
export { ProjectStore, RecentProjects, PROJECT_EXTENSION } from './store'
export { builtInTaskSuite, taskSuiteFromModule, type TaskSuitePort } from './suite'
