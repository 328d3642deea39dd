import { randomUUID } from 'node:crypto'
import type { RuleKind, RuleOrigin, SuiteSplit, Task, TaskSource, TaskSummary } from '../../../shared'
import type { ProjectDatabase } from './database'

export interface NewTask {
  instruction: string
  source: TaskSource
  sourceName: string | null
  family: string | null
  seed: number | null
  split: SuiteSplit | null
  firstFrame: { width: number; height: number; png: Uint8Array }
  rules: { kind: RuleKind; text: string; weight: number; origin: RuleOrigin; ruleId: string | null }[]
}

interface TaskRow {
  id: string
  created_at: string
  instruction: string
  source: TaskSource
  source_name: string | null
  family: string | null
  seed: number | null
  split: SuiteSplit | null
  frame_width: number
  frame_height: number
}

const SUMMARY_COLUMNS = 'id, created_at, instruction, source, source_name, family, seed, split, frame_width, frame_height'

function toSummary(row: TaskRow): TaskSummary {
  return {
    id: row.id,
    createdAt: row.created_at,
    instruction: row.instruction,
    source: row.source,
    sourceName: row.source_name,
    family: row.family,
    seed: row.seed,
    split: row.split,
    frameWidth: row.frame_width,
    frameHeight: row.frame_height,
  }
}

/** Tasks and their first frames. A task and its starting rules are written in one transaction. */
export class TaskTable {
  constructor(private readonly db: ProjectDatabase) {}

  create(task: NewTask): TaskSummary {
    const id = randomUUID()
    const now = new Date().toISOString()
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO tasks (id, created_at, instruction, source, source_name, family, seed, split, frame_width, frame_height, first_frame_png)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(id, now, task.instruction, task.source, task.sourceName, task.family, task.seed, task.split,
          task.firstFrame.width, task.firstFrame.height, task.firstFrame.png)
      const insertRule = this.db.prepare(
        `INSERT INTO rule_queries (id, task_id, position, kind, text, weight, origin, rule_id, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      task.rules.forEach((rule, position) =>
        insertRule.run(randomUUID(), id, position, rule.kind, rule.text, rule.weight, rule.origin, rule.ruleId, now, now),
      )
    })()
    return this.summary(id)!
  }

  list(): TaskSummary[] {
    const rows = this.db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM tasks ORDER BY created_at, rowid`).all() as TaskRow[]
    return rows.map(toSummary)
  }

  summary(id: string): TaskSummary | undefined {
    const row = this.db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM tasks WHERE id = ?`).get(id) as TaskRow | undefined
    return row && toSummary(row)
  }

  get(id: string): Task | undefined {
    const row = this.db
      .prepare(`SELECT ${SUMMARY_COLUMNS}, first_frame_png FROM tasks WHERE id = ?`)
      .get(id) as (TaskRow & { first_frame_png: Buffer }) | undefined
    if (!row) return undefined
    return {
      ...toSummary(row),
      firstFrame: { width: row.frame_width, height: row.frame_height, png: new Uint8Array(row.first_frame_png) },
    }
  }

  delete(id: string): boolean {
    return this.db.prepare(`DELETE FROM tasks WHERE id = ?`).run(id).changes > 0
  }
}
