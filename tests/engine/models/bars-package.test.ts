import { afterAll, describe, expect, it } from 'vitest'
import { barsModels, expectTeacherStep, expectWriterRuleSets, renderedLabels } from '../../helpers/model-package'

afterAll(async () => (await barsModels()).release())

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
      const labels = await renderedLabels(models, 'sort', seed)
      expect(labels['sort.intact'], `seed ${seed}`).toBe(1)
      expect(labels['sort.swap'], `seed ${seed}`).toBe(1)
      sorted += labels['sort.ascending']
    }
    expect(sorted).toBeGreaterThan(0) // the reasoner sorts held-out rows (97 % of them in its card)
  })
})
