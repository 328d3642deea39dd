/**
 * Reading frames back into cells: each cell is matched against the sprites (exact match fast
 * path, else the nearest sprite within a tolerance). A cell that matches nothing is UNKNOWN.
 * The evaluators see only this; they never see the generator's symbolic state.
 */
import { UNKNOWN, spritesFor } from './appearance'
import { frameBytes, frameWidth, type Geometry } from './geometry'

/** Mean absolute difference per channel above which a cell is UNKNOWN. */
export const SEGMENT_TOLERANCE = 40

const exactIndex = new Map<number, Map<number, number>>()

function hashBytes(buf: Uint8Array, start: number, rowStride: number, px: number): number {
  let h = 2166136261 >>> 0
  for (let y = 0; y < px; y++) {
    const o = start + y * rowStride
    for (let i = 0; i < px * 3; i++) h = Math.imul(h ^ buf[o + i], 16777619)
  }
  return h >>> 0
}

function exactTable(px: number): Map<number, number> {
  let t = exactIndex.get(px)
  if (!t) {
    t = new Map()
    spritesFor(px).forEach((s, id) => t!.set(hashBytes(s, 0, px * 3, px), id))
    exactIndex.set(px, t)
  }
  return t
}

/** Segments one frame into a C x C grid of appearance ids (UNKNOWN where nothing matches). */
export function segmentFrame(frame: Uint8Array, geometry: Geometry): Uint8Array {
  if (frame.length !== frameBytes(geometry)) {
    throw new Error(`segmentFrame: frame has ${frame.length} bytes but the geometry needs ${frameBytes(geometry)} (${frameWidth(geometry)} x ${frameWidth(geometry)} x 3)`)
  }
  const C = geometry.canvasCells
  const px = geometry.cellPx
  const W = frameWidth(geometry)
  const sprites = spritesFor(px)
  const exact = exactTable(px)
  const cells = new Uint8Array(C * C)
  const limit = SEGMENT_TOLERANCE * px * px * 3
  for (let r = 0; r < C; r++) {
    for (let c = 0; c < C; c++) {
      const start = (r * px * W + c * px) * 3
      const hit = exact.get(hashBytes(frame, start, W * 3, px))
      if (hit !== undefined && equalsSprite(frame, start, W * 3, sprites[hit], px)) {
        cells[r * C + c] = hit
        continue
      }
      let best = UNKNOWN
      let bestDist = limit + 1
      for (let id = 0; id < sprites.length; id++) {
        const d = distance(frame, start, W * 3, sprites[id], px, bestDist)
        if (d < bestDist) {
          bestDist = d
          best = id
        }
      }
      cells[r * C + c] = bestDist <= limit ? best : UNKNOWN
    }
  }
  return cells
}

function equalsSprite(frame: Uint8Array, start: number, stride: number, sprite: Uint8Array, px: number): boolean {
  for (let y = 0; y < px; y++) {
    const o = start + y * stride
    const s = y * px * 3
    for (let i = 0; i < px * 3; i++) if (frame[o + i] !== sprite[s + i]) return false
  }
  return true
}

function distance(frame: Uint8Array, start: number, stride: number, sprite: Uint8Array, px: number, stopAt: number): number {
  let d = 0
  for (let y = 0; y < px; y++) {
    const o = start + y * stride
    const s = y * px * 3
    for (let i = 0; i < px * 3; i++) d += Math.abs(frame[o + i] - sprite[s + i])
    if (d >= stopAt) return d
  }
  return d
}

export function segmentVideo(frames: Uint8Array[], geometry: Geometry): Uint8Array[] {
  return frames.map((f) => segmentFrame(f, geometry))
}
