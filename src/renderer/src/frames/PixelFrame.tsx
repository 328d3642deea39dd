import { useEffect, useState } from 'react'
import type { EncodedFrame } from '../../../shared'

/** An object URL for a PNG frame, revoked when the frame changes or the component goes away. */
export function useFrameUrl(frame: EncodedFrame | undefined): string | undefined {
  const [url, setUrl] = useState<string>()
  useEffect(() => {
    if (!frame) return setUrl(undefined)
    const objectUrl = URL.createObjectURL(new Blob([frame.png.slice().buffer as ArrayBuffer], { type: 'image/png' }))
    setUrl(objectUrl)
    return () => URL.revokeObjectURL(objectUrl)
  }, [frame])
  return url
}

/** One small video frame drawn large with crisp (pixelated) edges. */
export function PixelFrame({ frame, alt, size = 200 }: { frame: EncodedFrame | undefined; alt: string; size?: number }) {
  const url = useFrameUrl(frame)
  const box = { width: size, height: size, border: '1px solid var(--mantine-color-gray-3)', borderRadius: 4, background: 'var(--mantine-color-gray-1)' }
  if (!url) return <div style={box} aria-label={`${alt} (none)`} />
  return <img src={url} alt={alt} width={size} height={size} style={{ ...box, imageRendering: 'pixelated', objectFit: 'contain' }} />
}
