import { Badge, Table, Text } from '@mantine/core'
import type { EvaluatorVerdict, Run } from '../../../shared'
import { formatProbability } from '../runs/format'

const Pass = ({ ok }: { ok: boolean | null }) =>
  ok === null ? <Text size="sm" c="dimmed">—</Text> : <Badge color={ok ? 'green' : 'red'} variant="light">{ok ? 'yes' : 'no'}</Badge>

function evaluatorRows(verdict: EvaluatorVerdict | null, base: EvaluatorVerdict | null) {
  if (!verdict) return []
  return [
    { rule: 'goal', ok: verdict.goal, base: base ? base.goal : null },
    ...verdict.process.map((p) => ({ rule: p.rule, ok: p.ok, base: base?.process.find((b) => b.rule === p.rule)?.ok ?? null })),
  ]
}

/**
 * Per-rule verdicts: the teacher's final P(Yes) per query (a rule holds at 0.5 or more), and for
 * suite tasks the rule-based evaluator's verdict on the optimized video and on the base sample.
 */
export function Verdicts({ run }: { run: Run }) {
  const result = run.result
  if (!result) return <Text size="sm" c="dimmed">Verdicts appear when the run has finished.</Text>
  const rows = evaluatorRows(result.evaluator, result.baseEvaluator)
  return (
    <div data-testid="verdicts">
      <Text fw={600} size="sm" mb={4}>Teacher</Text>
      <Table withTableBorder striped>
        <Table.Thead>
          <Table.Tr><Table.Th>Query</Table.Th><Table.Th>Final P(Yes)</Table.Th><Table.Th>Holds</Table.Th></Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {run.queries.map((q, i) => {
            const p = result.finalPYes?.[i] ?? null
            return (
              <Table.Tr key={i}>
                <Table.Td><Text size="sm"><Badge size="xs" variant="outline" mr={6}>{q.kind}</Badge>{q.text}</Text></Table.Td>
                <Table.Td w={90}>{formatProbability(p)}</Table.Td>
                <Table.Td w={72}><Pass ok={p === null ? null : p >= 0.5} /></Table.Td>
              </Table.Tr>
            )
          })}
        </Table.Tbody>
      </Table>
      {result.evaluator && (
        <>
          <Text fw={600} size="sm" mt="md" mb={4}>
            Evaluator (rule-based, never sees the teacher): score {result.evaluator.score.toFixed(2)}
            {result.baseEvaluator && ` · base sample ${result.baseEvaluator.score.toFixed(2)}`}
          </Text>
          <Table withTableBorder striped data-testid="evaluator-verdicts">
            <Table.Thead>
              <Table.Tr><Table.Th>Rule</Table.Th><Table.Th>Optimized</Table.Th><Table.Th>Base sample</Table.Th></Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r) => (
                <Table.Tr key={r.rule}>
                  <Table.Td><Text size="sm">{r.rule}</Text></Table.Td>
                  <Table.Td><Pass ok={r.ok} /></Table.Td>
                  <Table.Td><Pass ok={r.base} /></Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </>
      )}
    </div>
  )
}
