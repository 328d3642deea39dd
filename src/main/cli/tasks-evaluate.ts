/** `tasks evaluate`: judges a batch of videos (frames.npy + families.json) with the frame-only evaluators. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { evaluateCells, evaluateVideo, familyModule, frameWidth, resolveGeometry } from '../engine/tasks'
import { flagInt, flagString } from './args'
import { registerCommand } from './commands'
import { readNpyBytes, readNpyHeader } from './npy'

export function evaluateBatch(dir: string, cellPx?: number): { family: string; labels: Record<string, 0 | 1>; score: number; success: boolean }[] {
  const framesPath = join(dir, 'frames.npy')
  const familiesPath = join(dir, 'families.json')
  for (const p of [framesPath, familiesPath]) if (!existsSync(p)) throw new Error(`${p} is missing. The folder needs frames.npy (uint8 [N, T, H, W, 3]) and families.json (N family names).`)
  const families: unknown = JSON.parse(readFileSync(familiesPath, 'utf8'))
  if (!Array.isArray(families) || families.some((f) => typeof f !== 'string')) throw new Error(`${familiesPath} must be a JSON array of family names.`)
  const info = readNpyHeader(framesPath)
  const [N, T, H, W, ch] = info.shape
  if (info.shape.length !== 5 || ch !== 3 || H !== W) throw new Error(`${framesPath} has shape [${info.shape}]; expected [N, T, H, W, 3] with square frames.`)
  if (families.length !== N) throw new Error(`families.json names ${families.length} videos but frames.npy holds ${N}.`)
  const px = cellPx ?? 8
  if (W % px !== 0) throw new Error(`Frames are ${W} px wide, not a multiple of the ${px} px cell; pass --cell-px.`)
  const geometry = resolveGeometry({ canvasCells: W / px, cellPx: px, frames: T })
  if (frameWidth(geometry) !== W) throw new Error(`Geometry mismatch: ${W} px frames`)
  for (const f of new Set(families as string[])) familyModule(f)
  const frameSize = H * W * 3
  return (families as string[]).map((family, n) => {
    const bytes = readNpyBytes(framesPath, info, n * T * frameSize, T * frameSize)
    const frames = Array.from({ length: T }, (_, t) => bytes.subarray(t * frameSize, (t + 1) * frameSize))
    const v = evaluateVideo(family, frames, geometry)
    return { family, labels: v.labels, score: v.score, success: v.success }
  })
}

/** Judges DIR/cells.npy (uint8 [N, T, C, C] appearance ids, 255 = unknown) without reading pixels. */
export function evaluateCellBatch(dir: string): { family: string; labels: Record<string, 0 | 1>; score: number; success: boolean }[] {
  const cellsPath = join(dir, 'cells.npy')
  const familiesPath = join(dir, 'families.json')
  for (const p of [cellsPath, familiesPath]) if (!existsSync(p)) throw new Error(`${p} is missing. The folder needs cells.npy (uint8 [N, T, C, C]) and families.json (N family names).`)
  const families: unknown = JSON.parse(readFileSync(familiesPath, 'utf8'))
  if (!Array.isArray(families) || families.some((f) => typeof f !== 'string')) throw new Error(`${familiesPath} must be a JSON array of family names.`)
  const info = readNpyHeader(cellsPath)
  const [N, T, C, C2] = info.shape
  if (info.shape.length !== 4 || C !== C2) throw new Error(`${cellsPath} has shape [${info.shape}]; expected [N, T, C, C].`)
  if (families.length !== N) throw new Error(`families.json names ${families.length} videos but cells.npy holds ${N}.`)
  const geometry = resolveGeometry({ canvasCells: C, frames: T })
  for (const f of new Set(families as string[])) familyModule(f)
  return (families as string[]).map((family, n) => {
    const bytes = readNpyBytes(cellsPath, info, n * T * C * C, T * C * C)
    const cells = Array.from({ length: T }, (_, t) => bytes.subarray(t * C * C, (t + 1) * C * C))
    const v = evaluateCells(family, cells, geometry)
    return { family, labels: v.labels, score: v.score, success: v.success }
  })
}

registerCommand({
  name: 'tasks evaluate',
  usage: 'tasks evaluate --in DIR [--cell-px 8] [--cells]',
  summary: 'Judge DIR/frames.npy (uint8 [N,T,H,W,3]), or with --cells DIR/cells.npy ([N,T,C,C] ids), with the families in DIR/families.json; writes DIR/verdicts.json.',
  run(args) {
    const dir = flagString(args, 'in')
    const started = performance.now()
    const verdicts = args.flags.get('cells') === true ? evaluateCellBatch(dir) : evaluateBatch(dir, flagInt(args, 'cell-px', 8))
    writeFileSync(join(dir, 'verdicts.json'), JSON.stringify(verdicts))
    const ok = verdicts.filter((v) => v.success).length
    process.stdout.write(`Judged ${verdicts.length} videos in ${((performance.now() - started) / 1000).toFixed(1)} s: ${ok} pass every rule. Wrote ${join(dir, 'verdicts.json')}\n`)
  },
})
