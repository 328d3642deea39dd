import { dirname, join } from 'node:path'
import { defaultPackageDir, loadModelPackage, StudioModels, type ModelPackage } from '../../src/main/engine/models'

/** The built-in model package (resources/models/gridworld), loaded once per test file. */
export const builtInPackageDir = defaultPackageDir()

let pkg: ModelPackage | null = null
let models: Promise<StudioModels> | null = null

export function builtInPackage(): ModelPackage {
  pkg ??= loadModelPackage(builtInPackageDir)
  return pkg
}

export function builtInModels(): Promise<StudioModels> {
  models ??= StudioModels.open(builtInPackage(), 'cpu', 1)
  return models
}

/** The blocks package (resources/models/blocks: fall and push), loaded once per test file. */
export const blocksPackageDir = join(dirname(builtInPackageDir), 'blocks')

let blocks: Promise<StudioModels> | null = null

export function blocksModels(): Promise<StudioModels> {
  blocks ??= StudioModels.open(loadModelPackage(blocksPackageDir), 'cpu', 1)
  return blocks
}
