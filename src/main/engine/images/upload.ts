import sharp from 'sharp'
import { MAX_UPLOAD_BYTES } from '../../../shared/task'
import { StudioError } from '../errors'

const ACCEPTED_FORMATS = new Set(['png', 'jpeg', 'webp'])
/** Largest side accepted for a first frame; the reasoner works on far smaller frames. */
export const MAX_IMAGE_SIDE = 4096

export interface NormalisedImage {
  width: number
  height: number
  /** The image as an RGB PNG (alpha flattened onto white). */
  png: Uint8Array
}

const megabytes = (bytes: number) => (bytes / (1024 * 1024)).toFixed(1)

/**
 * Checks an uploaded first frame (size, format, integrity) and converts it to an RGB PNG.
 * Throws a StudioError that says what is wrong and what to do; nothing is stored on failure.
 */
export async function normaliseUploadedImage(bytes: Uint8Array, fileName: string): Promise<NormalisedImage> {
  const label = fileName ? `"${fileName}"` : 'The image'
  if (bytes.byteLength === 0) {
    throw new StudioError('image-empty', `${label} is empty (0 bytes): choose a PNG, JPEG or WebP image.`)
  }
  if (bytes.byteLength > MAX_UPLOAD_BYTES) {
    throw new StudioError(
      'image-too-large',
      `${label} is ${megabytes(bytes.byteLength)} MB, over the ${megabytes(MAX_UPLOAD_BYTES)} MB limit: ` +
        'scale it down or save it as PNG or JPEG at a smaller size.',
    )
  }
  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let format: string | undefined
  let width = 0
  let height = 0
  try {
    const meta = await sharp(input).metadata()
    format = meta.format
    width = meta.width ?? 0
    height = meta.height ?? 0
  } catch (cause) {
    throw new StudioError(
      'image-unreadable',
      `${label} is not a readable image (${reason(cause)}): choose a PNG, JPEG or WebP file.`,
    )
  }
  if (!format || !ACCEPTED_FORMATS.has(format)) {
    throw new StudioError(
      'image-format',
      `${label} is a ${format ?? 'unknown'} image; the studio takes PNG, JPEG or WebP: convert it first.`,
    )
  }
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE) {
    throw new StudioError(
      'image-too-large',
      `${label} is ${width}x${height} pixels, over the ${MAX_IMAGE_SIDE}-pixel limit per side: scale it down.`,
    )
  }
  try {
    const { data, info } = await sharp(input, { failOn: 'error' })
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .png()
      .toBuffer({ resolveWithObject: true })
    return { width: info.width, height: info.height, png: new Uint8Array(data) }
  } catch (cause) {
    throw new StudioError(
      'image-corrupt',
      `${label} looks like a ${format.toUpperCase()} image but cannot be decoded (${reason(cause)}): ` +
        'the file is probably damaged or truncated; export it again.',
    )
  }
}

function reason(cause: unknown): string {
  const text = cause instanceof Error ? cause.message : String(cause)
  return text.split('\n')[0].replace(/\.$/, '')
}
