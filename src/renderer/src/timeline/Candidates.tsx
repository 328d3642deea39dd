import { Badge, Table, Text } from '@mantine/core'
import type { Run } from '../../../shared'
import { formatLoss, formatProbability } from '../runs/format'

/** The videos a best-of-N or solver run scored while choosing, and which one it picked. */
export function Candidates({ run }: { run: Run }) {
  const candidates = run.result?.candidates
  if (!candidates?.length) return null
  return (
    <Table withTableBorder striped data-testid="candidates">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Candidate</Table.Th>
          <Table.Th>Seed</Table.Th>
          {run.method === 'solver' && <Table.Th>Instruction</Table.Th>}
          <Table.Th>Teacher loss</Table.Th>
          <Table.Th>P(Yes) per query</Table.Th>
          <Table.Th>Evaluator score</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {candidates.map((c, i) => (
          <Table.Tr key={i}>
            <Table.Td>
              <Text size="sm">
                {c.label} {i === run.result?.chosenIndex && <Badge size="xs" color="green" ml={4}>picked</Badge>}
              </Text>
            </Table.Td>
            <Table.Td>{c.seed}</Table.Td>
            {run.method === 'solver' && <Table.Td><Text size="xs" lineClamp={2}>{c.instruction}</Text></Table.Td>}
            <Table.Td>{formatLoss(c.loss)}</Table.Td>
            <Table.Td>{c.pYes.map((p) => formatProbability(p)).join(' · ')}</Table.Td>
            <Table.Td>{c.evaluator ? c.evaluator.score.toFixed(2) : '—'}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  )
}
