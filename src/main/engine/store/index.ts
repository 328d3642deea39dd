/**
 * The project file (SQLite via better-sqlite3): versioned migrations run at open, WAL, foreign
 * keys; tasks with first frames as PNG, rule queries, runs with per-step rows and PNG preview
 * frames, videos; the recent-projects list. The only module that touches SQLite.
 */
export { ProjectStore, PROJECT_EXTENSION, isProcessAlive } from './project-store'
export { RecentProjects } from './recent'
export { migrate, PROJECT_APPLICATION_ID, type Migration } from './migrations'
export { PROJECT_MIGRATIONS } from './schema'
export { nativeBindingPath } from './native-binding'
export type { NewTask } from './tasks'
export type { NewRun, NewStep } from './runs'
