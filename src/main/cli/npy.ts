/** Streaming writer for NumPy .npy files (format v1.0, uint8, C order). */
import { closeSync, openSync, readSync, writeSync } from 'node:fs'

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

export interface NpyInfo {
  shape: number[]
  /** Byte offset of the data. */
  dataOffset: number
}

/** Reads the header of a uint8, C-order .npy file (v1.0-3.0). */
export function readNpyHeader(path: string): NpyInfo {
  const fd = openSync(path, 'r')
  try {
    const head = Buffer.alloc(12)
    readSync(fd, head, 0, 12, 0)
    if (head.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error(`${path} is not a .npy file (bad magic bytes). Save it with numpy.save.`)
    const major = head[6]
    const headerLen = major === 1 ? head.readUInt16LE(8) : head.readUInt32LE(8)
    const start = major === 1 ? 10 : 12
    const text = Buffer.alloc(headerLen)
    readSync(fd, text, 0, headerLen, start)
    const dict = text.toString('latin1')
    const descr = /'descr':\s*'([^']+)'/.exec(dict)?.[1]
    const fortran = /'fortran_order':\s*(True|False)/.exec(dict)?.[1]
    const shapeText = /'shape':\s*\(([^)]*)\)/.exec(dict)?.[1]
    if (descr !== '|u1' && descr !== '<u1') throw new Error(`${path} holds ${descr} data; uint8 is required (use array.astype(numpy.uint8)).`)
    if (fortran !== 'False') throw new Error(`${path} is in Fortran order; save a C-ordered array (numpy.ascontiguousarray).`)
    if (shapeText === undefined) throw new Error(`${path} has no readable shape in its header.`)
    const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number)
    return { shape, dataOffset: start + headerLen }
  } finally {
    closeSync(fd)
  }
}

/** Reads `length` bytes of a .npy file's data starting at element `offset`. */
export function readNpyBytes(path: string, info: NpyInfo, offset: number, length: number): Uint8Array {
  const fd = openSync(path, 'r')
  try {
    const out = new Uint8Array(length)
    const got = readSync(fd, out, 0, length, info.dataOffset + offset)
    if (got !== length) throw new Error(`${path} is truncated: wanted ${length} bytes at ${offset}, got ${got}.`)
    return out
  } finally {
    closeSync(fd)
  }
}
