/**
 * Speed of the built-in package: one teacher step (tto_step: reasoner + surrogate decoder + teacher,
 * forward and backward) and the full sampler on onnxruntime-node, the same graphs in PyTorch eager
 * from the modelkit checkpoint in the same run, and whole-task seconds for the teacher method.
 */
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import type { StudioModels } from '../src/main/engine/models'
import { queryLossWeights } from '../src/main/engine/optimize'
import { generateTask } from '../src/main/engine/tasks'

export interface SpeedReport {
  provider: string
  stepMs: { median: number; mean: number }
  sampleMs: { median: number; mean: number }
  torch: { stepMs: { median: number; mean: number }; sampleMs: { median: number; mean: number }; version: string } | { skipped: string }
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
export const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
const stats = (xs: number[]) => ({ median: median(xs), mean: mean(xs) })

export async function measureSpeed(models: StudioModels, repeats: number, checkpoint: string): Promise<SpeedReport> {
  const task = generateTask('maze', 0, { split: 'heldout' })
  const condition = { firstFrame: task.firstFrame, instruction: task.instruction }
  const w = queryLossWeights(task.rules.map((r) => ({ kind: r.kind, weight: 1 })), 0.5)
  const queries = task.rules.map((r, i) => ({ kind: r.kind, text: r.query, lossWeight: w[i] }))
  const lora = models.freshLora(0)
  const z1 = models.noise(0)
  for (let i = 0; i < 3; i++) await models.teacherStep(lora, z1, condition, queries)
  const step: number[] = []
  for (let i = 0; i < repeats; i++) {
    const t = performance.now()
    await models.teacherStep(lora, z1, condition, queries)
    step.push(performance.now() - t)
  }
  const sample: number[] = []
  for (let i = 0; i < repeats; i++) {
    const t = performance.now()
    await models.render(lora, z1, condition)
    sample.push(performance.now() - t)
  }
  let torch: SpeedReport['torch']
  if (!existsSync(checkpoint)) torch = { skipped: `no modelkit checkpoint at ${checkpoint} (run the modelkit build)` }
  else {
    try {
      const out = execFileSync('python3', ['bench/torch_speed.py', checkpoint, '--repeats', String(repeats)], { encoding: 'utf8' })
      const r = JSON.parse(out.trim().split('\n').at(-1)!) as { tto_step_ms: number[]; sample_ms: number[]; torch: string }
      torch = { stepMs: stats(r.tto_step_ms), sampleMs: stats(r.sample_ms), version: r.torch }
    } catch (error) {
      torch = { skipped: `PyTorch timing failed: ${(error as Error).message.split('\n')[0]}` }
    }
  }
  return { provider: models.provider.actual, stepMs: stats(step), sampleMs: stats(sample), torch }
}
