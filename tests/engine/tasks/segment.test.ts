import { describe, expect, it } from 'vitest'
import {
  APPEARANCES, UNKNOWN, evaluateVideo, frameWidth, generateTask, renderCells, resolveGeometry, segmentFrame, spritesFor,
} from '../../../src/main/engine/tasks'
import { createRng } from '../../../src/main/engine/tasks/rng'

const g = resolveGeometry()

describe('segmentFrame', () => {
  it('reads a clean rendering back to exactly its cells', () => {
    const task = generateTask('push', 5, { split: 'heldout' })
    task.frames.forEach((f, t) => expect(Array.from(segmentFrame(f, g))).toEqual(Array.from(task.cells[t])))
  })

  it('still reads frames with pixel noise (e.g. a soft decoder)', () => {
    const rng = createRng(7)
    const task = generateTask('collect', 2)
    for (const [t, f] of task.frames.entries()) {
      const noisy = f.map((v) => Math.max(0, Math.min(255, v + Math.round((rng.next() - 0.5) * 40))))
      expect(Array.from(segmentFrame(noisy, g))).toEqual(Array.from(task.cells[t]))
    }
  })

  it('reads a 70/30 blend of two sprites as the stronger one', () => {
    const sprites = spritesFor(g.cellPx)
    const cells = new Uint8Array(g.canvasCells * g.canvasCells).fill(1)
    const frame = renderCells(cells, g)
    const W = frameWidth(g)
    const agent = APPEARANCES.find((a) => a.name === 'agent')!.id
    for (let y = 0; y < g.cellPx; y++)
      for (let x = 0; x < g.cellPx; x++)
        for (let c = 0; c < 3; c++) {
          const s = (y * g.cellPx + x) * 3 + c
          frame[(y * W + x) * 3 + c] = Math.round(0.7 * sprites[agent][s] + 0.3 * sprites[1][s])
        }
    expect(segmentFrame(frame, g)[0]).toBe(agent)
  })

  it('marks a cell that matches no sprite as UNKNOWN', () => {
    const frame = renderCells(new Uint8Array(100).fill(1), g)
    const W = frameWidth(g)
    for (let y = 0; y < g.cellPx; y++) for (let x = 0; x < g.cellPx; x++) frame.set([(x * 37) % 256, 255, (y * 91) % 256], (y * W + x) * 3)
    expect(segmentFrame(frame, g)[0]).toBe(UNKNOWN)
  })

  it('rejects a frame of the wrong size with a message naming the expected size', () => {
    expect(() => segmentFrame(new Uint8Array(10), g)).toThrow(/80 x 80 x 3/)
  })
})

describe('evaluators on unclean frames', () => {
  it('treats an unreadable cell as breaking the integrity rule only', () => {
    const task = generateTask('maze', 11)
    const frames = task.frames.map((f) => f.slice())
    const W = frameWidth(g)
    // scribble over a floor cell far from the agent in frame 5
    const cell = task.cells[5].findIndex((v, i) => v === 1 && i !== task.cells[5].indexOf(3))
    const r = Math.floor(cell / 10), c = cell % 10
    for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) frames[5].set([0, 255, 255], ((r * 8 + y) * W + c * 8 + x) * 3)
    const v = evaluateVideo('maze', frames, g)
    expect(v.labels).toEqual({ 'maze.reach_goal': 1, 'maze.one_agent': 0, 'maze.no_wall': 1, 'maze.step': 1 })
  })
})
