import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { NpyWriter, npyHeader, readNpyBytes, readNpyHeader } from '../../src/main/cli/npy'

const dir = mkdtempSync(join(tmpdir(), 'npy-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('npy files', () => {
  it('writes a v1.0 header padded to 64 bytes that numpy and our reader agree on', () => {
    const h = npyHeader([2, 3])
    expect(h.length % 64).toBe(0)
    expect(h.subarray(0, 8).toString('latin1')).toBe('\x93NUMPY\x01\x00')
    expect(h.toString('latin1')).toContain("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3), }")
    expect(npyHeader([5]).toString('latin1')).toContain("'shape': (5,)")
  })

  it('round-trips data and refuses a short write', () => {
    const path = join(dir, 'a.npy')
    const w = new NpyWriter(path, [2, 3])
    w.write(new Uint8Array([1, 2, 3, 4, 5, 6]))
    w.close()
    const info = readNpyHeader(path)
    expect(info.shape).toEqual([2, 3])
    expect(Array.from(readNpyBytes(path, info, 3, 3))).toEqual([4, 5, 6])
    expect(readFileSync(path).length).toBe(info.dataOffset + 6)
    const short = new NpyWriter(join(dir, 'b.npy'), [4])
    short.write(new Uint8Array([1]))
    expect(() => short.close()).toThrow(/wrote 1 bytes but the shape \[4\] needs 4/)
  })

  it('explains files it cannot read', () => {
    const path = join(dir, 'c.npy')
    const w = new NpyWriter(path, [1])
    w.write(new Uint8Array([0]))
    w.close()
    const bad = join(dir, 'bad.npy')
    writeFileSync(bad, 'not numpy at all')
    expect(() => readNpyHeader(bad)).toThrow(/not a .npy file/)
  })
})
