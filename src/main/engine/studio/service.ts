import { existsSync, mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { ProjectInfo, RuleQuery, StudioEvent, StudioInfo, Task } from '../../../shared'
import { encodeRgbFrame, normaliseUploadedImage } from '../images'
import { PROJECT_EXTENSION, ProjectStore, RecentProjects, type NewTask } from '../store'
import { StudioError } from '../errors'
import { defaultPackageDirs } from '../models'
import { builtInTaskSuite, type TaskSuitePort } from '../suite'
import { runHandlersOf, RunService } from './run-service'
import type { StudioHandlers } from './dispatch'
import { projectFileStem } from './paths'
import { parseTaskFile } from './task-file'

export interface StudioServiceOptions {
  dataDir: string
  /** Where new projects are created; defaults to <dataDir>/projects. */
  projectsDir?: string
  appVersion: string
  mode: StudioInfo['mode']
  suite?: TaskSuitePort
  /** Model package folders, the default package first; the built-in packages when left out. */
  packageDirs?: readonly string[]
  /** Where exported videos go when no path is given; defaults to <dataDir>/exports. */
  exportsDir?: string
  /** The bundled run worker (Electron build); from source the TypeScript worker is used. */
  workerEntry?: string
}

/**
 * The studio's engine-side API: one open project at a time, events to subscribers. Inputs reach it
 * already validated by `dispatchStudioCall`.
 */
export class StudioService {
  private project: ProjectStore | null = null
  private readonly listeners = new Set<(event: StudioEvent) => void>()
  private readonly recent: RecentProjects
  private readonly projectsDir: string
  private readonly suite: TaskSuitePort
  readonly runs: RunService

  constructor(private readonly options: StudioServiceOptions) {
    this.recent = new RecentProjects(options.dataDir)
    this.projectsDir = options.projectsDir ?? join(options.dataDir, 'projects')
    this.suite = options.suite ?? builtInTaskSuite
    this.runs = new RunService({
      store: () => this.currentStore(),
      emit: (event) => this.emit(event),
      packageDirs: options.packageDirs ?? defaultPackageDirs(),
      appVersion: options.appVersion,
      exportsDir: options.exportsDir ?? join(options.dataDir, 'exports'),
      workerEntry: options.workerEntry,
    })
  }

  onEvent(listener: (event: StudioEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  emit(event: StudioEvent): void {
    for (const listener of this.listeners) listener(event)
  }

  /** The open project's store, for engine parts (runs) that write to it. */
  currentStore(): ProjectStore {
    if (!this.project) throw new StudioError('no-project', 'No project is open: create a project or open one first.')
    return this.project
  }

  /** Stops the run queue (a running run ends as cancelled) and closes the project. */
  async close(): Promise<void> {
    await this.runs.close()
    this.project?.close()
    this.project = null
  }

  readonly handlers: StudioHandlers = {
    getStudioInfo: () => ({
      appVersion: this.options.appVersion,
      projectsDir: this.projectsDir,
      mode: this.options.mode,
      project: this.project && this.projectInfo(this.project),
    }),
    listRecentProjects: () => this.recent.list(),
    createProject: ({ name }) => {
      mkdirSync(this.projectsDir, { recursive: true })
      const path = join(this.projectsDir, projectFileStem(name) + PROJECT_EXTENSION)
      if (existsSync(path)) {
        throw new StudioError('project-exists', `A project file already exists at ${path}: open it from the recent list or choose another name.`)
      }
      return this.activate(ProjectStore.create(path, name))
    },
    openProject: ({ path }) => this.activate(ProjectStore.open(resolve(path))),

    listTasks: () => this.currentStore().tasks.list(),
    getTask: ({ id }) => this.requireTask(id),
    createTaskFromImage: async ({ instruction, fileName, image }) => {
      const frame = await normaliseUploadedImage(image, fileName)
      return this.addTask({ instruction, source: 'dropped', sourceName: fileName || null, family: null, seed: null, split: null, firstFrame: frame, rules: [] })
    },
    importTaskFile: async ({ fileName, content }) => {
      const { task, image } = parseTaskFile(content, fileName)
      const frame = await normaliseUploadedImage(image, `image in ${fileName}`)
      const rules = (task.rules ?? []).map((r) => ({ kind: r.kind, text: r.text, weight: r.weight, origin: 'user' as const, ruleId: null }))
      return this.addTask({
        instruction: task.instruction, source: 'file', sourceName: fileName || null,
        family: task.family ?? null, seed: task.seed ?? null, split: task.split ?? (task.family && task.seed !== undefined ? 'train' : null),
        firstFrame: frame, rules,
      })
    },
    listSuiteFamilies: () => {
      const trained = this.runs.trainedFamilies()
      return this.suite.listFamilies().map((f) => (trained ? { ...f, inModelPackage: trained.has(f.name), modelPackage: trained.get(f.name) } : f))
    },
    // The desktop shell answers this itself (src/main/ipc.ts); only browser mode reaches the engine.
    revealExport: () => {
      throw new StudioError('reveal-unavailable', 'Showing a file in its folder works in the desktop app only: in the browser, use the download link.')
    },
    createSuiteTask: ({ family, seed, split }) => {
      this.currentStore()
      const generated = this.suite.generateTask(family, seed, split)
      const png = encodeRgbFrame({ width: generated.width, height: generated.height, rgb: generated.firstFrame })
      // The teacher writes the rule queries; the suite's own rules are kept for evaluation only.
      return this.addTask({
        instruction: generated.instruction, source: 'suite', sourceName: null, family, seed, split,
        firstFrame: { width: generated.width, height: generated.height, png }, rules: [],
      })
    },
    deleteTask: ({ id }) => {
      const deleted = this.currentStore().tasks.delete(id)
      if (deleted) this.emit({ type: 'tasks-changed' })
      return { deleted }
    },

    listRules: ({ taskId }) => {
      this.requireTask(taskId)
      return this.currentStore().rules.list(taskId)
    },
    addRule: (input) => {
      this.requireTask(input.taskId)
      return this.rulesChanged(this.currentStore().rules.add(input))
    },
    updateRule: ({ id, ...changes }) => {
      const rule = this.currentStore().rules.update(id, changes)
      if (!rule) throw new StudioError('rule-missing', 'This query no longer exists (it was deleted): reload the task.')
      return this.rulesChanged(rule)
    },
    deleteRule: ({ id }) => {
      const store = this.currentStore()
      const rule = store.rules.get(id)
      const deleted = store.rules.delete(id)
      if (rule) this.emit({ type: 'rules-changed', taskId: rule.taskId })
      return { deleted }
    },

    listRuns: ({ taskId }) => this.currentStore().runs.list(taskId),
    getRun: ({ id }) => {
      const run = this.currentStore().runs.get(id)
      if (!run) throw new StudioError('run-missing', `Run ${id} is not in this project: it may have been deleted with its task.`)
      return run
    },
    listSteps: ({ runId }) => this.currentStore().runs.steps(runId),
    listVideos: ({ runId }) => this.currentStore().runs.videos(runId),
    ...runHandlersOf(() => this.runs),
  }

  private activate(store: ProjectStore): ProjectInfo {
    // Runs belong to the project they were started in: switching projects cancels them.
    this.runs.queue.cancelAll()
    this.project?.close()
    this.project = store
    this.recent.remember(store.name, store.path)
    const info = this.projectInfo(store)
    this.emit({ type: 'project-opened', project: info })
    return info
  }

  private projectInfo(store: ProjectStore): ProjectInfo {
    return { name: store.name, path: store.path, schemaVersion: store.schemaVersion, interruptedRuns: store.interruptedRuns }
  }

  private requireTask(id: string): Task {
    const task = this.currentStore().tasks.get(id)
    if (!task) throw new StudioError('task-missing', `Task ${id} is not in this project: it may have been deleted.`)
    return task
  }

  private addTask(task: NewTask): Task {
    const store = this.currentStore()
    const created = store.tasks.create(task)
    this.emit({ type: 'tasks-changed' })
    return store.tasks.get(created.id)!
  }

  private rulesChanged(rule: RuleQuery): RuleQuery {
    this.emit({ type: 'rules-changed', taskId: rule.taskId })
    return rule
  }
}
