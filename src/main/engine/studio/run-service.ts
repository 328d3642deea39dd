/**
 * The run side of the studio API: runtime info, the teacher writing rule queries, starting,
 * cancelling and queueing runs, and exporting a run's video. A task runs on the model package
 * trained on its family (models/library.ts). Packages are loaded lazily, so a missing or damaged
 * package shows as a readable notice instead of stopping the studio.
 */
import { join } from 'node:path'
import type { Run, RunSettings, RuntimeInfo, StudioEvent, Task } from '../../../shared'
import { buildRunCard, exportVideo, ExportError } from '../export'
import { decodePngFrame } from '../images'
import { RunQueue } from '../jobs'
import { ModelLibrary, ModelPackageError, type ModelPackage } from '../models'
import { cudaProviderInstalled, describeProviders, runtimeVersion } from '../runtime'
import type { ProjectStore } from '../store'
import type { StudioHandlers } from './dispatch'
import { StudioError } from '../errors'

export interface RunServiceOptions {
  store: () => ProjectStore
  emit: (event: StudioEvent) => void
  /** Model package folders; the first is the default package. */
  packageDirs: readonly string[]
  appVersion: string
  exportsDir: string
  workerEntry?: string
}

const RUN_METHODS = ['getRuntimeInfo', 'getRunDefaults', 'planRules', 'startRun', 'cancelRun', 'getQueue', 'pauseQueue', 'resumeQueue', 'exportRun'] as const
type RunHandlers = Pick<StudioHandlers, (typeof RUN_METHODS)[number]>

/** The run handlers, resolved at call time (the service builds its handler table before its RunService). */
export function runHandlersOf(runs: () => RunService): RunHandlers {
  return Object.fromEntries(RUN_METHODS.map((m) => [m, (input: never) => (runs().handlers[m] as (i: never) => unknown)(input)])) as RunHandlers
}

/** Best-of-N default: about the teacher method's average number of passes at this scale. */
const DEFAULT_CANDIDATES = 5

export class RunService {
  readonly queue: RunQueue
  readonly library: ModelLibrary

  constructor(private readonly options: RunServiceOptions) {
    this.library = new ModelLibrary(options.packageDirs)
    this.queue = new RunQueue({
      store: options.store,
      emit: options.emit,
      appVersion: options.appVersion,
      workerEntry: options.workerEntry,
    })
  }

  /** The package that runs a task of `family` (the default package for null). */
  modelPackage(family: string | null = null): ModelPackage {
    try {
      return this.library.packageFor(family)
    } catch (error) {
      if (error instanceof ModelPackageError) throw new StudioError('model-package', error.message)
      throw error
    }
  }

  /** Family -> id of the package trained on it; null when no loadable package names a family. */
  trainedFamilies(): Map<string, string> | null {
    const families = this.library.trainedFamilies()
    return families.size ? families : null
  }

  defaultSettings(pkg: ModelPackage): RunSettings {
    const d = pkg.manifest.defaults
    return { seed: 0, learningRate: d.learningRate, lambda: d.lambda, tau: d.tau, maxSteps: d.maxSteps, provider: 'cpu', candidates: DEFAULT_CANDIDATES }
  }

  runtimeInfo(): RuntimeInfo {
    let info: RuntimeInfo['package'] = null
    let packageError: string | null = null
    try {
      const pkg = this.modelPackage()
      const v = pkg.manifest.video
      info = {
        id: pkg.id,
        hash: pkg.hash,
        video: { frames: v.frames, width: v.width, height: v.height, fps: v.fps },
        maxQueries: pkg.manifest.text.maxQueries,
        defaults: this.defaultSettings(pkg),
      }
    } catch (error) {
      packageError = (error as Error).message
    }
    const packages = this.library.entries().map((e) => ({
      id: e.id,
      families: e.pkg?.manifest.families.map((f) => f.name) ?? [],
      defaults: e.pkg ? this.defaultSettings(e.pkg) : null,
      error: e.error,
    }))
    return { package: info, packageError, packages, providers: describeProviders(cudaProviderInstalled()), onnxruntime: runtimeVersion() }
  }

  private requireTask(id: string): Task {
    const task = this.options.store().tasks.get(id)
    if (!task) throw new StudioError('task-missing', `Task ${id} is not in this project: it may have been deleted.`)
    return task
  }

