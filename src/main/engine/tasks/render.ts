/** Rendering: a frame is exactly its C x C grid of appearance ids, each cell a copied sprite. */
import { spritesFor } from './appearance'
import { frameBytes, frameWidth, type Geometry } from './geometry'

/** Renders one C x C grid of appearance ids into an H x W x 3 RGB frame. */
export function renderCells(cells: Uint8Array, geometry: Geometry, out?: Uint8Array): Uint8Array {
  const C = geometry.canvasCells
  const px = geometry.cellPx
  if (cells.length !== C * C) throw new Error(`renderCells: expected ${C * C} cells, got ${cells.length}`)
  const sprites = spritesFor(px)
  const W = frameWidth(geometry)
  const frame = out ?? new Uint8Array(frameBytes(geometry))
  const rowBytes = px * 3
  for (let r = 0; r < C; r++) {
    for (let c = 0; c < C; c++) {
      const sprite = sprites[cells[r * C + c]]
      if (!sprite) throw new Error(`renderCells: no appearance with id ${cells[r * C + c]} at row ${r}, column ${c}`)
      let dst = ((r * px) * W + c * px) * 3
      for (let y = 0; y < px; y++) {
        frame.set(sprite.subarray(y * rowBytes, (y + 1) * rowBytes), dst)
        dst += W * 3
      }
    }
  }
  return frame
}

/** Renders a whole cell video. */
export function renderVideo(cells: Uint8Array[], geometry: Geometry): Uint8Array[] {
  return cells.map((c) => renderCells(c, geometry))
}
