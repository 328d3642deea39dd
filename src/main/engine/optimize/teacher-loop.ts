/**
 * The test-time loop (method.md, "One optimization step"): a fresh LoRA, noise z1 fixed by the
 * seed, one teacher step per iteration (loss, P(Yes) per query, preview frames, LoRA gradients),
 * Adam on the LoRA only, early stop at tau, and the final render with the full sampler from the same
 * z1. The final render uses the LoRA state with the lowest teacher loss seen (the small-model
 * lessons: keep the best visited state, not the last).
 *
 * With `confirmStop`, a confident preview ends the run only when the teacher is also confident on the
 * final video of that LoRA: the one-step preview and the full sampler can disagree, and a stop on the
 * preview alone then hands the user a video the teacher itself rejects. A rejected state keeps its
 * final video's loss as its score (so a later state can replace it as the best) and the run goes on.
 *
 * With `checkBase`, the teacher also looks at the base video before the first update, when the first
 * preview is not confident: the fresh LoRA changes nothing, so the final video of step 0 is the base
 * sample. A confident one ends the run there, unchanged (a blurry preview otherwise sends a right video
 * into optimization, which can only keep it or break it); otherwise step 0 scores that video's loss, as
 * a rejected stop does. The caller that has already rendered and scored the base sample passes it.
 * Under `confirmStop` step 0 judges the base video whatever its preview says, so it is judged first: a
 * confident one ends the run before any teacher step (its report shows the base video in place of a
 * preview, no gradient), and the run costs no preview and no backward pass. The outcome is the same.
 */
import type { Conditioning, QueryInput, StudioModels } from '../models'
import type { NamedTensors } from '../runtime'
import { adamStep, createAdamState, defaultAdamSettings } from './adam'
import { BestSoFar, stopReason, type StopReason } from './early-stop'
import { clipByGlobalNorm } from './gradients'
import { teacherLoss } from './objective'

export interface TeacherLoopSettings {
  seed: number
  learningRate: number
  tau: number
  maxSteps: number
  /** false for fixed-budget ablations: exactly maxSteps updates, tau ignored. */
  earlyStop: boolean
  /** Clip the gradient's global norm to this value; 0 disables clipping. */
  clipNorm: number
  /** A confident preview stops the run only if the final video of that LoRA is confident too. */
  confirmStop: boolean
  /** Before the first update, a confident base video ends the run (with earlyStop). */
  checkBase?: boolean
}

/** A final video and the teacher's verdict on it. */
export interface ScoredVideo {
  frames: Uint8Array[]
  pYes: number[]
  loss: number
}

/** The final video rendered to confirm a confident preview, and whether it confirmed the stop. */
export interface StopCheck {
  finalLoss: number
  accepted: boolean
}

export interface StepReport {
  index: number
  loss: number
  pYes: number[]
  learningRate: number
  gradientNorm: number
  ms: number
  /** The one-step preview; the base video itself when checkBase ended the run on it before any teacher step. */
  preview: Uint8Array[]
  /** Set when the final video of this step's LoRA was scored: a confident preview under confirmStop, or step 0 under checkBase. */
  check: StopCheck | null
}

export interface TeacherLoopResult {
  steps: StepReport[]
  stopReason: StopReason
  /** Optimizer updates applied (steps.length - 1 unless cancelled mid-way). */
  updates: number
  bestStepIndex: number
  /** Final video (full sampler + decoder) from the best LoRA; null when cancelled. */
  finalFrames: Uint8Array[] | null
  finalPYes: number[] | null
  finalLoss: number | null
  /** Final videos scored to confirm a stop (confirmStop, checkBase; a base video passed in counts too). */
  checks: number
}

export interface TeacherLoopHooks {
  onStep?: (step: StepReport) => void | Promise<void>
  /** The LoRA after `updates` optimizer updates (0 = fresh); benchmarks render fixed budgets from it. */
  onLora?: (updates: number, lora: NamedTensors) => void | Promise<void>
  signal?: AbortSignal
}

const cloneTensors = (t: NamedTensors): NamedTensors => Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v.slice()]))

