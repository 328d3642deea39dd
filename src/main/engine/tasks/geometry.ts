/** Video geometry of the cell world: a square canvas of C x C cells, each cellPx pixels, T frames. */
export interface Geometry {
  /** Cells per side of the square canvas (C). */
  canvasCells: number
  /** Pixels per cell side. */
  cellPx: number
  /** Frames per video (T). */
  frames: number
  /** Playback rate. */
  fps: number
}

/** The built-in model's geometry: 10 x 10 cells of 8 px (80 x 80 RGB), 12 frames at 6 fps. */
export const DEFAULT_GEOMETRY: Readonly<Geometry> = Object.freeze({ canvasCells: 10, cellPx: 8, frames: 12, fps: 6 })

export function frameWidth(g: Geometry): number {
  return g.canvasCells * g.cellPx
}

export function frameBytes(g: Geometry): number {
  const w = frameWidth(g)
  return w * w * 3
}

/** Fills in defaults and rejects geometries the suite cannot render. */
export function resolveGeometry(partial?: Partial<Geometry>): Geometry {
  const g: Geometry = { ...DEFAULT_GEOMETRY, ...(partial ?? {}) }
  const problems: string[] = []
  if (!Number.isInteger(g.canvasCells) || g.canvasCells < 6 || g.canvasCells > 32) problems.push(`canvasCells must be an integer in 6..32 (got ${g.canvasCells})`)
  if (!Number.isInteger(g.cellPx) || g.cellPx < 6 || g.cellPx > 64) problems.push(`cellPx must be an integer in 6..64 (smaller cells cannot tell every sprite apart) (got ${g.cellPx})`)
  if (!Number.isInteger(g.frames) || g.frames < 4 || g.frames > 64) problems.push(`frames must be an integer in 4..64 (got ${g.frames})`)
  if (!(g.fps > 0)) problems.push(`fps must be positive (got ${g.fps})`)
  if (problems.length) throw new Error(`Invalid task geometry: ${problems.join('; ')}. Use the defaults (10 cells of 8 px, 12 frames) or fix these values.`)
  return g
}

/** Cell index helpers on the C x C canvas (row-major). */
export const cellIndex = (g: Geometry, row: number, col: number): number => row * g.canvasCells + col
export const cellRow = (g: Geometry, cell: number): number => Math.floor(cell / g.canvasCells)
export const cellCol = (g: Geometry, cell: number): number => cell % g.canvasCells
export function manhattan(g: Geometry, a: number, b: number): number {
  return Math.abs(cellRow(g, a) - cellRow(g, b)) + Math.abs(cellCol(g, a) - cellCol(g, b))
}
