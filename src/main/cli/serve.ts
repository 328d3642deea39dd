/** `serve`: browser mode (the same engine and UI on 127.0.0.1). */
import { serveCommand } from '../server/start'
import { registerCommand } from './commands'

registerCommand({
  name: 'serve',
  usage: 'serve [--port 5219] [--host 127.0.0.1] [--data-dir DIR] [--projects-dir DIR]',
  summary: 'Starts the studio in browser mode (run `npm run build` first, or use `npm run serve`).',
  async run(args) {
    await serveCommand([...args.flags].flatMap(([k, v]) => (v === true ? [`--${k}`] : [`--${k}`, v])))
    await new Promise<never>(() => undefined) // serves until Ctrl+C (serveCommand handles the signal)
  },
})
