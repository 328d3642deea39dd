import { afterAll, describe, expect, it } from 'vitest'
import { blocksModels, expectTeacherStep, expectWriterRuleSets, renderedLabels } from '../../helpers/model-package'

afterAll(async () => (await blocksModels()).release())

describe('StudioModels on the blocks package (fall and push)', () => {
  it('draws a latent per block colour and returns the loss of the weighted P(Yes) with a gradient per LoRA tensor', async () => {
    const models = await blocksModels()
    expect(models.pkg.manifest.latent.shape).toEqual([11, 3, 8])
    expect(models.noise(1)).toHaveLength(11 * 3 * 8)
    await expectTeacherStep(models, 'push', 4)
  })

  it('writes the rule set of the family an unseen instruction belongs to (fall and push)', async () => {
    const models = await blocksModels()
    expect(models.pkg.manifest.families.map((f) => f.name).sort()).toEqual(['fall', 'push'])
    await expectWriterRuleSets(models, ['fall', 'push'])
  })

  it('renders videos that start from the first frame and keep every block in one piece', async () => {
    const models = await blocksModels()
    for (const family of ['fall', 'push']) {
      expect((await renderedLabels(models, family, 5, 1))[`${family}.intact`], family).toBe(1)
    }
  })
})
