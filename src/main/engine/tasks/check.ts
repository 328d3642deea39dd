/**
 * Self-check of the suite: ground truth must pass every rule, and every corruption must fail
 * exactly the rules it declares, judged from rendered pixels like any other video.
 */
import { resolveGeometry, type Geometry } from './geometry'
import { renderVideo } from './render'
import { evaluateVideo, familyModule } from './suite'
import type { Split } from './types'

export interface CheckRow {
  family: string
  split: Split
  /** 'gt' or a corruption name. */
  variant: string
  /** Instances where this variant applied. */
  applied: number
  /** Instances judged exactly as declared (gt: every rule holds; corruption: exactly its rules fail). */
  correct: number
  /** Seeds of the first few mismatches, for debugging. */
  mismatches: { seed: number; labels: Record<string, 0 | 1> }[]
}

export function checkFamily(family: string, n: number, split: Split, geometry?: Partial<Geometry>, firstSeed = 0): CheckRow[] {
  const mod = familyModule(family)
  const g = resolveGeometry(geometry)
  const rows = new Map<string, CheckRow>()
  const row = (variant: string) => {
    let r = rows.get(variant)
    if (!r) rows.set(variant, (r = { family, split, variant, applied: 0, correct: 0, mismatches: [] }))
    return r
  }
  row('gt')
  for (const c of mod.info.corruptions) row(c.name)
  for (let seed = firstSeed; seed < firstSeed + n; seed++) {
    const built = mod.build(seed, split, g)
    const tally = (variant: string, cells: Uint8Array[], breaks: string[]) => {
      const verdict = evaluateVideo(family, renderVideo(cells, g), g)
      const r = row(variant)
      r.applied++
      const exact = mod.info.rules.every((rule) => (verdict.labels[rule.id] === 0) === breaks.includes(rule.id))
      if (exact) r.correct++
      else if (r.mismatches.length < 5) r.mismatches.push({ seed, labels: verdict.labels })
    }
    tally('gt', built.cells, [])
    for (const c of mod.info.corruptions) {
      const corrupted = built.corrupt(c.name)
      if (corrupted) tally(c.name, corrupted.cells, corrupted.breaks)
    }
  }
  return [...rows.values()]
}
