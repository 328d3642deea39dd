import { Alert, Stack, Text, Title } from '@mantine/core'
import { useState } from 'react'
import type { Run } from '../../../shared'
import { CompareCurves } from '../charts'
import { useRunSteps } from '../runs/hooks'
import { RunTable } from './RunTable'
import { useProjectRuns } from './useProjectRuns'

/** Every run of the project: reopen one, or tick two teacher runs to compare their curves. */
export function ProjectHistory({ onOpen }: { onOpen: (run: Run) => void }) {
  const { runs, error } = useProjectRuns()
  const [compare, setCompare] = useState<string[]>([])
  const toggle = (id: string) => setCompare((c) => (c.includes(id) ? c.filter((x) => x !== id) : [...c, id].slice(-2)))
  const picked = compare.map((id) => runs?.find((r) => r.run.id === id)?.run).filter((r): r is Run => Boolean(r))
  return (
    <Stack>
      <Title order={2}>History</Title>
      {error && <Alert color="red" role="alert" title="Could not list the runs">{error}</Alert>}
      {runs === null ? (
        <Text c="dimmed">Loading…</Text>
      ) : (
        <RunTable rows={runs.map(({ run, task }) => ({ run, taskLabel: task.instruction }))} compare={compare} onToggleCompare={toggle} onOpen={onOpen} />
      )}
      {picked.length === 2 ? (
        <Comparison runs={[picked[0], picked[1]]} />
      ) : (
        <Text size="sm" c="dimmed">Tick two teacher runs to compare their curves.</Text>
      )}
    </Stack>
  )
}

function Comparison({ runs }: { runs: [Run, Run] }) {
  const a = useRunSteps(runs[0].id)
  const b = useRunSteps(runs[1].id)
  return (
    <Stack gap="xs">
      <Title order={4}>Comparison</Title>
      <CompareCurves runs={runs} steps={[a, b]} />
    </Stack>
  )
}
