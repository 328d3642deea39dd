import { Image } from '@mantine/core'
import { useEffect, useState } from 'react'
import type { EncodedFrame } from '../../../shared'

/** Shows a PNG frame; small frames are scaled up with crisp (pixelated) edges. */
export function FirstFrame({ frame, alt, size }: { frame: EncodedFrame; alt: string; size?: number }) {
  const [url, setUrl] = useState<string>()
  useEffect(() => {
    const objectUrl = URL.createObjectURL(new Blob([frame.png.slice().buffer as ArrayBuffer], { type: 'image/png' }))
    setUrl(objectUrl)
    return () => URL.revokeObjectURL(objectUrl)
  }, [frame])
  const small = frame.width <= 256 && frame.height <= 256
  return (
    <Image
      src={url}
      alt={alt}
      radius="sm"
      fit="contain"
      w={size ?? (small ? Math.min(320, frame.width * 4) : '100%')}
      maw={480}
      style={{ imageRendering: small ? 'pixelated' : 'auto', border: '1px solid var(--mantine-color-gray-3)' }}
    />
  )
}
