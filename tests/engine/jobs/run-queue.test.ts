import { describe, expect, it } from 'vitest'
import type { Run, StudioEvent } from '../../../src/shared'
import { dispatchStudioCall, StudioService } from '../../../src/main/engine'
import { generateTask } from '../../../src/main/engine/tasks'
import { makeImage } from '../../helpers/images'
import { defaultPackageDirs } from '../../../src/main/engine/models'
import { ruleSet } from '../../helpers/model-package'
import { useTempDirs } from '../../helpers/temp'

/** A studio with a project, a maze task from the suite and the suite's own rules as user queries. */
async function studioWithTask(dataDir: string, options: { packageDirs?: string[]; seed?: number; split?: 'train' | 'heldout' } = {}) {
  const service = new StudioService({ dataDir, appVersion: '0.0.0-test', mode: 'browser', packageDirs: options.packageDirs ?? defaultPackageDirs() })
  const events: StudioEvent[] = []
  service.onEvent((e) => events.push(e))
  const call = (method: string, input?: unknown) => dispatchStudioCall(service.handlers, method, input)
  const ok = async <T = any>(method: string, input?: unknown): Promise<T> => {
    const result = await call(method, input)
    if (!result.ok) throw new Error(`${method} failed: ${result.error.message}`)
    return result.value as T
  }
  await ok('createProject', { name: 'runs' })
  const { seed = 4, split = 'train' } = options
  const task = await ok('createSuiteTask', { family: 'maze', seed, split })
  for (const rule of generateTask('maze', seed, { split }).rules) await ok('addRule', { taskId: task.id, kind: rule.kind, text: rule.query, weight: 1 })
  const finished = (runId: string) =>
    new Promise<Run>((resolve) => {
      const check = async () => {
        const run = await ok<Run>('getRun', { id: runId })
        if (['done', 'failed', 'cancelled'].includes(run.status)) resolve(run)
      }
      service.onEvent((e) => {
        if (e.type === 'run-status' && e.runId === runId) void check()
      })
      void check()
    })
  return { service, events, call, ok, task, finished }
}

