import { Alert, Badge, Button, Group, Stack, Tabs, Text, Title } from '@mantine/core'
import { useEffect, useState } from 'react'
import type { RunSettings, Task } from '../../../shared'
import { errorMessage, studioApi } from '../bridge'
import { RulesPanel } from '../rules'
import { RunsPanel, useRuntimeInfo } from '../runs'
import { loadRunDefaults } from '../settings/preferences'
import { FirstFrame } from './FirstFrame'

/** One task: its first frame and instruction above two tabs, its rules and its runs. */
export function TaskView({ taskId, initialRunId, onDeleted }: { taskId: string; initialRunId?: string | null; onDeleted: () => void }) {
  const api = studioApi()
  const [task, setTask] = useState<Task | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [tab, setTab] = useState<string | null>(initialRunId ? 'runs' : 'rules')
  const [selectedRunId, setSelectedRunId] = useState<string | null>(initialRunId ?? null)
  const { info: runtime, error: runtimeError } = useRuntimeInfo()
  const [settings, setSettings] = useState<RunSettings | null>(null)
  useEffect(() => {
    api.getTask({ id: taskId }).then(setTask, (e: unknown) => setError(errorMessage(e)))
  }, [api, taskId])
  useEffect(() => {
    // The run form starts from the settings of the package that runs this task. A package that
    // does not load leaves the form empty; the runtime alert below says why.
    api.getRunDefaults({ taskId }).then((defaults) => setSettings((s) => s ?? loadRunDefaults(defaults)), () => undefined)
  }, [api, taskId])

  if (error) return <Alert color="red" role="alert" title="Could not load the task">{error}</Alert>
  if (!task) return <Text c="dimmed">Loading…</Text>
  return (
    <Stack gap="lg">
      <Group align="flex-start" wrap="nowrap" gap="lg">
        <FirstFrame frame={task.firstFrame} alt="First frame" size={128} />
        <Stack gap="xs" style={{ flex: 1 }}>
          <Group justify="space-between" wrap="nowrap">
            <Title order={3}>Task</Title>
            <DeleteTaskButton
              onConfirm={() => api.deleteTask({ id: taskId }).then(onDeleted, (e: unknown) => setError(errorMessage(e)))}
            />
          </Group>
          <Text data-testid="task-instruction" size="lg">
            {task.instruction}
          </Text>
          <Group gap="xs">
            <Badge variant="light">{task.source}</Badge>
            {task.sourceName && <Badge variant="outline" color="gray">{task.sourceName}</Badge>}
            {task.family && (
              <Badge variant="outline">
                {task.family} · seed {task.seed}
                {task.split === 'heldout' ? ' · held-out' : ''}
              </Badge>
            )}
            <Badge variant="outline" color="gray">
              {task.frameWidth}×{task.frameHeight}
            </Badge>
          </Group>
        </Stack>
      </Group>
      {runtimeError && <Alert color="red" role="alert" title="Could not read the runtime">{runtimeError}</Alert>}
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="rules">Rules</Tabs.Tab>
          <Tabs.Tab value="runs">Runs</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="rules" pt="md">
          <RulesPanel taskId={task.id} lambda={settings?.lambda} onLambda={(lambda) => settings && setSettings({ ...settings, lambda })} />
        </Tabs.Panel>
        <Tabs.Panel value="runs" pt="md">
          {runtime ? (
            <RunsPanel taskId={task.id} runtime={runtime} settings={settings} onSettings={setSettings}
              selectedRunId={selectedRunId} onSelectRun={setSelectedRunId} />
          ) : (
            <Text c="dimmed">Loading the model package…</Text>
          )}
        </Tabs.Panel>
      </Tabs>
    </Stack>
  )
}

/** Deleting takes a second click within a few seconds; it removes the task's rules, runs and videos. */
function DeleteTaskButton({ onConfirm }: { onConfirm: () => void }) {
  const [armed, setArmed] = useState(false)
  useEffect(() => {
    if (!armed) return
    const timer = setTimeout(() => setArmed(false), 4000)
    return () => clearTimeout(timer)
  }, [armed])
  return (
    <Button
      size="xs"
      color="red"
      variant={armed ? 'filled' : 'subtle'}
      title="Deletes the task with its rules, runs and videos"
      onClick={() => (armed ? onConfirm() : setArmed(true))}
    >
      {armed ? 'Click again to delete' : 'Delete task'}
    </Button>
  )
}
