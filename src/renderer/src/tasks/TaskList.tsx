import { Badge, Group, NavLink, Text } from '@mantine/core'
import type { TaskSummary } from '../../../shared'

/** The project's tasks, oldest first. */
export function TaskList({ tasks, selected, onSelect }: { tasks: TaskSummary[]; selected: string | null; onSelect: (id: string) => void }) {
  if (tasks.length === 0) {
    return (
      <Text c="dimmed" size="sm" p="xs">
        No tasks yet: drop an image or a task file.
      </Text>
    )
  }
  return (
    <nav aria-label="Tasks" data-testid="task-list">
      {tasks.map((task) => (
        <NavLink
          key={task.id}
          active={task.id === selected}
          onClick={() => onSelect(task.id)}
          label={<Text lineClamp={2} size="sm">{task.instruction}</Text>}
          description={
            <Group gap={4} mt={2}>
              <Badge size="xs" variant="outline">
                {task.source}
              </Badge>
              <Text size="xs" c="dimmed">
                {task.frameWidth}×{task.frameHeight}
              </Text>
            </Group>
          }
        />
      ))}
    </nav>
  )
}
