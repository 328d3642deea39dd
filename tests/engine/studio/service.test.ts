import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { StudioEvent } from '../../../src/shared'
import { bytesToBase64 } from '../../../src/shared'
import { dispatchStudioCall, StudioService } from '../../../src/main/engine'
import { makeImage, makeTruncatedPng } from '../../helpers/images'
import { useTempDirs } from '../../helpers/temp'

function setup(dataDir: string, suite?: ConstructorParameters<typeof StudioService>[0]['suite']) {
  const service = new StudioService({ dataDir, appVersion: '0.0.0-test', mode: 'browser', suite })
  const events: StudioEvent[] = []
  service.onEvent((e) => events.push(e))
  const call = async (method: string, input?: unknown) => dispatchStudioCall(service.handlers, method, input)
  const ok = async <T = any>(method: string, input?: unknown): Promise<T> => {
    const result = await call(method, input)
    if (!result.ok) throw new Error(`${method} failed: ${result.error.message}`)
    return result.value as T
  }
  return { service, events, call, ok }
}

describe('StudioService through dispatchStudioCall', () => {
  const tempDir = useTempDirs()

  it('creates a project in the projects folder, lists it as recent and reopens it', async () => {
    const dataDir = tempDir()
    const { ok, service, events } = setup(dataDir)
    const project = await ok('createProject', { name: 'Maze study' })
    expect(project.path).toBe(join(dataDir, 'projects', 'maze-study.tstudio'))
    expect(existsSync(project.path)).toBe(true)
    expect(events).toContainEqual({ type: 'project-opened', project })
    service.close()

    const second = setup(dataDir)
    const recent = await second.ok('listRecentProjects')
    expect(recent).toEqual([expect.objectContaining({ name: 'Maze study', path: project.path, exists: true })])
    expect((await second.ok('openProject', { path: project.path })).name).toBe('Maze study')
    second.service.close()
  })

  it('answers revealExport in browser mode with what to do instead (the desktop shell handles it itself)', async () => {
    const { call, service } = setup(tempDir())
    expect(await call('revealExport', { path: '/tmp/teacher-1.mp4' })).toEqual({
      ok: false,
      error: { code: 'reveal-unavailable', message: expect.stringMatching(/desktop app only.*download link/) },
    })
    await service.close()
  })

  it('refuses a second project with the same file name', async () => {
    const { ok, call, service } = setup(tempDir())
    await ok('createProject', { name: 'A b' })
    const again = await call('createProject', { name: 'a-B' })
    expect(again).toMatchObject({ ok: false, error: { code: 'project-exists' } })
    service.close()
  })

  it('validates every input and says which field is wrong', async () => {
    const { call, ok, service } = setup(tempDir())
    expect(await call('createProject', { name: '   ' })).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringMatching(/^name: The project name is empty/) } })
    expect(await call('createProject', {})).toMatchObject({ ok: false, error: { code: 'invalid-input' } })
    expect(await call('listTasks')).toMatchObject({ ok: false, error: { code: 'no-project', message: expect.stringMatching(/No project is open/) } })
    expect(await call('dropEverything', {})).toMatchObject({ ok: false, error: { code: 'unknown-method' } })
    await ok('createProject', { name: 'p' })
    expect(await call('addRule', { taskId: 'x', kind: 'goal', text: 'q', weight: -1 })).toMatchObject({ ok: false, error: { message: /weight: A weight cannot be negative/ } })
    expect(await call('createTaskFromImage', { instruction: 'x', fileName: 'a.png', image: 'not bytes' })).toMatchObject({ ok: false, error: { message: /image: Expected binary data/ } })
    service.close()
  })

  it('adds a dropped image as a task and edits its rules', async () => {
    const { ok, call, service, events } = setup(tempDir())
    await ok('createProject', { name: 'p' })
    const task = await ok('createTaskFromImage', { instruction: '  Sort the bars  ', fileName: 'bars.webp', image: await makeImage('webp') })
    expect(task).toMatchObject({ instruction: 'Sort the bars', source: 'dropped', sourceName: 'bars.webp', frameWidth: 32, frameHeight: 24 })
    expect(task.firstFrame.png).toBeInstanceOf(Uint8Array)
    expect(events.at(-1)).toEqual({ type: 'tasks-changed' })

    const goal = await ok('addRule', { taskId: task.id, kind: 'goal', text: 'Are the bars sorted at the end?' })
    expect(goal).toMatchObject({ weight: 1, origin: 'user', position: 0 })
    const process = await ok('addRule', { taskId: task.id, kind: 'process', text: 'Does each bar keep its height?', weight: 2 })
    await ok('updateRule', { id: process.id, weight: 0.25 })
    await ok('deleteRule', { id: goal.id })
    expect((await ok('listRules', { taskId: task.id })).map((r: any) => [r.text, r.weight])).toEqual([['Does each bar keep its height?', 0.25]])
    expect(await call('updateRule', { id: goal.id, weight: 1 })).toMatchObject({ ok: false, error: { code: 'rule-missing' } })
    expect(await call('addRule', { taskId: 'nope', kind: 'goal', text: 'q' })).toMatchObject({ ok: false, error: { code: 'task-missing' } })
    service.close()
  })

  it('rejects a corrupt image and a malformed task file, storing nothing', async () => {
    const { ok, call, service } = setup(tempDir())
    await ok('createProject', { name: 'p' })
    const corrupt = await call('createTaskFromImage', { instruction: 'x', fileName: 'bad.png', image: await makeTruncatedPng() })
    expect(corrupt).toMatchObject({ ok: false, error: { code: 'image-corrupt' } })
    const notJson = await call('importTaskFile', { fileName: 't.task.json', content: new TextEncoder().encode('{"format": "teacher-studio.task",') })
    expect(notJson).toMatchObject({ ok: false, error: { code: 'task-file-json', message: expect.stringMatching(/"t.task.json" is not valid JSON/) } })
    const wrongShape = await call('importTaskFile', { fileName: 't.task.json', content: new TextEncoder().encode(JSON.stringify({ format: 'teacher-studio.task', version: 1, image: 'AAAA' })) })
    expect(wrongShape).toMatchObject({ ok: false, error: { code: 'task-file-invalid', message: expect.stringMatching(/instruction/) } })
    expect(await ok('listTasks')).toEqual([])
    service.close()
  })

  it('imports a task file with its embedded image and rules', async () => {
    const { ok, service } = setup(tempDir())
    await ok('createProject', { name: 'p' })
    const file = {
      format: 'teacher-studio.task', version: 1, instruction: 'Connect the dots in order', family: 'dots', seed: 3,
      image: `data:image/png;base64,${bytesToBase64(await makeImage('png', 16, 16))}`,
      rules: [{ kind: 'goal', text: 'Are all dots connected?' }, { kind: 'process', text: 'Is the order kept?', weight: 0.5 }],
    }
    const task = await ok('importTaskFile', { fileName: 'dots.task.json', content: new TextEncoder().encode(JSON.stringify(file)) })
    expect(task).toMatchObject({ source: 'file', family: 'dots', seed: 3, frameWidth: 16 })
    expect((await ok('listRules', { taskId: task.id })).map((r: any) => [r.kind, r.weight])).toEqual([['goal', 1], ['process', 0.5]])
    service.close()
  })

  it('imports the example task shipped in resources/examples', async () => {
    const { ok, service } = setup(tempDir())
    await ok('createProject', { name: 'p' })
    const content = new Uint8Array(readFileSync(join(import.meta.dirname, '../../../resources/examples/maze.task.json')))
    const task = await ok('importTaskFile', { fileName: 'maze.task.json', content })
    expect(task).toMatchObject({ source: 'file', frameWidth: 80, frameHeight: 80 })
    expect((await ok('listRules', { taskId: task.id })).map((r: any) => r.kind)).toEqual(['goal', 'process', 'process'])
    service.close()
  })

  it('lists the suite families without a package verdict when the model package cannot be loaded', async () => {
    const service = new StudioService({ dataDir: tempDir(), appVersion: '0.0.0-test', mode: 'browser', packageDirs: [tempDir()] })
    const result = await dispatchStudioCall(service.handlers, 'listSuiteFamilies', undefined)
    expect(result.ok).toBe(true)
    const families = (result as { value: { name: string; inModelPackage?: boolean }[] }).value
    expect(families.length).toBe(6)
    expect(families.every((f) => f.inModelPackage === undefined)).toBe(true)
    await service.close()
  })

  it('lists the built-in suite families and creates suite tasks from them', async () => {
    const { ok, call, service } = setup(tempDir())
    await ok('createProject', { name: 'p' })
    const families = await ok('listSuiteFamilies')
    expect(families.map((f: { name: string }) => f.name)).toEqual(expect.arrayContaining(['maze', 'push', 'collect', 'sort', 'connect', 'fall']))
    // The built-in packages' manifests name the families they were trained on.
    const trained = Object.fromEntries(families.map((f: { name: string; inModelPackage?: boolean }) => [f.name, f.inModelPackage]))
    expect(trained).toMatchObject({ maze: true, collect: true, push: true, sort: true, connect: true, fall: true })
    const runsOn = Object.fromEntries(families.map((f: { name: string; modelPackage?: string }) => [f.name, f.modelPackage]))
    expect(runsOn).toEqual({ maze: 'gridworld', collect: 'gridworld', push: 'blocks', fall: 'blocks', sort: 'bars', connect: 'connect' })
    const task = await ok('createSuiteTask', { family: 'maze', seed: 5 })
    expect(task).toMatchObject({ source: 'suite', family: 'maze', seed: 5, split: 'train', frameWidth: 80, frameHeight: 80 })
    expect(task.instruction.length).toBeGreaterThan(10)
    // The held-out split draws another task from the same seed (bigger grids), kept with the task.
    const heldout = await ok('createSuiteTask', { family: 'maze', seed: 5, split: 'heldout' })
    expect(heldout).toMatchObject({ source: 'suite', family: 'maze', seed: 5, split: 'heldout' })
    expect(heldout.firstFrame.png).not.toEqual(task.firstFrame.png)
    expect((await ok('listTasks')).map((t: { split: string }) => t.split)).toEqual(['train', 'heldout'])
    expect(await call('createSuiteTask', { family: 'maze', seed: 5, split: 'test' })).toMatchObject({ ok: false })
    // The suite's rules are for the evaluator; the teacher writes the task's queries.
    expect(await ok('listRules', { taskId: task.id })).toEqual([])
    expect(await call('createSuiteTask', { family: 'sokoban', seed: 5 })).toMatchObject({ ok: false, error: { code: 'suite-family' } })
    service.close()
  })
})
