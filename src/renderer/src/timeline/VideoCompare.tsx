import { Button, Group, Slider, Stack, Text } from '@mantine/core'
import { useEffect, useState } from 'react'
import type { Video } from '../../../shared'
import { PixelFrame } from '../frames'

/**
 * The base sample and the optimized (final) video side by side, playing in step at the video's fps. A teacher run
 * that started from the teacher's pick of several samples (pickedSeed, when that is not the run's own seed) says so:
 * its base sample is the seed's own, the optimized video comes from the picked sample's noise.
 */
export function VideoCompare({ videos, pickedSeed = null }: { videos: Video[]; pickedSeed?: number | null }) {
  const final = videos.find((v) => v.kind === 'final')
  const base = videos.find((v) => v.kind === 'base')
  const baseTitle = pickedSeed === null ? 'Base sample (same noise)' : 'Base sample (run seed)'
  const finalTitle = pickedSeed === null ? 'Optimized video' : `Optimized (seed ${pickedSeed})`
  const shown = [base && { title: baseTitle, video: base }, final && { title: finalTitle, video: final }].filter(
    (x): x is { title: string; video: Video } => Boolean(x),
  )
  const length = Math.max(0, ...shown.map((s) => s.video.frames.length))
  const fps = final?.fps ?? base?.fps ?? 6
  const [frame, setFrame] = useState(0)
  const [playing, setPlaying] = useState(true)
  useEffect(() => {
    if (!playing || length === 0) return
    const timer = setInterval(() => setFrame((f) => (f + 1) % length), 1000 / fps)
    return () => clearInterval(timer)
  }, [playing, length, fps])
  if (shown.length === 0) return <Text size="sm" c="dimmed">The videos appear here when the run has finished.</Text>
  return (
    <Stack gap="sm" data-testid="video-compare">
      <Group align="flex-start" gap="xl">
        {shown.map(({ title, video }) => (
          <Stack key={video.id} gap={4} align="center">
            <Text size="sm" fw={600}>{title}</Text>
            <PixelFrame frame={video.frames[Math.min(frame, video.frames.length - 1)]} alt={`${title}, frame ${frame + 1}`} size={180} />
          </Stack>
        ))}
      </Group>
      <Group gap="sm" maw={520}>
        <Button size="xs" variant="default" onClick={() => setPlaying((p) => !p)}>
          {playing ? 'Pause' : 'Play'}
        </Button>
        <Slider thumbLabel="Video frame" style={{ flex: 1 }} min={0} max={Math.max(length - 1, 0)} value={frame}
          onChange={(f) => { setPlaying(false); setFrame(f) }} label={(v) => `frame ${v + 1}`} />
        <Text size="xs" c="dimmed">{frame + 1}/{length} · {fps} fps</Text>
      </Group>
    </Stack>
  )
}
