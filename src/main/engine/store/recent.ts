import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import type { RecentProject } from '../../../shared'

const LIMIT = 20

/** The recently opened projects, newest first, kept as JSON in the studio's data folder. */
export class RecentProjects {
  private readonly file: string

  constructor(dataDir: string) {
    this.file = join(dataDir, 'recent-projects.json')
  }

  list(): RecentProject[] {
    return this.read().map((entry) => ({ ...entry, exists: existsSync(entry.path) }))
  }

  remember(name: string, path: string): void {
    const absolute = resolve(path)
    const entries = this.read().filter((e) => e.path !== absolute)
    entries.unshift({ name, path: absolute, openedAt: new Date().toISOString() })
    mkdirSync(dirname(this.file), { recursive: true })
    const temp = `${this.file}.${process.pid}.tmp`
    writeFileSync(temp, JSON.stringify(entries.slice(0, LIMIT), null, 2))
    renameSync(temp, this.file)
  }

  private read(): Omit<RecentProject, 'exists'>[] {
    if (!existsSync(this.file)) return []
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as unknown
      if (!Array.isArray(parsed)) return []
      return parsed.filter(
        (e): e is Omit<RecentProject, 'exists'> =>
          !!e && typeof e.name === 'string' && typeof e.path === 'string' && typeof e.openedAt === 'string',
      )
    } catch {
      // A damaged list only loses the shortcuts, never a project: start a fresh one.
      return []
    }
  }
}
