import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { datasetOptionsFromArgs, writeDataset } from '../../src/main/cli/gen-data'
import { parseArgs } from '../../src/main/cli/args'
import { readNpyBytes, readNpyHeader } from '../../src/main/cli/npy'
import { evaluateBatch, evaluateCellBatch } from '../../src/main/cli/tasks-evaluate'

const dir = mkdtempSync(join(tmpdir(), 'gen-data-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('gen-data', () => {
  const out = join(dir, 'set')
  it('writes index.json, frames.npy, cells.npy and sprites.npy in the shared format', () => {
    writeDataset(out, { split: 'heldout', n: 18, families: ['maze', 'connect', 'fall'] })
    const index = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8'))
    expect(index.schema).toBe(1)
    expect(index.geometry).toEqual({ canvasCells: 10, cellPx: 8, height: 80, width: 80, frames: 12, fps: 6 })
    expect(index.families.map((f: { name: string }) => f.name)).toEqual(['maze', 'connect', 'fall'])
    expect(index.instances).toHaveLength(18)
    expect(index.instances[0]).toMatchObject({ i: 0, family: 'maze', seed: 0, split: 'heldout' })
    const frames = readNpyHeader(join(out, 'frames.npy'))
    const cells = readNpyHeader(join(out, 'cells.npy'))
    const sprites = readNpyHeader(join(out, 'sprites.npy'))
    expect(frames.shape).toEqual([18, 12, 80, 80, 3])
    expect(cells.shape).toEqual([18, 12, 10, 10])
    expect(sprites.shape).toEqual([index.appearances.length, 8, 8, 3])
    for (const h of [frames, cells, sprites]) expect(h.dataOffset % 64).toBe(0)
    // pixels are exactly the sprites of the cells
    const n = 7, t = 5
    const grid = readNpyBytes(join(out, 'cells.npy'), cells, (n * 12 + t) * 100, 100)
    const frame = readNpyBytes(join(out, 'frames.npy'), frames, (n * 12 + t) * 80 * 80 * 3, 80 * 80 * 3)
    const spr = readNpyBytes(join(out, 'sprites.npy'), sprites, 0, index.appearances.length * 192)
    for (let cell = 0; cell < 100; cell++) {
      const r = Math.floor(cell / 10), c = cell % 10
      for (let y = 0; y < 8; y++)
        for (let x = 0; x < 8; x++)
          for (let ch = 0; ch < 3; ch++)
            expect(frame[((r * 8 + y) * 80 + c * 8 + x) * 3 + ch]).toBe(spr[grid[cell] * 192 + (y * 8 + x) * 3 + ch])
    }
  })

  it('refuses to overwrite an existing data set without force', () => {
    expect(() => writeDataset(out, { split: 'train', n: 2 })).toThrow(/already holds a data set/)
  })

  it('tasks evaluate gives the same labels as gen-data from the frames alone', () => {
    const index = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8'))
    writeFileSync(join(out, 'families.json'), JSON.stringify(index.instances.map((x: { family: string }) => x.family)))
    const verdicts = evaluateBatch(out)
    expect(verdicts.map((v) => v.labels)).toEqual(index.instances.map((x: { labels: object }) => x.labels))
    expect(evaluateCellBatch(out).map((v) => v.labels)).toEqual(verdicts.map((v) => v.labels))
  })

  it('--corruptions names the only corruptions tried, and index.json records them', () => {
    const options = datasetOptionsFromArgs(parseArgs(['--split', 'train', '--n', '6', '--families', 'push',
      '--corrupt-fraction', '1', '--corruptions', 'teleport, wall_clip']))
    expect(options.corruptions).toEqual(['teleport', 'wall_clip'])
    expect(datasetOptionsFromArgs(parseArgs(['--n', '6'])).corruptions).toBeUndefined()
    expect(() => datasetOptionsFromArgs(parseArgs(['--n', '6', '--corruptions']))).toThrow(/--corruptions needs a value/)
    const set = join(dir, 'teleports')
    writeDataset(set, { ...options, corruptions: ['teleport'] })
    const index = JSON.parse(readFileSync(join(set, 'index.json'), 'utf8'))
    expect(index.options.corruptions).toEqual(['teleport'])
    expect(index.instances.map((x: { variant: string }) => x.variant)).toEqual(Array(6).fill('teleport'))
  })

  it('tasks evaluate explains a count mismatch', () => {
    writeFileSync(join(out, 'families.json'), JSON.stringify(['maze']))
    expect(() => evaluateBatch(out)).toThrow(/names 1 videos but frames.npy holds 18/)
  })
})