  private requireRun(id: string): Run {
    const run = this.options.store().runs.get(id)
    if (!run) throw new StudioError('run-missing', `Run ${id} is not in this project: it may have been deleted with its task.`)
    return run
  }

  readonly handlers: RunHandlers = {
    getRuntimeInfo: () => this.runtimeInfo(),
    getRunDefaults: ({ taskId }) => this.defaultSettings(this.modelPackage(this.requireTask(taskId).family)),
    planRules: async ({ taskId }) => {
      const store = this.options.store()
      const task = this.requireTask(taskId)
      const pkg = this.modelPackage(task.family)
      const planned = await this.queue.planQueries(task.instruction, pkg)
      const goal = planned.filter((q) => q.kind === 'goal').slice(0, 1)
      const process = planned.filter((q) => q.kind === 'process').slice(0, pkg.manifest.text.maxQueries - goal.length)
      if (goal.length === 0 && process.length === 0) {
        throw new StudioError('plan-empty', 'The teacher could not write rule queries for this instruction: add a goal query and 1-3 process queries yourself.')
      }
      // The teacher's previous queries give way to the new ones; the user's own queries stay.
      for (const rule of store.rules.list(taskId)) if (rule.origin === 'teacher') store.rules.delete(rule.id)
      for (const q of [...goal, ...process]) store.rules.add({ taskId, kind: q.kind, text: q.text, weight: 1, origin: 'teacher' })
      this.options.emit({ type: 'rules-changed', taskId })
      return store.rules.list(taskId)
    },
    startRun: ({ taskId, method, settings }) => {
      const store = this.options.store()
      const task = this.requireTask(taskId)
      const pkg = this.modelPackage(task.family)
      const { width, height } = pkg.manifest.video
      if (task.frameWidth !== width || task.frameHeight !== height) {
        throw new StudioError('frame-size', `This task's first frame is ${task.frameWidth}x${task.frameHeight}, but model package "${pkg.id}" generates ${width}x${height} videos: pick a task from the built-in suite, or drop a ${width}x${height} first frame drawn in the suite's cell world.`)
      }
      const full = { ...this.defaultSettings(pkg), ...Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)) } as RunSettings
      const rules = store.rules.list(taskId)
      if (rules.length === 0) throw new StudioError('no-rules', 'This task has no rule queries yet: click "Extract rules" to let the teacher write them, or add one yourself.')
      if (rules.length > pkg.manifest.text.maxQueries) {
        throw new StudioError('too-many-rules', `Model package "${pkg.id}" reads at most ${pkg.manifest.text.maxQueries} rule queries (one goal and up to ${pkg.manifest.text.maxQueries - 1} process queries); this task has ${rules.length}: remove some.`)
      }
      return this.queue.enqueue(taskId, method, full, rules, pkg)
    },
    cancelRun: ({ id }) => ({ cancelled: this.queue.cancel(id) }),
    getQueue: () => this.queue.state(),
    pauseQueue: () => this.queue.pause(),
    resumeQueue: () => this.queue.resume(),
    exportRun: async ({ runId, format, fps, scale, outPath }) => {
      const store = this.options.store()
      const run = this.requireRun(runId)
      const task = store.tasks.get(run.taskId)
      if (!task) throw new StudioError('task-missing', 'The task of this run was deleted.')
      const videos = store.runs.videos(runId)
      const video = videos.find((v) => v.kind === 'final') ?? videos.find((v) => v.kind === 'base')
      if (!video) throw new StudioError('no-video', 'This run has no finished video to export (it was cancelled, failed, or is still running).')
      const frames = video.frames.map((f) => decodePngFrame(f.png).rgb)
      const ext = format === 'png' ? '' : `.${format}`
      const target = outPath ?? join(this.options.exportsDir, `${run.method}-${run.id.slice(0, 8)}${format === 'png' ? '-frames' : ''}${ext}`)
      try {
        return await exportVideo({
          frames, width: video.frames[0].width, height: video.frames[0].height, fps: fps ?? video.fps, format, outPath: target, scale,
          runCard: buildRunCard(run, task),
        })
      } catch (error) {
        if (error instanceof ExportError) throw new StudioError('export-failed', error.message)
        throw error
      }
    },
  }

  async close(): Promise<void> {
    await this.queue.close()
  }
}
