import { dirname, join } from 'node:path'
import { expect } from 'vitest'
import { queryLossWeights } from '../../src/main/engine/optimize'
import { evaluateVideo, generateTask } from '../../src/main/engine/tasks'
import { defaultPackageDir, loadModelPackage, StudioModels, type ModelPackage } from '../../src/main/engine/models'

/** The built-in model package (resources/models/gridworld), loaded once per test file. */
export const builtInPackageDir = defaultPackageDir()

let pkg: ModelPackage | null = null
let models: Promise<StudioModels> | null = null

export function builtInPackage(): ModelPackage {
  pkg ??= loadModelPackage(builtInPackageDir)
  return pkg
}

export function builtInModels(): Promise<StudioModels> {
  models ??= StudioModels.open(builtInPackage(), 'cpu', 1)
  return models
}

const opened = new Map<string, Promise<StudioModels>>()

/** The models of the package in `dir`, opened once per test file. */
function modelsIn(dir: string): Promise<StudioModels> {
  if (!opened.has(dir)) opened.set(dir, StudioModels.open(loadModelPackage(dir), 'cpu', 1))
  return opened.get(dir)!
}

/** The blocks package (resources/models/blocks: fall and push). */
export const blocksPackageDir = join(dirname(builtInPackageDir), 'blocks')
export const blocksModels = () => modelsIn(blocksPackageDir)

/** The bars package (resources/models/bars: sort). */
export const barsPackageDir = join(dirname(builtInPackageDir), 'bars')
export const barsModels = () => modelsIn(barsPackageDir)

/** The connect package (resources/models/connect: connect). */
export const connectPackageDir = join(dirname(builtInPackageDir), 'connect')
export const connectModels = () => modelsIn(connectPackageDir)

/** A LoRA away from the identity (B = 0 makes every A-gradient vanish): B filled with small values. */
export function perturbedLora(models: StudioModels, seed: number) {
  const lora = models.freshLora(seed)
  for (const [name, t] of Object.entries(lora)) if (name.endsWith('.B')) t.forEach((_, i) => (t[i] = Math.sin(i + seed) * 0.05))
  return lora
}

/** A held-out task of `family`, its condition and its rule queries weighted as a run weighs them (lambda 0.5). */
export function conditionedTask(family: string, seed: number) {
  const task = generateTask(family, seed, { split: 'heldout' })
  const weights = queryLossWeights(task.rules.map((r) => ({ kind: r.kind, weight: 1 })), 0.5)
  return {
    task,
    condition: { firstFrame: task.firstFrame, instruction: task.instruction },
    queries: task.rules.map((r, i) => ({ kind: r.kind, text: r.query, lossWeight: weights[i] })),
  }
}

/**
 * One teacher step of `models` on a held-out task of `family`, with a LoRA whose B is not zero: the loss is the
 * weighted -log P(Yes) of its queries, a preview per frame, and every LoRA tensor gets a finite, non-vanishing gradient.
 */
export async function expectTeacherStep(models: StudioModels, family: string, seed: number): Promise<void> {
  const { condition, queries } = conditionedTask(family, seed)
  const step = await models.teacherStep(perturbedLora(models, 2), models.noise(2), condition, queries)
  const expected = step.pYes.reduce((s, p, i) => s + queries[i].lossWeight * -Math.log(p), 0)
  expect(step.loss).toBeCloseTo(expected, 4)
  expect(step.preview).toHaveLength(models.video.frames)
  const norms = Object.values(step.gradients).map((g) => Math.hypot(...g))
  expect(norms.every(Number.isFinite)).toBe(true)
  expect(Math.max(...norms)).toBeGreaterThan(1e-5)
}

/** A rule set as sorted "kind: query" lines (lower-cased: the writer's vocabulary is). */
export function ruleSet(rules: readonly { kind: string; text: string }[]): string[] {
  return rules.map((r) => `${r.kind}: ${r.text.toLowerCase()}`).sort()
}

/** The query writer of `models` writes exactly the suite's rule set for held-out instructions of each family. */
export async function expectWriterRuleSets(models: StudioModels, families: readonly string[], seeds = [11, 12]): Promise<void> {
  for (const family of families) {
    for (const seed of seeds) {
      const t = generateTask(family, seed, { split: 'heldout' })
      const want = ruleSet(t.rules.map((r) => ({ kind: r.kind, text: r.query })))
      expect(ruleSet(await models.planQueries(t.instruction)), `${family} ${seed}`).toEqual(want)
    }
  }
}

/**
 * The base video of `models` (fresh LoRA) for the held-out task of `family` and `seed`, with noise `noise`: checks that
 * it has the package's frame count and starts from the task's first frame, and returns the evaluator's labels.
 */
export async function renderedLabels(models: StudioModels, family: string, seed: number, noise = seed): Promise<Record<string, number>> {
  const { task, condition } = conditionedTask(family, seed)
  const frames = await models.render(models.freshLora(1), models.noise(noise), condition)
  expect(frames).toHaveLength(models.video.frames)
  expect(Buffer.from(frames[0]).equals(Buffer.from(task.firstFrame))).toBe(true)
  return evaluateVideo(family, frames, task.geometry).labels
}
