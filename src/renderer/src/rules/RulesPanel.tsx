import { ActionIcon, Alert, Badge, Button, Card, Group, NumberInput, Select, Stack, Text, Textarea, TextInput, Title } from '@mantine/core'
import { useCallback, useEffect, useState } from 'react'
import { describeRuleSetProblem, type RuleKind, type RuleQuery } from '../../../shared'
import { errorMessage, studioApi } from '../bridge'

const KINDS = [
  { value: 'goal', label: 'Goal' },
  { value: 'process', label: 'Process' },
]

/**
 * The task's yes/no rule queries: the teacher writes them ("Extract rules"), the user adds, edits,
 * re-weights and deletes; every change is saved at once. Lambda (goal vs process weight) is shown
 * and edited here when the run settings are known.
 */
export function RulesPanel({ taskId, lambda, onLambda }: { taskId: string; lambda?: number; onLambda?: (lambda: number) => void }) {
  const api = studioApi()
  const [rules, setRules] = useState<RuleQuery[]>([])
  const [error, setError] = useState<{ title: string; message: string } | null>(null)
  const [planning, setPlanning] = useState(false)

  const reload = useCallback(() => {
    api.listRules({ taskId }).then(setRules, (e: unknown) => setError({ title: 'Could not load the rules', message: errorMessage(e) }))
  }, [api, taskId])
  useEffect(reload, [reload])
  // Changes made elsewhere (another window or browser tab) show up here too.
  useEffect(() => api.onEvent((event) => event.type === 'rules-changed' && event.taskId === taskId && reload()), [api, taskId, reload])

  /** Runs a change, shows its error if any, reloads the list; true when it was saved. */
  const save = async (action: () => Promise<unknown>, title = 'Not saved'): Promise<boolean> => {
    setError(null)
    let saved = false
    try {
      await action()
      saved = true
    } catch (e) {
      setError({ title, message: errorMessage(e) })
    }
    reload()
    return saved
  }

  const problem = describeRuleSetProblem(rules)
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={3}>Rules</Title>
        <Group gap="sm" align="end">
          {lambda !== undefined && onLambda && (
            <NumberInput label="λ (goal weight)" description="process queries get 1 − λ" min={0} max={1} step={0.05} decimalScale={3} w={150}
              value={lambda} onChange={(v) => v !== '' && Number(v) >= 0 && Number(v) <= 1 && onLambda(Number(v))} />
          )}
          <Button variant="light" loading={planning}
            onClick={() => {
              setPlanning(true)
              void save(() => api.planRules({ taskId }), 'The teacher wrote no rules').finally(() => setPlanning(false))
            }}>
            Extract rules
          </Button>
        </Group>
      </Group>
      <Text size="sm" c="dimmed">
        Yes/no questions the teacher answers on each preview, phrased so that “Yes” means the rule holds.
      </Text>
      {error && (
        <Alert color="red" role="alert" title={error.title} withCloseButton onClose={() => setError(null)}>
          {error.message}
        </Alert>
      )}
      {problem && rules.length > 0 && (
        <Text size="sm" c="orange" data-testid="rules-problem">
          {problem}
        </Text>
      )}
      <Stack gap="xs" data-testid="rules">
        {rules.map((rule) => (
          <RuleRow
            key={`${rule.id}:${rule.text}:${rule.weight}:${rule.kind}`}
            rule={rule}
            onChange={(changes) => void save(() => api.updateRule({ id: rule.id, ...changes }))}
            onDelete={() => void save(() => api.deleteRule({ id: rule.id }))}
          />
        ))}
      </Stack>
      <NewRule onAdd={(rule) => save(() => api.addRule({ taskId, ...rule }))} defaultKind={rules.some((r) => r.kind === 'goal') ? 'process' : 'goal'} />
    </Stack>
  )
}

function RuleRow({ rule, onChange, onDelete }: {
  rule: RuleQuery
  onChange: (changes: { kind?: RuleKind; text?: string; weight?: number }) => void
  onDelete: () => void
}) {
  const [text, setText] = useState(rule.text)
  const [weight, setWeight] = useState<number | string>(rule.weight)
  const commitText = () => text !== rule.text && onChange({ text })
  const commitWeight = () => weight !== '' && Number(weight) !== rule.weight && onChange({ weight: Number(weight) })
  return (
    <Card withBorder padding="xs" data-testid="rule-row">
      <Group wrap="nowrap" align="center" gap="xs">
        <Select aria-label="Kind" data={KINDS} value={rule.kind} allowDeselect={false} w={110}
          onChange={(kind) => kind && kind !== rule.kind && onChange({ kind: kind as RuleKind })} />
        <Textarea aria-label="Query" value={text} style={{ flex: 1 }} autosize minRows={1}
          onChange={(e) => setText(e.currentTarget.value)} onBlur={commitText}
          onKeyDown={(e) => {
            if (e.key !== 'Enter') return
            e.preventDefault() // a query is one line
            commitText()
          }} />
        <NumberInput aria-label="Weight" value={weight} onChange={setWeight} onBlur={commitWeight}
          onKeyDown={(e) => e.key === 'Enter' && commitWeight()} min={0} max={100} step={0.1} decimalScale={3} w={90} />
        <ActionIcon variant="subtle" color="red" aria-label="Delete query" onClick={onDelete} size="lg">
          ✕
        </ActionIcon>
      </Group>
      <Group gap={6} mt={4}>
        <Badge size="xs" variant={rule.origin === 'teacher' ? 'filled' : 'outline'} color={rule.origin === 'teacher' ? 'grape' : 'gray'} data-testid="rule-origin">
          {rule.origin === 'teacher' ? "teacher's" : 'yours'}
        </Badge>
        {rule.ruleId && <Text size="xs" c="dimmed">{rule.ruleId}</Text>}
      </Group>
    </Card>
  )
}

function NewRule({ onAdd, defaultKind }: { onAdd: (rule: { kind: RuleKind; text: string; weight: number }) => Promise<boolean>; defaultKind: RuleKind }) {
  const [kind, setKind] = useState<RuleKind>(defaultKind)
  const [text, setText] = useState('')
  const [weight, setWeight] = useState<number | string>(1)
  useEffect(() => setKind(defaultKind), [defaultKind])
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault()
        void onAdd({ kind, text, weight: Number(weight) }).then((saved) => {
          if (!saved) return // keep what the user typed next to the error
          setText('')
          setWeight(1)
        })
      }}
    >
      <Group wrap="nowrap" align="end" gap="xs">
        <Select label="Kind" data={KINDS} value={kind} allowDeselect={false} onChange={(k) => k && setKind(k as RuleKind)} w={110} />
        <TextInput label="New query" placeholder="Does the agent end on the goal?" value={text} style={{ flex: 1 }}
          onChange={(e) => setText(e.currentTarget.value)} />
        <NumberInput label="Weight" value={weight} onChange={setWeight} min={0} max={100} step={0.1} w={90} />
        <Button type="submit" disabled={!text.trim()}>
          Add
        </Button>
      </Group>
    </form>
  )
}
