import { beforeAll, describe, expect, it, vi } from 'vitest'
import { STUDIO_METHODS, type StudioApi } from '../../src/shared'

const electron = vi.hoisted(() => {
  const exposed: Record<string, unknown> = {}
  const invoked: [string, unknown][] = []
  const listeners = new Map<string, (...args: unknown[]) => void>()
  return {
    exposed,
    invoked,
    listeners,
    module: {
      contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
      ipcRenderer: {
        invoke: async (channel: string, input: unknown) => {
          invoked.push([channel, input])
          if (channel === 'studio:openProject') return { ok: false, error: { code: 'project-missing', message: 'No project file at /x' } }
          return { ok: true, value: { echoed: input } }
        },
        on: (channel: string, fn: (...args: unknown[]) => void) => listeners.set(channel, fn),
        removeListener: (channel: string) => listeners.delete(channel),
      },
    },
  }
})
vi.mock('electron', () => electron.module)

describe('preload', () => {
  let studio: StudioApi
  beforeAll(async () => {
    await import('../../src/preload/index')
    studio = electron.exposed.studio as StudioApi
  })

  it('exposes only window.studio, with one function per API method plus onEvent', () => {
    expect(Object.keys(electron.exposed)).toEqual(['studio'])
    expect(Object.keys(studio).sort()).toEqual([...STUDIO_METHODS, 'onEvent'].sort())
    expect(Object.values(studio).every((v) => typeof v === 'function')).toBe(true)
  })

  it('sends each method on its own channel and unwraps results and failures', async () => {
    expect(await studio.listRules({ taskId: 't1' })).toEqual({ echoed: { taskId: 't1' } })
    expect(electron.invoked.at(-1)).toEqual(['studio:listRules', { taskId: 't1' }])
    await expect(studio.openProject({ path: '/x' })).rejects.toMatchObject({ message: 'No project file at /x', code: 'project-missing' })
  })

  it('forwards events and stops on unsubscribe', () => {
    const seen: unknown[] = []
    const off = studio.onEvent((e) => seen.push(e))
    electron.listeners.get('studio:event')!({}, { type: 'tasks-changed' })
    expect(seen).toEqual([{ type: 'tasks-changed' }])
    off()
    expect(electron.listeners.has('studio:event')).toBe(false)
  })
})
