import { afterAll, describe, expect, it } from 'vitest'
import { optimizeWithTeacher, queryLossWeights, teacherLoss } from '../../../src/main/engine/optimize'
import { generateTask } from '../../../src/main/engine/tasks'
import { builtInModels } from '../../helpers/model-package'

// Fixed held-out tasks and the suite's own rule queries.
function taskInputs(index: number) {
  const task = generateTask('maze', index, { split: 'heldout' })
  const weights = queryLossWeights(task.rules.map((r) => ({ kind: r.kind, weight: 1 })), 0.5)
  return {
    condition: { firstFrame: task.firstFrame, instruction: task.instruction },
    weights,
    queries: task.rules.map((r, i) => ({ kind: r.kind, text: r.query, lossWeight: weights[i] })),
  }
}
const { condition, weights, queries } = taskInputs(0)

type Inputs = ReturnType<typeof taskInputs>
type Models = Awaited<ReturnType<typeof builtInModels>>
type Losses = { seed: number; preview: number; final: number }

/** The first seed (of 40) whose step-0 teacher losses, on the one-step preview and on the base video, pass `test`. */
async function firstSeed(models: Models, condition: Inputs['condition'], queries: Inputs['queries'], test: (l: Losses) => boolean): Promise<Losses | null> {
  for (let seed = 0; seed < 40; seed++) {
    const lora = models.freshLora(seed)
    const z1 = models.noise(seed)
    const preview = (await models.teacherStep(lora, z1, condition, queries)).loss
    const pYes = await models.answer(await models.render(lora, z1, condition), queries)
    const losses = { seed, preview, final: teacherLoss(pYes, queries.map((q) => q.lossWeight)) }
    if (test(losses)) return losses
  }
  return null
}
const settings = { seed: 3, learningRate: 0, tau: 0.22, maxSteps: 8, earlyStop: false, clipNorm: 0, confirmStop: false }

/** The models, with a count of their render and teacherStep calls. */
function counting(models: Models) {
  const calls = { render: 0, teacherStep: 0 }
  const proxy = new Proxy(models, {
    get: (target, key) => {
      const value = Reflect.get(target, key, target)
      if (typeof value !== 'function') return value
      if (key === 'render' || key === 'teacherStep') return (...args: unknown[]) => (calls[key]++, value.apply(target, args))
      return value.bind(target)
    },
  })
  return { models: proxy, calls }
}
const base64 = (frames: Uint8Array[]) => frames.map((f) => Buffer.from(f).toString('base64'))

afterAll(async () => (await builtInModels()).release())

