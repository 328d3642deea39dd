/**
 * `npm run bench -- [--quick] [--per-family N] [--families maze,push] [--split heldout|train] [--quality-only | --speed-only] [--package DIR] [--out bench/results]`
 *
 * Quality on the held-out split (fixed seeds 0..N-1 per family; `--split train` for unseen tasks
 * drawn from the training distribution), every video judged by the
 * rule-based evaluator, and speed on this machine; prints the tables and writes them, with the
 * command, commit and machine, as markdown + JSON + PNG plots under bench/results/. --package: the
 * model package to measure (default: the built-in gridworld; resources/models/blocks for fall and push).
 */
import { execSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { BUILT_IN_PACKAGE, defaultPackageDir, loadModelPackage, StudioModels } from '../src/main/engine/models'
import { runtimeVersion } from '../src/main/engine/runtime'
import { listFamilies } from '../src/main/engine/tasks'
import { familyBarsPng, successCurvePng } from './plots'
import { benchTask } from './quality'
import { measureSpeed, type SpeedReport } from './speed'
import { ablationRows, bestOf, markdownTable, matchedN, methodRows, PAIRED_NOTE, pairedRows, pairedTable, successCurve, type TaskRecord } from './summarize'

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'per-family': { type: 'string' },
    families: { type: 'string' },
    split: { type: 'string', default: 'heldout' },
    'quality-only': { type: 'boolean', default: false },
    'speed-only': { type: 'boolean', default: false },
    out: { type: 'string', default: 'bench/results' },
    package: { type: 'string' },
    checkpoint: { type: 'string' },
  },
})

const perFamily = Number(values['per-family'] ?? (values.quick ? 3 : 50))
if (values.split !== 'heldout' && values.split !== 'train') throw new Error(`--split must be heldout or train, not "${values.split}"`)
const split = values.split as 'heldout' | 'train'
// Train-split seeds start far from those modelkit trains on (gen-data rows use seeds < 200000).
const firstSeed = split === 'train' ? 900_000 : 0
const pkg = loadModelPackage(values.package ?? defaultPackageDir())
const trained = pkg.manifest.families.map((f) => f.name)
const families = values.families ? values.families.split(',') : trained.length ? trained : listFamilies().map((f) => f.name)
const models = await StudioModels.open(pkg, 'cpu')
await models.warmUp()
const d = pkg.manifest.defaults
// Candidates drawn per task for best-of-N: enough that the time-matched N is not capped (the
// teacher method costs about 15-20 candidates on the built-in packages).
const MAX_CANDIDATES = 32
const commit = (() => {
  try {
    return execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim()
  } catch {
    return 'unknown'
  }
})()
const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${process.platform} ${process.arch}, node ${process.versions.node}, onnxruntime-node ${runtimeVersion()}`
const command = `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim()
const date = new Date().toISOString().slice(0, 10)
const lines: string[] = [`# Benchmark ${date}`, '', `- command: \`${command}\``, `- commit: ${commit}`, `- machine: ${machine}`, `- model package: ${pkg.id} (${pkg.hash.slice(0, 12)}), defaults lr ${d.learningRate}, lambda ${d.lambda}, tau ${d.tau}, max steps ${d.maxSteps}`, '']
const print = (s = '') => {
  console.log(s)
  lines.push(s)
}
mkdirSync(values.out, { recursive: true })
const stem = join(values.out, `${date}${pkg.id === BUILT_IN_PACKAGE ? '' : `-${pkg.id}`}-${split}${values.quick ? '-quick' : ''}`)

