import { Alert, Button, Card, Group, NumberInput, SegmentedControl, Select, Stack, Text } from '@mantine/core'
import { useState } from 'react'
import type { Run, RunMethod, RunSettings, RuntimeInfo } from '../../../shared'
import { errorMessage, studioApi } from '../bridge'
import { METHOD_LABELS } from './format'

const METHODS = (Object.keys(METHOD_LABELS) as RunMethod[]).map((value) => ({ value, label: METHOD_LABELS[value] }))

/** Method and hyperparameters of the next run; "Run" adds it to the queue. */
export function RunForm({ taskId, runtime, settings, onSettings, onStarted }: {
  taskId: string
  runtime: RuntimeInfo
  settings: RunSettings
  onSettings: (settings: RunSettings) => void
  onStarted: (run: Run) => void
}) {
  const [method, setMethod] = useState<RunMethod>('teacher')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const set = <K extends keyof RunSettings>(key: K) => (value: number | string) => {
    if (value === '' || Number.isNaN(Number(value))) return
    onSettings({ ...settings, [key]: Number(value) })
  }
  const start = async () => {
    setBusy(true)
    setError(null)
    try {
      onStarted(await studioApi().startRun({ taskId, method, settings }))
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }
  const providers = runtime.providers.map((p) => ({ value: p.name, label: p.bundled ? p.name : `${p.name} (not installed)`, disabled: !p.bundled }))
  return (
    <Card withBorder>
      <Stack gap="sm">
        <Group justify="space-between">
          <Text fw={600}>New run</Text>
          <SegmentedControl aria-label="Method" data={METHODS} value={method} onChange={(m) => setMethod(m as RunMethod)} />
        </Group>
        <Group gap="sm" align="end">
          <NumberInput label="Seed" min={0} value={settings.seed} onChange={set('seed')} w={100} />
          <NumberInput label="Learning rate" min={0} step={0.001} decimalScale={6} value={settings.learningRate} onChange={set('learningRate')} w={120} />
          <NumberInput label="Tau" description="stop when loss ≤ tau" min={0} step={0.01} decimalScale={4} value={settings.tau} onChange={set('tau')} w={130} />
          <NumberInput label="Max steps" min={0} max={10000} value={settings.maxSteps} onChange={set('maxSteps')} w={110} />
          {method === 'best-of-n' && (
            <NumberInput label="Candidates" min={1} max={1000} value={settings.candidates ?? 5} onChange={set('candidates')} w={110} />
          )}
          {method === 'teacher' && (
            <NumberInput label="Start from the best of" description="samples (1: the seed's own)" min={1} max={64}
              value={settings.pickOf ?? 1} onChange={set('pickOf')} w={170} />
          )}
          <Select label="Provider" data={providers} value={settings.provider} allowDeselect={false} w={160}
            onChange={(p) => p && onSettings({ ...settings, provider: p as RunSettings['provider'] })} />
          <Button onClick={() => void start()} loading={busy}>
            Run
          </Button>
        </Group>
        {error && (
          <Alert color="red" role="alert" title="The run was not started" withCloseButton onClose={() => setError(null)}>
            {error}
          </Alert>
        )}
      </Stack>
    </Card>
  )
}