describe('optimizeWithTeacher on the built-in package', () => {
  it('lowers the teacher loss over the steps on a fixed held-out task', async () => {
    const models = await builtInModels()
    const lr = models.pkg.manifest.defaults.learningRate
    const result = await optimizeWithTeacher(models, condition, queries, { ...settings, learningRate: lr })
    const losses = result.steps.map((s) => s.loss)
    expect(losses).toHaveLength(9)
    expect(result.stopReason).toBe('max-steps')
    expect(result.updates).toBe(8)
    expect(Math.min(...losses.slice(1))).toBeLessThan(losses[0])
    expect(losses[result.bestStepIndex]).toBe(Math.min(...losses))
    expect(result.finalFrames).toHaveLength(models.video.frames)
  })

  it('stops at once when the teacher is already confident', async () => {
    const models = await builtInModels()
    const result = await optimizeWithTeacher(models, condition, queries, { ...settings, tau: 100, earlyStop: true })
    expect(result.stopReason).toBe('confident')
    expect(result.updates).toBe(0)
    expect(result.steps).toHaveLength(1)
  })

  it('confirms a confident preview on the final video before stopping', async () => {
    const models = await builtInModels()
    const result = await optimizeWithTeacher(models, condition, queries, { ...settings, tau: 100, earlyStop: true, confirmStop: true })
    const base = await models.render(models.freshLora(settings.seed), models.noise(settings.seed), condition)
    expect(result.stopReason).toBe('confident')
    expect(result.checks).toBe(1)
    expect(result.steps[0].check).toEqual({ finalLoss: result.finalLoss, accepted: true })
    expect(base64(result.finalFrames!)).toEqual(base64(base))
  })

  it('goes on when the final video does not confirm the preview, and scores that state by its final video', async () => {
    const models = await builtInModels()
    // a seed whose one-step preview pleases the teacher more than its final video does; tau between the two
    const found = await firstSeed(models, condition, queries, ({ preview, final }) => final > preview + 0.05)
    expect(found).not.toBeNull()
    const tau = (found!.preview + found!.final) / 2
    // learning rate 0: every step is the same state, so every step is checked and rejected
    const result = await optimizeWithTeacher(models, condition, queries, { ...settings, seed: found!.seed, tau, maxSteps: 3, earlyStop: true, confirmStop: true })
    expect(result.stopReason).toBe('max-steps')
    expect(result.checks).toBe(4)
    expect(result.steps.every((s) => s.check && !s.check.accepted && Math.abs(s.check.finalLoss - found!.final) < 1e-4)).toBe(true)
    expect(result.finalLoss).toBeCloseTo(found!.final, 4)
    // without confirmation the same run stops at once on the preview
    const unconfirmed = await optimizeWithTeacher(models, condition, queries, { ...settings, seed: found!.seed, tau, maxSteps: 3, earlyStop: true })
    expect(unconfirmed).toMatchObject({ stopReason: 'confident', checks: 0, updates: 0 })
    expect(unconfirmed.finalLoss!).toBeGreaterThan(tau)
  })

  it('with checkBase, ends the run on a base video the teacher is confident in, though its preview is not', async () => {
    const models = await builtInModels()
    // a task and seed whose base video pleases the teacher more than its one-step preview does; tau between the two
    const { condition, queries } = taskInputs(1)
    const found = await firstSeed(models, condition, queries, ({ preview, final }) => preview > final + 0.1)
    expect(found).not.toBeNull()
    const run = { ...settings, seed: found!.seed, tau: (found!.preview + found!.final) / 2, maxSteps: 3, earlyStop: true, confirmStop: true }
    const counted = counting(models)
    const looked = await optimizeWithTeacher(counted.models, condition, queries, { ...run, checkBase: true })
    const base = await models.render(models.freshLora(found!.seed), models.noise(found!.seed), condition)
    expect(looked).toMatchObject({ stopReason: 'confident', updates: 0, checks: 1, bestStepIndex: 0 })
    expect(looked.steps).toHaveLength(1)
    expect(looked.steps[0].check).toEqual({ finalLoss: looked.finalLoss, accepted: true })
    expect(looked.finalLoss).toBeCloseTo(found!.final, 4)
    expect(base64(looked.finalFrames!)).toEqual(base64(base))
    // the base video was judged first: no teacher step (preview, backward pass) was spent on the run
    expect(counted.calls).toEqual({ render: 1, teacherStep: 0 })
    expect(base64(looked.steps[0].preview)).toEqual(base64(base))
    expect(looked.steps[0]).toMatchObject({ loss: looked.finalLoss, pYes: looked.finalPYes, gradientNorm: 0 })
    // without it the unconfident preview sends the same run into its updates
    const optimized = await optimizeWithTeacher(models, condition, queries, run)
    expect(optimized).toMatchObject({ stopReason: 'max-steps', updates: 3, checks: 0 })
  })

  it('with checkBase, scores step 0 by a rejected base video and reuses a base video already rendered', async () => {
    const models = await builtInModels()
    const counted = counting(models)
    const z1 = models.noise(settings.seed)
    const frames = await models.render(models.freshLora(settings.seed), z1, condition)
    const pYes = await models.answer(frames, queries)
    const baseVideo = { frames, pYes, loss: teacherLoss(pYes, weights) }
    // tau under both losses: the base is looked at, rejected, and step 0 keeps its final video's loss
    const run = { ...settings, tau: -1, maxSteps: 2, earlyStop: true, confirmStop: true, checkBase: true }
    const result = await optimizeWithTeacher(counted.models, condition, queries, run, {}, baseVideo)
    expect(result).toMatchObject({ stopReason: 'max-steps', updates: 2, checks: 1 })
    expect(result.steps[0].check).toEqual({ finalLoss: baseVideo.loss, accepted: false })
    expect(result.steps.slice(1).every((s) => s.check === null)).toBe(true)
    // the final render only: step 0's check reused the base video; a teacher step per state
    expect(counted.calls).toEqual({ render: 1, teacherStep: 3 })
    // the same run on a preview confident at tau: step 0's check is still the rejected base video, not judged twice
    counted.calls.render = counted.calls.teacherStep = 0
    const preview = (await models.teacherStep(models.freshLora(settings.seed), z1, condition, queries)).loss
    const rejected = { ...baseVideo, loss: preview + 1 }
    const again = await optimizeWithTeacher(counted.models, condition, queries, { ...run, tau: preview + 0.5, maxSteps: 0 }, {}, rejected)
    expect(again).toMatchObject({ stopReason: 'max-steps', updates: 0, checks: 1, finalLoss: expect.any(Number) })
    expect(again.steps[0].check).toEqual({ finalLoss: rejected.loss, accepted: false })
    expect(again.steps[0].loss).toBeCloseTo(preview, 5)
    expect(counted.calls).toEqual({ render: 1, teacherStep: 1 })
    // a base video passed in is the one judged: one the teacher is sure of ends the run on it, unrendered
    counted.calls.render = counted.calls.teacherStep = 0
    const sure = await optimizeWithTeacher(counted.models, condition, queries, { ...run, tau: 0.22 }, {}, { ...baseVideo, loss: 0 })
    expect(sure).toMatchObject({ stopReason: 'confident', updates: 0, checks: 1, finalLoss: 0 })
    expect(counted.calls).toEqual({ render: 0, teacherStep: 0 })
  })

  it('renders the final video from the same fixed noise: zero updates give the base sample', async () => {
    const models = await builtInModels()
    const result = await optimizeWithTeacher(models, condition, queries, { ...settings, maxSteps: 0 })
    const base = await models.render(models.freshLora(settings.seed), models.noise(settings.seed), condition)
    expect(base64(result.finalFrames!)).toEqual(base64(base))
  })

  it('cancels between steps and renders nothing', async () => {
    const models = await builtInModels()
    const controller = new AbortController()
    const result = await optimizeWithTeacher(models, condition, queries, { ...settings, maxSteps: 40 }, {
      signal: controller.signal,
      onStep: (s) => {
        if (s.index === 1) controller.abort()
      },
    })
    expect(result.stopReason).toBe('cancelled')
    expect(result.steps).toHaveLength(2)
    expect(result.finalFrames).toBeNull()
  })
})