if (!values['speed-only']) {
  const records: TaskRecord[] = []
  const started = performance.now()
  for (const family of families) {
    for (let seed = firstSeed; seed < firstSeed + perFamily; seed++) {
      records.push(await benchTask(models, family, seed, { learningRate: d.learningRate, tau: d.tau, maxSteps: d.maxSteps, maxBudget: 16, candidates: MAX_CANDIDATES }, split))
      process.stderr.write(`\r${family} ${seed - firstSeed + 1}/${perFamily}  (${((performance.now() - started) / 1000).toFixed(0)} s)   `)
    }
  }
  process.stderr.write('\n')
  const matched = matchedN(records, MAX_CANDIDATES)
  const n = matched.n
  print(`## Quality: ${split === 'heldout' ? 'held-out' : 'train (in-domain, unseen seeds)'} split, ${perFamily} tasks per family (seeds ${firstSeed}-${firstSeed + perFamily - 1}), ${records.length} tasks`)
  print()
  print(`Best-of-N uses N = ${n}, compute-matched by measured time: the teacher method's mean ${matched.teacherSeconds.toFixed(2)} s per task over one candidate's ${matched.candidateSeconds.toFixed(3)} s (${d.samplerSteps} sampler steps + 1 answer) = ${matched.ratio.toFixed(1)}${matched.capped ? `, capped at the ${MAX_CANDIDATES} candidates drawn per task (best-of-N had less time than the teacher method)` : ''}. Oracle pass@N: the evaluator picks among the same N samples.`)
  print(`Teacher-hacking: the teacher gives P(Yes) >= 0.8 on every query of the final video while the evaluator fails it. Query writer exact rule set: ${((100 * records.filter((r) => r.writerCorrect).length) / records.length).toFixed(1)} % of tasks.`)
  print()
  print('### Overall')
  print()
  print(markdownTable(methodRows(records, n)))
  print()
  print(PAIRED_NOTE)
  print()
  print(pairedTable(pairedRows(records, n)))
  print()
  print('### Per family')
  for (const family of families) {
    print()
    print(`#### ${family}`)
    print()
    print(markdownTable(methodRows(records.filter((r) => r.family === family), n)))
  }
  print()
  print('### Ablations (overall)')
  print()
  print(markdownTable(ablationRows(records)))
  const curve = successCurve(records)
  print()
  print(`Success against steps (fixed budget k = 0..${curve.length - 1}, no early stop): ${curve.map((v) => v.toFixed(1)).join(', ')}`)
  const base = methodRows(records, n)[0].successPct
  const best = methodRows(records, n)[1]
  await successCurvePng(`${stem}-success-vs-steps.png`, split === 'heldout' ? 'held-out' : 'train split', curve, [{ label: 'base', value: base }, { label: `best-of-${n}`, value: best.successPct }, { label: `oracle pass@${n}`, value: best.oraclePct ?? 0 }])
  const perFamilyRows = families.map((f) => methodRows(records.filter((r) => r.family === f), n))
  await familyBarsPng(`${stem}-per-family.png`, split === 'heldout' ? 'held-out' : 'train split', families, perFamilyRows[0].map((row, j) => ({ name: row.method.replace(' (teacher picks)', '').replace(' (ours)', ''), values: perFamilyRows.map((rows) => rows[j].successPct) })))
  print()
  print(`![success against steps](${stem.split('/').at(-1)}-success-vs-steps.png)`)
  print(`![per family](${stem.split('/').at(-1)}-per-family.png)`)
  writeFileSync(`${stem}-records.json`, JSON.stringify({ n, matched, oracle: records.map((r) => bestOf(r, n).oracle), records }, null, 1))
  print()
}

if (!values['quality-only']) {
  const speed: SpeedReport = await measureSpeed(models, values.quick ? 10 : 30, values.checkpoint ?? `modelkit/checkpoints/${pkg.id}.pt`)
  print('## Speed (CPU, this machine)')
  print()
  print('| graph | onnxruntime-node median ms | mean ms | PyTorch eager median ms | mean ms | speed-up (median) |')
  print('|---|---|---|---|---|---|')
  const t = 'skipped' in speed.torch ? null : speed.torch
  const row = (name: string, o: { median: number; mean: number }, p: { median: number; mean: number } | undefined) =>
    print(`| ${name} | ${o.median.toFixed(1)} | ${o.mean.toFixed(1)} | ${p ? p.median.toFixed(1) : '–'} | ${p ? p.mean.toFixed(1) : '–'} | ${p ? `${(p.median / o.median).toFixed(2)}x` : '–'} |`)
  row('teacher step (tto_step: forward + LoRA gradients)', speed.stepMs, t?.stepMs)
  row('full sampler (sample, 4 steps)', speed.sampleMs, t?.sampleMs)
  if ('skipped' in speed.torch) print(`\nPyTorch eager: ${speed.torch.skipped}`)
  else print(`\nPyTorch ${speed.torch.version}, 2 threads, same machine, same run.`)
  print()
}

await models.release()
writeFileSync(`${stem}.md`, `${lines.join('\n')}\n`)
console.log(`\nwrote ${stem}.md`)
