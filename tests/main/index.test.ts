import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { STUDIO_METHODS } from '../../src/shared'
import type { StudioService } from '../../src/main/engine'

// The Electron binary cannot be installed here: mock the module, run the real main process code.
const electron = vi.hoisted(() => {
  const handlers = new Map<string, (event: unknown, input: unknown) => unknown>()
  const windows: { options: any; sent: [string, unknown][]; loaded: string[] }[] = []
  const revealed: string[] = []
  class BrowserWindow {
    static getAllWindows = () => windows
    webContents: any
    constructor(options: any) {
      const record = { options, sent: [] as [string, unknown][], loaded: [] as string[] }
      windows.push(record)
      this.webContents = {
        send: (channel: string, payload: unknown) => record.sent.push([channel, payload]),
        setWindowOpenHandler: () => undefined,
        on: () => undefined,
      }
      Object.assign(this, { loadFile: (f: string) => (record.loaded.push(f), Promise.resolve()), loadURL: () => Promise.resolve() })
    }
    on() {}
    once() {}
  }
  return {
    handlers,
    windows,
    revealed,
    module: {
      app: { whenReady: () => Promise.resolve(), getVersion: () => '9.9.9', on: () => undefined, quit: () => undefined },
      BrowserWindow,
      ipcMain: { handle: (channel: string, fn: any) => handlers.set(channel, fn) },
      shell: { openExternal: () => Promise.resolve(), showItemInFolder: (path: string) => revealed.push(path) },
    },
  }
})
vi.mock('electron', () => electron.module)

describe('Electron main process', () => {
  let dataDir: string
  let service: StudioService
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'studio-electron-'))
    process.env.TEACHER_STUDIO_HOME = dataDir
    const { studioApp } = await import('../../src/main/index')
    service = await studioApp
  })
  afterAll(() => {
    delete process.env.TEACHER_STUDIO_HOME
    service.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('opens one window', () => {
    expect(electron.windows).toHaveLength(1)
  })

  it('opens a sandboxed, context-isolated window without Node integration and a preload', () => {
    const prefs = electron.windows[0].options.webPreferences
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false })
    expect(prefs.preload).toMatch(/preload[\\/]index\.cjs$/)
    expect(electron.windows[0].loaded[0]).toMatch(/renderer[\\/]index\.html$/)
  })

  it('registers exactly one IPC channel per API method', () => {
    expect([...electron.handlers.keys()].sort()).toEqual(STUDIO_METHODS.map((m) => `studio:${m}`).sort())
  })

  it('validates IPC input, answers through the engine and pushes events to the window', async () => {
    const call = (method: string, input?: unknown) => electron.handlers.get(`studio:${method}`)!({}, input)
    expect(await call('createProject', { name: 42 })).toMatchObject({ ok: false, error: { code: 'invalid-input' } })
    const created = (await call('createProject', { name: 'From Electron' })) as any
    expect(created).toMatchObject({ ok: true, value: { name: 'From Electron', path: join(dataDir, 'projects', 'from-electron.tstudio') } })
    expect(electron.windows[0].sent).toContainEqual(['studio:event', { type: 'project-opened', project: created.value }])
    expect(await call('getStudioInfo')).toMatchObject({ ok: true, value: { appVersion: '9.9.9', mode: 'electron' } })
  })

  it('reveals an exported file in the file manager, and refuses missing or relative paths', async () => {
    const call = (input?: unknown) => electron.handlers.get('studio:revealExport')!({}, input)
    const file = join(dataDir, 'teacher-1.mp4')
    writeFileSync(file, 'video')
    expect(await call({ path: file })).toEqual({ ok: true, value: { revealed: true } })
    expect(electron.revealed).toEqual([file])
    expect(await call({ path: join(dataDir, 'gone.mp4') })).toMatchObject({ ok: false, error: { code: 'export-missing' } })
    expect(await call({ path: 'teacher-1.mp4' })).toMatchObject({ ok: false, error: { code: 'invalid-input' } })
    expect(electron.revealed).toHaveLength(1)
  })
})