export async function optimizeWithTeacher(
  models: StudioModels,
  condition: Conditioning,
  queries: readonly QueryInput[],
  settings: TeacherLoopSettings,
  hooks: TeacherLoopHooks = {},
  /** The base sample (the fresh LoRA's final video from this seed), already rendered and scored: step 0's checks reuse it. */
  baseVideo?: ScoredVideo,
): Promise<TeacherLoopResult> {
  if (queries.length === 0) throw new Error('The teacher needs at least one rule query to optimize against.')
  const z1 = models.noise(settings.seed)
  const weights = queries.map((q) => q.lossWeight)
  const lora = models.freshLora(settings.seed)
  let adam = createAdamState(lora)
  const best = new BestSoFar<NamedTensors>()
  const steps: StepReport[] = []
  const rule = { tau: settings.tau, maxSteps: settings.maxSteps, earlyStop: settings.earlyStop }
  let reason: StopReason | null = null
  let updates = 0
  let checks = 0
  let confirmed: ScoredVideo | null = null
  const finalVideo = async (index: number): Promise<ScoredVideo> => {
    if (index === 0 && baseVideo) return baseVideo
    const frames = await models.render(lora, z1, condition)
    const pYes = await models.answer(frames, queries)
    return { frames, pYes, loss: teacherLoss(pYes, weights) }
  }
  await hooks.onLora?.(0, lora)
  // under confirmStop, checkBase judges the base video at step 0 in any case: judged before the teacher step,
  // a confident one needs none (a rejected one is step 0's check below)
  let rejectedBase: ScoredVideo | null = null
  if (settings.checkBase === true && settings.confirmStop && settings.earlyStop && !hooks.signal?.aborted) {
    const started = performance.now()
    const video = await finalVideo(0)
    checks++
    if (video.loss <= settings.tau) {
      const check = { finalLoss: video.loss, accepted: true }
      const report: StepReport = { index: 0, loss: video.loss, pYes: video.pYes, learningRate: settings.learningRate, gradientNorm: 0, ms: performance.now() - started, preview: video.frames, check }
      steps.push(report)
      await hooks.onStep?.(report)
      return { steps, stopReason: 'confident', updates: 0, bestStepIndex: 0, finalFrames: video.frames, finalPYes: video.pYes, finalLoss: video.loss, checks }
    }
    rejectedBase = video
  }
  for (let index = 0; reason === null; index++) {
    if (hooks.signal?.aborted) {
      reason = 'cancelled'
      break
    }
    const started = performance.now()
    const step = await models.teacherStep(lora, z1, condition, queries)
    best.offer(step.loss, index, () => cloneTensors(lora))
    reason = stopReason(step.loss, updates, rule)
    let check: StopCheck | null = null
    const judged = index === 0 ? rejectedBase : null
    const confirming = reason === 'confident' && settings.confirmStop
    const lookingAtBase = index === 0 && reason !== 'confident' && settings.checkBase === true && settings.earlyStop
    if (judged || confirming || lookingAtBase) {
      const video = judged ?? (await finalVideo(index))
      if (!judged) checks++
      check = { finalLoss: video.loss, accepted: video.loss <= settings.tau }
      if (check.accepted) {
        confirmed = video
        reason = 'confident'
      } else {
        if (best.index === index) best.rescore(video.loss)
        reason = stopReason(step.loss, updates, { ...rule, earlyStop: false })
      }
    }
    const gradientNorm = clipByGlobalNorm(step.gradients, settings.clipNorm)
    if (reason === null) {
      adam = adamStep(lora, step.gradients, adam, { ...defaultAdamSettings, learningRate: settings.learningRate })
      updates++
      await hooks.onLora?.(updates, lora)
    }
    const report: StepReport = {
      index,
      loss: step.loss,
      pYes: step.pYes,
      learningRate: settings.learningRate,
      gradientNorm,
      ms: performance.now() - started,
      preview: step.preview,
      check,
    }
    steps.push(report)
    await hooks.onStep?.(report)
  }
  if (reason === 'cancelled' || best.value === undefined) {
    return { steps, stopReason: 'cancelled', updates, bestStepIndex: best.index, finalFrames: null, finalPYes: null, finalLoss: null, checks }
  }
  if (confirmed) {
    // the confirmed state is the best one (its loss is under tau, and every earlier state under tau was rejected)
    return { steps, stopReason: reason, updates, bestStepIndex: steps.length - 1, finalFrames: confirmed.frames, finalPYes: confirmed.pYes, finalLoss: confirmed.loss, checks }
  }
  const finalFrames = await models.render(best.value, z1, condition)
  const finalPYes = await models.answer(finalFrames, queries)
  return { steps, stopReason: reason, updates, bestStepIndex: best.index, finalFrames, finalPYes, finalLoss: teacherLoss(finalPYes, weights), checks }
}
