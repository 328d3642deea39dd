/**
 * Starts the run worker thread. From source (tsx, vitest) the worker's TypeScript is loaded through
 * tsx's loader; in the Electron build electron-vite bundles it beside the main entry as
 * jobs-worker.js, whose path the app passes in.
 */
import { existsSync } from 'node:fs'
import { Worker } from 'node:worker_threads'

const sourceEntry = new URL('./worker.ts', import.meta.url)

export function startRunWorker(builtEntry?: string): Worker {
  if (builtEntry && existsSync(builtEntry)) return new Worker(builtEntry)
  if (sourceEntry.protocol !== 'file:' || !existsSync(sourceEntry)) {
    throw new Error(`The run worker was not found (${builtEntry ?? sourceEntry.href}): rebuild the studio with \`npm run build\`.`)
  }
  const code = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(sourceEntry.href)}) })`
  return new Worker(code, { eval: true })
}
