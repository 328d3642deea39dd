import { cpSync } from 'node:fs'
import { delimiter, join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { defaultPackageDirs, ModelLibrary, ModelPackageError } from '../../../src/main/engine/models'
import { barsPackageDir, blocksPackageDir, builtInPackageDir, connectPackageDir } from '../../helpers/model-package'
import { useTempDirs } from '../../helpers/temp'

describe('the model library: which package runs a task', () => {
  const tempDir = useTempDirs()

  it('finds the built-in packages, gridworld first, or the folders TEACHER_STUDIO_MODEL_DIR names', () => {
    expect(defaultPackageDirs(undefined, {})).toEqual([builtInPackageDir, barsPackageDir, blocksPackageDir, connectPackageDir])
    expect(defaultPackageDirs(undefined, { TEACHER_STUDIO_MODEL_DIR: `/a${delimiter}/b` })).toEqual([resolve('/a'), resolve('/b')])
  })

  it('runs each family on the package trained on it, and the rest on the default package', () => {
    const all = new ModelLibrary([builtInPackageDir, barsPackageDir, blocksPackageDir, connectPackageDir])
    expect(Object.fromEntries(all.trainedFamilies())).toEqual({ maze: 'gridworld', collect: 'gridworld', sort: 'bars', fall: 'blocks', push: 'blocks', connect: 'connect' })
    expect(['maze', 'collect', 'fall', 'push', 'sort', 'connect', null].map((f) => all.packageFor(f).id)).toEqual(['gridworld', 'gridworld', 'blocks', 'blocks', 'bars', 'connect', 'gridworld'])
    const library = new ModelLibrary([builtInPackageDir, barsPackageDir, blocksPackageDir]) // no connect package
    expect(['sort', 'connect'].map((f) => library.packageFor(f).id)).toEqual(['bars', 'gridworld'])
    expect(library.packageFor('push')).toBe(library.packageFor('fall')) // loaded once
  })

  it('keeps the other packages usable when one cannot be loaded, and loads it once its files are back', () => {
    const dir = join(tempDir(), 'blocks')
    const library = new ModelLibrary([builtInPackageDir, dir])
    expect(library.entries()[1]).toMatchObject({ id: 'blocks', pkg: null, error: expect.stringMatching(/has no manifest\.json/) })
    expect(library.packageFor('fall').id).toBe('gridworld') // no loaded package knows fall
    cpSync(blocksPackageDir, dir, { recursive: true })
    expect(library.packageFor('fall').id).toBe('blocks')

    const noDefault = new ModelLibrary([join(tempDir(), 'gridworld'), blocksPackageDir])
    expect(noDefault.packageFor('push').id).toBe('blocks')
    expect(() => noDefault.packageFor('maze')).toThrow(ModelPackageError)
    expect(() => noDefault.packageFor(null)).toThrow(/has no manifest\.json/)
  })
})
