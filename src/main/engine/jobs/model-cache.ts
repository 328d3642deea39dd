/**
 * Keeps loaded models between runs: opening five ONNX sessions costs far more than a run's step,
 * so a worker opens a package once per execution provider and reuses it.
 */
import { loadModelPackage, StudioModels } from '../models'
import type { ProviderName } from '../runtime'

export class ModelCache {
  private readonly open = new Map<string, Promise<StudioModels>>()

  get(packageDir: string, provider: ProviderName): Promise<StudioModels> {
    const key = `${packageDir}\u0000${provider}`
    let models = this.open.get(key)
    if (!models) {
      models = StudioModels.open(loadModelPackage(packageDir), provider).then(async (m) => {
        await m.warmUp()
        return m
      })
      models.catch(() => this.open.delete(key))
      this.open.set(key, models)
    }
    return models
  }

  async releaseAll(): Promise<void> {
    const all = [...this.open.values()]
    this.open.clear()
    await Promise.all(all.map((m) => m.then((loaded) => loaded.release()).catch(() => undefined)))
  }
}
