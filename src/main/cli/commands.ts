/** The command registry: each module registers named commands; index.ts dispatches. */
import type { ParsedArgs } from './args'

export interface Command {
  name: string
  usage: string
  summary: string
  run(args: ParsedArgs): Promise<void> | void
}

const registry = new Map<string, Command>()

export function registerCommand(c: Command): void {
  if (registry.has(c.name)) throw new Error(`Command "${c.name}" registered twice`)
  registry.set(c.name, c)
}

export function findCommand(name: string): Command | undefined {
  return registry.get(name)
}

export function allCommands(): Command[] {
  return [...registry.values()]
}
