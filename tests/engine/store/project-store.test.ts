import Database from 'better-sqlite3'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PROJECT_MIGRATIONS, ProjectStore } from '../../../src/main/engine/store'
import { solidFrame } from '../../helpers/images'
import { useTempDirs } from '../../helpers/temp'

const firstFrame = { width: 2, height: 2, png: new Uint8Array([1, 2, 3]) }
const settings = { seed: 7, learningRate: 0.01, lambda: 0.5, tau: 0.22, maxSteps: 40, provider: 'cpu' as const }

function newTask(store: ProjectStore) {
  return store.tasks.create({
    instruction: 'Move the red agent to the green goal',
    source: 'dropped', sourceName: 'maze.png', family: null, seed: null, split: null, firstFrame,
    rules: [{ kind: 'goal', text: 'Does the agent end on the goal?', weight: 1, origin: 'user', ruleId: null }],
  })
}

describe('ProjectStore', () => {
  const tempDir = useTempDirs()

  it('creates a WAL project with foreign keys and the latest schema', () => {
    const path = join(tempDir(), 'p.tstudio')
    const store = ProjectStore.create(path, 'My project')
    expect(store.schemaVersion).toBe(PROJECT_MIGRATIONS.length)
    store.close()
    const raw = new Database(path)
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal')
    raw.close()
    const reopened = ProjectStore.open(path)
    expect(reopened.name).toBe('My project')
    reopened.close()
  })

  it('keeps tasks, first frames and rules across close and reopen', () => {
    const path = join(tempDir(), 'p.tstudio')
    const store = ProjectStore.create(path, 'p')
    const task = newTask(store)
    const added = store.rules.add({ taskId: task.id, kind: 'process', text: 'Does it avoid walls?', weight: 2, origin: 'user' })
    store.rules.update(added.id, { weight: 0.5, text: 'Does it never cross a wall?' })
    store.close()

    const again = ProjectStore.open(path)
    expect(again.tasks.list().map((t) => t.instruction)).toEqual(['Move the red agent to the green goal'])
    expect(Array.from(again.tasks.get(task.id)!.firstFrame.png)).toEqual([1, 2, 3])
    expect(again.rules.list(task.id).map((r) => [r.position, r.kind, r.text, r.weight])).toEqual([
      [0, 'goal', 'Does the agent end on the goal?', 1],
      [1, 'process', 'Does it never cross a wall?', 0.5],
    ])
    again.close()
  })

  it('deleting a task removes its rules, runs, steps and frames (foreign keys cascade)', () => {
    const store = ProjectStore.create(join(tempDir(), 'p.tstudio'), 'p')
    const task = newTask(store)
    const run = store.runs.create({
      taskId: task.id, method: 'teacher', settings, queries: [],
      model: { packageId: 'gridworld', packageHash: 'abc' }, versions: { app: '0.1.0', onnxruntime: '1.30.0' },
    })
    store.runs.start(run.id)
    const written = store.runs.appendStep(run.id, { index: 0, loss: 1, pYes: [0.4], learningRate: 0.01, gradNorm: 1, durationMs: 3, previewFrames: [solidFrame(4, 4, [1, 2, 3])] })
    // What appendStep hands back (for live events) is exactly what a later read finds.
    expect(store.runs.steps(run.id)).toEqual([written])
    expect(store.tasks.delete(task.id)).toBe(true)
    expect(store.runs.get(run.id)).toBeUndefined()
    expect(store.runs.steps(run.id)).toEqual([])
    expect(store.rules.list(task.id)).toEqual([])
    store.close()
  })

  it('stores runs with steps, preview frames as PNG and videos, and reads them back', () => {
    const store = ProjectStore.create(join(tempDir(), 'p.tstudio'), 'p')
    const task = newTask(store)
    const run = store.runs.create({
      taskId: task.id, method: 'teacher', settings,
      queries: [{ kind: 'goal', text: 'Goal?', weight: 1, ruleId: null }],
      model: { packageId: 'gridworld', packageHash: 'sha256:00' }, versions: { app: '0.1.0', onnxruntime: '1.30.0' },
    })
    expect(run.status).toBe('queued')
    expect(store.runs.start(run.id).status).toBe('running')
    store.runs.appendStep(run.id, {
      index: 0, loss: 0.9, pYes: [0.41], learningRate: 0.01, gradNorm: 2.5, durationMs: 12,
      previewFrames: [solidFrame(8, 8, [255, 0, 0]), solidFrame(8, 8, [0, 255, 0])],
    })
    expect(() => store.runs.appendStep(run.id, { index: 0, loss: 0, pYes: [], learningRate: 0, gradNorm: 0, durationMs: 0, previewFrames: [] })).toThrow(/UNIQUE/)
    store.runs.addVideo(run.id, { kind: 'final', fps: 6, frames: [solidFrame(8, 8, [0, 0, 255])] })
    const done = store.runs.finish(run.id, 'done')
    expect(done.status).toBe('done')
    expect(done.stepCount).toBe(1)
    expect(() => store.runs.finish(run.id, 'failed')).toThrow(/already ended/)
    expect(() => store.runs.appendStep(run.id, { index: 1, loss: 0, pYes: [], learningRate: 0, gradNorm: 0, durationMs: 0, previewFrames: [] })).toThrow(/is done: steps are written only while it runs/)

    const [step] = store.runs.steps(run.id)
    expect(step.pYes).toEqual([0.41])
    expect(step.previewFrames).toHaveLength(2)
    expect(Array.from(step.previewFrames[0].png.slice(1, 4))).toEqual([0x50, 0x4e, 0x47]) // "PNG"
    const [video] = store.runs.videos(run.id)
    expect([video.kind, video.fps, video.frames.length]).toEqual(['final', 6, 1])
    store.close()
  })

  it('refuses files that are not projects, with a message saying what to pick', () => {
    const dir = tempDir()
    const text = join(dir, 'notes.tstudio')
    writeFileSync(text, 'just some text, certainly not SQLite'.repeat(100))
    expect(() => ProjectStore.open(text)).toThrow(/is not a Teacher Studio project/)
    const other = join(dir, 'other.db')
    const db = new Database(other)
    db.exec('CREATE TABLE x (a)')
    db.close()
    expect(() => ProjectStore.open(other)).toThrow(/another application/)
    expect(() => ProjectStore.open(join(dir, 'missing.tstudio'))).toThrow(/No project file at/)
  })

  it('marks runs left by a dead process as interrupted and leaves live ones alone', () => {
    const path = join(tempDir(), 'p.tstudio')
    const store = ProjectStore.create(path, 'p')
    const task = newTask(store)
    const base = { taskId: task.id, method: 'base' as const, settings, queries: [], model: { packageId: 'g', packageHash: 'h' }, versions: { app: 'a', onnxruntime: 'o' } }
    const mine = store.runs.create(base)
    store.runs.start(mine.id)
    const dead = store.runs.create(base)
    store.runs.start(dead.id, 2 ** 22 + 12345) // no such pid
    store.close()
    const reopened = ProjectStore.open(path)
    expect(reopened.interruptedRuns).toBe(1)
    expect(reopened.runs.get(dead.id)!.status).toBe('interrupted')
    expect(reopened.runs.get(mine.id)!.status).toBe('running')
    reopened.close()
  })
})
