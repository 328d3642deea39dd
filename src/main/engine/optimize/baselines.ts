/**
 * The baselines the method is compared with (method.md, "Baselines worth reproducing"):
 * - base: one sample of the frozen reasoner from the run's seed (a fresh LoRA has B = 0, so it is
 *   exactly the base model);
 * - best-of-N: N samples from seeds seed..seed+N-1, the teacher picks the one with the lowest
 *   weighted loss on its queries (the deployable version; the benchmark also reports the oracle);
 * - VLM-as-solver: the teacher supervises the text, not the video. Our small teacher cannot write
 *   free text, so it works as a prompt refiner in the spirit of VideoTPO: candidate instructions are
 *   the user's instruction, and the instruction followed by each of the teacher's own rule queries
 *   and by all of them; the reasoner samples each from the same noise and the teacher picks the
 *   candidate whose video it scores best.
 */
import type { Conditioning, QueryInput, StudioModels } from '../models'
import { teacherLoss } from './objective'

export interface Candidate {
  label: string
  seed: number
  instruction: string
  frames: Uint8Array[]
  pYes: number[]
  loss: number
}

export interface CandidateSearchResult {
  candidates: Candidate[]
  chosenIndex: number
}

export interface CandidateHooks {
  onCandidate?: (candidate: Candidate, index: number, total: number) => void | Promise<void>
  signal?: AbortSignal
}

async function scoreCandidate(models: StudioModels, label: string, seed: number, condition: Conditioning, queries: readonly QueryInput[]): Promise<Candidate> {
  const frames = await models.render(models.freshLora(seed), models.noise(seed), condition)
  const pYes = queries.length > 0 ? await models.answer(frames, queries) : []
  return { label, seed, instruction: condition.instruction, frames, pYes, loss: teacherLoss(pYes, queries.map((q) => q.lossWeight)) }
}

async function search(
  models: StudioModels,
  plan: { label: string; seed: number; condition: Conditioning }[],
  queries: readonly QueryInput[],
  hooks: CandidateHooks,
): Promise<CandidateSearchResult> {
  const candidates: Candidate[] = []
  for (const [i, item] of plan.entries()) {
    if (hooks.signal?.aborted) break
    const candidate = await scoreCandidate(models, item.label, item.seed, item.condition, queries)
    candidates.push(candidate)
    await hooks.onCandidate?.(candidate, i, plan.length)
  }
  let chosenIndex = -1
  candidates.forEach((c, i) => {
    if (chosenIndex < 0 || c.loss < candidates[chosenIndex].loss) chosenIndex = i
  })
  return { candidates, chosenIndex }
}

export function sampleBase(models: StudioModels, condition: Conditioning, queries: readonly QueryInput[], seed: number, hooks: CandidateHooks = {}) {
  return search(models, [{ label: 'base', seed, condition }], queries, hooks)
}

export function bestOfN(models: StudioModels, condition: Conditioning, queries: readonly QueryInput[], seed: number, n: number, hooks: CandidateHooks = {}) {
  if (!Number.isInteger(n) || n < 1) throw new Error(`best-of-N needs N >= 1, got ${n}`)
  const plan = Array.from({ length: n }, (_, i) => ({ label: `sample ${i + 1}`, seed: seed + i, condition }))
  return search(models, plan, queries, hooks)
}

export function solverInstructions(instruction: string, queries: readonly QueryInput[]): string[] {
  const asSentence = (q: string) => q.trim()
  const variants = [instruction, ...queries.map((q) => `${instruction} ${asSentence(q.text)}`)]
  if (queries.length > 1) variants.push(`${instruction} ${queries.map((q) => asSentence(q.text)).join(' ')}`)
  return variants
}

export function solveWithTeacher(models: StudioModels, condition: Conditioning, queries: readonly QueryInput[], seed: number, hooks: CandidateHooks = {}) {
  const plan = solverInstructions(condition.instruction, queries).map((instruction, i) => ({
    label: i === 0 ? 'original instruction' : `refined instruction ${i}`,
    seed,
    condition: { ...condition, instruction },
  }))
  return search(models, plan, queries, hooks)
}
