/**
 * The studio's model packages, and which one runs a task: the package trained on the task's
 * family (its manifest lists the family), else the default package (the first folder), which also
 * runs tasks of no family (a dropped image). Packages load on first use; a loaded package is kept,
 * a package that cannot be loaded is tried again on the next call (its files may have been
 * restored) and never stops the others from being used.
 */
import { basename } from 'node:path'
import { loadModelPackage, ModelPackageError, type ModelPackage } from './package'

export interface LibraryEntry {
  dir: string
  /** The package's folder name (its id once loaded). */
  id: string
  pkg: ModelPackage | null
  /** Why the package could not be loaded, when it could not. */
  error: string | null
}

export class ModelLibrary {
  private readonly loaded = new Map<string, ModelPackage>()

  constructor(readonly dirs: readonly string[]) {
    if (dirs.length === 0) throw new Error('A model library needs at least one package folder.')
  }

  entries(): LibraryEntry[] {
    return this.dirs.map((dir) => {
      const cached = this.loaded.get(dir)
      if (cached) return { dir, id: cached.id, pkg: cached, error: null }
      try {
        const pkg = loadModelPackage(dir)
        this.loaded.set(dir, pkg)
        return { dir, id: pkg.id, pkg, error: null }
      } catch (error) {
        if (!(error instanceof ModelPackageError)) throw error
        return { dir, id: basename(dir), pkg: null, error: error.message }
      }
    })
  }

  /** The default package; throws its ModelPackageError when it cannot be loaded. */
  defaultPackage(): ModelPackage {
    const entry = this.entries()[0]
    if (!entry.pkg) throw new ModelPackageError(entry.error ?? `Model package "${entry.id}" could not be loaded.`)
    return entry.pkg
  }

  /** The first loadable package trained on `family`; the default package for null or a family none names. */
  packageFor(family: string | null): ModelPackage {
    if (family) {
      const entry = this.entries().find((e) => e.pkg?.manifest.families.some((f) => f.name === family))
      if (entry?.pkg) return entry.pkg
    }
    return this.defaultPackage()
  }

  /** Family name -> id of the package that runs it, for every family a loadable package names. */
  trainedFamilies(): Map<string, string> {
    const out = new Map<string, string>()
    for (const e of this.entries()) for (const f of e.pkg?.manifest.families ?? []) if (!out.has(f.name)) out.set(f.name, e.id)
    return out
  }
}
