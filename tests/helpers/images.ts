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

/**
 * A maze-like first frame in the suite's style: a 10x10 grid of 8-pixel cells with grey walls,
 * a red agent and a green goal (80x80 PNG).
 */
export async function makeMazeImage(): Promise<Uint8Array> {
  const cells = [
    '##########',
    '#A.....#.#',
    '#.####.#.#',
    '#.#....#.#',
    '#.#.####.#',
    '#.#......#',
    '#.######.#',
    '#......#G#',
    '#.####...#',
    '##########',
  ]
  const colours: Record<string, [number, number, number]> = { '#': [70, 78, 92], '.': [236, 238, 242], A: [224, 49, 49], G: [47, 158, 68] }
  const side = 80
  const rgb = Buffer.alloc(side * side * 3)
  for (let y = 0; y < side; y++)
    for (let x = 0; x < side; x++) {
      const cell = cells[Math.floor(y / 8)][Math.floor(x / 8)]
      const inner = x % 8 >= 1 && x % 8 <= 6 && y % 8 >= 1 && y % 8 <= 6
      const colour = (cell === 'A' || cell === 'G') && !inner ? colours['.'] : colours[cell]
      rgb.set(colour, (y * side + x) * 3)
    }
  return new Uint8Array(await sharp(rgb, { raw: { width: side, height: side, channels: 3 } }).png().toBuffer())
}
