import { randomUUID } from 'node:crypto'
import type { RuleKind, RuleOrigin, RuleQuery } from '../../../shared'
import type { ProjectDatabase } from './database'

interface RuleRow {
  id: string
  task_id: string
  position: number
  kind: RuleKind
  text: string
  weight: number
  origin: RuleOrigin
  rule_id: string | null
}

const toRule = (row: RuleRow): RuleQuery => ({
  id: row.id,
  taskId: row.task_id,
  position: row.position,
  kind: row.kind,
  text: row.text,
  weight: row.weight,
  origin: row.origin,
  ruleId: row.rule_id,
})

/** A task's yes/no rule queries, kept in the order the user sees them. */
export class RuleTable {
  constructor(private readonly db: ProjectDatabase) {}

  list(taskId: string): RuleQuery[] {
    const rows = this.db
      .prepare(`SELECT * FROM rule_queries WHERE task_id = ? ORDER BY position, created_at`)
      .all(taskId) as RuleRow[]
    return rows.map(toRule)
  }

  get(id: string): RuleQuery | undefined {
    const row = this.db.prepare(`SELECT * FROM rule_queries WHERE id = ?`).get(id) as RuleRow | undefined
    return row && toRule(row)
  }

  add(rule: { taskId: string; kind: RuleKind; text: string; weight: number; origin: RuleOrigin; ruleId?: string | null }): RuleQuery {
    const id = randomUUID()
    const now = new Date().toISOString()
    this.db.transaction(() => {
      const { next } = this.db
        .prepare(`SELECT coalesce(max(position) + 1, 0) AS next FROM rule_queries WHERE task_id = ?`)
        .get(rule.taskId) as { next: number }
      this.db
        .prepare(
          `INSERT INTO rule_queries (id, task_id, position, kind, text, weight, origin, rule_id, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(id, rule.taskId, next, rule.kind, rule.text, rule.weight, rule.origin, rule.ruleId ?? null, now, now)
    })()
    return this.get(id)!
  }

  /** Applies the given changes; returns undefined when the rule does not exist. */
  update(id: string, changes: { kind?: RuleKind; text?: string; weight?: number }): RuleQuery | undefined {
    const current = this.get(id)
    if (!current) return undefined
    const next = { ...current, ...changes }
    this.db
      .prepare(`UPDATE rule_queries SET kind = ?, text = ?, weight = ?, updated_at = ? WHERE id = ?`)
      .run(next.kind, next.text, next.weight, new Date().toISOString(), id)
    return this.get(id)
  }

  delete(id: string): boolean {
    return this.db.prepare(`DELETE FROM rule_queries WHERE id = ?`).run(id).changes > 0
  }
}
