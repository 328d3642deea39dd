import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { nativeBindingPath } from '../../../src/main/engine/store'
import { useTempDirs } from '../../helpers/temp'

describe('nativeBindingPath', () => {
  const tempDir = useTempDirs()
  const node = { ...process.versions, electron: undefined } as unknown as NodeJS.ProcessVersions
  const electron = { ...process.versions, electron: '45.4.1' } as NodeJS.ProcessVersions

  it('uses the regular Node build outside Electron', () => {
    expect(nativeBindingPath(node, tempDir())).toBeUndefined()
  })

  it('finds native/electron/better_sqlite3.node above the running code inside Electron', () => {
    const root = tempDir()
    mkdirSync(join(root, 'native', 'electron'), { recursive: true })
    writeFileSync(join(root, 'native', 'electron', 'better_sqlite3.node'), '')
    mkdirSync(join(root, 'out', 'main'), { recursive: true })
    expect(nativeBindingPath(electron, join(root, 'out', 'main'))).toBe(join(root, 'native', 'electron', 'better_sqlite3.node'))
  })

  it('tells the user to run the rebuild when the Electron build is missing', () => {
    expect(() => nativeBindingPath(electron, tempDir())).toThrow(/npm run rebuild:electron/)
  })
})
