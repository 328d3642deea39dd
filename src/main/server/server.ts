import { existsSync } from 'node:fs'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { resolve } from 'node:path'
import { WebSocketServer, type WebSocket } from 'ws'
import { decodeWire, encodeWire, type WireMessage, type WireRequest } from '../../shared/wire'
import { dispatchStudioCall, type StudioService } from '../engine'
import { EXPORTS_PATH, serveExportFile } from './export-files'
import { serveRendererFile } from './static-files'

export const LOOPBACK_HOSTS = ['127.0.0.1', '::1', 'localhost'] as const
export const API_PATH = '/api'
/** Largest WebSocket message accepted: a 20 MB upload grows by a third as base64. */
const MAX_MESSAGE_BYTES = 32 * 1024 * 1024

export interface StudioServerOptions {
  service: StudioService
  rendererDir: string
  /** Exported videos, served for download under /exports/ (the studio's exports folder). */
  exportsDir?: string
  host?: string
  port?: number
}

export interface StudioServer {
  url: string
  port: number
  close(): Promise<void>
}

/**
 * Browser mode: serves the built renderer over HTTP and the StudioApi over a WebSocket at /api,
 * on a loopback address only. Requests from other origins or Host names are refused, so a web page
 * open in the same browser cannot drive the studio.
 */
export async function startStudioServer(options: StudioServerOptions): Promise<StudioServer> {
  const host = options.host ?? '127.0.0.1'
  if (!(LOOPBACK_HOSTS as readonly string[]).includes(host)) {
    throw new Error(`Browser mode listens on loopback only (${LOOPBACK_HOSTS.join(', ')}), not "${host}": to reach it from another machine, forward the port over SSH.`)
  }
  const rendererDir = resolve(options.rendererDir)
  if (!existsSync(resolve(rendererDir, 'index.html'))) {
    throw new Error(`The built renderer is missing (${rendererDir}/index.html): run \`npm run build\` first.`)
  }
  let allowedHosts = new Set<string>()

  const server = createServer((req, res) => {
    if (!allowedHosts.has(req.headers.host ?? '')) {
      res.writeHead(421, { 'content-type': 'text/plain' }).end('Misdirected request: use the address the studio printed.')
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end()
      return
    }
    const url = req.url ?? '/'
    if (url.startsWith(EXPORTS_PATH)) {
      if (options.exportsDir) serveExportFile(options.exportsDir, url, res)
      else res.writeHead(404, { 'content-type': 'text/plain' }).end('This server serves no exports.')
      return
    }
    serveRendererFile(rendererDir, url, res)
  })

  const sockets = new WebSocketServer({
    server,
    path: API_PATH,
    maxPayload: MAX_MESSAGE_BYTES,
    verifyClient: ({ req }: { req: IncomingMessage }) =>
      allowedHosts.has(req.headers.host ?? '') && isSameOrigin(req.headers.origin, req.headers.host),
  })
  sockets.on('connection', (socket) => attachBridge(socket, options.service))

  await new Promise<void>((done, fail) => {
    server.once('error', fail)
    server.listen(options.port ?? 0, host, () => done())
  })
  const { port } = server.address() as AddressInfo
  allowedHosts = new Set(LOOPBACK_HOSTS.map((h) => `${h.includes(':') ? `[${h}]` : h}:${port}`))
  const shownHost = host.includes(':') ? `[${host}]` : host
  return {
    url: `http://${shownHost}:${port}/`,
    port,
    close: () =>
      new Promise<void>((done) => {
        for (const client of sockets.clients) client.terminate()
        sockets.close()
        server.close(() => done())
        server.closeAllConnections()
      }),
  }
}

function isSameOrigin(origin: string | undefined, host: string | undefined): boolean {
  return origin !== undefined && host !== undefined && origin === `http://${host}`
}

/** One browser tab: calls in, results and events out. */
function attachBridge(socket: WebSocket, service: StudioService): void {
  const send = (message: WireMessage) => {
    if (socket.readyState === socket.OPEN) socket.send(encodeWire(message))
  }
  const unsubscribe = service.onEvent((event) => send({ kind: 'event', event }))
  socket.on('close', unsubscribe)
  socket.on('message', async (data, isBinary) => {
    let request: WireRequest
    try {
      if (isBinary) throw new Error('binary frames are not used')
      request = decodeWire(data.toString()) as WireRequest
      if (typeof request?.id !== 'number' || typeof request.method !== 'string') throw new Error('missing id or method')
    } catch (error) {
      socket.close(1003, `Malformed request: ${(error as Error).message}`.slice(0, 120))
      return
    }
    send({ kind: 'result', id: request.id, result: await dispatchStudioCall(service.handlers, request.method, request.input) })
  })
}
