/** `export`: writes a saved run's video (MP4, WebM, GIF or PNG frames) and its JSON run card. */
import { resolve } from 'node:path'
import { ExportFormat } from '../../shared'
import { flagInt, flagString, UsageError } from './args'
import { registerCommand } from './commands'
import { openStudioSession } from './studio-session'

registerCommand({
  name: 'export',
  usage: 'export --run ID --format mp4|webm|gif|png --out PATH [--fps N] [--scale N] [--project FILE]',
  summary: 'Exports a run\'s final video with its run card (PATH.json, or run-card.json in the PNG folder).',
  async run(args) {
    const format = ExportFormat.safeParse(flagString(args, 'format'))
    if (!format.success) throw new UsageError(`--format must be one of ${ExportFormat.options.join(', ')}.`)
    const session = await openStudioSession(args.flags.has('project') ? flagString(args, 'project') : undefined)
    try {
      const result = await session.call('exportRun', {
        runId: flagString(args, 'run'),
        format: format.data,
        outPath: resolve(flagString(args, 'out')),
        fps: args.flags.has('fps') ? flagInt(args, 'fps') : undefined,
        scale: args.flags.has('scale') ? flagInt(args, 'scale') : undefined,
      })
      process.stdout.write(`wrote ${result.path} (${result.frames} frames, ${result.width}x${result.height})${result.runCardPath ? ` and ${result.runCardPath}` : ''}\n`)
    } finally {
      await session.close()
    }
  },
})
