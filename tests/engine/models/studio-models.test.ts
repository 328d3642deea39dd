import { afterAll, describe, expect, it } from 'vitest'
import { evaluateVideo, generateTask } from '../../../src/main/engine/tasks'
import { builtInModels, conditionedTask, expectWriterRuleSets, perturbedLora as perturbed } from '../../helpers/model-package'

const { task, condition, queries } = conditionedTask('maze', 7)

afterAll(async () => (await builtInModels()).release())

const perturbedLora = async (seed: number) => perturbed(await builtInModels(), seed)

describe('StudioModels on the built-in package', () => {
  it('returns a loss that matches the weighted P(Yes), a preview per frame and one gradient per LoRA tensor', async () => {
    const models = await builtInModels()
    const lora = await perturbedLora(3)
    const step = await models.teacherStep(lora, models.noise(3), condition, queries)
    const expected = step.pYes.reduce((s, p, i) => s + queries[i].lossWeight * -Math.log(p), 0)
    expect(step.loss).toBeCloseTo(expected, 4)
    expect(step.pYes).toHaveLength(queries.length)
    expect(step.preview).toHaveLength(models.video.frames)
    expect(step.preview[0]).toHaveLength(models.frameSize)
    for (const spec of models.pkg.manifest.lora.tensors) expect(step.gradients[spec.name]).toHaveLength(spec.shape.reduce((a, b) => a * b, 1))
  })

  it('has gradients that match central finite differences of its loss', async () => {
    const models = await builtInModels()
    const lora = await perturbedLora(5)
    const z1 = models.noise(5)
    const step = await models.teacherStep(lora, z1, condition, queries)
    // The 8 largest-magnitude gradient coordinates across all tensors: FD in float32 is only
    // meaningful where the directional change is well above rounding noise.
    const coords = Object.entries(step.gradients)
      .flatMap(([name, g]) => Array.from(g, (v, i) => ({ name, i, v })))
      .sort((a, b) => Math.abs(b.v) - Math.abs(a.v))
      .slice(0, 8)
    expect(Math.abs(coords[0].v)).toBeGreaterThan(1e-4)
    const eps = 2e-3 // small enough for the curvature of 16 shared-weight iterations, large enough for float32
    for (const { name, i, v } of coords) {
      const original = lora[name][i]
      lora[name][i] = original + eps
      const up = (await models.teacherStep(lora, z1, condition, queries)).loss
      lora[name][i] = original - eps
      const down = (await models.teacherStep(lora, z1, condition, queries)).loss
      lora[name][i] = original
      const fd = (up - down) / (2 * eps)
      expect(Math.abs(fd - v)).toBeLessThan(0.05 * Math.abs(v) + 2e-4)
    }
  })

  it('renders the base video starting from the task first frame and scores it', async () => {
    const models = await builtInModels()
    const frames = await models.render(models.freshLora(1), models.noise(1), condition)
    expect(frames).toHaveLength(models.video.frames)
    expect(Buffer.from(frames[0]).equals(Buffer.from(task.firstFrame))).toBe(true)
    const pYes = await models.answer(frames, queries)
    pYes.forEach((p) => expect(p).toBeGreaterThanOrEqual(0))
    pYes.forEach((p) => expect(p).toBeLessThanOrEqual(1))
  })

  it('samples differ with the seed', async () => {
    const models = await builtInModels()
    const a = await models.render(models.freshLora(1), models.noise(1), condition)
    const b = await models.render(models.freshLora(2), models.noise(2), condition)
    expect(a.some((f, i) => !Buffer.from(f).equals(Buffer.from(b[i])))).toBe(true)
  })

  it('refuses a first frame of the wrong size with what to do', async () => {
    const models = await builtInModels()
    await expect(models.render(models.freshLora(1), models.noise(1), { ...condition, firstFrame: new Uint8Array(30) })).rejects.toThrow(/resize it first/)
  })

  it('writes the rule set of the family an unseen instruction belongs to (maze and collect)', async () => {
    const models = await builtInModels()
    await expectWriterRuleSets(models, models.pkg.manifest.families.map((f) => f.name))
  })

  it('renders collect videos whose coins stay until the agent picks them up', async () => {
    const models = await builtInModels()
    expect(models.pkg.manifest.families.map((f) => f.name)).toContain('collect')
    const t = generateTask('collect', 3, { split: 'heldout' })
    const frames = await models.render(models.freshLora(1), models.noise(1), { firstFrame: t.firstFrame, instruction: t.instruction })
    const verdict = evaluateVideo('collect', frames, t.geometry)
    expect(verdict.labels['collect.one_agent']).toBe(1)
    expect(verdict.labels['collect.coins_kept']).toBe(1)
  })
})
