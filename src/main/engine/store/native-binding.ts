import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { StudioError } from '../errors'

/**
 * better-sqlite3 is compiled for Node's ABI (what `npm test` and `npm run serve` use). Inside
 * Electron the addon must match Electron's ABI: `npm run rebuild:electron` builds it into
 * native/electron/better_sqlite3.node, which is loaded through `nativeBinding` when this code runs
 * in Electron. Returns undefined under Node, so the regular build is used.
 */
export function nativeBindingPath(
  versions: NodeJS.ProcessVersions = process.versions,
  searchFrom: string = moduleDir(),
): string | undefined {
  if (!versions.electron) return undefined
  const override = process.env.TEACHER_STUDIO_SQLITE_BINDING
  if (override) return override
  for (let dir = searchFrom, i = 0; i < 6; i++, dir = dirname(dir)) {
    const candidate = join(dir, 'native', 'electron', 'better_sqlite3.node')
    if (existsSync(candidate)) return candidate
  }
  throw new StudioError(
    'sqlite-binding-missing',
    `Running in Electron ${versions.electron} but native/electron/better_sqlite3.node is missing: ` +
      'run `npm run rebuild:electron` (needs internet for the Electron headers).',
  )
}

function moduleDir(): string {
  try {
    return dirname(fileURLToPath(import.meta.url))
  } catch {
    return resolve('.')
  }
}
