import { describe, expect, it } from 'vitest'
import { base64ToBytes, bytesToBase64, decodeWire, encodeWire } from '../../src/shared'

describe('browser-bridge wire encoding', () => {
  it('round-trips nested binary (including Node Buffers) as base64, not number arrays', () => {
    const png = new Uint8Array(70_000).map((_, i) => (i * 31) & 0xff)
    const message = { id: 3, input: { fileName: 'a.png', image: Buffer.from(png), frames: [{ png }] } }
    const text = encodeWire(message)
    expect(text).toContain('"$bytes"')
    expect(text.length).toBeLessThan(png.length * 3)
    const back = decodeWire(text) as any
    expect(back.input.image).toBeInstanceOf(Uint8Array)
    expect(Array.from(back.input.image)).toEqual(Array.from(png))
    expect(Array.from(back.input.frames[0].png)).toEqual(Array.from(png))
    expect(back.id).toBe(3)
  })

  it('leaves ordinary objects alone', () => {
    expect(decodeWire(encodeWire({ a: [1, 2], b: { $bytes: 1 } }))).toEqual({ a: [1, 2], b: { $bytes: 1 } })
    expect(Array.from(base64ToBytes(bytesToBase64(new Uint8Array([0, 255, 7]))))).toEqual([0, 255, 7])
  })
})
