import { Alert, Badge, Button, Grid, Group, Stack, Text, Title } from '@mantine/core'
import { useEffect, useState } from 'react'
import type { Task } from '../../../shared'
import { errorMessage, studioApi } from '../bridge'
import { RulesPanel } from '../rules'
import { FirstFrame } from './FirstFrame'

/** One task: its first frame and instruction beside its rules. */
export function TaskView({ taskId, onDeleted }: { taskId: string; onDeleted: () => void }) {
  const api = studioApi()
  const [task, setTask] = useState<Task | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    api.getTask({ id: taskId }).then(setTask, (e: unknown) => setError(errorMessage(e)))
  }, [api, taskId])

  if (error) return <Alert color="red" role="alert" title="Could not load the task">{error}</Alert>
  if (!task) return <Text c="dimmed">Loading…</Text>
  return (
    <Grid gap="xl">
      <Grid.Col span={{ base: 12, md: 5 }}>
        <Stack>
          <Group justify="space-between">
            <Title order={3}>Task</Title>
            <DeleteTaskButton
              onConfirm={() =>
                api.deleteTask({ id: taskId }).then(onDeleted, (e: unknown) => setError(errorMessage(e)))
              }
            />
          </Group>
          <FirstFrame frame={task.firstFrame} alt="First frame" />
          <Text data-testid="task-instruction" size="lg">
            {task.instruction}
          </Text>
          <Group gap="xs">
            <Badge variant="light">{task.source}</Badge>
            {task.sourceName && <Badge variant="outline" color="gray">{task.sourceName}</Badge>}
            {task.family && <Badge variant="outline">{task.family} · seed {task.seed}</Badge>}
            <Badge variant="outline" color="gray">
              {task.frameWidth}×{task.frameHeight}
            </Badge>
          </Group>
        </Stack>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 7 }}>
        <RulesPanel taskId={task.id} />
      </Grid.Col>
    </Grid>
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
