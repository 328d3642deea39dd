/**
 * The studio service: the StudioApi implemented over the store, images and the task-suite port,
 * with `dispatchStudioCall` validating every call from IPC or the browser bridge.
 */
export { StudioService, type StudioServiceOptions } from './service'
export { dispatchStudioCall, type StudioHandlers } from './dispatch'
export { defaultDataDir, projectFileStem } from './paths'
export { parseTaskFile, taskFileJsonSchema } from './task-file'
