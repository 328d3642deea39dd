/** `tasks check`, `tasks bench`, `tasks contact-sheet`: the suite's self-check, speed and a picture of it. */
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import sharp from 'sharp'
import { evaluateVideo, frameWidth, generateTask, listFamilies, resolveGeometry } from '../engine/tasks'
import { checkFamily, type CheckRow } from '../engine/tasks/check'
import { flagInt, flagString, UsageError } from './args'
import { registerCommand } from './commands'

const pct = (a: number, b: number) => (b ? ((100 * a) / b).toFixed(1) + ' %' : '—')

export interface FamilyCheck {
  family: string
  gtPass: number
  gtTotal: number
  corruptCorrect: number
  corruptTotal: number
  rows: CheckRow[]
}

export function runCheck(n: number, families: string[]): FamilyCheck[] {
  return families.map((family) => {
    const rows = [...checkFamily(family, n, 'train'), ...checkFamily(family, n, 'heldout')]
    const gt = rows.filter((r) => r.variant === 'gt')
    const bad = rows.filter((r) => r.variant !== 'gt')
    return {
      family,
      gtPass: gt.reduce((a, r) => a + r.correct, 0),
      gtTotal: gt.reduce((a, r) => a + r.applied, 0),
      corruptCorrect: bad.reduce((a, r) => a + r.correct, 0),
      corruptTotal: bad.reduce((a, r) => a + r.applied, 0),
      rows,
    }
  })
}

function table(head: string[], rows: (string | number)[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)))
  const line = (cells: (string | number)[]) => '| ' + cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ') + ' |'
  return [line(head), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...rows.map(line)].join('\n') + '\n'
}

function familiesFrom(arg: string | true | undefined): string[] {
  const all = listFamilies().map((f) => f.name)
  if (typeof arg !== 'string') return all
  const chosen = arg.split(',').map((s) => s.trim()).filter(Boolean)
  for (const f of chosen) if (!all.includes(f)) throw new UsageError(`Unknown family "${f}". Known: ${all.join(', ')}.`)
  return chosen
}

registerCommand({
  name: 'tasks check',
  usage: 'tasks check [--n 200] [--families maze,push] [--detail]',
  summary: 'Ground truth must pass every rule; every corruption must fail exactly the rules it declares (n seeds per split).',
  run(args) {
    const n = flagInt(args, 'n', 200)
    if (n < 1) throw new UsageError('--n must be at least 1.')
    const started = performance.now()
    const results = runCheck(n, familiesFrom(args.flags.get('families')))
    const summary = results.map((r) => [r.family, `${r.gtPass}/${r.gtTotal}`, pct(r.gtPass, r.gtTotal), `${r.corruptCorrect}/${r.corruptTotal}`, pct(r.corruptCorrect, r.corruptTotal)])
    process.stdout.write(`Suite check: ${n} seeds per split (train + held-out), verdicts read from rendered frames\n\n`)
    process.stdout.write(table(['family', 'ground truth passes', '%', 'corruptions judged exactly', '%'], summary))
    const detail = results.flatMap((r) => r.rows.map((x) => [r.family, x.split, x.variant, x.applied, pct(x.correct, x.applied), x.mismatches.map((m) => m.seed).join(' ')]))
    if (args.flags.get('detail')) process.stdout.write('\n' + table(['family', 'split', 'variant', 'applied', 'correct', 'mismatched seeds'], detail))
    process.stdout.write(`\n${((performance.now() - started) / 1000).toFixed(1)} s\n`)
    const failing = results.filter((r) => r.gtPass < r.gtTotal || r.corruptCorrect < 0.99 * r.corruptTotal)
    if (failing.length) throw new Error(`below the bar (100 % ground truth, >= 99 % corruptions) for: ${failing.map((f) => f.family).join(', ')}`)
  },
})

