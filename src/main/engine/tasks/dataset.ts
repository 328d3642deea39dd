/** Rows of a training/evaluation data set: ground-truth or corrupted videos with rule labels. */
import { resolveGeometry, type Geometry } from './geometry'
import { renderVideo } from './render'
import { rngFor } from './rng'
import { evaluateVideo, familyModule, listFamilies } from './suite'
import type { Split } from './types'

export interface DatasetOptions {
  split: Split
  /** Number of rows. */
  n: number
  /** Families to draw from, round-robin (default: all). */
  families?: string[]
  /** Fraction of rows that are corruptions instead of ground truth (default 0.5). */
  corruptFraction?: number
  /** Only these corruptions are tried (default: every corruption of the row's family). A row whose
   *  task none of them applies to stays ground truth. */
  corruptions?: string[]
  /** First seed; row i uses seed firstSeed + floor(i / families) (default 0). */
  firstSeed?: number
  geometry?: Partial<Geometry>
}

export interface DatasetRow {
  i: number
  family: string
  seed: number
  split: Split
  /** 'gt' or the corruption's name. */
  variant: string
  /** The task's layout variant (e.g. 'decoys'). */
  layout: string
  instruction: string
  rules: string[]
  labels: Record<string, 0 | 1>
  /** Rules the corruption was built to break (empty for ground truth). */
  breaks: string[]
  frames: Uint8Array[]
  cells: Uint8Array[]
}

export function validateDatasetOptions(o: DatasetOptions): void {
  if (o.split !== 'train' && o.split !== 'heldout') throw new Error(`--split must be "train" or "heldout" (got "${o.split}").`)
  if (!Number.isInteger(o.n) || o.n < 1) throw new Error(`--n must be a positive integer (got ${o.n}).`)
  const cf = o.corruptFraction ?? 0.5
  if (!(cf >= 0 && cf <= 1)) throw new Error(`--corrupt-fraction must be between 0 and 1 (got ${cf}).`)
  for (const f of o.families ?? []) familyModule(f)
  if (o.corruptions) {
    const families = o.families?.length ? o.families : listFamilies().map((f) => f.name)
    const known = new Set(families.flatMap((f) => familyModule(f).info.corruptions.map((c) => c.name)))
    const unknown = o.corruptions.filter((c) => !known.has(c))
    if (!o.corruptions.length || unknown.length) {
      throw new Error(`--corruptions: ${o.corruptions.length ? `unknown corruption "${unknown[0]}"` : 'no corruption named'}` +
        ` (the families ${families.join(', ')} have: ${[...known].sort().join(', ')}).`)
    }
  }
}

/** Yields the rows one by one (deterministic in the options). */
export function* datasetRows(o: DatasetOptions): Generator<DatasetRow> {
  validateDatasetOptions(o)
  const geometry = resolveGeometry(o.geometry)
  const families = o.families?.length ? o.families : listFamilies().map((f) => f.name)
  const corruptFraction = o.corruptFraction ?? 0.5
  for (let i = 0; i < o.n; i++) {
    const family = families[i % families.length]
    const seed = (o.firstSeed ?? 0) + Math.floor(i / families.length)
    const mod = familyModule(family)
    const built = mod.build(seed, o.split, geometry)
    const rng = rngFor('row', o.split, family, seed, i)
    let variant = 'gt'
    let cells = built.cells
    let breaks: string[] = []
    if (rng.next() < corruptFraction) {
      // try the corruptions in a random order until one applies
      const names = rng.shuffle(mod.info.corruptions.map((c) => c.name)).filter((n) => !o.corruptions || o.corruptions.includes(n))
      for (const name of names) {
        const c = built.corrupt(name)
        if (c) {
          variant = name
          cells = c.cells
          breaks = c.breaks
          break
        }
      }
    }
    const frames = renderVideo(cells, geometry)
    const verdict = evaluateVideo(family, frames, geometry)
    yield {
      i,
      family,
      seed,
      split: o.split,
      variant,
      layout: built.variant,
      instruction: rng.pick(built.paraphrases),
      rules: mod.info.rules.map((r) => r.id),
      labels: verdict.labels,
      breaks,
      frames,
      cells,
    }
  }
}
