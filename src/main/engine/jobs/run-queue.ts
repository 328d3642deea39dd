/**
 * The run queue (main thread). It owns the project file's writes for runs: it creates the run with a
 * snapshot of the task's rules, hands runs one at a time to the run worker, stores every step the
 * moment it arrives (one transaction per step, so a crash loses at most the step in flight), and
 * tells subscribers with progress (first while the package opens, then per step, with an ETA from
 * the steps done). Cancel reaches only the
 * run it names; pause holds the queue after the current run. Each run and each query plan names the
 * model package it runs on (the caller picks it by the task's family).
 */
import type { Worker } from 'node:worker_threads'
import type { RuleQuery, Run, RunMethod, RunSettings, StudioEvent } from '../../../shared'
import { decodePngFrame } from '../images'
import type { ModelPackage } from '../models'
import { runtimeVersion } from '../runtime'
import type { ProjectStore } from '../store'
import type { FromWorker, RunRequest, ToWorker } from './messages'
import { startRunWorker } from './worker-thread'

export interface RunQueueOptions {
  store: () => ProjectStore
  emit: (event: StudioEvent) => void
  appVersion: string
  /** Built worker file (Electron); from source the TypeScript worker is used. */
  workerEntry?: string
}

interface WaitingRun {
  runId: string
  taskId: string
  store: ProjectStore
  pkg: ModelPackage
}

interface ActiveRun extends WaitingRun {
  startedAt: number
  /** When the worker had the package's graphs open and began the run's steps (null while loading). */
  stepsStartedAt: number | null
  total: number
}

export interface QueueState {
  paused: boolean
  activeRunId: string | null
  queuedRunIds: string[]
}

export class RunQueue {
  private worker: Worker | null = null
  private readonly waiting: WaitingRun[] = []
  private active: ActiveRun | null = null
  private paused = false
  private nextPlanId = 1
  private readonly plans = new Map<number, { resolve: (q: { kind: 'goal' | 'process'; text: string }[]) => void; reject: (e: Error) => void }>()

  constructor(private readonly options: RunQueueOptions) {}

  state(): QueueState {
    return { paused: this.paused, activeRunId: this.active?.runId ?? null, queuedRunIds: this.waiting.map((w) => w.runId) }
  }

  /**
   * Queues a run of `method` on a task with model package `pkg`; `rules` (the task's current rules,
   * checked by the caller) are copied into the run.
   */
  enqueue(taskId: string, method: RunMethod, settings: RunSettings, rules: readonly RuleQuery[], pkg: ModelPackage): Run {
    const store = this.options.store()
    const run = store.runs.create({
      taskId,
      method,
      settings,
      queries: rules.map((r) => ({ kind: r.kind, text: r.text, weight: r.weight, ruleId: r.ruleId })),
      model: { packageId: pkg.id, packageHash: pkg.hash },
      versions: { app: this.options.appVersion, onnxruntime: runtimeVersion() },
    })
    this.waiting.push({ runId: run.id, taskId, store, pkg })
    this.emitStatus(run)
    this.pump()
    return run
  }

  cancel(runId: string): boolean {
    const i = this.waiting.findIndex((w) => w.runId === runId)
    if (i >= 0) {
      const [entry] = this.waiting.splice(i, 1)
      this.emitStatus(entry.store.runs.finish(runId, 'cancelled', 'Cancelled before it started.'))
      return true
    }
    if (this.active?.runId === runId) {
      this.post({ type: 'cancel', runId })
      return true
    }
    return false
  }

  pause(): QueueState {
    this.paused = true
    return this.state()
  }

  resume(): QueueState {
    this.paused = false
    this.pump()
    return this.state()
  }

  /** The query writer of package `pkg` on an instruction (runs in the worker, between runs). */
  planQueries(instruction: string, pkg: ModelPackage): Promise<{ kind: 'goal' | 'process'; text: string }[]> {
    const requestId = this.nextPlanId++
    return new Promise((resolve, reject) => {
      this.plans.set(requestId, { resolve, reject })
      this.post({ type: 'plan', request: { requestId, instruction, packageDir: pkg.dir } })
    })
  }

  /** Cancels what is queued or running for a project that is being closed. */
  cancelAll(): void {
    for (const w of [...this.waiting]) this.cancel(w.runId)
    if (this.active) this.cancel(this.active.runId)
  }

  async close(): Promise<void> {
    this.cancelAll()
    const worker = this.worker
    this.worker = null
    if (worker) await worker.terminate()
  }

  // ---- internals ---------------------------------------------------------------------------
  private ensureWorker(): Worker {
    if (this.worker) return this.worker
    const worker = startRunWorker(this.options.workerEntry)
    worker.on('message', (m: FromWorker) => this.onMessage(m))
    worker.on('error', (error) => this.onWorkerDeath(error.message))
    worker.on('exit', (code) => {
      if (this.worker === worker) this.onWorkerDeath(`the run worker exited with code ${code}`)
    })
    this.worker = worker
    return worker
  }

