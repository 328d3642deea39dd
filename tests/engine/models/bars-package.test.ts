import { afterAll, describe, expect, it } from 'vitest'
import { evaluateVideo } from '../../../src/main/engine/tasks'
import { barsModels, conditionedTask, expectTeacherStep, expectWriterRuleSets } from '../../helpers/model-package'

afterAll(async () => (await barsModels()).release())

const conditioned = (seed: number) => conditionedTask('sort', seed)

describe('StudioModels on the bars package (sort)', () => {
  it('draws one latent code per transition and returns the loss of the weighted P(Yes) with a gradient per LoRA tensor', async () => {
    const models = await barsModels()
    expect(models.pkg.manifest.latent.shape).toEqual([11, 8])
    expect(models.noise(1)).toHaveLength(11 * 8)
    await expectTeacherStep(models, 'sort', 4)
  })

  it('writes the rule set of an unseen sort instruction', async () => {
    const models = await barsModels()
    expect(models.pkg.manifest.families.map((f) => f.name)).toEqual(['sort'])
    await expectWriterRuleSets(models, ['sort'])
  })

  it('renders videos that start from the first frame, keep every bar whole and move it one place at most', async () => {
    const models = await barsModels()
    let sorted = 0
    for (const seed of [5, 6, 7, 8]) {
      const { task, condition } = conditioned(seed)
      const frames = await models.render(models.freshLora(1), models.noise(seed), condition)
      expect(frames).toHaveLength(models.video.frames)
      expect(Buffer.from(frames[0]).equals(Buffer.from(task.firstFrame))).toBe(true)
      const { labels } = evaluateVideo('sort', frames, task.geometry)
      expect(labels['sort.intact'], `seed ${seed}`).toBe(1)
      expect(labels['sort.swap'], `seed ${seed}`).toBe(1)
      sorted += labels['sort.ascending']
    }
    expect(sorted).toBeGreaterThan(0) // the reasoner sorts held-out rows (97 % of them in its card)
  })
})
