/**
 * The query writer's output format: "goal: <question> | process: <question> | ...". Parsing is
 * forgiving (a garbled part is dropped) because it reads free model output.
 */
export interface PlannedQuery {
  kind: 'goal' | 'process'
  text: string
}

export function parsePlan(text: string): PlannedQuery[] {
  const out: PlannedQuery[] = []
  for (const raw of text.split('|')) {
    const part = raw.trim()
    for (const kind of ['goal', 'process'] as const) {
      if (part.startsWith(`${kind}:`)) {
        const query = part.slice(kind.length + 1).trim()
        if (query) out.push({ kind, text: query })
      }
    }
  }
  return out
}

export function formatPlan(queries: readonly PlannedQuery[]): string {
  return queries.map((q) => `${q.kind}: ${q.text}`).join(' | ')
}
