import { randomUUID } from 'node:crypto'
import type { Run, RunMethod, RunQuery, RunResult, RunSettings, RunStatus, Step, Video, VideoKind } from '../../../shared'
import { FINISHED_RUN_STATUSES } from '../../../shared'
import { encodeRgbFrame, type RgbFrame } from '../images'
import type { ProjectDatabase } from './database'

export interface NewRun {
  taskId: string
  method: RunMethod
  settings: RunSettings
  queries: RunQuery[]
  model: { packageId: string; packageHash: string }
  versions: { app: string; onnxruntime: string }
}

export interface NewStep {
  index: number
  loss: number
  pYes: number[]
  learningRate: number
  gradNorm: number
  durationMs: number
  previewFrames: RgbFrame[]
}

interface RunRow {
  id: string
  task_id: string
  method: RunMethod
  status: RunStatus
  settings_json: string
  queries_json: string
  model_package_id: string
  model_package_hash: string
  app_version: string
  onnxruntime_version: string
  created_at: string
  started_at: string | null
  finished_at: string | null
  error: string | null
  owner_pid: number | null
  step_count: number
  result_json: string | null
}

interface FrameRow { width: number; height: number; png: Buffer }
const toFrame = (row: FrameRow) => ({ width: row.width, height: row.height, png: new Uint8Array(row.png) })

const RUN_SELECT = `SELECT runs.*, (SELECT count(*) FROM steps WHERE steps.run_id = runs.id) AS step_count FROM runs`

function toRun(row: RunRow): Run {
  return {
    id: row.id,
    taskId: row.task_id,
    method: row.method,
    status: row.status,
    settings: JSON.parse(row.settings_json) as RunSettings,
    queries: JSON.parse(row.queries_json) as RunQuery[],
    timings: { createdAt: row.created_at, startedAt: row.started_at, finishedAt: row.finished_at },
    model: { packageId: row.model_package_id, packageHash: row.model_package_hash },
    versions: { app: row.app_version, onnxruntime: row.onnxruntime_version },
    error: row.error,
    stepCount: row.step_count,
    result: row.result_json ? (JSON.parse(row.result_json) as RunResult) : null,
  }
}

/**
 * Runs, their steps (one transaction per step, written as it happens) and their videos.
 * Frames are stored as PNG blobs, one row per frame.
 */
export class RunTable {
  constructor(private readonly db: ProjectDatabase) {}

  create(run: NewRun): Run {
    const id = randomUUID()
    this.db
      .prepare(
        `INSERT INTO runs (id, task_id, method, status, settings_json, queries_json, model_package_id, model_package_hash,
                           app_version, onnxruntime_version, created_at, owner_pid)
         VALUES (?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, run.taskId, run.method, JSON.stringify(run.settings), JSON.stringify(run.queries),
        run.model.packageId, run.model.packageHash, run.versions.app, run.versions.onnxruntime, new Date().toISOString(),
        process.pid)
    return this.get(id)!
  }

  get(id: string): Run | undefined {
    const row = this.db.prepare(`${RUN_SELECT} WHERE id = ?`).get(id) as RunRow | undefined
    return row && toRun(row)
  }

  list(taskId: string): Run[] {
    const rows = this.db.prepare(`${RUN_SELECT} WHERE task_id = ? ORDER BY created_at, rowid`).all(taskId) as RunRow[]
    return rows.map(toRun)
  }

  /** Marks a queued run as running in this process (its pid tells a later open whether it died). */
  start(id: string, ownerPid: number = process.pid): Run {
    const changed = this.db
      .prepare(`UPDATE runs SET status = 'running', started_at = ?, owner_pid = ? WHERE id = ? AND status = 'queued'`)
      .run(new Date().toISOString(), ownerPid, id).changes
    if (changed !== 1) throw new Error(`Run ${id} cannot start: it is not queued (status ${this.get(id)?.status})`)
    return this.get(id)!
  }

  finish(id: string, status: Exclude<RunStatus, 'queued' | 'running'>, error: string | null = null, result: RunResult | null = null): Run {
    const changed = this.db
      .prepare(`UPDATE runs SET status = ?, finished_at = ?, error = ?, result_json = ?, owner_pid = NULL
                WHERE id = ? AND status IN ('queued', 'running')`)
      .run(status, new Date().toISOString(), error, result && JSON.stringify(result), id).changes
    if (changed !== 1) throw new Error(`Run ${id} cannot finish as ${status}: it already ended (status ${this.get(id)?.status})`)
    return this.get(id)!
  }

  /**
   * Writes one step and its preview frames atomically (PNG encoding happens before the
   * transaction) and returns the step as stored, frames encoded, for events.
   */
  appendStep(runId: string, step: NewStep): Step {
    const frames = step.previewFrames.map((f) => ({ width: f.width, height: f.height, png: encodeRgbFrame(f) }))
    const now = new Date().toISOString()
    this.db.transaction(() => {
      const run = this.db.prepare(`SELECT status FROM runs WHERE id = ?`).get(runId) as { status: RunStatus } | undefined
      if (run?.status !== 'running') throw new Error(`Run ${runId} is ${run?.status ?? 'missing'}: steps are written only while it runs`)
      this.db
        .prepare(
          `INSERT INTO steps (run_id, idx, loss, p_yes_json, learning_rate, grad_norm, duration_ms, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(runId, step.index, step.loss, JSON.stringify(step.pYes), step.learningRate, step.gradNorm, step.durationMs, now)
      const insertFrame = this.db.prepare(
        `INSERT INTO step_preview_frames (run_id, step_idx, idx, width, height, png) VALUES (?, ?, ?, ?, ?, ?)`,
      )
      frames.forEach((f, i) => insertFrame.run(runId, step.index, i, f.width, f.height, f.png))
    })()
    const { previewFrames: _raw, ...metrics } = step
    return { runId, ...metrics, previewFrames: frames }
  }

