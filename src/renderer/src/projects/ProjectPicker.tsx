import { Alert, Button, Card, Group, Stack, Text, TextInput, Title } from '@mantine/core'
import { useEffect, useState } from 'react'
import type { RecentProject } from '../../../shared'
import { errorMessage, studioApi } from '../bridge'

/** Create a project, or open a recent one or one by path. */
export function ProjectPicker({ projectsDir, onCancel }: { projectsDir: string; onCancel?: () => void }) {
  const api = studioApi()
  const [recent, setRecent] = useState<RecentProject[]>([])
  const [name, setName] = useState('')
  const [path, setPath] = useState('')
  const [error, setError] = useState<{ title: string; message: string } | null>(null)
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    api.listRecentProjects().then(setRecent, (e: unknown) => setError({ title: 'Could not list recent projects', message: errorMessage(e) }))
  }, [api])

  const attempt = async (title: string, action: () => Promise<unknown>) => {
    setBusy(true)
    setError(null)
    try {
      await action()
    } catch (e) {
      setError({ title, message: errorMessage(e) })
    } finally {
      setBusy(false)
    }
  }

  return (
    <Stack maw={720} gap="lg">
      <Group justify="space-between">
        <Title order={2}>Projects</Title>
        {onCancel && (
          <Button variant="default" onClick={onCancel}>
            Back to the project
          </Button>
        )}
      </Group>
      {error && (
        <Alert color="red" title={error.title} role="alert">
          {error.message}
        </Alert>
      )}
      <Card withBorder>
        <form
          onSubmit={(e) => {
            e.preventDefault()
            void attempt('The project was not created', () => api.createProject({ name }))
          }}
        >
          <Group align="end">
            <TextInput
              label="New project"
              description={`Saved in ${projectsDir}`}
              placeholder="e.g. Maze study"
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              style={{ flex: 1 }}
            />
            <Button type="submit" loading={busy} disabled={!name.trim()}>
              Create project
            </Button>
          </Group>
        </form>
      </Card>
      <Card withBorder>
        <Text fw={600} mb="xs">
          Recent projects
        </Text>
        {recent.length === 0 ? (
          <Text c="dimmed" size="sm">
            None yet.
          </Text>
        ) : (
          <Stack gap={6} data-testid="recent-projects">
            {recent.map((p) => (
              <Group key={p.path} justify="space-between" wrap="nowrap">
                <div style={{ minWidth: 0 }}>
                  <Text fw={500}>{p.name}</Text>
                  <Text size="xs" c="dimmed" truncate>
                    {p.path}
                  </Text>
                </div>
                <Button variant="light" disabled={!p.exists || busy} onClick={() => void attempt('The project was not opened', () => api.openProject({ path: p.path }))}>
                  {p.exists ? 'Open' : 'Missing'}
                </Button>
              </Group>
            ))}
          </Stack>
        )}
      </Card>
      <Card withBorder>
        <form
          onSubmit={(e) => {
            e.preventDefault()
            void attempt('The project was not opened', () => api.openProject({ path }))
          }}
        >
          <Group align="end">
            <TextInput
              label="Open a project file"
              placeholder="/path/to/project.tstudio"
              value={path}
              onChange={(e) => setPath(e.currentTarget.value)}
              style={{ flex: 1 }}
            />
            <Button type="submit" variant="default" disabled={!path.trim() || busy}>
              Open
            </Button>
          </Group>
        </form>
      </Card>
    </Stack>
  )
}
