/**
 * How results cross IPC and the WebSocket, and the IPC channel names. Free of zod so the sandboxed
 * preload stays tiny.
 */

/** A failure the user can act on: a stable code and a message saying what happened and what to do. */
export interface StudioFailure {
  code: string
  message: string
}

export type StudioResult<T> = { ok: true; value: T } | { ok: false; error: StudioFailure }

/** Turns a failed result back into a thrown Error carrying the user-facing message and code. */
export function unwrapResult<T>(result: StudioResult<T>): T {
  if (result.ok) return result.value
  const error = new Error(result.error.message) as Error & { code?: string }
  error.code = result.error.code
  throw error
}

/** IPC channel of one API method: one channel per message (electron/fiddle style). */
export const ipcChannel = (method: string) => `studio:${method}`
/** IPC channel on which the main process pushes StudioEvents to the window. */
export const IPC_EVENT_CHANNEL = 'studio:event'
