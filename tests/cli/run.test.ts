import { execFileSync, spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { describe, expect, it } from 'vitest'
import { encodeRgbFrame } from '../../src/main/engine/images'
import { ProjectStore } from '../../src/main/engine/store'
import { frameWidth, generateTask } from '../../src/main/engine/tasks'
import { builtInPackageDir } from '../helpers/model-package'
import { useTempDirs } from '../helpers/temp'

const repoRoot = join(import.meta.dirname, '..', '..')
const tempDir = useTempDirs()

function writeTaskFile(dir: string): string {
  const task = generateTask('maze', 2, { split: 'heldout' })
  const w = frameWidth(task.geometry)
  const path = join(dir, 'maze.task.json')
  writeFileSync(path, JSON.stringify({
    format: 'teacher-studio.task', version: 1, instruction: task.instruction, family: 'maze', seed: 2, split: 'heldout',
    image: Buffer.from(encodeRgbFrame({ width: w, height: w, rgb: task.firstFrame })).toString('base64'),
    rules: task.rules.map((r) => ({ kind: r.kind, text: r.query })),
  }))
  return path
}

function cli(args: string[], home: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/cli/index.ts', ...args], {
    cwd: repoRoot,
    env: { ...process.env, TEACHER_STUDIO_HOME: home, TEACHER_STUDIO_MODEL_DIR: builtInPackageDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines: any[] = []
  const stderr: string[] = []
  child.stderr.on('data', (d) => stderr.push(String(d)))
  return { child, lines, stderr, reader: createInterface({ input: child.stdout }) }
}

describe('npm run cli -- run', () => {
  it('completes a teacher run with --json: task, one line per step, result', async () => {
    const dir = tempDir()
    const { child, lines, stderr, reader } = cli(['run', '--task', writeTaskFile(dir), '--project', join(dir, 'p.tstudio'), '--max-steps', '3', '--tau', '0', '--json'], dir)
    reader.on('line', (l) => lines.push(JSON.parse(l)))
    const code = await new Promise((r) => child.on('close', r))
    expect(code, stderr.join('')).toBe(0)
    expect(lines[0]).toMatchObject({ type: 'task', task: { family: 'maze', seed: 2, split: 'heldout' } })
    expect(lines.filter((l) => l.type === 'step').map((l) => l.index)).toEqual([0, 1, 2, 3])
    const result = lines.at(-1)
    expect(result).toMatchObject({ type: 'result', status: 'done', steps: 4, result: { stopReason: 'max-steps', updates: 3 } })
    expect(result.result.evaluator).toHaveProperty('score')

    // export: the final video as MP4 with the run card beside it
    const video = join(dir, 'out', 'final.mp4')
    const exported = cli(['export', '--run', result.runId, '--format', 'mp4', '--out', video, '--project', join(dir, 'p.tstudio')], dir)
    expect(await new Promise((r) => exported.child.on('close', r)), exported.stderr.join('')).toBe(0)
    const frames = execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', video], { encoding: 'utf8' })
    expect(Number(frames.trim())).toBe(12)
    const card = JSON.parse(readFileSync(`${video}.json`, 'utf8'))
    expect(card).toMatchObject({ format: 'teacher-studio.run-card', run: { id: result.runId, method: 'teacher' }, settings: { seed: 0, maxSteps: 3 }, model: { packageId: 'gridworld' } })
    expect(card.model.packageHash).toMatch(/^[0-9a-f]{64}$/)
    expect(card.rules).toHaveLength(4)
  })

  it('draws suite:FAMILY:heldout:SEED from the held-out split, and the run card reproduces it', async () => {
    const dir = tempDir()
    const project = join(dir, 'p.tstudio')
    const { child, lines, stderr, reader } = cli(['run', '--task', 'suite:maze:heldout:3', '--method', 'base', '--project', project, '--json'], dir)
    reader.on('line', (l) => lines.push(JSON.parse(l)))
    expect(await new Promise((r) => child.on('close', r)), stderr.join('')).toBe(0)
    expect(lines[0]).toMatchObject({ type: 'task', task: { family: 'maze', seed: 3, split: 'heldout', instruction: generateTask('maze', 3, { split: 'heldout' }).instruction } })
    const result = lines.at(-1)
    const video = join(dir, 'base.gif')
    const exported = cli(['export', '--run', result.runId, '--format', 'gif', '--out', video, '--project', project], dir)
    expect(await new Promise((r) => exported.child.on('close', r)), exported.stderr.join('')).toBe(0)
    expect(JSON.parse(readFileSync(`${video}.json`, 'utf8')).reproduce).toContain('--task suite:maze:heldout:3 --method base')
  })

  it('starts a teacher run from the teacher\'s pick of --pick-of samples, and its run card says so', async () => {
    const dir = tempDir()
    const project = join(dir, 'p.tstudio')
    const { child, lines, stderr, reader } = cli(['run', '--task', 'suite:maze:heldout:3', '--pick-of', '3', '--seed', '20', '--max-steps', '1', '--tau', '0', '--project', project, '--json'], dir)
    reader.on('line', (l) => lines.push(JSON.parse(l)))
    expect(await new Promise((r) => child.on('close', r)), stderr.join('')).toBe(0)
    const result = lines.at(-1)
    expect(result.result.candidates.map((c: { seed: number }) => c.seed)).toEqual([20, 21, 22])
    expect(result.result.chosenIndex).not.toBeNull()
    const video = join(dir, 'final.gif')
    const exported = cli(['export', '--run', result.runId, '--format', 'gif', '--out', video, '--project', project], dir)
    expect(await new Promise((r) => exported.child.on('close', r)), exported.stderr.join('')).toBe(0)
    expect(JSON.parse(readFileSync(`${video}.json`, 'utf8')).reproduce).toContain('--method teacher --seed 20 --lr 0.02 --lambda 0.5 --tau 0 --max-steps 1 --pick-of 3')
  })

  it('leaves every written step in the project when killed mid-run; reopening marks it interrupted', async () => {
    const dir = tempDir()
    const project = join(dir, 'p.tstudio')
    const { child, lines, reader } = cli(['run', '--task', writeTaskFile(dir), '--project', project, '--max-steps', '200', '--tau', '0', '--json'], dir)
    await new Promise<void>((resolve) => {
      reader.on('line', (l) => {
        lines.push(JSON.parse(l))
        if (lines.filter((x) => x.type === 'step').length === 3) {
          child.kill('SIGKILL')
          resolve()
        }
      })
    })
    await new Promise((r) => child.on('close', r))
    const store = ProjectStore.open(project)
    expect(store.integrityCheck()).toBe('ok')
    const [task] = store.tasks.list()
    const [run] = store.runs.list(task.id)
    expect(run.status).toBe('interrupted')
    expect(run.stepCount).toBeGreaterThanOrEqual(3)
    expect(store.runs.steps(run.id).slice(0, 3).map((s) => s.index)).toEqual([0, 1, 2])
    store.close()
  })
})
