import { afterAll, describe, expect, it } from 'vitest'
import { evaluateVideo } from '../../../src/main/engine/tasks'
import { blocksModels, conditionedTask as conditioned, expectWriterRuleSets } from '../../helpers/model-package'

afterAll(async () => (await blocksModels()).release())

describe('StudioModels on the blocks package (fall and push)', () => {
  it('draws a latent per block colour and returns the loss of the weighted P(Yes) with a gradient per LoRA tensor', async () => {
    const models = await blocksModels()
    expect(models.pkg.manifest.latent.shape).toEqual([11, 3, 8])
    expect(models.noise(1)).toHaveLength(11 * 3 * 8)
    const { condition, queries } = conditioned('push', 4)
    const lora = models.freshLora(2)
    for (const [name, t] of Object.entries(lora)) if (name.endsWith('.B')) t.forEach((_, i) => (t[i] = Math.sin(i + 2) * 0.05))
    const step = await models.teacherStep(lora, models.noise(2), condition, queries)
    const expected = step.pYes.reduce((s, p, i) => s + queries[i].lossWeight * -Math.log(p), 0)
    expect(step.loss).toBeCloseTo(expected, 4)
    expect(step.preview).toHaveLength(models.video.frames)
    const norms = Object.values(step.gradients).map((g) => Math.hypot(...g))
    expect(norms.every(Number.isFinite)).toBe(true)
    expect(Math.max(...norms)).toBeGreaterThan(1e-5)
  })

  it('writes the rule set of the family an unseen instruction belongs to (fall and push)', async () => {
    const models = await blocksModels()
    expect(models.pkg.manifest.families.map((f) => f.name).sort()).toEqual(['fall', 'push'])
    await expectWriterRuleSets(models, ['fall', 'push'])
  })

  it('renders videos that start from the first frame and keep every block in one piece', async () => {
    const models = await blocksModels()
    for (const family of ['fall', 'push']) {
      const { task, condition } = conditioned(family, 5)
      const frames = await models.render(models.freshLora(1), models.noise(1), condition)
      expect(frames).toHaveLength(models.video.frames)
      expect(Buffer.from(frames[0]).equals(Buffer.from(task.firstFrame))).toBe(true)
      expect(evaluateVideo(family, frames, task.geometry).labels[`${family}.intact`], family).toBe(1)
    }
  })
})