registerCommand({
  name: 'tasks bench',
  usage: 'tasks bench [--n 10000] [--split train|heldout]',
  summary: 'Time generating n instances (generator + pixel rendering) and judging them, per family.',
  run(args) {
    const n = flagInt(args, 'n', 10000)
    const split = flagString(args, 'split', 'train')
    if (split !== 'train' && split !== 'heldout') throw new UsageError(`--split must be "train" or "heldout".`)
    const families = listFamilies().map((f) => f.name)
    const rows: (string | number)[][] = []
    let genTotal = 0
    let evalTotal = 0
    for (const family of families) {
      const count = Math.floor(n / families.length) + (families.indexOf(family) < n % families.length ? 1 : 0)
      let gen = 0
      let judge = 0
      for (let seed = 0; seed < count; seed++) {
        const t0 = performance.now()
        const task = generateTask(family, seed, { split })
        const t1 = performance.now()
        evaluateVideo(family, task.frames, task.geometry)
        judge += performance.now() - t1
        gen += t1 - t0
      }
      genTotal += gen
      evalTotal += judge
      rows.push([family, count, (gen / 1000).toFixed(2), Math.round((count * 1000) / gen), (judge / 1000).toFixed(2), Math.round((count * 1000) / judge)])
    }
    rows.push(['all', n, (genTotal / 1000).toFixed(2), Math.round((n * 1000) / genTotal), (evalTotal / 1000).toFixed(2), Math.round((n * 1000) / evalTotal)])
    process.stdout.write(`Task suite bench: ${n} ${split} instances, ${resolveGeometry().canvasCells}x${resolveGeometry().canvasCells} cells of ${resolveGeometry().cellPx} px, ${resolveGeometry().frames} frames, one process\n\n`)
    process.stdout.write(table(['family', 'instances', 'generate s', 'generated/s', 'judge s', 'judged/s'], rows))
  },
})

/** Scales an RGB frame up by an integer factor (nearest neighbour). */
function upscale(rgb: Uint8Array, width: number, scale: number): Buffer {
  const W = width * scale
  const out = Buffer.alloc(W * W * 3)
  for (let y = 0; y < W; y++) {
    for (let x = 0; x < W; x++) {
      const s = (Math.floor(y / scale) * width + Math.floor(x / scale)) * 3
      const d = (y * W + x) * 3
      out[d] = rgb[s]
      out[d + 1] = rgb[s + 1]
      out[d + 2] = rgb[s + 2]
    }
  }
  return out
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

export async function writeContactSheet(out: string, split: 'train' | 'heldout', seed: number): Promise<void> {
  const scale = 3
  const picks = [0, 2, 4, 6, 8, 11]
  const families = listFamilies()
  const g = resolveGeometry()
  const tile = frameWidth(g) * scale
  const gap = 12
  const left = 16
  const header = 44
  const caption = 48
  const rowH = caption + tile + gap
  const width = left * 2 + picks.length * tile + (picks.length - 1) * gap
  const height = header + families.length * rowH + 8
  const composites: sharp.OverlayOptions[] = []
  const texts: string[] = [
    `<text x="${left}" y="28" font-family="DejaVu Sans, sans-serif" font-size="20" font-weight="bold" fill="#222">Teacher Studio task suite (${split} split, seed ${seed}): first frame, then ground-truth frames</text>`,
  ]
  families.forEach((f, row) => {
    const task = generateTask(f.name, seed, { split })
    const y = header + row * rowH
    texts.push(`<text x="${left}" y="${y + 20}" font-family="DejaVu Sans, sans-serif" font-size="17" font-weight="bold" fill="#222">${escapeXml(f.title)}</text>`)
    texts.push(`<text x="${left}" y="${y + 40}" font-family="DejaVu Sans, sans-serif" font-size="15" fill="#444">“${escapeXml(task.instruction)}”</text>`)
    picks.forEach((t, col) => {
      const x = left + col * (tile + gap)
      composites.push({ input: upscale(task.frames[t], frameWidth(g), scale), raw: { width: tile, height: tile, channels: 3 }, left: x, top: y + caption })
      texts.push(`<text x="${x + 6}" y="${y + caption + tile - 8}" font-family="DejaVu Sans Mono, monospace" font-size="14" fill="#fff" stroke="#000" stroke-width="3" paint-order="stroke">t=${t}</text>`)
    })
  })
  const svg = `<svg width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">${texts.join('')}</svg>`
  composites.push({ input: Buffer.from(svg), left: 0, top: 0 })
  mkdirSync(dirname(out), { recursive: true })
  await sharp({ create: { width, height, channels: 3, background: { r: 250, g: 250, b: 247 } } }).composite(composites).png().toFile(out)
}

registerCommand({
  name: 'tasks contact-sheet',
  usage: 'tasks contact-sheet --out docs/images/contact-sheet.png [--split train|heldout] [--seed 1]',
  summary: 'Draw every family: first frame and a few ground-truth frames, with the instruction.',
  async run(args) {
    const out = flagString(args, 'out')
    const split = flagString(args, 'split', 'train')
    if (split !== 'train' && split !== 'heldout') throw new UsageError(`--split must be "train" or "heldout".`)
    await writeContactSheet(out, split, flagInt(args, 'seed', 1))
    process.stdout.write(`Wrote ${out}\n`)
  },
})