  steps(runId: string): Step[] {
    const rows = this.db
      .prepare(`SELECT * FROM steps WHERE run_id = ? ORDER BY idx`)
      .all(runId) as { idx: number; loss: number; p_yes_json: string; learning_rate: number; grad_norm: number; duration_ms: number }[]
    const frameQuery = this.db.prepare(
      `SELECT width, height, png FROM step_preview_frames WHERE run_id = ? AND step_idx = ? ORDER BY idx`,
    )
    return rows.map((row) => ({
      runId,
      index: row.idx,
      loss: row.loss,
      pYes: JSON.parse(row.p_yes_json) as number[],
      learningRate: row.learning_rate,
      gradNorm: row.grad_norm,
      durationMs: row.duration_ms,
      previewFrames: (frameQuery.all(runId, row.idx) as FrameRow[]).map(toFrame),
    }))
  }

  addVideo(runId: string, video: { kind: VideoKind; fps: number; frames: RgbFrame[] }): Video {
    const id = randomUUID()
    const frames = video.frames.map((f) => ({ width: f.width, height: f.height, png: encodeRgbFrame(f) }))
    const now = new Date().toISOString()
    this.db.transaction(() => {
      this.db.prepare(`INSERT INTO videos (id, run_id, kind, fps, created_at) VALUES (?, ?, ?, ?, ?)`).run(id, runId, video.kind, video.fps, now)
      const insertFrame = this.db.prepare(`INSERT INTO video_frames (video_id, idx, width, height, png) VALUES (?, ?, ?, ?, ?)`)
      frames.forEach((f, i) => insertFrame.run(id, i, f.width, f.height, f.png))
    })()
    return { id, runId, kind: video.kind, fps: video.fps, frames, createdAt: now }
  }

  videos(runId: string): Video[] {
    const rows = this.db
      .prepare(`SELECT * FROM videos WHERE run_id = ? ORDER BY created_at, rowid`)
      .all(runId) as { id: string; kind: VideoKind; fps: number; created_at: string }[]
    const frameQuery = this.db.prepare(`SELECT width, height, png FROM video_frames WHERE video_id = ? ORDER BY idx`)
    return rows.map((row) => ({
      id: row.id,
      runId,
      kind: row.kind,
      fps: row.fps,
      createdAt: row.created_at,
      frames: (frameQuery.all(row.id) as FrameRow[]).map(toFrame),
    }))
  }

  /**
   * Marks runs left queued or running by a process that no longer exists as interrupted; their
   * steps stay. Returns how many were marked.
   */
  markInterrupted(isProcessAlive: (pid: number) => boolean): number {
    const open = this.db
      .prepare(`SELECT id, owner_pid FROM runs WHERE status IN ('queued', 'running')`)
      .all() as { id: string; owner_pid: number | null }[]
    const orphaned = open.filter((r) => r.owner_pid === null || !isProcessAlive(r.owner_pid))
    const mark = this.db.prepare(
      `UPDATE runs SET status = 'interrupted', finished_at = ?, owner_pid = NULL,
              error = 'The studio stopped while this run was in progress; the steps written before it stopped are kept.'
       WHERE id = ?`,
    )
    const now = new Date().toISOString()
    this.db.transaction(() => orphaned.forEach((r) => mark.run(now, r.id)))()
    return orphaned.length
  }

  isFinished(id: string): boolean {
    const run = this.get(id)
    return run !== undefined && FINISHED_RUN_STATUSES.includes(run.status)
  }
}
