/**
 * The run worker: a worker thread that holds the models and executes runs and rule planning one at
 * a time, so the main process (and the window it serves) never waits on a graph. It posts every
 * step as it happens; the main thread stores it.
 */
import { parentPort } from 'node:worker_threads'
import type { FromWorker, ToWorker } from './messages'
import { executeRun } from './execute-run'
import { ModelCache } from './model-cache'

const port = parentPort
if (!port) throw new Error('jobs/worker.ts must run in a worker thread')

const models = new ModelCache()
const cancels = new Map<string, AbortController>()
let chain: Promise<void> = Promise.resolve()
const post = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer)
const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error))

function handle(message: ToWorker): void {
  if (message.type === 'cancel') {
    cancels.get(message.runId)?.abort()
    return
  }
  // Work is serialised: one graph at a time keeps the CPU threads for that run.
  chain = chain.then(() => (message.type === 'run' ? run(message.request) : plan(message.request)))
}

async function run(request: Extract<ToWorker, { type: 'run' }>['request']): Promise<void> {
  const controller = new AbortController()
  cancels.set(request.runId, controller)
  const { runId } = request
  try {
    const loaded = await models.get(request.packageDir, request.settings.provider)
    const fps = loaded.video.fps
    const outcome = await executeRun(loaded, request, {
      signal: controller.signal,
      onStarted: (maxSteps) => post({ type: 'run-started', runId, provider: loaded.provider, maxSteps }),
      onStep: (step) => post({ type: 'run-step', runId, step }),
      onVideo: (kind, frames) => post({ type: 'run-video', runId, kind, fps, width: loaded.video.width, height: loaded.video.height, frames }),
      onProgress: (completed, total) => post({ type: 'run-progress', runId, completed, total }),
    })
    post({ type: 'run-finished', runId, status: outcome.status, result: outcome.result })
  } catch (error) {
    post({ type: 'run-failed', runId, error: errorText(error) })
  } finally {
    cancels.delete(runId)
  }
}

async function plan(request: Extract<ToWorker, { type: 'plan' }>['request']): Promise<void> {
  try {
    const loaded = await models.get(request.packageDir, 'cpu')
    const queries = await loaded.planQueries(request.instruction)
    post({ type: 'plan-done', requestId: request.requestId, queries })
  } catch (error) {
    post({ type: 'plan-failed', requestId: request.requestId, error: errorText(error) })
  }
}

port.on('message', handle)
