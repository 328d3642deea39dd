import sharp from 'sharp'

/** A small real image with a red square on blue, in the given format. */
export async function makeImage(format: 'png' | 'jpeg' | 'webp' | 'gif' | 'tiff', width = 32, height = 24): Promise<Uint8Array> {
  const rgb = Buffer.alloc(width * height * 3)
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3
      const inSquare = x >= 4 && x < 12 && y >= 4 && y < 12
      rgb[i] = inSquare ? 220 : 20
      rgb[i + 1] = 30
      rgb[i + 2] = inSquare ? 30 : 200
    }
  const data = await sharp(rgb, { raw: { width, height, channels: 3 } }).toFormat(format).toBuffer()
  return new Uint8Array(data)
}

/** A PNG cut short: a valid signature and header, then missing data. */
export async function makeTruncatedPng(): Promise<Uint8Array> {
  const png = await makeImage('png', 64, 64)
  return png.slice(0, Math.floor(png.length / 2))
}

/** A flat-colour RGB frame. */
export function solidFrame(width: number, height: number, rgb: [number, number, number]) {
  const data = new Uint8Array(width * height * 3)
  for (let i = 0; i < data.length; i += 3) data.set(rgb, i)
  return { width, height, rgb: data }
}
