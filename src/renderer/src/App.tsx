import { AppShell, Badge, Button, Group, ScrollArea, Text, Title } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useCallback, useEffect, useState } from 'react'
import type { StudioInfo, TaskSummary } from '../../shared'
import { errorMessage, studioApi } from './bridge'
import { ProjectHistory } from './history'
import { ProjectPicker } from './projects'
import { ScreenErrorBoundary } from './ScreenErrorBoundary'
import { SettingsPage } from './settings'
import { TaskDrop, TaskList, TaskView, WindowDrop } from './tasks'

/** Identifies a screen, so a screen's error notice clears when the user moves elsewhere. */
const screenKey = (screen: Screen, picking: boolean) => (picking ? 'projects' : screen.kind === 'task' ? `task:${screen.taskId}` : screen.kind)

/** What the main area shows besides the project picker. */
type Screen = { kind: 'new-task' } | { kind: 'task'; taskId: string; runId?: string } | { kind: 'history' } | { kind: 'settings' }

/** The studio shell: header with the project, task list on the left, the drop zone or a task. */
export function App() {
  const api = studioApi()
  const [info, setInfo] = useState<StudioInfo | null>(null)
  const [loadError, setLoadError] = useState<string | null>(null)
  const [tasks, setTasks] = useState<TaskSummary[]>([])
  const [screen, setScreen] = useState<Screen>({ kind: 'new-task' })
  const [droppedImage, setDroppedImage] = useState<File | null>(null)
  const [picking, setPicking] = useState(false)
  const selected = screen.kind === 'task' ? screen.taskId : null
  const setSelected = (taskId: string | null) => setScreen(taskId ? { kind: 'task', taskId } : { kind: 'new-task' })

  const refreshTasks = useCallback(async () => {
    try {
      setTasks(await api.listTasks())
    } catch (error) {
      notifications.show({ color: 'red', title: 'Could not list the tasks', message: errorMessage(error) })
    }
  }, [api])

  useEffect(() => {
    api.getStudioInfo().then(setInfo, (error: unknown) => setLoadError(errorMessage(error)))
    return api.onEvent((event) => {
      if (event.type === 'project-opened') {
        setInfo((current) => current && { ...current, project: event.project })
        setScreen({ kind: 'new-task' })
        setPicking(false)
        if (event.project.interruptedRuns > 0) {
          notifications.show({
            color: 'yellow',
            title: 'Interrupted runs',
            message: `${event.project.interruptedRuns} run(s) stopped when the studio last closed; their steps are kept.`,
          })
        }
      }
      if (event.type === 'tasks-changed') void refreshTasks()
      if (event.type === 'run-status' && event.status === 'failed') {
        notifications.show({ color: 'red', title: 'A run failed', message: event.error ?? 'No reason was given: open the run for details.', autoClose: false })
      }
    })
  }, [api, refreshTasks])

  const project = info?.project ?? null
  useEffect(() => {
    if (project) void refreshTasks()
    else setTasks([])
  }, [project, refreshTasks])

  if (loadError) {
    return (
      <Text c="red" p="xl" role="alert">
        {loadError}
      </Text>
    )
  }

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 300, breakpoint: 'sm', collapsed: { mobile: !project } }} padding="lg">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group gap="sm">
            <Title order={3}>Teacher Studio</Title>
            {project && (
              <Badge variant="light" size="lg" data-testid="project-name">
                {project.name}
              </Badge>
            )}
          </Group>
          {project && (
            <Group gap={4}>
              <Button variant={screen.kind === 'history' && !picking ? 'light' : 'subtle'} onClick={() => { setPicking(false); setScreen({ kind: 'history' }) }}>
                History
              </Button>
              <Button variant={screen.kind === 'settings' && !picking ? 'light' : 'subtle'} onClick={() => { setPicking(false); setScreen({ kind: 'settings' }) }}>
                Settings
              </Button>
              <Button variant="subtle" onClick={() => setPicking(true)}>
                Projects
              </Button>
            </Group>
          )}
        </Group>
      </AppShell.Header>
      {project && (
        <AppShell.Navbar p="sm">
          <Button variant="light" mb="sm" onClick={() => setSelected(null)} disabled={screen.kind === 'new-task'}>
            + New task
          </Button>
          <ScrollArea style={{ flex: 1 }}>
            <TaskList tasks={tasks} selected={selected} onSelect={setSelected} />
          </ScrollArea>
        </AppShell.Navbar>
      )}
      <AppShell.Main>
        <ScreenErrorBoundary key={screenKey(screen, picking)} onReset={() => setScreen({ kind: 'new-task' })}>
          {!info ? (
            <Text c="dimmed">Connecting to the studio…</Text>
          ) : !project || picking ? (
            <ProjectPicker projectsDir={info.projectsDir} onCancel={project ? () => setPicking(false) : undefined} />
          ) : screen.kind === 'task' ? (
            <TaskView key={`${screen.taskId}:${screen.runId ?? ''}`} taskId={screen.taskId} initialRunId={screen.runId} onDeleted={() => setSelected(null)} />
          ) : screen.kind === 'history' ? (
            <ProjectHistory onOpen={(run) => setScreen({ kind: 'task', taskId: run.taskId, runId: run.id })} />
          ) : screen.kind === 'settings' ? (
            <SettingsPage info={info} />
          ) : (
            <TaskDrop initialImage={droppedImage} onCreated={(task) => { setDroppedImage(null); setSelected(task.id) }} />
          )}
        </ScreenErrorBoundary>
        {project && !picking && (
          <WindowDrop
            active={screen.kind !== 'new-task'}
            onImage={(file) => { setDroppedImage(file); setScreen({ kind: 'new-task' }) }}
            onTask={(task) => setSelected(task.id)}
          />
        )}
      </AppShell.Main>
    </AppShell>
  )
}
