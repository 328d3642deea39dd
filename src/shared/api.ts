import { z } from 'zod'
import { Id } from './bytes'
import { ExportResult, ExportRunInput, QueueState, RuntimeInfo, StartRunInput } from './engine'
import { StudioEvent } from './events'
import { ProjectInfo, ProjectName, RecentProject, StudioInfo } from './project'
import { AddRuleInput, RuleQuery, UpdateRuleInput } from './rules'
import { Run, RunSettings, Step, Video } from './run'
import {
  CreateSuiteTaskInput,
  CreateTaskFromImageInput,
  ImportTaskFileInput,
  SuiteFamily,
  Task,
  TaskSummary,
} from './task'

/** One message of the studio API: what goes in, what comes back. */
function contract<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output }
}
const NoInput = z.object({}).strict().optional()

/**
 * The studio API. The Electron preload (IPC) and the browser bridge (WebSocket) both implement
 * it; the main process validates every call's input against these schemas.
 */
export const studioContract = {
  getStudioInfo: contract(NoInput, StudioInfo),
  listRecentProjects: contract(NoInput, z.array(RecentProject)),
  createProject: contract(z.object({ name: ProjectName }), ProjectInfo),
  openProject: contract(z.object({ path: z.string().min(1) }), ProjectInfo),

  listTasks: contract(NoInput, z.array(TaskSummary)),
  getTask: contract(z.object({ id: Id }), Task),
  createTaskFromImage: contract(CreateTaskFromImageInput, Task),
  importTaskFile: contract(ImportTaskFileInput, Task),
  listSuiteFamilies: contract(NoInput, z.array(SuiteFamily)),
  createSuiteTask: contract(CreateSuiteTaskInput, Task),
  deleteTask: contract(z.object({ id: Id }), z.object({ deleted: z.boolean() })),

  listRules: contract(z.object({ taskId: Id }), z.array(RuleQuery)),
  addRule: contract(AddRuleInput, RuleQuery),
  updateRule: contract(UpdateRuleInput, RuleQuery),
  deleteRule: contract(z.object({ id: Id }), z.object({ deleted: z.boolean() })),

  listRuns: contract(z.object({ taskId: Id }), z.array(Run)),
  getRun: contract(z.object({ id: Id }), Run),
  listSteps: contract(z.object({ runId: Id }), z.array(Step)),
  listVideos: contract(z.object({ runId: Id }), z.array(Video)),

  getRuntimeInfo: contract(NoInput, RuntimeInfo),
  /** The run settings of the model package that runs this task (the one trained on its family, else the default): what a run leaves out. */
  getRunDefaults: contract(z.object({ taskId: Id }), RunSettings),
  planRules: contract(z.object({ taskId: Id }), z.array(RuleQuery)),
  startRun: contract(StartRunInput, Run),
  cancelRun: contract(z.object({ id: Id }), z.object({ cancelled: z.boolean() })),
  getQueue: contract(NoInput, QueueState),
  pauseQueue: contract(NoInput, QueueState),
  resumeQueue: contract(NoInput, QueueState),
  exportRun: contract(ExportRunInput, ExportResult),
  /** Shows an exported file in the system file manager (desktop app only; the browser downloads it). */
  revealExport: contract(z.object({ path: z.string().min(1) }), z.object({ revealed: z.boolean() })),
} as const

export type StudioContract = typeof studioContract
export type StudioMethod = keyof StudioContract
export const STUDIO_METHODS = Object.keys(studioContract) as StudioMethod[]

export type MethodInput<M extends StudioMethod> = z.input<StudioContract[M]['input']>
export type MethodOutput<M extends StudioMethod> = z.output<StudioContract[M]['output']>

type MethodSignature<M extends StudioMethod> = undefined extends MethodInput<M>
  ? (input?: MethodInput<M>) => Promise<MethodOutput<M>>
  : (input: MethodInput<M>) => Promise<MethodOutput<M>>

/** What the renderer calls: one async method per message, plus a subscription to events. */
export type StudioApi = { [M in StudioMethod]: MethodSignature<M> } & {
  onEvent(listener: (event: StudioEvent) => void): () => void
}

export { unwrapResult, ipcChannel, IPC_EVENT_CHANNEL, type StudioFailure, type StudioResult } from './result'
