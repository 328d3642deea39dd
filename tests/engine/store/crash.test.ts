import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { decodePngFrame } from '../../../src/main/engine/images'
import { ProjectStore } from '../../../src/main/engine/store'
import { useTempDirs } from '../../helpers/temp'

const writer = join(import.meta.dirname, 'fixtures', 'crash-writer.ts')

/** Starts the writer, waits until it reports `minSteps` committed steps, then SIGKILLs it. */
function writeUntilKilled(path: string, minSteps: number): Promise<{ runId: string; committed: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writer, path], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    let runId = ''
    let committed = -1
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      const lines = out.split('\n')
      out = lines.pop()!
      for (const line of lines) {
        if (line.startsWith('run ')) runId = line.slice(4)
        if (line.startsWith('step ')) committed = Number(line.slice(5))
      }
      if (committed + 1 >= minSteps && !child.killed) child.kill('SIGKILL')
    })
    // 'close' comes after all output the writer produced before it died has been read. Pipes are
    // synchronous on Linux, so each reported step was committed, and at most one more may be.
    child.on('close', (_code, signal) => {
      if (signal === 'SIGKILL') resolve({ runId, committed: committed + 1 })
      else reject(new Error(`writer exited without being killed: ${err}`))
    })
  })
}

describe('a run killed mid-write (SIGKILL)', () => {
  const tempDir = useTempDirs()

  it('reopens without corruption, marked interrupted, with every committed step intact', async () => {
    const path = join(tempDir(), 'crash.tstudio')
    const { runId, committed } = await writeUntilKilled(path, 40)
    expect(runId).not.toBe('')

    const store = ProjectStore.open(path)
    try {
      expect(store.integrityCheck()).toBe('ok')
      expect(store.interruptedRuns).toBe(1)
      const run = store.runs.get(runId)!
      expect(run.status).toBe('interrupted')
      expect(run.timings.finishedAt).not.toBeNull()
      const steps = store.runs.steps(runId)
      // Every step reported as committed is there; at most the one in flight may also have landed.
      expect(steps.length).toBeGreaterThanOrEqual(committed)
      expect(steps.length).toBeLessThanOrEqual(committed + 1)
      steps.forEach((step, index) => {
        expect(step.index).toBe(index)
        expect(step.loss).toBeCloseTo(1 / (index + 1))
        expect(step.pYes).toEqual([index / (index + 1), 0.5])
        expect(step.previewFrames).toHaveLength(4)
        const frame = decodePngFrame(step.previewFrames[3].png)
        expect(frame.rgb[10]).toBe((10 * 7 + index * 13 + 3) & 0xff)
      })
    } finally {
      store.close()
    }
    // Reopening again changes nothing more.
    const again = ProjectStore.open(path)
    expect(again.interruptedRuns).toBe(0)
    again.close()
  })
})
