/** `gen-data`: writes a data set in the format of the shared decisions (index.json + .npy files). */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { appearanceTable, frameWidth, listFamilies, resolveGeometry, spritesFor } from '../engine/tasks'
import { datasetRows, validateDatasetOptions, type DatasetOptions } from '../engine/tasks/dataset'
import { flagInt, flagNumber, flagString, UsageError, type ParsedArgs } from './args'
import { registerCommand } from './commands'
import { NpyWriter } from './npy'

export interface GenDataSummary {
  rows: number
  seconds: number
  byVariant: Record<string, number>
}

/** Writes the data set to `out`; refuses to overwrite an existing one unless `force`. */
export function writeDataset(out: string, options: DatasetOptions, force = false): GenDataSummary {
  validateDatasetOptions(options)
  if (existsSync(join(out, 'index.json')) && !force) {
    throw new Error(`${out} already holds a data set (index.json exists). Choose another --out or pass --force to replace it.`)
  }
  mkdirSync(out, { recursive: true })
  const g = resolveGeometry(options.geometry)
  const W = frameWidth(g)
  const C = g.canvasCells
  const started = performance.now()
  const frames = new NpyWriter(join(out, 'frames.npy'), [options.n, g.frames, W, W, 3])
  const cells = new NpyWriter(join(out, 'cells.npy'), [options.n, g.frames, C, C])
  const instances: object[] = []
  const byVariant: Record<string, number> = {}
  try {
    for (const row of datasetRows(options)) {
      for (const f of row.frames) frames.write(f)
      for (const c of row.cells) cells.write(c)
      byVariant[row.variant] = (byVariant[row.variant] ?? 0) + 1
      instances.push({
        i: row.i,
        family: row.family,
        seed: row.seed,
        split: row.split,
        variant: row.variant,
        layout: row.layout,
        instruction: row.instruction,
        rules: row.rules,
        labels: row.labels,
        breaks: row.breaks,
      })
    }
  } finally {
    frames.close()
    cells.close()
  }
  const sprites = new NpyWriter(join(out, 'sprites.npy'), [appearanceTable().length, g.cellPx, g.cellPx, 3])
  for (const s of spritesFor(g.cellPx)) sprites.write(s)
  sprites.close()
  const families = listFamilies().filter((f) => !options.families?.length || options.families.includes(f.name))
  const index = {
    schema: 1,
    geometry: { canvasCells: C, cellPx: g.cellPx, height: W, width: W, frames: g.frames, fps: g.fps },
    appearances: appearanceTable().map(({ id, name, rgb, shape }) => ({ id, name, rgb, shape })),
    rules: families.flatMap((f) => f.rules.map(({ id, kind, query, family }) => ({ id, kind, query, family }))),
    families: families.map((f) => ({ name: f.name, rules: f.rules.map((r) => r.id) })),
    options: { split: options.split, n: options.n, families: families.map((f) => f.name), corruptFraction: options.corruptFraction ?? 0.5, ...(options.corruptions ? { corruptions: options.corruptions } : {}), firstSeed: options.firstSeed ?? 0 },
    instances,
  }
  writeFileSync(join(out, 'index.json'), JSON.stringify(index))
  return { rows: options.n, seconds: (performance.now() - started) / 1000, byVariant }
}

export function datasetOptionsFromArgs(args: ParsedArgs): DatasetOptions {
  const split = flagString(args, 'split', 'train')
  if (split !== 'train' && split !== 'heldout') throw new UsageError(`--split must be "train" or "heldout" (got "${split}").`)
  const fam = args.flags.get('families') ?? args.flags.get('family')
  const corruptions = args.flags.get('corruptions')
  if (corruptions === true) throw new UsageError('--corruptions needs a value, e.g. --corruptions wall_clip,teleport.')
  return {
    split,
    n: flagInt(args, 'n'),
    families: typeof fam === 'string' ? fam.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
    corruptFraction: flagNumber(args, 'corrupt-fraction', 0.5),
    corruptions: typeof corruptions === 'string' ? corruptions.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
    firstSeed: flagInt(args, 'first-seed', 0),
  }
}

registerCommand({
  name: 'gen-data',
  usage: 'gen-data --split train|heldout --n N --out DIR [--families maze,push] [--corrupt-fraction 0.5] [--corruptions wall_clip,teleport] [--first-seed 0] [--force]',
  summary: 'Write N rows (ground truth or corruptions, with rule labels) as index.json, frames.npy, cells.npy, sprites.npy.',
  run(args) {
    const out = flagString(args, 'out')
    const options = datasetOptionsFromArgs(args)
    const s = writeDataset(out, options, args.flags.get('force') === true)
    const parts = Object.entries(s.byVariant).map(([k, v]) => `${k} ${v}`).join(', ')
    process.stdout.write(`Wrote ${s.rows} rows (${options.split}) to ${out} in ${s.seconds.toFixed(1)} s: ${parts}\n`)
  },
})
