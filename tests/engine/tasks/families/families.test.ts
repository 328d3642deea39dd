import { describe, expect, it } from 'vitest'
import { generateTask, listFamilies } from '../../../../src/main/engine/tasks'
import { expectFamilyHonest } from './family-check'

// The same contract for every family (src/main/engine/tasks/families/*.ts).
describe.each(['maze', 'push', 'collect', 'sort', 'connect', 'fall'])('%s family', (family) => {
  it('ground truth passes every rule and each corruption fails exactly its rules (train)', () => {
    expectFamilyHonest(family, 40, 'train')
  })
  it('ground truth passes every rule and each corruption fails exactly its rules (held-out)', () => {
    expectFamilyHonest(family, 40, 'heldout')
  })
  it('declares one goal rule and one to three process rules phrased as questions', () => {
    const info = listFamilies().find((f) => f.name === family)!
    expect(info.rules.filter((r) => r.kind === 'goal')).toHaveLength(1)
    const process = info.rules.filter((r) => r.kind === 'process')
    expect(process.length).toBeGreaterThanOrEqual(1)
    expect(process.length).toBeLessThanOrEqual(3)
    for (const r of info.rules) expect(r.query.endsWith('?')).toBe(true)
  })
  it('keeps held-out knobs beyond the training ranges', () => {
    const info = listFamilies().find((f) => f.name === family)!
    const trainMax = info.knobs.find((k) => k.name === 'grid')!.train[1]
    for (let seed = 0; seed < 20; seed++) {
      expect(generateTask(family, seed, { split: 'heldout' }).knobs.grid).toBeGreaterThan(trainMax)
      expect(generateTask(family, seed, { split: 'train' }).knobs.grid).toBeLessThanOrEqual(trainMax)
    }
  })
})
