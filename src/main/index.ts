/**
 * Electron main process: window and IPC wiring only. Everything the studio does lives in the
 * engine (./engine), shared with browser mode (./server) and the CLI (./cli).
 */
import { app, BrowserWindow, ipcMain, shell } from 'electron'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { IPC_EVENT_CHANNEL } from '../shared/result'
import { defaultDataDir, StudioService } from './engine'
import { defaultPackageDirs } from './engine/models'
import { registerStudioIpc } from './ipc'
import { studioWindowOptions } from './window'

const here = fileURLToPath(new URL('.', import.meta.url))

function createWindow(service: StudioService): BrowserWindow {
  const window = new BrowserWindow(studioWindowOptions(join(here, '../preload/index.cjs')))
  const unsubscribe = service.onEvent((event) => window.webContents.send(IPC_EVENT_CHANNEL, event))
  window.on('closed', unsubscribe)
  window.once('ready-to-show', () => window.show())
  // Links open in the user's browser; the window itself never navigates away from the studio.
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })
  window.webContents.on('will-navigate', (event) => event.preventDefault())
  const devServer = process.env.ELECTRON_RENDERER_URL
  if (devServer) void window.loadURL(devServer)
  else void window.loadFile(join(here, '../renderer/index.html'))
  return window
}

export async function startStudioApp(): Promise<StudioService> {
  await app.whenReady()
  const service = new StudioService({
    dataDir: defaultDataDir(),
    appVersion: app.getVersion(),
    mode: 'electron',
    // Packaged apps carry the model packages under resources/; from a checkout they are found in the tree.
    packageDirs: defaultPackageDirs(app.isPackaged ? process.resourcesPath : undefined),
    workerEntry: join(here, 'jobs-worker.js'),
  })
  registerStudioIpc(ipcMain, service, shell)
  createWindow(service)
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow(service)
  })
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
  app.on('will-quit', () => service.close())
  return service
}

/** The running app; resolves once the window and IPC handlers exist. */
export const studioApp: Promise<StudioService> = startStudioApp()
