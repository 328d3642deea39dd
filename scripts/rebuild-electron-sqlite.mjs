#!/usr/bin/env node
/**
 * Builds better-sqlite3 for the installed Electron's ABI into native/electron/better_sqlite3.node,
 * leaving node_modules (the Node build used by `npm test` and `npm run serve`) untouched.
 * The studio loads it through better-sqlite3's `nativeBinding` option when running in Electron.
 *
 * Needs internet (Electron headers from electronjs.org, node-gyp via npx) and a C++ toolchain
 * (python3, make, g++ on Linux; Xcode tools on macOS; Visual Studio Build Tools on Windows).
 */
import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, copyFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(join(root, 'package.json'))
const version = (name) => JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')).version

const electronVersion = process.env.ELECTRON_VERSION ?? version('electron')
const sqliteDir = dirname(require.resolve('better-sqlite3/package.json'))
const work = mkdtempSync(join(tmpdir(), 'better-sqlite3-electron-'))
const target = join(root, 'native', 'electron', 'better_sqlite3.node')

console.log(`Building better-sqlite3 ${version('better-sqlite3')} for Electron ${electronVersion} in ${work}`)
try {
  cpSync(sqliteDir, work, { recursive: true, filter: (src) => !src.includes(`${sqliteDir}/build`) })
  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx'
  execFileSync(
    npx,
    ['--yes', 'node-gyp', 'rebuild', '--release', `--target=${electronVersion}`, '--runtime=electron',
      '--dist-url=https://electronjs.org/headers', `--arch=${process.arch}`],
    { cwd: work, stdio: 'inherit', shell: process.platform === 'win32' },
  )
  mkdirSync(dirname(target), { recursive: true })
  copyFileSync(join(work, 'build', 'Release', 'better_sqlite3.node'), target)
  console.log(`Wrote ${target}`)
} finally {
  rmSync(work, { recursive: true, force: true })
}
