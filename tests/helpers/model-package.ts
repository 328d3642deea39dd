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
