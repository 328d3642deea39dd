/**
 * Exports a run's video: MP4 (H.264), WebM (VP9), GIF or a folder of PNG frames, upscaled with
 * nearest-neighbour so the cell grid stays crisp, with the JSON run card written beside it.
 */
import { accessSync, constants, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { encodeRgbFrame } from '../images'
import { ExportError, runFfmpeg } from './ffmpeg'

export const exportFormats = ['mp4', 'webm', 'gif', 'png'] as const
export type ExportFormat = (typeof exportFormats)[number]

export interface ExportVideoOptions {
  frames: readonly Uint8Array[]
  width: number
  height: number
  fps: number
  format: ExportFormat
  /** A file path (mp4, webm, gif) or a folder (png). */
  outPath: string
  /** Integer upscale factor (nearest neighbour); 1 keeps the model's size. */
  scale?: number
  /** Written as <outPath>.json (file formats) or <outPath>/run-card.json (png). */
  runCard?: unknown
}

export interface ExportedVideo {
  path: string
  runCardPath: string | null
  frames: number
  width: number
  height: number
}

export function upscale(frame: Uint8Array, width: number, height: number, factor: number): Uint8Array {
  if (factor === 1) return frame
  const w = width * factor
  const out = new Uint8Array(w * height * factor * 3)
  for (let y = 0; y < height * factor; y++) {
    const sy = Math.floor(y / factor)
    for (let x = 0; x < w; x++) {
      const s = (sy * width + Math.floor(x / factor)) * 3
      const d = (y * w + x) * 3
      out[d] = frame[s]
      out[d + 1] = frame[s + 1]
      out[d + 2] = frame[s + 2]
    }
  }
  return out
}

function ensureWritableFolder(folder: string): void {
  try {
    mkdirSync(folder, { recursive: true })
    accessSync(folder, constants.W_OK)
  } catch {
    throw new ExportError(`Cannot write to ${folder}: choose a folder you can write to (nothing was exported).`)
  }
}

function codecArgs(format: Exclude<ExportFormat, 'png'>, outPath: string): string[] {
  switch (format) {
    case 'mp4':
      return ['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-crf', '12', '-preset', 'medium', '-movflags', '+faststart', outPath]
    case 'webm':
      return ['-c:v', 'libvpx-vp9', '-pix_fmt', 'yuv420p', '-crf', '15', '-b:v', '0', outPath]
    case 'gif':
      return ['-filter_complex', '[0:v]split[a][b];[a]palettegen=max_colors=64:reserve_transparent=0[p];[b][p]paletteuse=dither=none', '-loop', '0', outPath]
  }
}

export async function exportVideo(options: ExportVideoOptions): Promise<ExportedVideo> {
  const { frames, fps, format } = options
  const scale = options.scale ?? 4
  if (!Number.isInteger(scale) || scale < 1 || scale > 16) throw new ExportError(`The scale must be a whole number from 1 to 16, not ${scale}.`)
  if (frames.length === 0) throw new ExportError('This run has no video to export yet.')
  if (!(fps > 0 && fps <= 120)) throw new ExportError(`The frame rate must lie in (0, 120], not ${fps}.`)
  const width = options.width * scale
  const height = options.height * scale
  const scaled = frames.map((f) => upscale(f, options.width, options.height, scale))
  let runCardPath: string | null = null
  if (format === 'png') {
    if (existsSync(options.outPath) && !statSync(options.outPath).isDirectory()) throw new ExportError(`${options.outPath} is a file; PNG frames export to a folder.`)
    ensureWritableFolder(options.outPath)
    scaled.forEach((rgb, i) => writeFileSync(join(options.outPath, `frame-${String(i).padStart(3, '0')}.png`), encodeRgbFrame({ width, height, rgb })))
    if (options.runCard !== undefined) runCardPath = join(options.outPath, 'run-card.json')
  } else {
    if ((format === 'mp4' || format === 'webm') && (width % 2 || height % 2)) throw new ExportError(`${format.toUpperCase()} needs an even width and height; use an even scale.`)
    ensureWritableFolder(dirname(options.outPath))
    await runFfmpeg(scaled, width, height, fps, codecArgs(format, options.outPath))
    if (options.runCard !== undefined) runCardPath = `${options.outPath}.json`
  }
  if (runCardPath) writeFileSync(runCardPath, `${JSON.stringify(options.runCard, null, 2)}\n`)
  return { path: options.outPath, runCardPath, frames: frames.length, width, height }
}
