import { LineChart } from '@mantine/charts'
import { SimpleGrid, Stack, Text } from '@mantine/core'
import type { Run, Step } from '../../../shared'
import { formatLoss, queryLabels } from '../runs/format'

const QUERY_COLOURS = ['teal.6', 'orange.6', 'grape.6', 'cyan.6', 'pink.6', 'lime.7']

/** The step where the run stopped early (loss at or under tau), if it did. */
export function earlyStopStep(run: Run, steps: Step[]): number | null {
  if (run.result?.stopReason !== 'confident' || steps.length === 0) return null
  return steps[steps.length - 1].index
}

/**
 * Live curves of one run: the total loss with the tau line, and each query's P(Yes) per step;
 * a marker where the run stopped early. Hovering shows the values.
 */
export function RunCurves({ run, steps }: { run: Run; steps: Step[] }) {
  const labels = queryLabels(run)
  const data = steps.map((s) => ({
    step: s.index,
    loss: s.loss,
    ...Object.fromEntries(labels.map((label, i) => [label, s.pYes[i]])),
  }))
  const stop = earlyStopStep(run, steps)
  const stopLine = stop === null ? [] : [{ x: stop, color: 'red.6', label: 'early stop', strokeDasharray: '4 4' }]
  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
      <Stack gap={4} data-testid="loss-chart" data-points={data.length}>
        <Text fw={600} size="sm">
          Loss per step
        </Text>
        <LineChart h={220} data={data} dataKey="step" curveType="linear" withLegend
          series={[{ name: 'loss', label: 'total loss', color: 'indigo.6' }]}
          referenceLines={[{ y: run.settings.tau, label: `tau ${run.settings.tau}`, color: 'gray.6', strokeDasharray: '6 3', ifOverflow: 'extendDomain' }, ...stopLine]}
          xAxisLabel="step" valueFormatter={formatLoss} lineProps={{ isAnimationActive: false }} />
      </Stack>
      <Stack gap={4} data-testid="pyes-chart" data-points={data.length}>
        <Text fw={600} size="sm">
          P(Yes) per query
        </Text>
        <LineChart h={220} data={data} dataKey="step" curveType="linear" withLegend yAxisProps={{ domain: [0, 1] }}
          series={labels.map((label, i) => ({ name: label, color: QUERY_COLOURS[i % QUERY_COLOURS.length] }))}
          referenceLines={stopLine} xAxisLabel="step" valueFormatter={(v) => v.toFixed(3)} lineProps={{ isAnimationActive: false }} />
      </Stack>
    </SimpleGrid>
  )
}
