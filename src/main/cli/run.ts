/**
 * `run`: one run from the command line through the studio's own engine and project file — a line
 * per step (or JSON lines), the run saved like any other.
 */
import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { RunMethod, type Run, type StudioEvent, type SuiteSplit, type Task } from '../../shared'
import { parseProvider } from '../engine/runtime'
import { flagInt, flagString, UsageError, type ParsedArgs } from './args'
import { registerCommand } from './commands'
import { openStudioSession, type StudioSession } from './studio-session'

async function createTask(session: StudioSession, spec: string, instruction: string | undefined): Promise<Task> {
  const suite = /^suite:([a-z-]+):(?:(train|heldout):)?(\d+)$/.exec(spec)
  if (suite) return session.call('createSuiteTask', { family: suite[1], seed: Number(suite[3]), split: (suite[2] ?? 'train') as SuiteSplit })
  let content: Buffer
  try {
    content = readFileSync(spec)
  } catch {
    throw new UsageError(`--task "${spec}" is neither suite:FAMILY:SEED (or suite:FAMILY:heldout:SEED) nor a readable file.`)
  }
  if (spec.endsWith('.json')) return session.call('importTaskFile', { fileName: basename(spec), content: new Uint8Array(content) })
  if (!instruction) throw new UsageError('An image task needs --instruction "<what the video should show>".')
  return session.call('createTaskFromImage', { instruction, fileName: basename(spec), image: new Uint8Array(content) })
}

function optionalNumber(args: ParsedArgs, name: string): number | undefined {
  const v = args.flags.get(name)
  if (v === undefined) return undefined
  const n = Number(v)
  if (v === true || !Number.isFinite(n)) throw new UsageError(`--${name} must be a number.`)
  return n
}

const fmt = (p: number[]) => p.map((v) => v.toFixed(3)).join(' ')

registerCommand({
  name: 'run',
  usage: 'run --task <suite:FAMILY:SEED | suite:FAMILY:heldout:SEED | task.json | image.png --instruction TEXT> [--method teacher|base|best-of-n|solver] [--provider cpu|webgpu|cuda] [--seed N] [--lr X] [--lambda X] [--tau X] [--max-steps N] [--candidates N] [--pick-of K] [--clip X] [--project FILE] [--json]',
  summary: 'Runs the teacher method or a baseline on one task, printing a line per step; saves the run in the project.',
  async run(args) {
    const method = RunMethod.safeParse(flagString(args, 'method', 'teacher'))
    if (!method.success) throw new UsageError(`--method must be one of ${RunMethod.options.join(', ')}.`)
    const provider = args.flags.has('provider') ? parseProvider(flagString(args, 'provider')) : undefined
    const json = args.flags.get('json') === true
    const session = await openStudioSession(args.flags.has('project') ? flagString(args, 'project') : undefined)
    const out = (line: string) => process.stdout.write(`${line}\n`)
    try {
      const task = await createTask(session, flagString(args, 'task'), args.flags.has('instruction') ? flagString(args, 'instruction') : undefined)
      let rules = await session.call('listRules', { taskId: task.id })
      if (rules.length === 0) rules = await session.call('planRules', { taskId: task.id })
      if (!json) {
        out(`task ${task.id}: ${task.instruction}`)
        rules.forEach((r) => out(`  ${r.kind.padEnd(7)} ${r.text}`))
      } else out(JSON.stringify({ type: 'task', task: { id: task.id, instruction: task.instruction, family: task.family, seed: task.seed, split: task.split }, rules: rules.map((r) => ({ kind: r.kind, text: r.text, weight: r.weight })) }))
      const settings = {
        seed: args.flags.has('seed') ? flagInt(args, 'seed') : undefined,
        learningRate: optionalNumber(args, 'lr'),
        lambda: optionalNumber(args, 'lambda'),
        tau: optionalNumber(args, 'tau'),
        maxSteps: args.flags.has('max-steps') ? flagInt(args, 'max-steps') : undefined,
        candidates: args.flags.has('candidates') ? flagInt(args, 'candidates') : undefined,
        pickOf: args.flags.has('pick-of') ? flagInt(args, 'pick-of') : undefined,
        gradientClip: optionalNumber(args, 'clip'),
        provider,
      }
      const finished = new Promise<Run>((resolve) => {
        let runId: string | null = null
        session.service.onEvent((event: StudioEvent) => {
          if (event.type === 'run-status' && event.runId === runId && ['done', 'failed', 'cancelled'].includes(event.status)) {
            void session.call('getRun', { id: event.runId }).then(resolve)
          }
          if (event.type === 'run-step' && event.step.runId === runId) {
            const s = event.step
            if (json) out(JSON.stringify({ type: 'step', index: s.index, loss: s.loss, pYes: s.pYes, gradNorm: s.gradNorm, ms: s.durationMs }))
            else out(`step ${String(s.index).padStart(3)}  loss ${s.loss.toFixed(4)}  P(Yes) ${fmt(s.pYes)}  |grad| ${s.gradNorm.toExponential(2)}  ${s.durationMs.toFixed(1)} ms`)
          }
        })
        void session.call('startRun', { taskId: task.id, method: method.data, settings }).then((run) => {
          runId = run.id
          process.once('SIGINT', () => void session.call('cancelRun', { id: run.id }))
        })
      })
      const run = await finished
      const steps = await session.call('listSteps', { runId: run.id })
      const stepMs = steps.length > 1 ? steps.slice(1).reduce((s, x) => s + x.durationMs, 0) / (steps.length - 1) : (steps[0]?.durationMs ?? null)
      const r = run.result
      if (json) out(JSON.stringify({ type: 'result', runId: run.id, status: run.status, error: run.error, steps: steps.length, meanStepMs: stepMs, result: r }))
      else {
        out(`run ${run.id}: ${run.status}${run.error ? ` (${run.error})` : ''}`)
        if (r) {
          out(`  stop: ${r.stopReason}, ${r.updates} updates, provider ${r.provider.actual}${r.provider.fallbackReason ? ` (${r.provider.fallbackReason})` : ''}, ${(r.wallMs / 1000).toFixed(2)} s${stepMs !== null ? `, ${stepMs.toFixed(1)} ms per step` : ''}`)
          if (run.method === 'teacher' && r.candidates && r.chosenIndex !== null) {
            out(`  started from the teacher's pick of ${r.candidates.length} samples: seed ${r.candidates[r.chosenIndex].seed} (losses ${r.candidates.map((c) => c.loss.toFixed(4)).join(' ')})`)
          }
          if (r.finalPYes) out(`  final P(Yes): ${fmt(r.finalPYes)}  loss ${r.finalLoss?.toFixed(4)}`)
          if (r.baseEvaluator) out(`  evaluator, base sample: score ${r.baseEvaluator.score.toFixed(2)} ${r.baseEvaluator.success ? 'PASS' : 'fail'}`)
          if (r.evaluator) out(`  evaluator, final video: score ${r.evaluator.score.toFixed(2)} ${r.evaluator.success ? 'PASS' : 'fail'}  ${r.evaluator.process.map((p) => `${p.rule}=${p.ok ? 'ok' : 'broken'}`).join(' ')}`)
        }
      }
      if (run.status === 'failed') throw new Error(run.error ?? 'the run failed')
    } finally {
      await session.close()
    }
  },
})
