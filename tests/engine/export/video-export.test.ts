import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { exportVideo, upscale } from '../../../src/main/engine/export'
import { decodePngFrame } from '../../../src/main/engine/images'
import { frameWidth, generateTask } from '../../../src/main/engine/tasks'
import { useTempDirs } from '../../helpers/temp'

const tempDir = useTempDirs()
const task = generateTask('maze', 3)
const width = frameWidth(task.geometry)
const height = width
const frames = task.frames

function probe(path: string): { frames: number; width: number; height: number; codec: string } {
  const out = execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames,width,height,codec_name', '-of', 'json', path]).toString()
  const s = JSON.parse(out).streams[0]
  return { frames: Number(s.nb_read_frames), width: s.width, height: s.height, codec: s.codec_name }
}

afterEach(() => {
  delete process.env.TEACHER_STUDIO_FFMPEG
})

describe('exportVideo', () => {
  it.each([
    ['mp4', 'h264'],
    ['webm', 'vp9'],
    ['gif', 'gif'],
  ] as const)('writes %s with every frame, upscaled, and the run card beside it', async (format, codec) => {
    const out = join(tempDir(), `video.${format}`)
    const result = await exportVideo({ frames, width, height, fps: 6, format, outPath: out, scale: 4, runCard: { seed: 3 } })
    const info = probe(out)
    expect(info).toEqual({ frames: frames.length, width: width * 4, height: height * 4, codec })
    expect(JSON.parse(readFileSync(result.runCardPath!, 'utf8'))).toEqual({ seed: 3 })
  })

  it('writes PNG frames that decode back to the exact pixels', async () => {
    const out = join(tempDir(), 'frames')
    await exportVideo({ frames, width, height, fps: 6, format: 'png', outPath: out, scale: 1, runCard: {} })
    const files = readdirSync(out).filter((f) => f.endsWith('.png')).sort()
    expect(files).toHaveLength(frames.length)
    const decoded = decodePngFrame(readFileSync(join(out, files[5])))
    expect(Buffer.from(decoded.rgb).equals(Buffer.from(frames[5]))).toBe(true)
    expect(existsSync(join(out, 'run-card.json'))).toBe(true)
  })

  it('says clearly when the output folder cannot be written', async () => {
    const file = join(tempDir(), 'a-file')
    writeFileSync(file, 'x')
    await expect(exportVideo({ frames, width, height, fps: 6, format: 'mp4', outPath: join(file, 'sub', 'v.mp4') })).rejects.toThrow(/Cannot write to .*choose a folder/)
  })

  it('says clearly when ffmpeg is missing', async () => {
    process.env.TEACHER_STUDIO_FFMPEG = '/nonexistent/ffmpeg'
    await expect(exportVideo({ frames, width, height, fps: 6, format: 'mp4', outPath: join(tempDir(), 'v.mp4') })).rejects.toThrow(/ffmpeg was not found/)
  })

  it('rejects an empty video and bad settings', async () => {
    await expect(exportVideo({ frames: [], width, height, fps: 6, format: 'gif', outPath: join(tempDir(), 'v.gif') })).rejects.toThrow(/no video/)
    await expect(exportVideo({ frames, width, height, fps: 0, format: 'gif', outPath: join(tempDir(), 'v.gif') })).rejects.toThrow(/frame rate/)
  })
})

describe('upscale', () => {
  it('repeats each pixel factor x factor times', () => {
    const out = upscale(new Uint8Array([1, 2, 3, 4, 5, 6]), 2, 1, 2)
    expect(Array.from(out)).toEqual([1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6, 1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6])
  })
})
