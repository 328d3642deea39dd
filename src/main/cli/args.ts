/** A tiny flag parser: `--name value`, `--flag`, and positional words. */
export interface ParsedArgs {
  positional: string[]
  flags: Map<string, string | true>
}

export function parseArgs(argv: string[]): ParsedArgs {
  const positional: string[] = []
  const flags = new Map<string, string | true>()
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a.startsWith('--')) {
      const eq = a.indexOf('=')
      if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1))
      else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) flags.set(a.slice(2), argv[++i])
      else flags.set(a.slice(2), true)
    } else positional.push(a)
  }
  return { positional, flags }
}

export function flagString(args: ParsedArgs, name: string, fallback?: string): string {
  const v = args.flags.get(name)
  if (v === undefined || v === true) {
    if (fallback !== undefined) return fallback
    throw new UsageError(`Missing --${name} <value>.`)
  }
  return v
}

export function flagInt(args: ParsedArgs, name: string, fallback?: number): number {
  const v = args.flags.get(name)
  if (v === undefined) {
    if (fallback !== undefined) return fallback
    throw new UsageError(`Missing --${name} <integer>.`)
  }
  const n = Number(v)
  if (v === true || !Number.isInteger(n)) throw new UsageError(`--${name} must be an integer (got "${v === true ? '' : v}").`)
  return n
}

export function flagNumber(args: ParsedArgs, name: string, fallback: number): number {
  const v = args.flags.get(name)
  if (v === undefined) return fallback
  const n = Number(v)
  if (v === true || !Number.isFinite(n)) throw new UsageError(`--${name} must be a number (got "${v === true ? '' : v}").`)
  return n
}

/** An error in how the command was called: printed with the command's usage, exit code 2. */
export class UsageError extends Error {}
