/** Writing frames to PNG (pngjs) and GIF/MP4 (Debian ffmpeg through child_process). */
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { PNG } from 'pngjs'

/** Writes an RGB frame as PNG, optionally scaled up by an integer factor (nearest neighbour). */
export function writePng(path: string, rgb: Uint8Array, width: number, height: number, scale = 1): void {
  const png = new PNG({ width: width * scale, height: height * scale })
  for (let y = 0; y < height * scale; y++) {
    for (let x = 0; x < width * scale; x++) {
      const s = ((Math.floor(y / scale) * width) + Math.floor(x / scale)) * 3
      const d = (y * width * scale + x) * 4
      png.data[d] = rgb[s]
      png.data[d + 1] = rgb[s + 1]
      png.data[d + 2] = rgb[s + 2]
      png.data[d + 3] = 255
    }
  }
  writeFileSync(path, PNG.sync.write(png))
}

/** Encodes frames as GIF or MP4 (by the path's extension) with ffmpeg, scaled up `scale` times. */
export function writeVideo(path: string, frames: Uint8Array[], width: number, height: number, fps: number, scale = 4): void {
  const gif = path.toLowerCase().endsWith('.gif')
  const filter = gif
    ? `scale=${width * scale}:${height * scale}:flags=neighbor,split[a][b];[a]palettegen=max_colors=64[p];[b][p]paletteuse=dither=none`
    : `scale=${width * scale}:${height * scale}:flags=neighbor,format=yuv420p`
  const args = ['-y', '-loglevel', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-r', String(fps), '-i', '-', '-vf', filter]
  if (!gif) args.push('-c:v', 'libx264', '-crf', '18')
  args.push(path)
  const result = spawnSync('ffmpeg', args, { input: Buffer.concat(frames.map((f) => Buffer.from(f.buffer, f.byteOffset, f.byteLength))) })
  if (result.error) throw new Error(`Could not run ffmpeg (${result.error.message}). Install it (Debian: apt-get install ffmpeg) or write PNG frames instead.`)
  if (result.status !== 0) throw new Error(`ffmpeg failed writing ${path}: ${result.stderr.toString().trim()}`)
}