describe('runs through the studio API (worker thread, built-in package)', () => {
  const tempDir = useTempDirs()

  it('runs the teacher method, storing every step, both videos, and the result with evaluator verdicts', async () => {
    const { service, events, ok, task, finished } = await studioWithTask(tempDir())
    const run = await ok<Run>('startRun', { taskId: task.id, method: 'teacher', settings: { maxSteps: 3, tau: 0, seed: 2 } })
    expect(run.status).toBe('queued')
    expect(run.queries).toHaveLength(4)
    const done = await finished(run.id)
    expect(done.status).toBe('done')
    expect(done.result).toMatchObject({ stopReason: 'max-steps', updates: 3, provider: { requested: 'cpu', actual: 'cpu' } })
    expect(done.result!.evaluator).not.toBeNull()
    expect(done.result!.baseEvaluator).not.toBeNull()
    const steps = await ok<any[]>('listSteps', { runId: run.id })
    expect(steps.map((s) => s.index)).toEqual([0, 1, 2, 3])
    expect(steps[0].previewFrames).toHaveLength(12)
    expect(steps[0].pYes).toHaveLength(4)
    const videos = await ok<any[]>('listVideos', { runId: run.id })
    expect(videos.map((v) => v.kind).sort()).toEqual(['base', 'final'])
    const progress = events.filter((e) => e.type === 'run-progress')
    expect(progress.length).toBeGreaterThanOrEqual(4)
    expect(progress.at(-1)).toMatchObject({ phase: 'running', packageId: 'gridworld', completedSteps: 4, maxSteps: 4 })
    // the queue says the package is being opened until the worker starts the steps; the ETA counts only steps
    expect(progress[0]).toMatchObject({ phase: 'loading-model', packageId: 'gridworld', completedSteps: 0, etaMs: null })
    const phases = progress.map((e) => (e as { phase: string }).phase)
    expect(phases.lastIndexOf('loading-model')).toBeLessThan(phases.indexOf('running'))
    for (const e of progress.filter((e) => (e as { completedSteps: number }).completedSteps > 0)) expect((e as { etaMs: number | null }).etaMs).not.toBeNull()
    expect(events.filter((e) => e.type === 'run-step')).toHaveLength(4)
    expect(events.filter((e) => e.type === 'run-status' && e.runId === run.id).map((e) => (e as { status: string }).status)).toEqual(['queued', 'running', 'done'])
    await service.close()
  })

  it('keeps the base video when the teacher is confident in it, though the one-step preview is not', async () => {
    // held-out maze 1, seed 0: the teacher's loss is 4.44 on the step-0 preview and 4.20 on the base video
    // (tests/engine/optimize/teacher-loop.test.ts finds such a task); tau between the two
    const { service, ok, task, finished } = await studioWithTask(tempDir(), { seed: 1, split: 'heldout' })
    const run = await ok<Run>('startRun', { taskId: task.id, method: 'teacher', settings: { maxSteps: 3, tau: 4.32, seed: 0 } })
    const done = await finished(run.id)
    expect(done.result).toMatchObject({ stopReason: 'confident', updates: 0, stopChecks: 1, bestStepIndex: 0 })
    const steps = await ok<any[]>('listSteps', { runId: run.id })
    // the base video was judged before any teacher step: step 0 is that video's verdict, no preview was made
    expect(steps).toHaveLength(1)
    expect(done.result!.finalLoss).toBeLessThan(4.32)
    expect(steps[0].loss).toBeCloseTo(done.result!.finalLoss!, 5)
    expect(steps[0].gradNorm).toBe(0)
    expect(done.result!.evaluator).toEqual(done.result!.baseEvaluator)
    const videos = await ok<any[]>('listVideos', { runId: run.id })
    const frames = (kind: string) => videos.find((v) => v.kind === kind).frames
    expect(frames('final')).toEqual(frames('base'))
    await service.close()
  })

  it('runs a push task on the blocks package: its teacher writes the queries and the run records the package', async () => {
    const { service, ok, finished } = await studioWithTask(tempDir())
    const push = await ok('createSuiteTask', { family: 'push', seed: 3 })
    const rules = await ok<any[]>('planRules', { taskId: push.id })
    expect(ruleSet(rules)).toEqual(ruleSet(generateTask('push', 3).rules.map((r) => ({ kind: r.kind, text: r.query }))))
    const run = await ok<Run>('startRun', { taskId: push.id, method: 'teacher', settings: { maxSteps: 2, tau: 0 } })
    const done = await finished(run.id)
    expect(done.status).toBe('done')
    expect(done.model.packageId).toBe('blocks')
    // what the run left out came from blocks' own defaults (its learning rate was chosen on its validation split)
    expect(done.settings).toMatchObject({ learningRate: 0.01, maxSteps: 2, tau: 0 })
    // push's evaluator judged the video (its three process rules)
    expect(done.result!.evaluator!.process.map((p) => p.rule).sort()).toEqual(['push.intact', 'push.no_wall', 'push.step'])
    const videos = await ok<any[]>('listVideos', { runId: run.id })
    expect(videos.map((v) => v.kind).sort()).toEqual(['base', 'final'])
    // a maze task of the same project still runs on the default package
    const maze = await ok<Run>('startRun', { taskId: (await ok<any[]>('listTasks')).find((t) => t.family === 'maze').id, method: 'base' })
    expect((await finished(maze.id)).model.packageId).toBe('gridworld')
    await service.close()
  })

  it('cancels the running run within a step and a queued run before it starts, leaving others alone', async () => {
    const { service, events, ok, task, finished } = await studioWithTask(tempDir())
    const first = await ok<Run>('startRun', { taskId: task.id, method: 'teacher', settings: { maxSteps: 40, tau: 0 } })
    const second = await ok<Run>('startRun', { taskId: task.id, method: 'teacher', settings: { maxSteps: 2, tau: 0 } })
    const third = await ok<Run>('startRun', { taskId: task.id, method: 'base' })
    expect(await ok('getQueue')).toEqual({ paused: false, activeRunId: first.id, queuedRunIds: [second.id, third.id] })
    await new Promise<void>((resolve) => service.onEvent((e) => e.type === 'run-step' && e.step.runId === first.id && e.step.index >= 1 && resolve()))
    expect(await ok('cancelRun', { id: second.id })).toEqual({ cancelled: true })
    expect(await ok('cancelRun', { id: first.id })).toEqual({ cancelled: true })
    const cancelled = await finished(first.id)
    expect(cancelled.status).toBe('cancelled')
    expect(cancelled.stepCount).toBeGreaterThanOrEqual(2)
    expect(cancelled.stepCount).toBeLessThan(10)
    expect((await ok<Run>('getRun', { id: second.id })).status).toBe('cancelled')
    expect((await ok<Run>('getRun', { id: second.id })).stepCount).toBe(0)
    const base = await finished(third.id)
    expect(base.status).toBe('done')
    expect(base.result?.stopReason).toBe('picked')
    expect(events.some((e) => e.type === 'run-status' && e.runId === second.id && e.status === 'running')).toBe(false)
    await service.close()
  })

  it('holds the queue while paused and resumes it', async () => {
    const { service, ok, task, finished } = await studioWithTask(tempDir())
    await ok('pauseQueue')
    const run = await ok<Run>('startRun', { taskId: task.id, method: 'base' })
    await new Promise((r) => setTimeout(r, 300))
    expect((await ok<Run>('getRun', { id: run.id })).status).toBe('queued')
    expect(await ok('resumeQueue')).toMatchObject({ paused: false })
    expect((await finished(run.id)).status).toBe('done')
    await service.close()
  })

  it('best-of-n and solver record every candidate the teacher scored', async () => {
    const { service, ok, task, finished } = await studioWithTask(tempDir())
    const best = await ok<Run>('startRun', { taskId: task.id, method: 'best-of-n', settings: { candidates: 3, seed: 10 } })
    const solver = await ok<Run>('startRun', { taskId: task.id, method: 'solver', settings: { seed: 10 } })
    const b = await finished(best.id)
    expect(b.result!.candidates!.map((c) => c.seed)).toEqual([10, 11, 12])
    const losses = b.result!.candidates!.map((c) => c.loss)
    expect(b.result!.finalLoss).toBe(Math.min(...losses))
    expect(b.result!.candidates![b.result!.chosenIndex!].loss).toBe(Math.min(...losses))
    const s = await finished(solver.id)
    expect(s.result!.candidates![0].instruction).toBe(task.instruction)
    expect(s.result!.candidates!.length).toBe(6) // original, one per query, all queries
    expect((await ok<any[]>('listVideos', { runId: best.id })).filter((v) => v.kind === 'candidate')).toHaveLength(3)
    await service.close()
  })

  it('a teacher run with pickOf starts the loop from the teacher\'s pick of that many samples and records them', async () => {
    const { service, events, ok, task, finished } = await studioWithTask(tempDir(), { split: 'heldout', seed: 3 })
    const picked = await finished((await ok<Run>('startRun', { taskId: task.id, method: 'teacher', settings: { pickOf: 3, seed: 20, maxSteps: 2, tau: 0 } })).id)
    expect(picked.status).toBe('done')
    const pool = picked.result!.candidates!
    expect(pool.map((c) => c.seed)).toEqual([20, 21, 22])
    const start = pool[picked.result!.chosenIndex!]
    expect(start.loss).toBe(Math.min(...pool.map((c) => c.loss)))
    expect(start.seed).not.toBe(20) // this task's pick is another noise than the seed's own, so the test can tell them apart
    // the loop ran from the picked noise: the same steps as a run of the picked seed alone
    const alone = await finished((await ok<Run>('startRun', { taskId: task.id, method: 'teacher', settings: { seed: start.seed, maxSteps: 2, tau: 0 } })).id)
    const losses = async (runId: string) => (await ok<any[]>('listSteps', { runId })).map((s) => s.loss)
    expect(await losses(picked.id)).toEqual(await losses(alone.id))
    expect(alone.result!.candidates).toBeNull()
    // the base sample (before/after) is the run's own seed's, as a base run of that seed draws it
    const base = await finished((await ok<Run>('startRun', { taskId: task.id, method: 'base', settings: { seed: 20 } })).id)
    const video = async (runId: string, kind: string) => (await ok<any[]>('listVideos', { runId })).find((v) => v.kind === kind)
    expect((await video(picked.id, 'base')).frames).toEqual((await video(base.id, 'base')).frames)
    expect(picked.result!.baseEvaluator).toEqual(base.result!.evaluator)
    expect((await ok<any[]>('listVideos', { runId: picked.id })).map((v) => v.kind).sort()).toEqual(['base', 'candidate', 'candidate', 'final'])
    // progress counts the pool's other samples before the loop's steps
    const progress = events.filter((e) => e.type === 'run-progress' && e.runId === picked.id)
    expect(progress.at(-1)).toMatchObject({ completedSteps: 5, maxSteps: 5 })
    await service.close()
  })

  it('refuses to run without rule queries, and explains a missing model package', async () => {
    const dir = tempDir()
    const { service, call, ok } = await studioWithTask(dir, { packageDirs: ['/nonexistent/models/gridworld'] })
    const bare = await ok('createSuiteTask', { family: 'sort', seed: 1 })
    expect(await call('startRun', { taskId: bare.id, method: 'teacher' })).toMatchObject({ ok: false, error: { code: 'model-package', message: expect.stringMatching(/has no manifest\.json/) } })
    const info = await ok('getRuntimeInfo')
    expect(info.package).toBeNull()
    expect(info.packageError).toMatch(/reinstall the studio or rebuild the package/)
    expect(info.providers.map((p: { name: string }) => p.name)).toEqual(['cpu', 'webgpu', 'cuda'])
    expect(info.packages).toMatchObject([{ id: 'gridworld', defaults: null, error: expect.stringMatching(/manifest\.json/) }])
    expect(await call('getRunDefaults', { taskId: bare.id })).toMatchObject({ ok: false, error: { code: 'model-package' } })
    await service.close()
    const good = await studioWithTask(tempDir())
    // every package's own run settings, for the run form of a task of its families
    const runtime = await good.ok('getRuntimeInfo')
    expect(runtime.packages.map((p: { id: string; defaults: { learningRate: number } }) => [p.id, p.defaults.learningRate])).toEqual([['gridworld', 0.02], ['bars', 0.02], ['blocks', 0.01], ['connect', 0.02]])
    const empty = await good.ok('createSuiteTask', { family: 'sort', seed: 1 })
    expect(await good.call('startRun', { taskId: empty.id, method: 'teacher' })).toMatchObject({ ok: false, error: { code: 'no-rules' } })
    // An image of another size than the model's video: a clear error before anything is queued.
    const photo = await good.ok('createTaskFromImage', { instruction: 'Move the red square right.', fileName: 'photo.png', image: await makeImage('png', 64, 48) })
    await good.ok('addRule', { taskId: photo.id, kind: 'goal', text: 'Is the red square on the right?', weight: 1 })
    expect(await good.call('startRun', { taskId: photo.id, method: 'teacher' })).toMatchObject({ ok: false, error: { code: 'frame-size', message: expect.stringMatching(/64x48, but model package "gridworld" generates 80x80/) } })
    expect(await good.ok('listRuns', { taskId: photo.id })).toEqual([])
    // a task's run form starts from the package trained on its family, else from the default package
    const lrFor = async (taskId: string) => (await good.ok('getRunDefaults', { taskId })).learningRate
    const push = await good.ok('createSuiteTask', { family: 'push', seed: 1 })
    const maze = await good.ok('createSuiteTask', { family: 'maze', seed: 1 })
    expect([await lrFor(push.id), await lrFor(maze.id), await lrFor(empty.id), await lrFor(photo.id)]).toEqual([0.01, 0.02, 0.02, 0.02])
    expect(await good.call('getRunDefaults', { taskId: 'nope' })).toMatchObject({ ok: false, error: { code: 'task-missing' } })
    await good.service.close()
  })
})
