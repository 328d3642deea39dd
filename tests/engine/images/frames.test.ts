import { describe, expect, it } from 'vitest'
import { decodePngFrame, encodeRgbFrame } from '../../../src/main/engine/images'

describe('RGB frame PNG encoding', () => {
  it('round-trips every byte and is far smaller than the raw frame for flat colours', () => {
    const width = 80
    const height = 80
    const rgb = new Uint8Array(width * height * 3)
    for (let i = 0; i < rgb.length; i++) rgb[i] = Math.floor(i / 3 / 640) * 25 + (i % 3)
    const png = encodeRgbFrame({ width, height, rgb })
    expect(png.length).toBeLessThan(rgb.length / 4)
    const back = decodePngFrame(png)
    expect([back.width, back.height]).toEqual([width, height])
    expect(Buffer.from(back.rgb).equals(Buffer.from(rgb))).toBe(true)
  })

  it('refuses a buffer whose length does not match the size', () => {
    expect(() => encodeRgbFrame({ width: 4, height: 4, rgb: new Uint8Array(10) })).toThrow(/needs 48 bytes, got 10/)
  })
})
