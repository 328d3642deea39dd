/** `tasks ...` commands: list the families, sample one task to files. */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { evaluateVideo, frameWidth, generateTask, listFamilies } from '../engine/tasks'
import { flagInt, flagString, UsageError } from './args'
import { registerCommand } from './commands'
import { exportVideo } from '../engine/export'
import { encodeRgbFrame } from '../engine/images'

registerCommand({
  name: 'tasks list',
  usage: 'tasks list',
  summary: 'List the task families with their rules, knobs and splits.',
  run() {
    for (const f of listFamilies()) {
      process.stdout.write(`${f.name} — ${f.title}: ${f.description}\n`)
      for (const r of f.rules) process.stdout.write(`  [${r.kind}] ${r.id}: ${r.query}\n`)
      for (const k of f.knobs) process.stdout.write(`  knob ${k.name} (${k.description}): train ${k.train.join('-')}, held-out ${k.heldout.join('-')}\n`)
      process.stdout.write(`  train: ${f.splits.train}\n  held-out: ${f.splits.heldout}\n`)
      process.stdout.write(`  corruptions: ${f.corruptions.map((c) => c.name).join(', ')}\n\n`)
    }
  },
})

/** Parses `grid=9,pathLength=10` into knob values. */
export function parseKnobs(text: string | true | undefined): Record<string, number> | undefined {
  if (text === undefined) return undefined
  if (text === true) throw new UsageError('--knobs needs a value such as grid=9,pathLength=10.')
  const out: Record<string, number> = {}
  for (const part of text.split(',').filter(Boolean)) {
    const [name, value] = part.split('=')
    if (!name || value === undefined || !/^-?\d+$/.test(value.trim())) throw new UsageError(`--knobs entry "${part}" is not name=integer.`)
    out[name.trim()] = Number(value)
  }
  return out
}

registerCommand({
  name: 'tasks sample',
  usage: 'tasks sample --family maze --seed 3 --out DIR [--split train|heldout] [--format gif|mp4] [--knobs grid=9,pathLength=10]',
  summary: 'Write one task: first-frame PNG, instruction, ground-truth video (GIF or MP4), task.json.',
  async run(args) {
    const family = flagString(args, 'family')
    const seed = flagInt(args, 'seed', 0)
    const out = flagString(args, 'out')
    const split = flagString(args, 'split', 'train')
    const format = flagString(args, 'format', 'gif')
    if (split !== 'train' && split !== 'heldout') throw new UsageError(`--split must be "train" or "heldout" (got "${split}").`)
    if (format !== 'gif' && format !== 'mp4') throw new UsageError(`--format must be "gif" or "mp4" (got "${format}").`)
    const task = generateTask(family, seed, { split, knobs: parseKnobs(args.flags.get('knobs')) })
    const W = frameWidth(task.geometry)
    mkdirSync(out, { recursive: true })
    writeFileSync(join(out, 'first-frame.png'), encodeRgbFrame({ width: W, height: W, rgb: task.firstFrame }))
    writeFileSync(join(out, 'instruction.txt'), task.instruction + '\n')
    await exportVideo({ frames: task.frames, width: W, height: W, fps: task.geometry.fps, format, outPath: join(out, `ground-truth.${format}`) })
    const verdict = evaluateVideo(family, task.frames, task.geometry)
    const card = {
      family, seed, split, variant: task.variant, geometry: task.geometry, knobs: task.knobs,
      instruction: task.instruction, paraphrases: task.paraphrases, rules: task.rules,
      entities: task.entities, states: task.states, verdict,
    }
    writeFileSync(join(out, 'task.json'), JSON.stringify(card, null, 2) + '\n')
    process.stdout.write(`Wrote ${family} seed ${seed} (${split}, ${task.variant}) to ${out}: first-frame.png, ground-truth.${format}, instruction.txt, task.json\n`)
    process.stdout.write(`Instruction: ${task.instruction}\nGround truth verdict: score ${verdict.score}, ${verdict.success ? 'every rule holds' : 'SOME RULE FAILS'}\n`)
  },
})
