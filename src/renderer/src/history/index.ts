/** History: every run of the project as a table; reopen a run; compare two runs' curves. */
export { ProjectHistory } from './ProjectHistory'
export { RunTable, type RunRow } from './RunTable'
export { useProjectRuns, type ProjectRun } from './useProjectRuns'
