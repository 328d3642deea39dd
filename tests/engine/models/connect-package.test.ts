import { afterAll, describe, expect, it } from 'vitest'
import { evaluateVideo } from '../../../src/main/engine/tasks'
import { conditionedTask, connectModels, expectTeacherStep, expectWriterRuleSets } from '../../helpers/model-package'

afterAll(async () => (await connectModels()).release())

const conditioned = (seed: number) => conditionedTask('connect', seed)

describe('StudioModels on the connect package', () => {
  // the first test opens the package's sessions
  it('draws one latent code per transition and returns the loss of the weighted P(Yes) with a gradient per LoRA tensor', { timeout: 180_000 }, async () => {
    const models = await connectModels()
    expect(models.pkg.manifest.latent.shape).toEqual([11, 8])
    expect(models.noise(1)).toHaveLength(11 * 8)
    await expectTeacherStep(models, 'connect', 4)
  })

  it('writes the rule set of an unseen connect instruction', async () => {
    const models = await connectModels()
    expect(models.pkg.manifest.families.map((f) => f.name)).toEqual(['connect'])
    await expectWriterRuleSets(models, ['connect'])
  })

  it('renders videos that start from the first frame, keep every dot and grow each path one attached cell at a time', async () => {
    const models = await connectModels()
    let linked = 0
    for (const seed of [5, 6, 7, 8]) {
      const { task, condition } = conditioned(seed) // held-out: a teal and a magenta pair
      const frames = await models.render(models.freshLora(1), models.noise(seed), condition)
      expect(frames).toHaveLength(models.video.frames)
      expect(Buffer.from(frames[0]).equals(Buffer.from(task.firstFrame))).toBe(true)
      const { labels } = evaluateVideo('connect', frames, task.geometry)
      expect(labels['connect.intact'], `seed ${seed}`).toBe(1)
      expect(labels['connect.grow'], `seed ${seed}`).toBe(1)
      linked += labels['connect.linked']
    }
    expect(linked).toBeGreaterThan(0) // the reasoner joins held-out pairs (its card gives the rate)
  })
})
