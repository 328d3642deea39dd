import { describe, expect, it } from 'vitest'
import { APPEARANCES, appearanceId, appearanceTable, spritesFor } from '../../../src/main/engine/tasks'

describe('appearance vocabulary', () => {
  it('fits the 32-id budget with unique names', () => {
    expect(APPEARANCES.length).toBeLessThanOrEqual(32)
    expect(new Set(APPEARANCES.map((a) => a.name)).size).toBe(APPEARANCES.length)
    APPEARANCES.forEach((a, i) => expect(a.id).toBe(i))
  })

  it('keeps the ids other modules rely on', () => {
    expect(appearanceId('void')).toBe(0)
    expect(appearanceId('floor')).toBe(1)
    expect(appearanceId('wall')).toBe(2)
    expect(appearanceId('agent')).toBe(3)
    expect(() => appearanceId('nope')).toThrow(/No appearance named "nope"/)
    expect(appearanceTable()[3]).toMatchObject({ name: 'agent', rgb: [220, 40, 40], shape: 'block' })
  })

  it('draws clearly different sprites at every supported cell size', () => {
    for (const px of [6, 8, 12, 16, 32]) {
      const sprites = spritesFor(px)
      for (let a = 0; a < sprites.length; a++)
        for (let b = a + 1; b < sprites.length; b++) {
          let d = 0
          for (let i = 0; i < sprites[a].length; i++) d += Math.abs(sprites[a][i] - sprites[b][i])
          expect(d / sprites[a].length, `${APPEARANCES[a].name} vs ${APPEARANCES[b].name} at ${px} px`).toBeGreaterThan(10)
        }
    }
  })
})
