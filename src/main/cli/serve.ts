/** The `serve` command (browser mode); the CLI dispatcher calls `serveCommand(argv)`. */
export { serveCommand } from '../server/start'
