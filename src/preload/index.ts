/**
 * The preload (sandboxed, context-isolated): exposes `window.studio`, one named method per API
 * message, each invoking its own IPC channel. `ipcRenderer` itself is never exposed.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import type { MethodInput, MethodOutput, StudioApi, StudioMethod } from '../shared/api'
import type { StudioEvent } from '../shared/events'
import { IPC_EVENT_CHANNEL, ipcChannel, unwrapResult, type StudioResult } from '../shared/result'

function method<M extends StudioMethod>(name: M) {
  const channel = ipcChannel(name)
  return async (input?: MethodInput<M>): Promise<MethodOutput<M>> =>
    unwrapResult((await ipcRenderer.invoke(channel, input)) as StudioResult<MethodOutput<M>>)
}

const studio: StudioApi = {
  getStudioInfo: method('getStudioInfo'),
  listRecentProjects: method('listRecentProjects'),
  createProject: method('createProject'),
  openProject: method('openProject'),
  listTasks: method('listTasks'),
  getTask: method('getTask'),
  createTaskFromImage: method('createTaskFromImage'),
  importTaskFile: method('importTaskFile'),
  listSuiteFamilies: method('listSuiteFamilies'),
  createSuiteTask: method('createSuiteTask'),
  deleteTask: method('deleteTask'),
  listRules: method('listRules'),
  addRule: method('addRule'),
  updateRule: method('updateRule'),
  deleteRule: method('deleteRule'),
  listRuns: method('listRuns'),
  getRun: method('getRun'),
  listSteps: method('listSteps'),
  listVideos: method('listVideos'),
  getRuntimeInfo: method('getRuntimeInfo'),
  getRunDefaults: method('getRunDefaults'),
  planRules: method('planRules'),
  startRun: method('startRun'),
  cancelRun: method('cancelRun'),
  getQueue: method('getQueue'),
  pauseQueue: method('pauseQueue'),
  resumeQueue: method('resumeQueue'),
  exportRun: method('exportRun'),
  revealExport: method('revealExport'),
  onEvent(listener: (event: StudioEvent) => void) {
    const forward = (_event: IpcRendererEvent, payload: StudioEvent) => listener(payload)
    ipcRenderer.on(IPC_EVENT_CHANNEL, forward)
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, forward)
    }
  },
}

contextBridge.exposeInMainWorld('studio', studio)
