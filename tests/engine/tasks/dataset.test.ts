import { describe, expect, it } from 'vitest'
import { datasetRows } from '../../../src/main/engine/tasks/dataset'

describe('datasetRows', () => {
  it('mixes ground truth and labelled corruptions round-robin over the families, deterministically', () => {
    const rows = [...datasetRows({ split: 'train', n: 60, corruptFraction: 0.5 })]
    const again = [...datasetRows({ split: 'train', n: 60, corruptFraction: 0.5 })]
    expect(rows.map((r) => r.variant)).toEqual(again.map((r) => r.variant))
    expect(new Set(rows.map((r) => r.family)).size).toBe(6)
    const gts = rows.filter((r) => r.variant === 'gt')
    expect(gts.length).toBeGreaterThan(15)
    expect(gts.length).toBeLessThan(45)
    for (const r of rows) {
      expect(r.frames).toHaveLength(12)
      const broken = Object.entries(r.labels).filter(([, v]) => v === 0).map(([k]) => k).sort()
      expect(broken).toEqual([...r.breaks].sort())
    }
  })

  it('rejects bad options with a clear message', () => {
    expect(() => [...datasetRows({ split: 'test' as never, n: 3 })]).toThrow(/--split must be "train" or "heldout"/)
    expect(() => [...datasetRows({ split: 'train', n: 0 })]).toThrow(/--n must be a positive integer/)
    expect(() => [...datasetRows({ split: 'train', n: 2, families: ['maze', 'tetris'] })]).toThrow(/Unknown task family "tetris"/)
  })
})
