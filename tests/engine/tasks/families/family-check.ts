/** Shared assertions for the family tests: ground truth passes, corruptions fail exactly their rules. */
import { expect } from 'vitest'
import { familyModule, renderVideo, evaluateVideo, resolveGeometry } from '../../../../src/main/engine/tasks'
import type { Split } from '../../../../src/main/engine/tasks'

export function expectFamilyHonest(family: string, seeds: number, split: Split): void {
  const mod = familyModule(family)
  const g = resolveGeometry()
  const applied = new Map<string, number>()
  for (let seed = 0; seed < seeds; seed++) {
    const built = mod.build(seed, split, g)
    const gt = evaluateVideo(family, renderVideo(built.cells, g), g)
    expect(gt.success, `${family} ${split} seed ${seed} ground truth ${JSON.stringify(gt.labels)}`).toBe(true)
    expect(gt.score).toBe(1)
    for (const c of mod.info.corruptions) {
      const bad = built.corrupt(c.name)
      if (!bad) continue
      applied.set(c.name, (applied.get(c.name) ?? 0) + 1)
      expect(bad.breaks).toEqual(c.breaks)
      const v = evaluateVideo(family, renderVideo(bad.cells, g), g)
      const broken = Object.entries(v.labels).filter(([, ok]) => ok === 0).map(([id]) => id).sort()
      expect(broken, `${family} ${split} seed ${seed} ${c.name}`).toEqual([...c.breaks].sort())
      expect(v.success).toBe(false)
      expect(v.score).toBeLessThan(1)
    }
  }
  // every corruption must apply to a fair share of instances, or it teaches nothing
  for (const c of mod.info.corruptions) expect(applied.get(c.name) ?? 0, `${family} ${split} ${c.name} applies`).toBeGreaterThan(seeds / 4)
}
