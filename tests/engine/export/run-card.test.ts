import { describe, expect, it } from 'vitest'
import type { Run, TaskSummary } from '../../../src/shared'
import { buildRunCard } from '../../../src/main/engine/export'

const task = { id: 't', instruction: 'Push the blocks.', source: 'suite', family: 'push', seed: 3, split: 'heldout', frameWidth: 80, frameHeight: 80 } as unknown as TaskSummary
const run = (method: Run['method'], settings: Partial<Run['settings']>) =>
  ({
    id: 'r', taskId: 't', method, status: 'done', queries: [], stepCount: 0, result: null, error: null,
    timings: { createdAt: '2026-12-06T00:00:00.000Z', startedAt: null, finishedAt: null },
    model: { packageId: 'blocks', packageHash: 'h' }, versions: { app: '0', onnxruntime: '1.30.0' },
    settings: { seed: 4, learningRate: 0.01, lambda: 0.5, tau: 0.22, maxSteps: 16, provider: 'cpu', ...settings },
  }) as Run

describe('buildRunCard', () => {
  it('reproduces the settings each method reads: the teacher\'s pick and clipping, best-of-n\'s candidates', () => {
    const base = 'npm run cli -- run --task suite:push:heldout:3 --method teacher --seed 4 --lr 0.01 --lambda 0.5 --tau 0.22 --max-steps 16'
    expect(buildRunCard(run('teacher', { candidates: 5 }), task).reproduce).toBe(base)
    expect(buildRunCard(run('teacher', { pickOf: 3, gradientClip: 1, candidates: 5 }), task).reproduce).toBe(`${base} --pick-of 3 --clip 1`)
    expect(buildRunCard(run('teacher', { pickOf: 1 }), task).reproduce).toBe(base)
    expect(buildRunCard(run('best-of-n', { candidates: 7, pickOf: 3 }), task).reproduce).toBe(base.replace('teacher', 'best-of-n') + ' --candidates 7')
  })
})
