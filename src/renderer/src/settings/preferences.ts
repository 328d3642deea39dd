import type { RunSettings, RuntimeInfo } from '../../../shared'

const KEY = 'teacher-studio.run-defaults'

/** The run settings of the package that runs a task of this family: the package trained on it, else the default one. */
export function packageDefaultsFor(runtime: RuntimeInfo, family: string | null | undefined): RunSettings | null {
  const trained = family ? runtime.packages.find((p) => p.defaults && p.families.includes(family)) : undefined
  return trained?.defaults ?? runtime.package?.defaults ?? null
}

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
export function saveRunDefaults(settings: RunSettings | null, packageDefaults?: RunSettings): void {
  if (settings === null) localStorage.removeItem(KEY)
  else localStorage.setItem(KEY, JSON.stringify(packageDefaults ? overridesOf(settings, packageDefaults) : settings))
}
