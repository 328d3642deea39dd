import type { Database } from 'better-sqlite3'

/** A forward-only schema change. Versions are 1, 2, 3, ... in order; never edit a shipped one. */
export interface Migration {
  version: number
  name: string
  up: string
}

/** PRAGMA application_id marking a SQLite file as a Teacher Studio project ('TSTD'). */
export const PROJECT_APPLICATION_ID = 0x54535444

export class SchemaTooNewError extends Error {}

/**
 * Brings the file to the latest schema: each pending migration runs in its own transaction and
 * bumps PRAGMA user_version, so a crash leaves the file at a consistent earlier version.
 * Returns the resulting version.
 */
export function migrate(db: Database, migrations: readonly Migration[]): number {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`Migration ${m.name} has version ${m.version}, expected ${i + 1}`)
  })
  const latest = migrations.length
  const current = db.pragma('user_version', { simple: true }) as number
  if (current > latest) {
    throw new SchemaTooNewError(
      `The project uses schema version ${current}, newer than this build knows (${latest}).`,
    )
  }
  for (const migration of migrations.slice(current)) {
    db.transaction(() => {
      db.exec(migration.up)
      db.pragma(`user_version = ${migration.version}`)
    })()
  }
  return latest
}
