import { describe, expect, it } from 'vitest'
import { listFamilies } from '../../../src/main/engine/tasks'
import { checkFamily } from '../../../src/main/engine/tasks/check'

describe('checkFamily (what `tasks check` prints)', () => {
  it('shows 100 % ground-truth passes and >= 99 % exact corruption verdicts for every family', () => {
    for (const f of listFamilies()) {
      for (const split of ['train', 'heldout'] as const) {
        const rows = checkFamily(f.name, 25, split, undefined, 1000)
        const gt = rows.find((r) => r.variant === 'gt')!
        expect(gt.applied).toBe(25)
        expect(gt.correct, `${f.name} ${split} gt ${JSON.stringify(gt.mismatches)}`).toBe(25)
        const bad = rows.filter((r) => r.variant !== 'gt')
        const applied = bad.reduce((a, r) => a + r.applied, 0)
        const correct = bad.reduce((a, r) => a + r.correct, 0)
        expect(correct / applied, `${f.name} ${split}`).toBeGreaterThanOrEqual(0.99)
      }
    }
  })
})
