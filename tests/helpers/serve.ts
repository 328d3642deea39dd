import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'

export const repoRoot = join(import.meta.dirname, '..', '..')

export interface ServeProcess {
  url: string
  child: ChildProcess
  stop(): Promise<void>
}

/**
 * Runs the real `serve` entry (browser mode) on a free port and waits for its printed address.
 * `env` adds to (or overrides) this process's environment, e.g. TEACHER_STUDIO_MODEL_DIR.
 */
export async function startServe(dataDir: string, env: Record<string, string> = {}): Promise<ServeProcess> {
  if (!existsSync(join(repoRoot, 'out', 'renderer', 'index.html'))) {
    throw new Error('out/renderer is missing: run `npm run build` before the end-to-end tests (npm test does).')
  }
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'src/main/server/start.ts'), '--port', '0', '--data-dir', dataDir], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start within 30 s:\n${output}`)), 30_000)
    const onData = (data: Buffer) => {
      output += data.toString()
      const match = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve(match[1])
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`serve exited with ${code}:\n${output}`))
    })
  })
  return {
    url,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}
