import { homedir } from 'node:os'
import { join } from 'node:path'

/**
 * The studio's data folder (recent-projects list, and projects/ by default):
 * $TEACHER_STUDIO_HOME if set, else the platform's per-user data folder.
 */
export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (env.TEACHER_STUDIO_HOME) return env.TEACHER_STUDIO_HOME
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'teacher-studio')
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'teacher-studio')
  return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'teacher-studio')
}

/** A file-system-safe name for a project file, from the name the user typed. */
export function projectFileStem(name: string): string {
  const stem = name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase()
    .slice(0, 60)
  return stem || 'project'
}
