import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { MAX_UPLOAD_BYTES } from '../../../src/shared'
import { normaliseUploadedImage } from '../../../src/main/engine/images'
import { makeImage, makeTruncatedPng } from '../../helpers/images'

describe('normaliseUploadedImage', () => {
  it.each(['png', 'jpeg', 'webp'] as const)('accepts %s and stores an RGB PNG of the same size', async (format) => {
    const image = await normaliseUploadedImage(await makeImage(format, 40, 30), `frame.${format}`)
    expect([image.width, image.height]).toEqual([40, 30])
    const meta = await sharp(image.png).metadata()
    expect(meta.format).toBe('png')
    expect(meta.channels).toBe(3)
    const { data } = await sharp(image.png).raw().toBuffer({ resolveWithObject: true })
    // pixel (6,6) is inside the red square
    const i = (6 * 40 + 6) * 3
    expect(data[i]).toBeGreaterThan(180)
    expect(data[i + 2]).toBeLessThan(80)
  })

  it('rejects a truncated PNG with a message saying it is damaged', async () => {
    await expect(normaliseUploadedImage(await makeTruncatedPng(), 'broken.png')).rejects.toThrow(
      /"broken.png" looks like a PNG image but cannot be decoded .*damaged or truncated/,
    )
  })

  it('rejects bytes that are no image at all', async () => {
    await expect(normaliseUploadedImage(new TextEncoder().encode('hello, not an image'), 'notes.png')).rejects.toThrow(
      /"notes.png" is not a readable image .*PNG, JPEG or WebP/,
    )
  })

  it('rejects other formats by name', async () => {
    await expect(normaliseUploadedImage(await makeImage('gif'), 'anim.gif')).rejects.toThrow(/is a gif image; the studio takes PNG, JPEG or WebP/)
  })

  it('rejects empty and oversized files before decoding', async () => {
    await expect(normaliseUploadedImage(new Uint8Array(0), 'empty.png')).rejects.toThrow(/empty \(0 bytes\)/)
    await expect(normaliseUploadedImage(new Uint8Array(MAX_UPLOAD_BYTES + 1), 'huge.png')).rejects.toThrow(/over the 20.0 MB limit/)
  })
})
