import { Alert, Badge, Grid, Group, Stack, Text, Title } from '@mantine/core'
import { useEffect, useState } from 'react'
import type { Task } from '../../../shared'
import { errorMessage, studioApi } from '../bridge'
import { RulesPanel } from '../rules'
import { FirstFrame } from './FirstFrame'

/** One task: its first frame and instruction beside its rules. */
export function TaskView({ taskId }: { taskId: string }) {
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
          <Title order={3}>Task</Title>
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
