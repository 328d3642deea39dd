/**
 * Command-line entry (`npm run cli -- <command> ...`). Commands live in their own modules and
 * register themselves here; add a module to the import list to add commands.
 */
import { parseArgs, UsageError } from './args'
import { allCommands, findCommand } from './commands'
import './tasks'
import './gen-data'
import './tasks-evaluate'
import './tasks-report'
import './run'
import './export'
import './serve'

function help(): string {
  const lines = allCommands().map((c) => `  ${c.usage}\n      ${c.summary}`)
  return `Usage: npm run cli -- <command> [options]\n\nCommands:\n${lines.join('\n')}\n`
}

async function main(argv: string[]): Promise<number> {
  const [first, second, ...rest] = argv
  if (!first || first === 'help' || first === '--help') {
    process.stdout.write(help())
    return 0
  }
  // two-word commands ("tasks list") first, then one-word ones ("gen-data")
  const two = second !== undefined ? findCommand(`${first} ${second}`) : undefined
  const cmd = two ?? findCommand(first)
  if (!cmd) {
    process.stderr.write(`Unknown command "${[first, second].filter(Boolean).join(' ')}".\n\n${help()}`)
    return 2
  }
  const args = parseArgs(two ? rest : argv.slice(1))
  try {
    await cmd.run(args)
    return 0
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${e.message}\nUsage: npm run cli -- ${cmd.usage}\n`)
      return 2
    }
    process.stderr.write(`${cmd.name} failed: ${(e as Error).message}\n`)
    return 1
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code))
