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

  it('tries only the corruptions named, and leaves the rows they do not apply to as ground truth', () => {
    const all = [...datasetRows({ split: 'train', n: 40, families: ['push'], corruptFraction: 1 })]
    const rows = [...datasetRows({ split: 'train', n: 40, families: ['push'], corruptFraction: 1, corruptions: ['wall_clip'] })]
    expect(new Set(all.map((r) => r.variant)).size).toBeGreaterThan(3)
    expect(new Set(rows.map((r) => r.variant))).toEqual(new Set(['wall_clip', 'gt']))
    for (const r of rows) {
      expect(r.labels['push.no_wall']).toBe(r.variant === 'wall_clip' ? 0 : 1)
    }
    // a row that draws wall_clip without the filter gets it with the filter too (same task, same rng)
    all.forEach((r, i) => { if (r.variant === 'wall_clip') expect(rows[i].cells).toEqual(r.cells) })
  })

  it('rejects bad options with a clear message', () => {
    expect(() => [...datasetRows({ split: 'train', n: 2, families: ['push'], corruptions: ['melt'] })])
      .toThrow(/--corruptions: unknown corruption "melt" \(the families push have: .*wall_clip/)
    expect(() => [...datasetRows({ split: 'test' as never, n: 3 })]).toThrow(/--split must be "train" or "heldout"/)
    expect(() => [...datasetRows({ split: 'train', n: 0 })]).toThrow(/--n must be a positive integer/)
    expect(() => [...datasetRows({ split: 'train', n: 2, families: ['maze', 'tetris'] })]).toThrow(/Unknown task family "tetris"/)
  })
})
