import { basename, extname } from 'node:path'
import { openProjectDatabase, type ProjectDatabase } from './database'
import { RuleTable } from './rules'
import { RunTable } from './runs'
import { PROJECT_MIGRATIONS } from './schema'
import { TaskTable } from './tasks'

/** File extension of project files (SQLite databases). */
export const PROJECT_EXTENSION = '.tstudio'

export function isProcessAlive(pid: number): boolean {
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * One open project file. Opening runs migrations and marks runs orphaned by a dead process as
 * interrupted (their steps stay).
 */
export class ProjectStore {
  readonly tasks: TaskTable
  readonly rules: RuleTable
  readonly runs: RunTable
  readonly interruptedRuns: number

  private constructor(
    readonly path: string,
    private readonly db: ProjectDatabase,
    readonly schemaVersion: number,
  ) {
    this.tasks = new TaskTable(db)
    this.rules = new RuleTable(db)
    this.runs = new RunTable(db)
    this.interruptedRuns = this.runs.markInterrupted(isProcessAlive)
  }

  static create(path: string, name: string): ProjectStore {
    const { db, schemaVersion } = openProjectDatabase(path, { create: true, migrations: PROJECT_MIGRATIONS })
    db.prepare(`INSERT OR REPLACE INTO project_meta (key, value) VALUES ('name', ?), ('created_at', ?)`).run(
      name,
      new Date().toISOString(),
    )
    return new ProjectStore(path, db, schemaVersion)
  }

  static open(path: string): ProjectStore {
    const { db, schemaVersion } = openProjectDatabase(path, { create: false, migrations: PROJECT_MIGRATIONS })
    return new ProjectStore(path, db, schemaVersion)
  }

  get name(): string {
    const row = this.db.prepare(`SELECT value FROM project_meta WHERE key = 'name'`).get() as { value: string } | undefined
    return row?.value ?? basename(this.path, extname(this.path))
  }

  /** PRAGMA integrity_check; 'ok' when the file is sound. */
  integrityCheck(): string {
    return (this.db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ')
  }

  close(): void {
    if (this.db.open) this.db.close()
  }
}
