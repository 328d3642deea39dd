/**
 * The one place that runs ffmpeg: raw RGB frames in on stdin, an encoded file out. Debian's (or the
 * system's) ffmpeg is used; TEACHER_STUDIO_FFMPEG may point to another binary.
 */
import { spawn, spawnSync } from 'node:child_process'

export function ffmpegPath(): string {
  return process.env.TEACHER_STUDIO_FFMPEG || 'ffmpeg'
}

export function ffmpegAvailable(): boolean {
  const probe = spawnSync(ffmpegPath(), ['-version'], { stdio: 'ignore' })
  return probe.status === 0
}

export class ExportError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ExportError'
  }
}

/** Pipes `frames` (RGB24, width x height) through ffmpeg with `outputArgs` ending in the output path. */
export function runFfmpeg(frames: readonly Uint8Array[], width: number, height: number, fps: number, outputArgs: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const args = ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-r', String(fps), '-i', 'pipe:0', ...outputArgs]
    const child = spawn(ffmpegPath(), args, { stdio: ['pipe', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') reject(new ExportError(`ffmpeg was not found ("${ffmpegPath()}"): install it (Debian/Ubuntu: apt-get install ffmpeg; macOS: brew install ffmpeg) or set TEACHER_STUDIO_FFMPEG to its path, then export again.`))
      else reject(error)
    })
    child.on('close', (code) => {
      if (code === 0) resolve()
      else if (/No space left/i.test(stderr)) reject(new ExportError('The disk is full: free some space and export again (nothing in the project was changed).'))
      else reject(new ExportError(`ffmpeg could not encode the video (exit ${code}): ${stderr.trim().split('\n').slice(-2).join(' ')}`))
    })
    child.stdin.on('error', () => undefined) // ffmpeg closing early is reported by 'close'
    for (const frame of frames) child.stdin.write(frame)
    child.stdin.end()
  })
}
