import { afterAll, describe, expect, it } from 'vitest'
import { optimizeWithTeacher, queryLossWeights } from '../../../src/main/engine/optimize'
import { generateTask } from '../../../src/main/engine/tasks'
import { builtInModels } from '../../helpers/model-package'

// A fixed held-out task and the suite's own rule queries.
const task = generateTask('maze', 0, { split: 'heldout' })
const condition = { firstFrame: task.firstFrame, instruction: task.instruction }
const weights = queryLossWeights(task.rules.map((r) => ({ kind: r.kind, weight: 1 })), 0.5)
const queries = task.rules.map((r, i) => ({ kind: r.kind, text: r.query, lossWeight: weights[i] }))
const settings = { seed: 3, learningRate: 0, tau: 0.22, maxSteps: 8, earlyStop: false, clipNorm: 0 }

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

  it('renders the final video from the same fixed noise: zero updates give the base sample', async () => {
    const models = await builtInModels()
    const result = await optimizeWithTeacher(models, condition, queries, { ...settings, maxSteps: 0 })
    const base = await models.render(models.freshLora(settings.seed), models.noise(settings.seed), condition)
    expect(result.finalFrames!.map((f) => Buffer.from(f).toString('base64'))).toEqual(base.map((f) => Buffer.from(f).toString('base64')))
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