  private post(message: ToWorker): void {
    this.ensureWorker().postMessage(message)
    this.holdProcessWhileBusy()
  }

  /** Pending work keeps the process alive (CLI); an idle worker never does. */
  private holdProcessWhileBusy(): void {
    if (!this.worker) return
    if (this.active || this.plans.size > 0) this.worker.ref()
    else this.worker.unref()
  }

  private pump(): void {
    if (this.paused || this.active || this.waiting.length === 0) return
    const next = this.waiting.shift()!
    const { store, runId, taskId, pkg } = next
    try {
      const run = store.runs.start(runId)
      const task = store.tasks.get(taskId)
      if (!task) throw new Error('The task of this run was deleted.')
      const frame = decodePngFrame(task.firstFrame.png)
      const request: RunRequest = {
        runId,
        method: run.method,
        settings: run.settings,
        queries: run.queries,
        instruction: task.instruction,
        firstFrame: frame,
        family: task.family,
        packageDir: pkg.dir,
      }
      this.active = { runId, taskId, store, pkg, startedAt: Date.now(), stepsStartedAt: null, total: run.settings.maxSteps + 1 }
      this.emitStatus(run)
      this.emitProgress(this.active, 0, this.active.total)
      this.post({ type: 'run', request })
    } catch (error) {
      this.failActive(next.store, runId, (error as Error).message)
      this.active = null
      this.pump()
    }
  }

  private onMessage(message: FromWorker): void {
    this.handleMessage(message)
    this.holdProcessWhileBusy()
  }

  private handleMessage(message: FromWorker): void {
    if (message.type === 'plan-done' || message.type === 'plan-failed') {
      const pending = this.plans.get(message.requestId)
      this.plans.delete(message.requestId)
      if (message.type === 'plan-done') pending?.resolve(message.queries)
      else pending?.reject(new Error(message.error))
      return
    }
    const active = this.active
    if (!active || active.runId !== message.runId) return
    const { store, runId, taskId } = active
    switch (message.type) {
      case 'run-started':
        active.total = message.maxSteps
        active.stepsStartedAt = Date.now()
        this.emitProgress(active, 0, active.total)
        break
      case 'run-step': {
        const { preview, ...metrics } = message.step
        const { width, height } = active.pkg.manifest.video
        const step = store.runs.appendStep(runId, { ...metrics, previewFrames: preview.map((rgb) => ({ width, height, rgb })) })
        this.options.emit({ type: 'run-step', taskId, step })
        break
      }
      case 'run-progress':
        this.emitProgress(active, message.completed, message.total)
        break
      case 'run-video':
        store.runs.addVideo(runId, { kind: message.kind, fps: message.fps, frames: message.frames.map((rgb) => ({ width: message.width, height: message.height, rgb })) })
        break
      case 'run-finished':
        this.active = null
        this.emitStatus(store.runs.finish(runId, message.status, message.status === 'cancelled' ? 'Cancelled by the user.' : null, message.result))
        this.pump()
        break
      case 'run-failed':
        this.active = null
        this.failActive(store, runId, message.error)
        this.pump()
        break
    }
  }

  private onWorkerDeath(reason: string): void {
    this.worker = null
    for (const [, pending] of this.plans) pending.reject(new Error(`The teacher could not answer: ${reason}.`))
    this.plans.clear()
    if (this.active) {
      const { store, runId } = this.active
      this.active = null
      this.failActive(store, runId, `The run stopped because ${reason}; the steps written before it are kept. Try again; if it repeats, lower the thread count or restart the studio.`)
    }
    this.pump()
  }

  private failActive(store: ProjectStore, runId: string, error: string): void {
    if (store.runs.isFinished(runId)) return
    this.emitStatus(store.runs.finish(runId, 'failed', error))
  }

  private emitStatus(run: Run): void {
    this.options.emit({ type: 'run-status', runId: run.id, taskId: run.taskId, status: run.status, error: run.error })
  }

  /**
   * Progress of the active run. Until the worker has the package open the phase is 'loading-model'
   * (a package's first run opens its graphs: seconds, more on a busy CPU); the ETA then extrapolates
   * from the steps alone, so that load time does not inflate it.
   */
  private emitProgress(active: ActiveRun, completed: number, total: number): void {
    const now = Date.now()
    const elapsedMs = now - active.startedAt
    const stepsStarted = active.stepsStartedAt
    const etaMs = stepsStarted !== null && completed > 0 ? ((now - stepsStarted) / completed) * Math.max(total - completed, 0) : null
    this.options.emit({
      type: 'run-progress',
      runId: active.runId,
      phase: stepsStarted === null ? 'loading-model' : 'running',
      packageId: active.pkg.id,
      completedSteps: completed,
      maxSteps: total,
      elapsedMs,
      etaMs,
    })
  }
}
