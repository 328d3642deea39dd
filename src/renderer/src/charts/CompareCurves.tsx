import { LineChart } from '@mantine/charts'
import { SimpleGrid, Stack, Text } from '@mantine/core'
import type { Run, Step } from '../../../shared'
import { formatLoss, shortId } from '../runs/format'

/** Two runs' loss and goal P(Yes) on shared step axes. */
export function CompareCurves({ runs, steps }: { runs: [Run, Run]; steps: [Step[], Step[]] }) {
  const names = runs.map((r) => `run ${shortId(r.id)}`)
  const length = Math.max(steps[0].length, steps[1].length)
  const rows = Array.from({ length }, (_, i) => {
    const row: Record<string, number> = { step: i }
    steps.forEach((list, k) => {
      const s = list.find((x) => x.index === i)
      if (!s) return
      const goal = runs[k].queries.findIndex((q) => q.kind === 'goal')
      row[`${names[k]} loss`] = s.loss
      if (goal >= 0) row[`${names[k]} goal`] = s.pYes[goal]
    })
    return row
  })
  const colours = ['indigo.6', 'orange.6']
  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }} data-testid="compare-chart" data-points={length}>
      <Stack gap={4}>
        <Text fw={600} size="sm">Loss</Text>
        <LineChart h={220} data={rows} dataKey="step" curveType="linear" withLegend lineProps={{ isAnimationActive: false }}
          series={names.map((n, k) => ({ name: `${n} loss`, color: colours[k] }))} valueFormatter={formatLoss} />
      </Stack>
      <Stack gap={4}>
        <Text fw={600} size="sm">Goal P(Yes)</Text>
        <LineChart h={220} data={rows} dataKey="step" curveType="linear" withLegend lineProps={{ isAnimationActive: false }} yAxisProps={{ domain: [0, 1] }}
          series={names.map((n, k) => ({ name: `${n} goal`, color: colours[k] }))} valueFormatter={(v) => v.toFixed(3)} />
      </Stack>
    </SimpleGrid>
  )
}
