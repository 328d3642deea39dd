import type { IpcMain } from 'electron'
import { STUDIO_METHODS } from '../shared/api'
import { ipcChannel } from '../shared/result'
import { dispatchStudioCall, type StudioService } from './engine'

/** One IPC handler per API method; each call is validated by dispatchStudioCall. */
export function registerStudioIpc(ipcMain: Pick<IpcMain, 'handle'>, service: StudioService): void {
  for (const method of STUDIO_METHODS) {
    ipcMain.handle(ipcChannel(method), (_event, input: unknown) => dispatchStudioCall(service.handlers, method, input))
  }
}
