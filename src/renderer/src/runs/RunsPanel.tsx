import { Alert, Stack, Title } from '@mantine/core'
import type { RunSettings, RuntimeInfo } from '../../../shared'
import { RunTable } from '../history/RunTable'
import { useQueue, useTaskRuns } from './hooks'
import { RunDetails } from './RunDetails'
import { RunForm } from './RunForm'
import { RunQueuePanel } from './RunQueuePanel'

/** A task's runs: start one, watch the queue, pick a run, and see it in detail. */
export function RunsPanel({ taskId, runtime, settings, onSettings, selectedRunId, onSelectRun }: {
  taskId: string
  runtime: RuntimeInfo
  settings: RunSettings | null
  onSettings: (s: RunSettings) => void
  selectedRunId: string | null
  onSelectRun: (id: string) => void
}) {
  const { runs, progress, error } = useTaskRuns(taskId)
  const { queue, setQueue } = useQueue()
  return (
    <Stack gap="lg">
      {runtime.packageError || !settings ? (
        <Alert color="red" role="alert" title="The model package could not be loaded, so runs cannot start">
          {runtime.packageError ?? 'No model package.'}
        </Alert>
      ) : (
        <RunForm taskId={taskId} runtime={runtime} settings={settings} onSettings={onSettings} onStarted={(run) => onSelectRun(run.id)} />
      )}
      <RunQueuePanel runs={runs} progress={progress} queue={queue} onQueue={setQueue} onSelect={onSelectRun} />
      {error && <Alert color="red" role="alert" title="Could not list the runs">{error}</Alert>}
      {selectedRunId && <RunDetails key={selectedRunId} runId={selectedRunId} />}
      <Stack gap="xs">
        <Title order={4}>Runs of this task</Title>
        <RunTable rows={runs.map((run) => ({ run }))} selectedId={selectedRunId} onOpen={(run) => onSelectRun(run.id)} />
      </Stack>
    </Stack>
  )
}
