import { PNG } from 'pngjs'

/** A raw video frame: H*W*3 RGB bytes, row-major. */
export interface RgbFrame {
  width: number
  height: number
  rgb: Uint8Array
}

/** Encodes an RGB frame as PNG bytes (lossless, compact for the flat-colour frames of the suite). */
export function encodeRgbFrame(frame: RgbFrame): Uint8Array {
  const { width, height, rgb } = frame
  if (rgb.length !== width * height * 3) {
    throw new Error(`RGB frame of ${width}x${height} needs ${width * height * 3} bytes, got ${rgb.length}`)
  }
  const png = new PNG({ width, height, colorType: 2, inputColorType: 2, inputHasAlpha: false })
  png.data = Buffer.from(rgb.buffer, rgb.byteOffset, rgb.byteLength)
  const encoded = PNG.sync.write(png, { colorType: 2, inputColorType: 2, inputHasAlpha: false })
  return new Uint8Array(encoded.buffer, encoded.byteOffset, encoded.byteLength)
}

/** Decodes PNG bytes to an RGB frame (alpha dropped). */
export function decodePngFrame(png: Uint8Array): RgbFrame {
  const image = PNG.sync.read(Buffer.from(png.buffer, png.byteOffset, png.byteLength))
  const { width, height, data } = image
  const rgb = new Uint8Array(width * height * 3)
  for (let i = 0, j = 0; i < data.length; i += 4, j += 3) {
    rgb[j] = data[i]
    rgb[j + 1] = data[i + 1]
    rgb[j + 2] = data[i + 2]
  }
  return { width, height, rgb }
}
