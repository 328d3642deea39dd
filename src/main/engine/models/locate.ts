/**
 * Where the model packages live: the folders $TEACHER_STUDIO_MODEL_DIR names (one, or several
 * separated by the platform's path delimiter, the first being the default), else every package
 * under resources/models of the source tree (development, browser mode, CLI) or of the packaged
 * app's resources folder (Electron passes it in), the built-in gridworld package first.
 */
import { existsSync, readdirSync } from 'node:fs'
import { delimiter, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The default package: tasks of no family (a dropped image) run on it. */
export const BUILT_IN_PACKAGE = 'gridworld'

function modelsFolders(resourcesDir?: string): string[] {
  const here = dirname(fileURLToPath(import.meta.url))
  return [
    resourcesDir && join(resourcesDir, 'models'),
    join(here, '..', '..', '..', '..', 'resources', 'models'), // src/main/engine/models -> repo root
    join(here, '..', '..', 'resources', 'models'), // out/main -> repo root (the electron-vite build)
  ].filter((c): c is string => Boolean(c))
}

export function defaultPackageDirs(resourcesDir?: string, env: NodeJS.ProcessEnv = process.env): string[] {
  if (env.TEACHER_STUDIO_MODEL_DIR) return env.TEACHER_STUDIO_MODEL_DIR.split(delimiter).filter(Boolean).map((d) => resolve(d))
  const folders = modelsFolders(resourcesDir)
  const models = folders.find((f) => existsSync(join(f, BUILT_IN_PACKAGE, 'manifest.json'))) ?? folders[0]
  const others = existsSync(models)
    ? readdirSync(models, { withFileTypes: true })
        .filter((e) => e.isDirectory() && e.name !== BUILT_IN_PACKAGE && existsSync(join(models, e.name, 'manifest.json')))
        .map((e) => e.name)
        .sort()
    : []
  // gridworld stays first even when it is missing, so that its absence is what the studio reports
  return [BUILT_IN_PACKAGE, ...others].map((name) => resolve(join(models, name)))
}

/** The default package's folder. */
export function defaultPackageDir(resourcesDir?: string, env: NodeJS.ProcessEnv = process.env): string {
  return defaultPackageDirs(resourcesDir, env)[0]
}
