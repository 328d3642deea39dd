/**
 * `npm run serve [-- --port 5219 --host 127.0.0.1 --data-dir DIR --projects-dir DIR]`:
 * starts the engine and serves the built renderer in browser mode.
 */
import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { defaultDataDir, StudioService } from '../engine'
import { startStudioServer } from './server'

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
export const DEFAULT_PORT = 5219

export async function serveCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: String(DEFAULT_PORT) },
      host: { type: 'string', default: '127.0.0.1' },
      'data-dir': { type: 'string' },
      'projects-dir': { type: 'string' },
      'renderer-dir': { type: 'string', default: join(repoRoot, 'out', 'renderer') },
    },
  })
  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0-65535 (0 picks a free port), not "${values.port}"`)
  const dataDir = resolve(values['data-dir'] ?? defaultDataDir())
  const appVersion = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version
  const exportsDir = join(dataDir, 'exports')
  const service = new StudioService({
    dataDir,
    exportsDir,
    projectsDir: values['projects-dir'] && resolve(values['projects-dir']),
    appVersion,
    mode: 'browser',
  })
  const server = await startStudioServer({ service, rendererDir: values['renderer-dir'], exportsDir, host: values.host, port })
  console.log(`Teacher Studio (browser mode) at ${server.url}`)
  console.log(`Data folder: ${dataDir}`)
  const stop = async () => {
    await server.close()
    await service.close()
    process.exit(0)
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  serveCommand(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error)
    process.exit(1)
  })
}
