import { Alert, Badge, Card, Grid, Group, Stack, Text, Title } from '@mantine/core'
import { RunCurves } from '../charts'
import { ExportPanel } from '../export'
import { Candidates, StepScrubber, Verdicts, VideoCompare } from '../timeline'
import { FINISHED_RUN_STATUSES } from '../../../shared'
import { formatDuration, keptBaseVideo, METHOD_LABELS, pickedSeed, shortId } from './format'
import { useRun, useRunSteps, useRunVideos } from './hooks'

/** One run: what ran and how it ended, live curves, the timeline, videos, verdicts and export. */
export function RunDetails({ runId }: { runId: string }) {
  const { run, error } = useRun(runId)
  const steps = useRunSteps(runId)
  const finished = run ? FINISHED_RUN_STATUSES.includes(run.status) : false
  const videos = useRunVideos(runId, finished)
  if (error) return <Alert color="red" role="alert" title="Could not load the run">{error}</Alert>
  if (!run) return <Text c="dimmed">Loading the run…</Text>
  const provider = run.result?.provider
  const picked = pickedSeed(run)
  return (
    <Stack gap="lg" data-testid="run-details" data-run-id={run.id} data-status={run.status}>
      <Group justify="space-between">
        <Title order={3}>
          {METHOD_LABELS[run.method]} run {shortId(run.id)}
        </Title>
        <Group gap="xs">
          <Badge size="lg" variant="light" data-testid="run-status">{run.status}</Badge>
          {run.result && <Badge size="lg" variant="outline">stopped: {run.result.stopReason}</Badge>}
          {run.result?.stopChecks ? (
            <Badge size="lg" variant="outline" color="gray" data-testid="stop-checks" title="Final videos the teacher judged before stopping: the base video first, then the video of each confident preview">
              final video checked {run.result.stopChecks}×
            </Badge>
          ) : null}
          {run.result && <Badge size="lg" variant="outline" color="gray">{formatDuration(run.result.wallMs)}</Badge>}
          {provider && (
            <Badge size="lg" variant="outline" color={provider.actual === provider.requested ? 'gray' : 'yellow'} data-testid="provider-used">
              ran on {provider.actual}
            </Badge>
          )}
        </Group>
      </Group>
      <Text size="sm" c="dimmed">
        seed {run.settings.seed} · lr {run.settings.learningRate} · λ {run.settings.lambda} · tau {run.settings.tau} · max {run.settings.maxSteps} steps · model {run.model.packageId} ({run.model.packageHash.slice(0, 10)})
      </Text>
      {run.method === 'teacher' && run.result?.candidates && (
        <Text size="sm" data-testid="picked-start">
          The teacher scored {run.result.candidates.length} samples first and the loop started from its pick,{' '}
          {picked === null ? 'the run\'s own seed' : `seed ${picked}`}.
        </Text>
      )}
      {keptBaseVideo(run) && (
        <Text size="sm" data-testid="kept-base">
          The teacher was already confident in {picked === null ? 'the base video' : 'the sample it picked'}, so the run kept it unchanged: no LoRA update was needed.
        </Text>
      )}
      {run.error && (
        <Alert color="red" role="alert" title={`The run ${run.status === 'failed' ? 'failed' : 'stopped'}`}>
          {run.error}
        </Alert>
      )}
      {provider?.fallbackReason && (
        <Alert color="yellow" title={`Ran on ${provider.actual} instead of ${provider.requested}`}>
          {provider.fallbackReason}
        </Alert>
      )}
      {run.method === 'teacher' && (
        <Card withBorder>
          <RunCurves run={run} steps={steps} />
        </Card>
      )}
      {run.result?.candidates?.length ? (
        <Card withBorder>
          <Title order={4} mb="sm">{run.method === 'teacher' ? 'Samples the teacher picked the start from' : 'Candidates the teacher scored'}</Title>
          <Candidates run={run} />
        </Card>
      ) : null}
      {run.method === 'teacher' && (
        <Card withBorder data-testid="timeline">
          <Title order={4} mb="sm">Timeline: the teacher's previews, step by step</Title>
          <StepScrubber run={run} steps={steps} />
        </Card>
      )}
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 6 }}>
          <Card withBorder h="100%">
            <Title order={4} mb="sm">Videos</Title>
            <VideoCompare videos={videos} pickedSeed={picked} />
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 6 }}>
          <Card withBorder h="100%">
            <Title order={4} mb="sm">Verdicts</Title>
            <Verdicts run={run} />
          </Card>
        </Grid.Col>
      </Grid>
      <ExportPanel run={run} />
    </Stack>
  )
}
