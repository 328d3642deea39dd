import type { RunSettings } from '../../../shared'

const KEY = 'teacher-studio.run-defaults'

/** The user's default hyperparameters (saved in this browser/window), over the package's defaults. */
export function loadRunDefaults(packageDefaults: RunSettings): RunSettings {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<RunSettings>
    return { ...packageDefaults, ...saved }
  } catch {
    return packageDefaults
  }
}

export function saveRunDefaults(settings: Partial<RunSettings> | null): void {
  if (settings === null) localStorage.removeItem(KEY)
  else localStorage.setItem(KEY, JSON.stringify(settings))
}
