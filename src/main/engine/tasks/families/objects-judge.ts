/** Frame-only reading of coloured objects (push-to-target, fall). */
import { OBJECT_COLOURS, UNKNOWN, appearanceId } from '../appearance'
import { manhattan, type Geometry } from '../geometry'

export const OBJECT_IDS = OBJECT_COLOURS.map((c) => appearanceId(`object-${c}`))
export const TARGET_IDS = OBJECT_COLOURS.map((c) => appearanceId(`target-${c}`))
export const PLACED_IDS = OBJECT_COLOURS.map((c) => appearanceId(`placed-${c}`))
export const BENT_IDS = OBJECT_COLOURS.map((c) => appearanceId(`object-bent-${c}`))

export interface ObjectReading {
  /** cells[colour][t]: cells of that colour's object (block or placed) in frame t. */
  cells: number[][][]
  /** Colours whose object is in the first frame. */
  colours: number[]
  /** Every frame: exactly one object per first-frame colour, none of another colour, no cross, nothing unreadable. */
  intact: boolean
  /** No object ever on a cell that is a wall in the first frame. */
  offWalls: boolean
}

export function readObjects(frames: Uint8Array[], wall: number): ObjectReading {
  const cells = OBJECT_COLOURS.map((_, k) =>
    frames.map((f) => {
      const out: number[] = []
      for (let i = 0; i < f.length; i++) if (f[i] === OBJECT_IDS[k] || f[i] === PLACED_IDS[k]) out.push(i)
      return out
    }),
  )
  const colours = OBJECT_COLOURS.map((_, k) => k).filter((k) => cells[k][0].length > 0)
  let intact = colours.length > 0
  frames.forEach((f, t) => {
    if (f.includes(UNKNOWN) || BENT_IDS.some((b) => f.includes(b))) intact = false
    OBJECT_COLOURS.forEach((_, k) => {
      const want = colours.includes(k) ? 1 : 0
      if (cells[k][t].length !== want) intact = false
    })
  })
  const first = frames[0]
  const offWalls = cells.every((perFrame) => perFrame.every((list) => list.every((c) => first[c] !== wall)))
  return { cells, colours, intact, offWalls }
}

/** For every colour, consecutive frames that each show it once: `ok(from, to)` holds. */
export function everyMove(reading: ObjectReading, ok: (from: number, to: number) => boolean): boolean {
  for (const k of reading.colours) {
    const track = reading.cells[k]
    for (let t = 1; t < track.length; t++) {
      if (track[t - 1].length === 1 && track[t].length === 1 && !ok(track[t - 1][0], track[t][0])) return false
    }
  }
  return true
}

export const smallStep = (g: Geometry) => (a: number, b: number) => manhattan(g, a, b) <= 1
