/**
 * The run card: everything needed to reproduce a run's video with the same studio and model
 * package (the seed fixes the noise and the LoRA's initial values).
 */
import type { Run, TaskSummary } from '../../../shared'

export interface RunCard {
  format: 'teacher-studio.run-card'
  version: 1
  run: { id: string; method: Run['method']; status: Run['status']; createdAt: string; startedAt: string | null; finishedAt: string | null }
  task: { id: string; instruction: string; source: TaskSummary['source']; family: string | null; seed: number | null; split: TaskSummary['split']; frameWidth: number; frameHeight: number }
  settings: Run['settings']
  rules: Run['queries']
  model: Run['model']
  versions: Run['versions']
  result: Run['result']
  steps: number
  reproduce: string
}

/** The CLI flags of the settings only some methods read: best-of-n's candidates, the teacher's pick and clipping. */
function methodFlags(run: Run): string {
  const { candidates, pickOf, gradientClip } = run.settings
  const flags = [
    run.method === 'best-of-n' && candidates !== undefined ? `--candidates ${candidates}` : '',
    run.method === 'teacher' && pickOf !== undefined && pickOf > 1 ? `--pick-of ${pickOf}` : '',
    run.method === 'teacher' && gradientClip ? `--clip ${gradientClip}` : '',
  ].filter(Boolean)
  return flags.map((f) => ` ${f}`).join('')
}

export function buildRunCard(run: Run, task: TaskSummary): RunCard {
  const split = task.split === 'heldout' ? 'heldout:' : ''
  const source = task.source === 'suite' && task.family !== null && task.seed !== null ? `suite:${task.family}:${split}${task.seed}` : '<task.json or image>'
  return {
    format: 'teacher-studio.run-card',
    version: 1,
    run: { id: run.id, method: run.method, status: run.status, createdAt: run.timings.createdAt, startedAt: run.timings.startedAt, finishedAt: run.timings.finishedAt },
    task: { id: task.id, instruction: task.instruction, source: task.source, family: task.family, seed: task.seed, split: task.split, frameWidth: task.frameWidth, frameHeight: task.frameHeight },
    settings: run.settings,
    rules: run.queries,
    model: run.model,
    versions: run.versions,
    result: run.result,
    steps: run.stepCount,
    reproduce: `npm run cli -- run --task ${source} --method ${run.method} --seed ${run.settings.seed} --lr ${run.settings.learningRate} --lambda ${run.settings.lambda} --tau ${run.settings.tau} --max-steps ${run.settings.maxSteps}${methodFlags(run)}`,
  }
}
