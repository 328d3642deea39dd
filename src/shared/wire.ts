/**
 * JSON encoding for the browser bridge: Uint8Array values become { $bytes: base64 } and back.
 * Works in Node and in browsers (no Buffer).
 */
const CHUNK = 0x8000

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = ''
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK))
  }
  return btoa(binary)
}

export function base64ToBytes(text: string): Uint8Array {
  const binary = atob(text)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

export function encodeWire(value: unknown): string {
  // Read the holder's raw value: Buffer.toJSON would otherwise run first and emit number arrays.
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    const raw = this[key]
    return raw instanceof Uint8Array ? { $bytes: bytesToBase64(raw) } : v
  })
}

export function decodeWire(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const keys = Object.keys(v)
      const bytes = (v as { $bytes?: unknown }).$bytes
      if (keys.length === 1 && typeof bytes === 'string') return base64ToBytes(bytes)
    }
    return v
  })
}

/** Browser-bridge messages. */
export type WireRequest = { id: number; method: string; input: unknown }
export type WireMessage =
  | { kind: 'result'; id: number; result: unknown }
  | { kind: 'event'; event: unknown }
