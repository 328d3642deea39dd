import { Badge, Button, Card, Group, Progress, Stack, Text } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import type { QueueState, Run } from '../../../shared'
import { errorMessage, studioApi } from '../bridge'
import { formatDuration, METHOD_LABELS, shortId } from './format'
import type { RunProgress } from './hooks'

/** The queue as it concerns this task: the active and waiting runs, each cancellable; pause/resume. */
export function RunQueuePanel({ runs, progress, queue, onQueue, onSelect }: {
  runs: Run[]
  progress: Record<string, RunProgress>
  queue: QueueState | null
  onQueue: (queue: QueueState) => void
  onSelect: (runId: string) => void
}) {
  const api = studioApi()
  const pending = runs.filter((r) => r.status === 'queued' || r.status === 'running').reverse()
  const elsewhere = queue ? queue.queuedRunIds.length + (queue.activeRunId ? 1 : 0) - pending.length : 0
  const act = (action: () => Promise<unknown>, what: string) =>
    action().catch((e: unknown) => notifications.show({ color: 'red', title: what, message: errorMessage(e) }))
  return (
    <Card withBorder data-testid="queue-panel">
      <Group justify="space-between" mb="xs">
        <Group gap="xs">
          <Text fw={600}>Queue</Text>
          {queue?.paused && <Badge color="yellow">paused</Badge>}
        </Group>
        <Button size="xs" variant="default"
          onClick={() => void act(async () => onQueue(await (queue?.paused ? api.resumeQueue() : api.pauseQueue())), 'The queue did not change')}>
          {queue?.paused ? 'Resume queue' : 'Pause queue'}
        </Button>
      </Group>
      {pending.length === 0 ? (
        <Text size="sm" c="dimmed">
          No run of this task is waiting or running.
        </Text>
      ) : (
        <Stack gap="xs" data-testid="queue">
          {pending.map((run) => (
            <QueuedRun key={run.id} run={run} progress={progress[run.id]} onSelect={() => onSelect(run.id)}
              onCancel={() => void act(() => api.cancelRun({ id: run.id }), 'The run was not cancelled')} />
          ))}
        </Stack>
      )}
      {elsewhere > 0 && (
        <Text size="xs" c="dimmed" mt="xs">
          {elsewhere} more run(s) of other tasks are in the queue.
        </Text>
      )}
    </Card>
  )
}

function QueuedRun({ run, progress, onSelect, onCancel }: { run: Run; progress?: RunProgress; onSelect: () => void; onCancel: () => void }) {
  const running = run.status === 'running'
  const done = progress?.completedSteps ?? run.stepCount
  const total = progress?.maxSteps ?? run.settings.maxSteps
  const loading = progress?.phase === 'loading-model'
  return (
    <div data-testid="queued-run" data-run-id={run.id} data-status={run.status}>
      <Group justify="space-between" wrap="nowrap">
        <Group gap="xs">
          <Badge color={running ? 'blue' : 'gray'} variant={running ? 'filled' : 'light'}>
            {run.status}
          </Badge>
          <Text size="sm" component="button" style={{ all: 'unset', cursor: 'pointer' }} onClick={onSelect}>
            {METHOD_LABELS[run.method]} · run {shortId(run.id)}
          </Text>
        </Group>
        <Group gap="sm">
          {running && (
            <Text size="xs" c="dimmed" data-testid="run-progress" data-phase={progress?.phase}>
              {loading
                ? `opening the ${progress.packageId} model package (once per package and session) · ${formatDuration(progress.elapsedMs)} elapsed`
                : `step ${done} of ${total} · ${formatDuration(progress?.elapsedMs)} elapsed · ETA ${formatDuration(progress?.etaMs)}`}
            </Text>
          )}
          <Button size="xs" color="red" variant="light" aria-label={`Cancel run ${shortId(run.id)}`} onClick={onCancel}>
            Cancel
          </Button>
        </Group>
      </Group>
      {running && (
        <Progress value={loading ? 100 : total > 0 ? (100 * done) / total : 0} animated={loading} striped={loading} size="sm" mt={4} aria-label={`Progress of run ${shortId(run.id)}`} />
      )}
    </div>
  )
}
