import { Alert, Badge, Button, Card, Code, Group, NumberInput, Select, Stack, Table, Text, Title } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useEffect, useState } from 'react'
import type { RunSettings, RuntimeInfo, StudioInfo } from '../../../shared'
import { useProjectRuns } from '../history/useProjectRuns'
import { useRuntimeInfo } from '../runs/hooks'
import { clearRunDefaults, loadRunDefaults, saveRunDefaults } from './preferences'

/** Every model package and the families it runs: a task runs on the package trained on its family, else on the first (default) one. */
function PackageTable({ packages }: { packages: RuntimeInfo['packages'] }) {
  return (
    <Table withTableBorder mt="sm" data-testid="model-packages">
      <Table.Thead>
        <Table.Tr><Table.Th>Package</Table.Th><Table.Th>Runs the families</Table.Th><Table.Th>Status</Table.Th><Table.Th>Its run defaults</Table.Th></Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {packages.map((p, i) => (
          <Table.Tr key={p.id}>
            <Table.Td>{p.id}{i === 0 && <Badge ml="xs" variant="light">default</Badge>}</Table.Td>
            <Table.Td>{p.families.join(', ') || (p.error ? '' : 'none listed')}{i === 0 && ' (and tasks of no family)'}</Table.Td>
            <Table.Td>{p.error ? <Text size="sm" c="red">{p.error}</Text> : <Badge color="green" variant="light">loaded</Badge>}</Table.Td>
            <Table.Td>{p.defaults && `lr ${p.defaults.learningRate} · λ ${p.defaults.lambda} · tau ${p.defaults.tau} · ≤ ${p.defaults.maxSteps} steps`}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  )
}

/** Providers (available and actually used), default hyperparameters, the model packages and project location. */
export function SettingsPage({ info }: { info: StudioInfo }) {
  const { info: runtime, error } = useRuntimeInfo()
  return (
    <Stack maw={900} gap="lg">
      <Title order={2}>Settings</Title>
      {error && <Alert color="red" role="alert" title="Could not read the runtime">{error}</Alert>}
      <Card withBorder>
        <Title order={4} mb="xs">Model packages</Title>
        {runtime?.packageError ? (
          <Alert color="red" role="alert" title="The model package could not be loaded">
            {runtime.packageError}
          </Alert>
        ) : runtime?.package ? (
          <Text size="sm" data-testid="model-package">
            <b>{runtime.package.id}</b> · hash <Code>{runtime.package.hash.slice(0, 16)}</Code> · {runtime.package.video.frames} frames of{' '}
            {runtime.package.video.width}×{runtime.package.video.height} at {runtime.package.video.fps} fps · up to {runtime.package.maxQueries} queries ·
            onnxruntime {runtime.onnxruntime}
          </Text>
        ) : (
          <Text c="dimmed" size="sm">Loading…</Text>
        )}
        {runtime && runtime.packages.length > 0 && <PackageTable packages={runtime.packages} />}
      </Card>
      <Card withBorder>
        <Title order={4} mb="xs">Execution providers</Title>
        <Table withTableBorder data-testid="providers">
          <Table.Thead>
            <Table.Tr><Table.Th>Provider</Table.Th><Table.Th>Available</Table.Th><Table.Th>Note</Table.Th></Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(runtime?.providers ?? []).map((p) => (
              <Table.Tr key={p.name}>
                <Table.Td>{p.name}</Table.Td>
                <Table.Td><Badge color={p.bundled ? 'green' : 'gray'} variant="light">{p.bundled ? 'yes' : 'no'}</Badge></Table.Td>
                <Table.Td><Text size="sm">{p.note}</Text></Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <LastProviderUse />
      </Card>
      {runtime?.package && <DefaultsForm packageDefaults={runtime.package.defaults} providers={runtime.providers.filter((p) => p.bundled).map((p) => p.name)} />}
      <Card withBorder>
        <Title order={4} mb="xs">Locations</Title>
        <Text size="sm">Project file: <Code>{info.project?.path ?? 'no project open'}</Code></Text>
        <Text size="sm">New projects are created in <Code>{info.projectsDir}</Code></Text>
        <Text size="sm" c="dimmed" mt={4}>Studio {info.appVersion} · {info.mode} mode</Text>
      </Card>
    </Stack>
  )
}

/** What actually ran last: the provider asked for, the one used, and why they differ. */
function LastProviderUse() {
  const { runs } = useProjectRuns()
  const last = runs?.find((r) => r.run.result)?.run
  if (!last?.result) return <Text size="sm" c="dimmed" mt="xs">No finished run yet in this project.</Text>
  const { requested, actual, fallbackReason } = last.result.provider
  return (
    <Text size="sm" mt="xs" data-testid="last-provider">
      Last run asked for <b>{requested}</b> and ran on <b>{actual}</b>
      {fallbackReason ? `: ${fallbackReason}` : '.'}
    </Text>
  )
}

/** The hyperparameters new runs start from; saved in this window's storage, over the package's. */
function DefaultsForm({ packageDefaults, providers }: { packageDefaults: RunSettings; providers: string[] }) {
  const [values, setValues] = useState<RunSettings>(() => loadRunDefaults(packageDefaults))
  useEffect(() => setValues(loadRunDefaults(packageDefaults)), [packageDefaults])
  const set = (key: keyof RunSettings) => (v: number | string) => v !== '' && setValues({ ...values, [key]: Number(v) })
  return (
    <Card withBorder>
      <Title order={4} mb="xs">Default hyperparameters</Title>
      <Text size="sm" c="dimmed" mb="sm">
        New runs start from these. Shown are the default package's; a value you leave as it is follows the package that runs the task
        (each package's learning rate is chosen on its own validation split). “Reset” restores the packages' own.
      </Text>
      <Group align="end" gap="sm">
        <NumberInput label="Seed" min={0} value={values.seed} onChange={set('seed')} w={100} />
        <NumberInput label="Learning rate" min={0} decimalScale={6} step={0.001} value={values.learningRate} onChange={set('learningRate')} w={120} />
        <NumberInput label="λ" min={0} max={1} step={0.05} decimalScale={3} value={values.lambda} onChange={set('lambda')} w={90} />
        <NumberInput label="Tau" min={0} decimalScale={4} step={0.01} value={values.tau} onChange={set('tau')} w={100} />
        <NumberInput label="Max steps" min={0} max={10000} value={values.maxSteps} onChange={set('maxSteps')} w={100} />
        <Select label="Provider" data={providers} value={values.provider} allowDeselect={false} w={120}
          onChange={(p) => p && setValues({ ...values, provider: p as RunSettings['provider'] })} />
      </Group>
      <Group mt="md" gap="sm">
        <Button onClick={() => { saveRunDefaults(values, packageDefaults); notifications.show({ color: 'green', message: 'Defaults saved: new task views use them.' }) }}>
          Save defaults
        </Button>
        <Button variant="default" onClick={() => { clearRunDefaults(); setValues(packageDefaults) }}>
          Reset to the package's
        </Button>
      </Group>
    </Card>
  )
}
