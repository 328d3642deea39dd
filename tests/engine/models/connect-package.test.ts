import { afterAll, describe, expect, it } from 'vitest'
import { connectModels, expectTeacherStep, expectWriterRuleSets, renderedLabels } from '../../helpers/model-package'

afterAll(async () => (await connectModels()).release())

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
      const labels = await renderedLabels(models, 'connect', seed) // held-out: a teal and a magenta pair
      expect(labels['connect.intact'], `seed ${seed}`).toBe(1)
      expect(labels['connect.grow'], `seed ${seed}`).toBe(1)
      linked += labels['connect.linked']
    }
    expect(linked).toBeGreaterThan(0) // the reasoner joins held-out pairs (its card gives the rate)
  })
})
