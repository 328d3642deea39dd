import { Alert, Anchor, Button, Card, Group, NumberInput, Progress, Select, Stack, Text } from '@mantine/core'
import { useEffect, useState } from 'react'
import type { ExportFormat, ExportResult, Run, StudioInfo } from '../../../shared'
import { errorMessage, studioApi } from '../bridge'

const FORMATS: { value: ExportFormat; label: string }[] = [
  { value: 'mp4', label: 'MP4 (H.264)' },
  { value: 'webm', label: 'WebM (VP9)' },
  { value: 'gif', label: 'GIF' },
  { value: 'png', label: 'PNG frames' },
]

/** The last path segment of a file path written by the engine (POSIX or Windows separators). */
const lastSegment = (path: string) => path.split(/[\\/]/).filter(Boolean).pop() ?? path

/** Browser-mode download addresses of an export (served by the server's /exports/ route). */
function downloadLinks(result: ExportResult, format: ExportFormat) {
  const name = encodeURIComponent(lastSegment(result.path))
  if (format === 'png') return [{ label: 'first frame', href: `/exports/${name}/frame-000.png` }, { label: 'run card', href: `/exports/${name}/run-card.json` }]
  return [
    { label: lastSegment(result.path), href: `/exports/${name}` },
    ...(result.runCardPath ? [{ label: 'run card', href: `/exports/${encodeURIComponent(lastSegment(result.runCardPath))}` }] : []),
  ]
}

/** Exports the run's final video (MP4, WebM, GIF or PNG frames) with its JSON run card beside it. */
export function ExportPanel({ run }: { run: Run }) {
  const api = studioApi()
  const [format, setFormat] = useState<ExportFormat>('mp4')
  const [fps, setFps] = useState<number | string>('')
  const [scale, setScale] = useState<number | string>(4)
  const [busy, setBusy] = useState(false)
  const [result, setResult] = useState<{ value: ExportResult; format: ExportFormat } | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [mode, setMode] = useState<StudioInfo['mode'] | null>(null)
  useEffect(() => void api.getStudioInfo().then((info) => setMode(info.mode), () => undefined), [api])
  const finished = run.status === 'done'

  const exportNow = async () => {
    setBusy(true)
    setError(null)
    setResult(null)
    try {
      const value = await api.exportRun({ runId: run.id, format, fps: fps === '' ? undefined : Number(fps), scale: Number(scale) || 4 })
      setResult({ value, format })
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }
  return (
    <Card withBorder data-testid="export-panel">
      <Stack gap="sm">
        <Text fw={600}>Export the optimized video</Text>
        {!finished && <Text size="sm" c="dimmed">Export becomes available when the run has finished.</Text>}
        <Group align="end" gap="sm">
          <Select label="Format" data={FORMATS} value={format} allowDeselect={false} onChange={(f) => f && setFormat(f as ExportFormat)} w={170} />
          <NumberInput label="Frames per second" placeholder={`package rate`} min={1} max={120} value={fps} onChange={setFps} w={150} />
          <NumberInput label="Scale" description="pixel upscale" min={1} max={16} value={scale} onChange={setScale} w={100} />
          <Button onClick={() => void exportNow()} loading={busy} disabled={!finished}>
            Export
          </Button>
        </Group>
        {busy && <Progress value={100} animated striped aria-label="Export in progress" />}
        {error && (
          <Alert color="red" role="alert" title="The export failed" withCloseButton onClose={() => setError(null)}>
            {error}
          </Alert>
        )}
        {result && (
          <Alert color="green" title="Exported" data-testid="export-result">
            <Text size="sm">
              {result.value.frames} frames, {result.value.width}×{result.value.height}, written to <code data-testid="export-path">{result.value.path}</code>
            </Text>
            {result.value.runCardPath && <Text size="sm">Run card: <code>{result.value.runCardPath}</code></Text>}
            <Group gap="md" mt="xs">
              {mode === 'electron' ? (
                <Button size="xs" variant="light" onClick={() => void api.revealExport({ path: result.value.path }).catch((e: unknown) => setError(errorMessage(e)))}>
                  Show in folder
                </Button>
              ) : (
                downloadLinks(result.value, result.format).map((link) => (
                  <Anchor key={link.href} href={link.href} download size="sm">
                    Download {link.label}
                  </Anchor>
                ))
              )}
            </Group>
          </Alert>
        )}
      </Stack>
    </Card>
  )
}
