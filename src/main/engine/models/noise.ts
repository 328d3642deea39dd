/**
 * Seeded randomness for a run: the fixed noise z1 (standard normal, drawn once per task and reused
 * by the final render) and the LoRA's initial A matrices. sfc32 + Box-Muller, so the same seed gives
 * the same run on every machine.
 */
export function seededUniform(seed: number): () => number {
  let a = 0x9e3779b9 ^ seed
  let b = 0x243f6a88 ^ Math.imul(seed, 0x85ebca6b)
  let c = 0xb7e15162
  let d = 0x12345678 ^ (seed >>> 0)
  const next = () => {
    a |= 0; b |= 0; c |= 0; d |= 0
    const t = (((a + b) | 0) + d) | 0
    d = (d + 1) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) | 0
    return (t >>> 0) / 4294967296
  }
  for (let i = 0; i < 16; i++) next()
  return next
}

export function standardNormal(count: number, seed: number): Float32Array {
  const uniform = seededUniform(seed)
  const out = new Float32Array(count)
  for (let i = 0; i < count; i += 2) {
    const u1 = Math.max(uniform(), 1e-12)
    const u2 = uniform()
    const r = Math.sqrt(-2 * Math.log(u1))
    out[i] = r * Math.cos(2 * Math.PI * u2)
    if (i + 1 < count) out[i + 1] = r * Math.sin(2 * Math.PI * u2)
  }
  return out
}
