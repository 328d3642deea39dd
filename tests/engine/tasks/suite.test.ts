import { describe, expect, it } from 'vitest'
import { corruptTask, evaluateVideo, generateTask, heldoutTestSet, listFamilies, renderVideo, resolveGeometry, ruleVocabulary } from '../../../src/main/engine/tasks'

describe('suite API', () => {
  it('lists six families with rules, knobs, splits and corruptions', () => {
    const fams = listFamilies()
    expect(fams.map((f) => f.name)).toEqual(['maze', 'push', 'collect', 'sort', 'connect', 'fall'])
    for (const f of fams) {
      expect(f.knobs.length).toBeGreaterThan(0)
      expect(f.splits.train).toBeTruthy()
      expect(f.splits.heldout).toBeTruthy()
      expect(f.corruptions.map((c) => c.name)).toContain('frozen')
    }
    const ids = ruleVocabulary().map((r) => r.id)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('is deterministic in the seed and varies across seeds', () => {
    for (const f of listFamilies()) {
      const a = generateTask(f.name, 17)
      const b = generateTask(f.name, 17)
      expect(Buffer.from(a.frames[11]).equals(Buffer.from(b.frames[11]))).toBe(true)
      expect(a.instruction).toBe(b.instruction)
      const firsts = new Set(Array.from({ length: 8 }, (_, s) => Buffer.from(generateTask(f.name, s).firstFrame).toString('base64')))
      expect(firsts.size, f.name).toBeGreaterThan(5)
    }
  })

  it('returns a complete task: T frames of H x W x 3, instruction among its paraphrases, states per frame', () => {
    const t = generateTask('maze', 3)
    expect(t.frames).toHaveLength(12)
    expect(t.firstFrame.length).toBe(80 * 80 * 3)
    expect(t.paraphrases.length).toBeGreaterThanOrEqual(3)
    expect(t.paraphrases).toContain(t.instruction)
    expect(t.states).toHaveLength(12)
    expect(t.entities.find((e) => e.kind === 'agent')).toBeTruthy()
    expect(t.rules.map((r) => r.id)).toEqual(['maze.reach_goal', 'maze.one_agent', 'maze.no_wall', 'maze.step'])
  })

  it('renders at another geometry and still judges the ground truth correct', () => {
    const geometry = { canvasCells: 12, cellPx: 6, frames: 16 }
    for (const f of listFamilies()) {
      const t = generateTask(f.name, 4, { geometry, split: 'heldout' })
      expect(t.frames).toHaveLength(16)
      expect(t.firstFrame.length).toBe(72 * 72 * 3)
      expect(evaluateVideo(f.name, t.frames, t.geometry).success, f.name).toBe(true)
    }
  })

  it('shrinks the knobs to fit a small canvas and a short video', () => {
    const geometry = { canvasCells: 6, frames: 6 }
    for (const f of listFamilies()) {
      for (const split of ['train', 'heldout'] as const) {
        const t = generateTask(f.name, 2, { geometry, split })
        expect(t.knobs.grid).toBeLessThanOrEqual(6)
        expect(evaluateVideo(f.name, t.frames, t.geometry).success, `${f.name} ${split}`).toBe(true)
      }
    }
  })

  it('keeps held-out-only variants out of the training split', () => {
    for (const f of listFamilies()) {
      for (const v of f.heldoutOnlyVariants) {
        const train = Array.from({ length: 150 }, (_, s) => generateTask(f.name, s, { split: 'train' }).variant)
        const held = Array.from({ length: 40 }, (_, s) => generateTask(f.name, s, { split: 'heldout' }).variant)
        expect(train).not.toContain(v)
        expect(held).toContain(v)
      }
    }
    expect(listFamilies().some((f) => f.heldoutOnlyVariants.length > 0)).toBe(true)
  })

  it('gives clear errors for bad input', () => {
    expect(() => generateTask('mazes', 1)).toThrow(/Unknown task family "mazes". Known families: maze/)
    expect(() => generateTask('maze', -1)).toThrow(/seed must be an integer/)
    expect(() => generateTask('maze', 1, { geometry: { cellPx: 3 } })).toThrow(/cellPx must be an integer in 6..64/)
    expect(() => evaluateVideo('maze', [new Uint8Array(80 * 80 * 3)])).toThrow(/at least 2 frames/)
    expect(() => corruptTask('maze', 1, 'melt')).toThrow(/no corruption "melt"/)
  })

  it('judges a frozen video as failing the goal only', () => {
    const g = resolveGeometry()
    const c = corruptTask('sort', 9, 'frozen')!
    const v = evaluateVideo('sort', renderVideo(c.cells, g), g)
    expect(v.goal).toBe(false)
    expect(v.process.every((p) => p.ok)).toBe(true)
    expect(v.score).toBe(0.5)
  })
})

describe('difficulty knobs and the held-out test set', () => {
  it('pins knobs when asked and keeps the ground truth correct', () => {
    const t = generateTask('maze', 5, { knobs: { grid: 10, pathLength: 11 } })
    expect(t.knobs).toEqual({ grid: 10, pathLength: 11 })
    expect(evaluateVideo('maze', t.frames).success).toBe(true)
    const p = generateTask('push', 5, { knobs: { objects: 3, grid: 9 } })
    expect(p.knobs.objects).toBe(3)
    expect(p.knobs.grid).toBe(9)
  })

  it('explains an unknown or out-of-range knob', () => {
    expect(() => generateTask('maze', 1, { knobs: { walls: 3 } })).toThrow(/no knob "walls". Its knobs: grid, pathLength/)
    expect(() => generateTask('sort', 1, { knobs: { bars: 9 } })).toThrow(/sort.bars must be an integer in 3..5/)
  })

  it('fixes the held-out test set: 50 seeds per family', () => {
    const set = heldoutTestSet()
    expect(set).toHaveLength(300)
    expect(set[0]).toEqual({ family: 'maze', seed: 0, split: 'heldout' })
    expect(heldoutTestSet()).toEqual(set)
  })
})
