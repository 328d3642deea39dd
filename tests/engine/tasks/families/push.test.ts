import { describe, expect, it } from 'vitest'
import { generateTask, listFamilies } from '../../../../src/main/engine/tasks'
import { expectFamilyHonest } from './family-check'

describe('push family', () => {
  it('ground truth passes every rule and each corruption fails exactly its rules (train)', () => {
    expectFamilyHonest('push', 40, 'train')
  })
  it('ground truth passes every rule and each corruption fails exactly its rules (held-out)', () => {
    expectFamilyHonest('push', 40, 'heldout')
  })
  it('declares one goal rule and one to three process rules phrased as questions', () => {
    const info = listFamilies().find((f) => f.name === 'push')!
    expect(info.rules.filter((r) => r.kind === 'goal')).toHaveLength(1)
    const process = info.rules.filter((r) => r.kind === 'process')
    expect(process.length).toBeGreaterThanOrEqual(1)
    expect(process.length).toBeLessThanOrEqual(3)
    for (const r of info.rules) expect(r.query.endsWith('?')).toBe(true)
  })
  it('keeps held-out knobs beyond the training ranges', () => {
    const info = listFamilies().find((f) => f.name === 'push')!
    for (let seed = 0; seed < 20; seed++) {
      const train = generateTask('push', seed, { split: 'train' })
      const held = generateTask('push', seed, { split: 'heldout' })
      expect(held.knobs.grid).toBeGreaterThan(info.knobs.find((k) => k.name === 'grid')!.train[1])
      expect(train.knobs.grid).toBeLessThanOrEqual(info.knobs.find((k) => k.name === 'grid')!.train[1])
    }
  })
})
