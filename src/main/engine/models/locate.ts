/**
 * Where the built-in model package lives: $TEACHER_STUDIO_MODEL_DIR when set, else
 * resources/models/gridworld of the source tree (development, browser mode, CLI) or of the
 * packaged app's resources folder (Electron passes it in).
 */
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const BUILT_IN_PACKAGE = 'gridworld'

export function defaultPackageDir(resourcesDir?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.TEACHER_STUDIO_MODEL_DIR) return resolve(env.TEACHER_STUDIO_MODEL_DIR)
  const candidates = [
    resourcesDir && join(resourcesDir, 'models', BUILT_IN_PACKAGE),
    // src/main/engine/models -> repo root
    join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'resources', 'models', BUILT_IN_PACKAGE),
    // out/main -> repo root (the electron-vite build)
    join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'resources', 'models', BUILT_IN_PACKAGE),
  ].filter((c): c is string => Boolean(c))
  return resolve(candidates.find((c) => existsSync(join(c, 'manifest.json'))) ?? candidates[0])
}
