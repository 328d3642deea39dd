/**
 * `npm run bench:provider -- --provider webgpu [--package DIR]... [--repeats 30] [--tasks 10] [--threads N] [--torch-device cpu,cuda] [--out bench/results]`
 *
 * One execution provider against CPU, on the same package, machine and run: whether it starts (and
 * why not), its one-time cost (sessions opened and warmed up: WebGPU compiles its shaders there),
 * the time of a teacher step (tto_step) and of the full sampler, how far its outputs are from
 * CPU's on identical inputs (loss, P(Yes), LoRA gradients, preview and video), and the studio's
 * teacher loop on `--tasks` held-out tasks per family on both, judged by the rule-based evaluator
 * (same verdicts? same number of updates? seconds per task). `--torch-device cpu,cuda` adds PyTorch eager
 * on those devices for the same two graphs (bench/torch_speed.py, from the package's modelkit
 * checkpoint). Prints the tables and writes them as markdown under --out. On a machine without
 * Node.js (the GPU machine), the script runs bundled: bench/README.md, "Execution providers".
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { defaultPackageDir, loadModelPackage, StudioModels, type ModelPackage, type QueryInput } from '../src/main/engine/models'
import { optimizeWithTeacher, queryLossWeights } from '../src/main/engine/optimize'
import { parseProvider, runtimeVersion, type NamedTensors } from '../src/main/engine/runtime'
import { evaluateVideo, generateTask } from '../src/main/engine/tasks'
import { mean, median } from './speed'

const { values } = parseArgs({
  options: {
    provider: { type: 'string', default: 'webgpu' },
    package: { type: 'string', multiple: true },
    repeats: { type: 'string', default: '30' },
    tasks: { type: 'string', default: '10' },
    threads: { type: 'string' },
    'torch-device': { type: 'string' },
    out: { type: 'string', default: 'bench/results' },
  },
})
const provider = parseProvider(values.provider)
const repeats = Number(values.repeats)
const tasksPerFamily = Number(values.tasks)
// onnxruntime's intra-op threads on both sides: by default the studio's (DEFAULT_INTRA_OP_THREADS);
// 0 lets onnxruntime choose (the studio's default until 2026-12-04).
const threads = values.threads === undefined ? undefined : Number(values.threads)
const threadLabel = threads === undefined ? '' : `, ${threads === 0 ? "onnxruntime's choice of threads" : `${threads} thread${threads === 1 ? '' : 's'}`}`

const ms = (xs: number[]) => `${median(xs).toFixed(1)} (${mean(xs).toFixed(1)})`

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now()
  const value = await fn()
  return [value, performance.now() - start]
}

/** Largest absolute difference over all elements, and the largest magnitude on the reference side. */
function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): { diff: number; scale: number } {
  let diff = 0
  let scale = 0
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]))
    scale = Math.max(scale, Math.abs(a[i]))
  }
  return { diff, scale }
}

function gradientDiff(a: NamedTensors, b: NamedTensors): { diff: number; scale: number } {
  let diff = 0
  let scale = 0
  for (const name of Object.keys(a)) {
    const d = maxDiff(a[name], b[name])
    diff = Math.max(diff, d.diff)
    scale = Math.max(scale, d.scale)
  }
  return { diff, scale }
}

/** Share of frame bytes that differ, and the largest byte difference. */
function frameDiff(a: readonly Uint8Array[], b: readonly Uint8Array[]): { share: number; max: number } {
  let differing = 0
  let total = 0
  let max = 0
  a.forEach((frame, k) => {
    for (let i = 0; i < frame.length; i++) {
      const d = Math.abs(frame[i] - b[k][i])
      if (d) differing++
      max = Math.max(max, d)
    }
    total += frame.length
  })
  return { share: differing / total, max }
}

function queriesOf(rules: readonly { kind: 'goal' | 'process'; query: string }[]): QueryInput[] {
  const w = queryLossWeights(rules.map((r) => ({ kind: r.kind, weight: 1 })), 0.5)
  return rules.map((r, i) => ({ kind: r.kind, text: r.query, lossWeight: w[i] }))
}

interface Side {
  models: StudioModels
  openMs: number
  stepMs: number[]
  sampleMs: number[]
}

async function openSide(pkg: ModelPackage, name: typeof provider | 'cpu'): Promise<Side> {
  const [models, openMs] = await timed(async () => {
    const m = await StudioModels.open(pkg, name, threads)
    await m.warmUp()
    return m
  })
  return { models, openMs, stepMs: [], sampleMs: [] }
}

