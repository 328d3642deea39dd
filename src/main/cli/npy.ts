/** Streaming writer for NumPy .npy files (format v1.0, uint8, C order). */
import { closeSync, openSync, writeSync } from 'node:fs'

export function npyHeader(shape: number[]): Buffer {
  const dict = `{'descr': '|u1', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`
  const unpadded = 10 + dict.length + 1
  const pad = (64 - (unpadded % 64)) % 64
  const text = dict + ' '.repeat(pad) + '\n'
  const head = Buffer.alloc(10)
  head.write('\x93NUMPY', 0, 'latin1')
  head[6] = 1
  head[7] = 0
  head.writeUInt16LE(text.length, 8)
  return Buffer.concat([head, Buffer.from(text, 'latin1')])
}

/** Opens `path`, writes the header, and checks on close that exactly the promised bytes came. */
export class NpyWriter {
  private fd: number
  private written = 0
  private readonly expected: number
  constructor(readonly path: string, readonly shape: number[]) {
    this.expected = shape.reduce((a, b) => a * b, 1)
    this.fd = openSync(path, 'w')
    writeSync(this.fd, npyHeader(shape))
  }
  write(bytes: Uint8Array): void {
    writeSync(this.fd, bytes)
    this.written += bytes.length
  }
  close(): void {
    closeSync(this.fd)
    if (this.written !== this.expected) throw new Error(`${this.path}: wrote ${this.written} bytes but the shape [${this.shape}] needs ${this.expected}`)
  }
}
