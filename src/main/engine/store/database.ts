import Database from 'better-sqlite3'
import { existsSync } from 'node:fs'
import { StudioError } from '../errors'
import { migrate, PROJECT_APPLICATION_ID, SchemaTooNewError, type Migration } from './migrations'
import { nativeBindingPath } from './native-binding'

export type ProjectDatabase = Database.Database

/**
 * Opens (or creates) a project file: WAL journal, foreign keys on, busy timeout, then migrations.
 * Refuses files that are not SQLite, belong to another application, or come from a newer build.
 */
export function openProjectDatabase(
  path: string,
  options: { create: boolean; migrations: readonly Migration[] },
): { db: ProjectDatabase; schemaVersion: number } {
  if (!options.create && !existsSync(path)) {
    throw new StudioError('project-missing', `No project file at ${path}: it was moved or deleted. Pick another project or create one.`)
  }
  const nativeBinding = nativeBindingPath()
  let db: ProjectDatabase
  try {
    db = new Database(path, { fileMustExist: !options.create, ...(nativeBinding ? { nativeBinding } : {}) })
  } catch (cause) {
    throw new StudioError('project-unopenable', `Cannot open ${path} (${messageOf(cause)}): check the path and its permissions.`)
  }
  try {
    db.pragma('busy_timeout = 5000')
    const appId = db.pragma('application_id', { simple: true }) as number
    const version = db.pragma('user_version', { simple: true }) as number
    const tables = db.prepare(`SELECT count(*) AS n FROM sqlite_schema`).get() as { n: number }
    if (appId !== PROJECT_APPLICATION_ID && (version !== 0 || tables.n > 0)) {
      throw new StudioError('not-a-project', `${path} is a SQLite file of another application, not a Teacher Studio project: pick a .tstudio file.`)
    }
    db.pragma('journal_mode = WAL')
    // FULL: a committed step survives power loss too, not only a killed process (one fsync per step).
    db.pragma('synchronous = FULL')
    db.pragma('foreign_keys = ON')
    if (appId !== PROJECT_APPLICATION_ID) db.pragma(`application_id = ${PROJECT_APPLICATION_ID}`)
    const schemaVersion = migrate(db, options.migrations)
    return { db, schemaVersion }
  } catch (cause) {
    db.close()
    if (cause instanceof StudioError) throw cause
    if (cause instanceof SchemaTooNewError) {
      throw new StudioError('project-too-new', `${cause.message} It was written by a newer Teacher Studio: update the app to open it.`)
    }
    if (/not a database|file is encrypted/i.test(messageOf(cause))) {
      throw new StudioError('not-a-project', `${path} is not a Teacher Studio project (not a SQLite file): pick a .tstudio file.`)
    }
    throw cause
  }
}

function messageOf(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause)
}