function torchTimes(checkpoint: string, device: string): string {
  if (!existsSync(checkpoint)) return `skipped: no modelkit checkpoint at ${checkpoint}`
  try {
    const out = execFileSync('python3', ['bench/torch_speed.py', checkpoint, '--repeats', String(repeats), '--device', device, '--threads', String(cpus().length)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    const r = JSON.parse(out.trim().split('\n').at(-1)!) as { tto_step_ms: number[]; sample_ms: number[]; torch: string; device: string }
    return `| PyTorch ${r.torch} eager, ${r.device} | – | ${ms(r.tto_step_ms)} | ${ms(r.sample_ms)} |`
  } catch (error) {
    const e = error as Error & { stderr?: string }
    return `skipped: PyTorch on ${device} failed: ${(e.stderr || e.message).trim().split('\n').at(-1)}`
  }
}

const lines: string[] = []
const print = (s = '') => {
  console.log(s)
  lines.push(s)
}
const commit = (() => {
  try {
    return process.env.BENCH_COMMIT ?? execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return 'unknown (no git here)'
  }
})()
const date = new Date().toISOString().slice(0, 10)
print(`# Execution provider ${provider} against cpu, ${date}`)
print()
print(`- command: \`npm run bench:provider -- ${process.argv.slice(2).join(' ')}\``)
print(`- commit: ${commit}`)
print(`- machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${process.platform} ${process.arch}, node ${process.versions.node}, onnxruntime-node ${runtimeVersion()}`)

for (const dir of values.package ?? [defaultPackageDir()]) {
  const pkg = loadModelPackage(dir)
  print()
  print(`## ${pkg.id} (${pkg.hash.slice(0, 12)})`)
  const cpu = await openSide(pkg, 'cpu')
  const other = await openSide(pkg, provider)
  const actual = other.models.provider
  print()
  print(`Asked for ${provider}; ran on ${actual.actual}.${actual.fallbackReason ? ` ${actual.fallbackReason}` : ''}`)

  // Speed on one held-out task of the package's first family, interleaved so that both sides see
  // the same machine state.
  const family = pkg.manifest.families[0]?.name ?? 'maze'
  const task = generateTask(family, 0, { split: 'heldout' })
  const condition = { firstFrame: task.firstFrame, instruction: task.instruction }
  const queries = queriesOf(task.rules)
  const lora = cpu.models.freshLora(0)
  const z1 = cpu.models.noise(0)
  for (let i = 0; i < repeats; i++) {
    for (const side of [cpu, other]) {
      side.stepMs.push((await timed(() => side.models.teacherStep(lora, z1, condition, queries)))[1])
      side.sampleMs.push((await timed(() => side.models.render(lora, z1, condition)))[1])
    }
  }
  print()
  print(`Milliseconds, median (mean) of ${repeats} calls, one held-out ${family} task; sessions opened and warmed up once before.`)
  print()
  print('| runtime | open + warm-up ms | teacher step (tto_step: forward + LoRA gradients) | full sampler (sample) |')
  print('|---|---|---|---|')
  print(`| onnxruntime-node cpu${threadLabel} | ${cpu.openMs.toFixed(0)} | ${ms(cpu.stepMs)} | ${ms(cpu.sampleMs)} |`)
  print(`| onnxruntime-node ${actual.actual}${actual.actual === provider ? '' : ` (asked ${provider})`}${threadLabel} | ${other.openMs.toFixed(0)} | ${ms(other.stepMs)} | ${ms(other.sampleMs)} |`)
  const torchNotes: string[] = []
  for (const device of values['torch-device']?.split(',') ?? []) {
    const row = torchTimes(`modelkit/checkpoints/${pkg.id}.pt`, device)
    if (row.startsWith('|')) print(row)
    else torchNotes.push(`PyTorch: ${row}`)
  }
  for (const note of torchNotes) {
    print()
    print(note)
  }

  // Parity: the same inputs through both, after a few optimizer steps so the LoRA is not zero.
  const stepped = await optimizeWithTeacher(cpu.models, condition, queries, { seed: 0, learningRate: pkg.manifest.defaults.learningRate, tau: 0, maxSteps: 3, earlyStop: false, clipNorm: 0, confirmStop: false }, {
    onLora: (_k, l) => void Object.assign(lora, Object.fromEntries(Object.entries(l).map(([n, v]) => [n, v.slice()]))),
  })
  const a = await cpu.models.teacherStep(lora, z1, condition, queries)
  const b = await other.models.teacherStep(lora, z1, condition, queries)
  const grad = gradientDiff(a.gradients, b.gradients)
  const pYes = maxDiff(a.pYes, b.pYes)
  const preview = frameDiff(a.preview, b.preview)
  const video = frameDiff(await cpu.models.render(lora, z1, condition), await other.models.render(lora, z1, condition))
  print()
  print(`Outputs against cpu on identical inputs (the LoRA after ${stepped.updates} updates on that task):`)
  print()
  print('| output | largest difference | largest value (cpu) |')
  print('|---|---|---|')
  print(`| loss | ${Math.abs(a.loss - b.loss).toExponential(2)} | ${Math.abs(a.loss).toFixed(4)} |`)
  print(`| P(Yes) per query | ${pYes.diff.toExponential(2)} | ${pYes.scale.toFixed(4)} |`)
  print(`| LoRA gradients | ${grad.diff.toExponential(2)} | ${grad.scale.toExponential(2)} |`)
  print(`| preview frames (uint8) | ${preview.max} (${(100 * preview.share).toFixed(3)} % of bytes differ) | 255 |`)
  print(`| full video (uint8) | ${video.max} (${(100 * video.share).toFixed(3)} % of bytes differ) | 255 |`)

  // The studio's teacher loop (early stop on a confirmed confident video, the base video judged
  // first) on held-out tasks, judged by the evaluator.
  const d = pkg.manifest.defaults
  if (tasksPerFamily <= 0) {
    await cpu.models.release()
    await other.models.release()
    continue
  }
  const runs: { family: string; seed: number; cpu: { success: boolean; updates: number; ms: number }; other: { success: boolean; updates: number; ms: number } }[] = []
  for (const f of pkg.manifest.families.map((x) => x.name)) {
    for (let seed = 0; seed < tasksPerFamily; seed++) {
      const t = generateTask(f, seed, { split: 'heldout' })
      const c = { firstFrame: t.firstFrame, instruction: t.instruction }
      const q = queriesOf(t.rules)
      const one = async (side: Side) => {
        const [r, took] = await timed(() => optimizeWithTeacher(side.models, c, q, { seed, learningRate: d.learningRate, tau: d.tau, maxSteps: d.maxSteps, earlyStop: true, clipNorm: 0, confirmStop: true, checkBase: true }))
        return { success: evaluateVideo(f, r.finalFrames!, t.geometry).success, updates: r.updates, ms: took }
      }
      runs.push({ family: f, seed, cpu: await one(cpu), other: await one(other) })
    }
  }
  const pct = (xs: boolean[]) => `${((100 * xs.filter(Boolean).length) / xs.length).toFixed(1)} %`
  print()
  print(`The studio's teacher loop on ${tasksPerFamily} held-out tasks per family (seeds 0-${tasksPerFamily - 1}, task-specific queries, package defaults), judged by the evaluator:`)
  print()
  print(`| family | success cpu | success ${actual.actual} | same verdict | same number of updates | mean updates cpu / ${actual.actual} | seconds per task cpu / ${actual.actual} |`)
  print('|---|---|---|---|---|---|---|')
  for (const f of [...new Set(runs.map((r) => r.family))]) {
    const rs = runs.filter((r) => r.family === f)
    print(`| ${f} | ${pct(rs.map((r) => r.cpu.success))} | ${pct(rs.map((r) => r.other.success))} | ${rs.filter((r) => r.cpu.success === r.other.success).length}/${rs.length} | ${rs.filter((r) => r.cpu.updates === r.other.updates).length}/${rs.length} | ${mean(rs.map((r) => r.cpu.updates)).toFixed(1)} / ${mean(rs.map((r) => r.other.updates)).toFixed(1)} | ${(mean(rs.map((r) => r.cpu.ms)) / 1000).toFixed(2)} / ${(mean(rs.map((r) => r.other.ms)) / 1000).toFixed(2)} |`)
  }
  await cpu.models.release()
  await other.models.release()
}

mkdirSync(values.out, { recursive: true })
const file = join(values.out, `${date}-provider-${provider}${threads === undefined ? '' : `-threads${threads}`}.md`)
writeFileSync(file, `${lines.join('\n')}\n`)
console.log(`\nwrote ${file}`)
