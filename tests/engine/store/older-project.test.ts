import { copyFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { decodePngFrame } from '../../../src/main/engine/images'
import { PROJECT_MIGRATIONS, ProjectStore } from '../../../src/main/engine/store'
import { useTempDirs } from '../../helpers/temp'

const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'projects', 'schema-v1.tstudio')

describe('opening a project file written at schema version 1', () => {
  const tempDir = useTempDirs()

  it('migrates a copy to the current schema and keeps every task, rule, run, step and video', () => {
    const path = join(tempDir(), 'old.tstudio')
    copyFileSync(FIXTURE, path)
    const before = readFileSync(FIXTURE)
    const store = ProjectStore.open(path)
    try {
      expect(store.schemaVersion).toBe(PROJECT_MIGRATIONS.length)
      expect(store.integrityCheck()).toBe('ok')
      expect(store.name).toBe('Schema 1 project')
      const [task] = store.tasks.list()
      // schema 3 gives tasks a suite split: every seeded task before it was drawn from train
      expect(task).toMatchObject({ instruction: 'Move the agent to the goal', source: 'file', family: 'maze', seed: 4, split: 'train' })
      expect(decodePngFrame(store.tasks.get(task.id)!.firstFrame.png).rgb[0]).toBe(10)
      expect(store.rules.list(task.id).map((r) => [r.kind, r.text, r.weight, r.origin, r.ruleId])).toEqual([
        ['goal', 'Does the agent end on the goal?', 1, 'teacher', 'maze.reach_goal'],
        ['process', 'Does the agent avoid walls?', 0.5, 'user', null],
      ])
      const [run] = store.runs.list(task.id)
      expect(run).toMatchObject({ status: 'done', stepCount: 2, model: { packageHash: 'sha256:fixture' } })
      expect(store.runs.steps(run.id).map((s) => [s.loss, s.pYes, decodePngFrame(s.previewFrames[0].png).rgb[0]])).toEqual([
        [0.7, [0.5], 50],
        [0.2, [0.82], 90],
      ])
      expect(store.runs.videos(run.id)[0].frames).toHaveLength(2)
    } finally {
      store.close()
    }
    expect(readFileSync(FIXTURE).equals(before)).toBe(true)
  })
})
