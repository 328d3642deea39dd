import type { EncodedFrame } from '../../../shared'

/**
 * Object URLs of PNG frames, cached by their bytes so scrubbing and playback reuse them instead of
 * revoking a URL an <img> may still be loading. The oldest are revoked past a few thousand frames
 * (80x80 PNGs are about a kilobyte each).
 */
const MAX_CACHED = 3000
const urls = new Map<Uint8Array, string>()

export function frameUrl(frame: EncodedFrame): string {
  const cached = urls.get(frame.png)
  if (cached) return cached
  const url = URL.createObjectURL(new Blob([frame.png.slice().buffer as ArrayBuffer], { type: 'image/png' }))
  urls.set(frame.png, url)
  if (urls.size > MAX_CACHED) {
    const [oldest, oldUrl] = urls.entries().next().value as [Uint8Array, string]
    urls.delete(oldest)
    URL.revokeObjectURL(oldUrl)
  }
  return url
}

/** One small video frame drawn large with crisp (pixelated) edges. */
export function PixelFrame({ frame, alt, size = 200 }: { frame: EncodedFrame | undefined; alt: string; size?: number }) {
  const box = { width: size, height: size, border: '1px solid var(--mantine-color-gray-3)', borderRadius: 4, background: 'var(--mantine-color-gray-1)' }
  if (!frame) return <div style={box} aria-label={`${alt} (none)`} />
  return <img src={frameUrl(frame)} alt={alt} width={size} height={size} style={{ ...box, imageRendering: 'pixelated', objectFit: 'contain' }} />
}
