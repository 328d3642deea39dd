import { STUDIO_METHODS, type StudioApi } from '../../../shared/api'
import type { StudioEvent } from '../../../shared/events'
import { unwrapResult, type StudioResult } from '../../../shared/result'
import { decodeWire, encodeWire, type WireMessage } from '../../../shared/wire'

const LOST =
  'Lost the connection to the studio server (did `npm run serve` stop?): restart it and reload this page.'

/**
 * The StudioApi over the browser-mode WebSocket (/api). Connects on first use, and again after a
 * lost connection; calls in flight when the connection drops fail with a clear message.
 */
export function createBrowserClient(url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api`): StudioApi {
  let socket: WebSocket | null = null
  let opened: Promise<WebSocket> | null = null
  let nextId = 1
  const pending = new Map<number, { resolve: (r: StudioResult<unknown>) => void; reject: (e: Error) => void }>()
  const listeners = new Set<(event: StudioEvent) => void>()

  function connect(): Promise<WebSocket> {
    if (opened) return opened
    opened = new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(url)
      ws.onopen = () => {
        socket = ws
        resolve(ws)
      }
      ws.onmessage = (message) => {
        const data = decodeWire(String(message.data)) as WireMessage
        if (data.kind === 'event') listeners.forEach((l) => l(data.event as StudioEvent))
        else {
          pending.get(data.id)?.resolve(data.result as StudioResult<unknown>)
          pending.delete(data.id)
        }
      }
      ws.onclose = () => {
        socket = null
        opened = null
        pending.forEach((p) => p.reject(new Error(LOST)))
        pending.clear()
        reject(new Error(LOST))
      }
    })
    return opened
  }

  async function call(method: string, input: unknown): Promise<unknown> {
    const ws = socket ?? (await connect())
    const id = nextId++
    const result = new Promise<StudioResult<unknown>>((resolve, reject) => pending.set(id, { resolve, reject }))
    ws.send(encodeWire({ id, method, input }))
    return unwrapResult(await result)
  }

  const methods = Object.fromEntries(STUDIO_METHODS.map((m) => [m, (input?: unknown) => call(m, input)]))
  return {
    ...(methods as Omit<StudioApi, 'onEvent'>),
    onEvent(listener) {
      listeners.add(listener)
      void connect().catch(() => undefined)
      return () => listeners.delete(listener)
    },
  }
}
