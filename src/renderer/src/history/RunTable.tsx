import { Badge, Button, Checkbox, Table, Text } from '@mantine/core'
import type { Run, RunStatus } from '../../../shared'
import { formatProbability, METHOD_LABELS, shortId, weakestPYes } from '../runs/format'

const STATUS_COLOURS: Record<RunStatus, string> = {
  queued: 'gray', running: 'blue', done: 'green', cancelled: 'yellow', failed: 'red', interrupted: 'orange',
}

export interface RunRow {
  run: Run
  taskLabel?: string
}

/** Runs as a table: status, method, steps, weakest final P(Yes), evaluator score; open or pick to compare. */
export function RunTable({ rows, selectedId, compare, onOpen, onToggleCompare }: {
  rows: RunRow[]
  selectedId?: string | null
  compare?: string[]
  onOpen: (run: Run) => void
  onToggleCompare?: (runId: string) => void
}) {
  if (rows.length === 0) return <Text size="sm" c="dimmed">No runs yet.</Text>
  const withTask = rows.some((r) => r.taskLabel)
  return (
    <Table highlightOnHover withTableBorder data-testid="run-table">
      <Table.Thead>
        <Table.Tr>
          {onToggleCompare && <Table.Th>Compare</Table.Th>}
          <Table.Th>Run</Table.Th>
          {withTask && <Table.Th>Task</Table.Th>}
          <Table.Th>Status</Table.Th>
          <Table.Th>Method</Table.Th>
          <Table.Th>Steps</Table.Th>
          <Table.Th title="lowest final P(Yes) across the queries">Final P(Yes), min</Table.Th>
          <Table.Th>Evaluator score</Table.Th>
          <Table.Th />
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map(({ run, taskLabel }) => (
          <Table.Tr key={run.id} data-testid="run-row" data-run-id={run.id} data-status={run.status}
            bg={run.id === selectedId ? 'var(--mantine-color-indigo-light)' : undefined}>
            {onToggleCompare && (
              <Table.Td>
                <Checkbox aria-label={`Compare run ${shortId(run.id)}`} checked={compare?.includes(run.id) ?? false}
                  onChange={() => onToggleCompare(run.id)} disabled={run.method !== 'teacher'} />
              </Table.Td>
            )}
            <Table.Td><Text size="sm" ff="monospace">{shortId(run.id)}</Text></Table.Td>
            {withTask && <Table.Td><Text size="sm" lineClamp={1} maw={260}>{taskLabel}</Text></Table.Td>}
            <Table.Td><Badge color={STATUS_COLOURS[run.status]} variant="light">{run.status}</Badge></Table.Td>
            <Table.Td>{METHOD_LABELS[run.method]}</Table.Td>
            <Table.Td>{run.stepCount}</Table.Td>
            <Table.Td>{formatProbability(weakestPYes(run))}</Table.Td>
            <Table.Td>{run.result?.evaluator ? run.result.evaluator.score.toFixed(2) : '—'}</Table.Td>
            <Table.Td>
              <Button size="compact-xs" variant="subtle" aria-label={`Open run ${shortId(run.id)}`} onClick={() => onOpen(run)}>
                Open
              </Button>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  )
}
