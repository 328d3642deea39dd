import type { IpcMain, Shell } from 'electron'
import { existsSync } from 'node:fs'
import { isAbsolute } from 'node:path'
import { STUDIO_METHODS } from '../shared/api'
import type { StudioResult } from '../shared/result'
import { ipcChannel } from '../shared/result'
import { dispatchStudioCall, type StudioService } from './engine'

/** One IPC handler per API method; each call is validated by dispatchStudioCall. */
export function registerStudioIpc(ipcMain: Pick<IpcMain, 'handle'>, service: StudioService, shell?: Pick<Shell, 'showItemInFolder'>): void {
  for (const method of STUDIO_METHODS) {
    if (method === 'revealExport' && shell) {
      ipcMain.handle(ipcChannel(method), (_event, input: unknown) => revealExport(shell, input))
      continue
    }
    ipcMain.handle(ipcChannel(method), (_event, input: unknown) => dispatchStudioCall(service.handlers, method, input))
  }
}

/** Shows an exported file in the system file manager (Electron's shell owns this, not the engine). */
function revealExport(shell: Pick<Shell, 'showItemInFolder'>, input: unknown): StudioResult<{ revealed: boolean }> {
  const path = (input as { path?: unknown } | undefined)?.path
  if (typeof path !== 'string' || !isAbsolute(path)) {
    return { ok: false, error: { code: 'invalid-input', message: 'path: expected the absolute path of an exported file' } }
  }
  if (!existsSync(path)) {
    return { ok: false, error: { code: 'export-missing', message: `No file at ${path}: it was moved or deleted; export the run again.` } }
  }
  shell.showItemInFolder(path)
  return { ok: true, value: { revealed: true } }
}
