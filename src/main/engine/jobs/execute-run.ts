/**
 * Executes one run request on loaded models: the teacher method (with the base sample from the
 * same noise for before/after; with settings.pickOf, from the noise of the teacher's pick among that many
 * samples) or a baseline, then the teacher's final P(Yes) and, for suite tasks,
 * the rule-based evaluator's verdict. Pure engine code: the worker and the CLI both call it.
 */
import type { EvaluatorVerdict, RunResult, ScoredCandidate } from '../../../shared'
import type { Conditioning, QueryInput, StudioModels } from '../models'
import { bestOfN, optimizeWithTeacher, queryLossWeights, sampleBase, solverInstructions, solveWithTeacher, type Candidate, type CandidateSearchResult } from '../optimize'
import { evaluateVideo, listFamilies } from '../tasks'
import type { RunRequest, WorkerStep } from './messages'

export interface RunHooks {
  onStarted?: (maxSteps: number) => void
  onStep?: (step: WorkerStep) => void | Promise<void>
  onVideo?: (kind: 'base' | 'candidate' | 'final', frames: Uint8Array[]) => void | Promise<void>
  onProgress?: (completed: number, total: number) => void
  signal?: AbortSignal
}

export interface RunOutcome {
  status: 'done' | 'cancelled'
  result: RunResult
}

export function queryInputs(request: Pick<RunRequest, 'queries' | 'settings'>): QueryInput[] {
  const weights = queryLossWeights(request.queries, request.settings.lambda)
  return request.queries.map((q, i) => ({ kind: q.kind, text: q.text, lossWeight: weights[i] }))
}

function judge(family: string | null, frames: Uint8Array[], models: StudioModels): EvaluatorVerdict | null {
  if (!family || !listFamilies().some((f) => f.name === family)) return null
  const v = models.video
  const verdict = evaluateVideo(family, frames, { canvasCells: v.canvasCells, cellPx: v.cellPx, frames: v.frames })
  return { goal: verdict.goal, process: verdict.process.map((p) => ({ rule: p.rule, ok: p.ok })), score: verdict.score, success: verdict.success }
}

function scored(c: Candidate, family: string | null, models: StudioModels): ScoredCandidate {
  return { label: c.label, seed: c.seed, instruction: c.instruction, pYes: c.pYes, loss: c.loss, evaluator: judge(family, c.frames, models) }
}

export async function executeRun(models: StudioModels, request: RunRequest, hooks: RunHooks = {}): Promise<RunOutcome> {
  const started = performance.now()
  const { settings } = request
  const frame = request.firstFrame
  const { width, height } = models.video
  if (frame.width !== width || frame.height !== height) {
    throw new Error(`This task's first frame is ${frame.width}x${frame.height}, but model package "${models.pkg.id}" works at ${width}x${height}: use a task made for this package (the task suite's tasks are).`)
  }
  const condition: Conditioning = { firstFrame: frame.rgb, instruction: request.instruction }
  const queries = queryInputs(request)
  if (queries.length === 0) throw new Error('This task has no rule queries: ask the teacher to write them, or add one, before running.')
  const base = {
    provider: models.provider,
    updates: 0,
    bestStepIndex: null,
    baseEvaluator: null,
    candidates: null,
    chosenIndex: null,
  }
  /** A run stopped before it had a video to show (cancelled while sampling). */
  const cancelled = (): RunOutcome => ({ status: 'cancelled', result: { ...base, stopReason: 'cancelled', finalPYes: null, finalLoss: null, evaluator: null, wallMs: performance.now() - started } })

  if (request.method === 'teacher') {
    // with pickOf k > 1 the teacher first scores k samples (the seed's own first, the base sample) and the loop
    // starts from the noise of its pick, that sample standing as the loop's base video (pick_then_teach.md)
    const pickOf = settings.pickOf ?? 1
    const total = pickOf - 1 + settings.maxSteps + 1
    hooks.onStarted?.(total)
    const pool = await bestOfN(models, condition, queries, settings.seed, pickOf, {
      signal: hooks.signal,
      onCandidate: async (c, i) => {
        if (i === 0) await hooks.onVideo?.('base', c.frames)
        else await hooks.onVideo?.('candidate', c.frames)
        if (i < pickOf - 1) hooks.onProgress?.(i + 1, total)
      },
    })
    if (pool.chosenIndex < 0 || pool.candidates.length < pickOf) {
      return cancelled()
    }
    const baseFrames = pool.candidates[0].frames
    const start = pool.candidates[pool.chosenIndex]
    const loop = await optimizeWithTeacher(
      models,
      condition,
      queries,
      { seed: start.seed, learningRate: settings.learningRate, tau: settings.tau, maxSteps: settings.maxSteps, earlyStop: true, clipNorm: settings.gradientClip ?? 0, confirmStop: true, checkBase: true },
      {
        signal: hooks.signal,
        onStep: async (s) => {
          await hooks.onStep?.({ index: s.index, loss: s.loss, pYes: s.pYes, learningRate: s.learningRate, gradNorm: s.gradientNorm, durationMs: s.ms, preview: s.preview })
          hooks.onProgress?.(pickOf - 1 + s.index + 1, total)
        },
      },
      start,
    )
    if (loop.finalFrames) await hooks.onVideo?.('final', loop.finalFrames)
    return {
      status: loop.stopReason === 'cancelled' ? 'cancelled' : 'done',
      result: {
        ...base,
        candidates: pickOf > 1 ? pool.candidates.map((c) => scored(c, request.family, models)) : null,
        chosenIndex: pickOf > 1 ? pool.chosenIndex : null,
        stopReason: loop.stopReason,
        updates: loop.updates,
        bestStepIndex: loop.bestStepIndex >= 0 ? loop.bestStepIndex : null,
        finalPYes: loop.finalPYes,
        finalLoss: loop.finalLoss,
        stopChecks: loop.checks,
        evaluator: loop.finalFrames ? judge(request.family, loop.finalFrames, models) : null,
        baseEvaluator: judge(request.family, baseFrames, models),
        wallMs: performance.now() - started,
      },
    }
  }

  const sampleCount = settings.candidates ?? 5
  const total = request.method === 'best-of-n' ? sampleCount : request.method === 'solver' ? solverInstructions(request.instruction, queries).length : 1
  hooks.onStarted?.(total)
  const candidateHooks = {
    signal: hooks.signal,
    onCandidate: async (c: Candidate, i: number, n: number) => {
      if (request.method !== 'base') await hooks.onVideo?.('candidate', c.frames)
      hooks.onProgress?.(i + 1, n)
    },
  }
  let search: CandidateSearchResult
  if (request.method === 'base') search = await sampleBase(models, condition, queries, settings.seed, candidateHooks)
  else if (request.method === 'best-of-n') search = await bestOfN(models, condition, queries, settings.seed, sampleCount, candidateHooks)
  else search = await solveWithTeacher(models, condition, queries, settings.seed, candidateHooks)
  if (hooks.signal?.aborted || search.chosenIndex < 0) {
    return cancelled()
  }
  const chosen = search.candidates[search.chosenIndex]
  await hooks.onVideo?.(request.method === 'base' ? 'base' : 'final', chosen.frames)
  const candidates = request.method === 'base' ? null : search.candidates.map((c) => scored(c, request.family, models))
  return {
    status: 'done',
    result: {
      ...base,
      stopReason: 'picked',
      finalPYes: chosen.pYes,
      finalLoss: chosen.loss,
      evaluator: judge(request.family, chosen.frames, models),
      candidates,
      chosenIndex: request.method === 'base' ? null : search.chosenIndex,
      wallMs: performance.now() - started,
    },
  }
}
