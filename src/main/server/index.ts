/**
 * Browser mode: an HTTP server for the built renderer and a WebSocket bridge implementing the
 * same StudioApi as the Electron preload, on 127.0.0.1 only. `start.ts` is the `serve` command.
 */
export { startStudioServer, LOOPBACK_HOSTS, API_PATH, type StudioServer } from './server'
export { EXPORTS_PATH } from './export-files'
export { serveCommand, DEFAULT_PORT } from './start'
