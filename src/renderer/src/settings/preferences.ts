import type { RunSettings } from '../../../shared'

const KEY = 'teacher-studio.run-defaults'

/** The settings that differ from a package's defaults: what the user chose, kept over every package's own values. */
export function overridesOf(values: RunSettings, packageDefaults: RunSettings): Partial<RunSettings> {
  return Object.fromEntries(
    Object.entries(values).filter(([key, v]) => packageDefaults[key as keyof RunSettings] !== v),
  ) as Partial<RunSettings>
}

/** The user's saved overrides (this browser/window) over a package's defaults. */
export function loadRunDefaults(packageDefaults: RunSettings): RunSettings {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<RunSettings>
    return { ...packageDefaults, ...saved }
  } catch {
    return packageDefaults
  }
}

/** Saves only what differs from the package's defaults, so a setting left alone follows each package's own. */
export function saveRunDefaults(settings: RunSettings, packageDefaults: RunSettings): void {
  localStorage.setItem(KEY, JSON.stringify(overridesOf(settings, packageDefaults)))
}

/** Forgets the saved overrides: every package's own defaults again. */
export function clearRunDefaults(): void {
  localStorage.removeItem(KEY)
}
