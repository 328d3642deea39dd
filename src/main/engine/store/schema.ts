import type { Migration } from './migrations'

/**
 * The project file's schema history. Frames are PNG blobs (never JSON number arrays); P(Yes)
 * per query is a short JSON array aligned with the run's query snapshot.
 */
export const PROJECT_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'tasks, rule queries, runs, steps, videos',
    up: `
      CREATE TABLE project_meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
      CREATE TABLE tasks (
        id              TEXT PRIMARY KEY,
        created_at      TEXT NOT NULL,
        instruction     TEXT NOT NULL,
        source          TEXT NOT NULL CHECK (source IN ('dropped', 'file', 'suite')),
        source_name     TEXT,
        family          TEXT,
        seed            INTEGER,
        frame_width     INTEGER NOT NULL CHECK (frame_width > 0),
        frame_height    INTEGER NOT NULL CHECK (frame_height > 0),
        first_frame_png BLOB NOT NULL
      );
      CREATE TABLE rule_queries (
        id         TEXT PRIMARY KEY,
        task_id    TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
        position   INTEGER NOT NULL,
        kind       TEXT NOT NULL CHECK (kind IN ('goal', 'process')),
        text       TEXT NOT NULL,
        weight     REAL NOT NULL CHECK (weight >= 0),
        origin     TEXT NOT NULL CHECK (origin IN ('teacher', 'user')),
        rule_id    TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX rule_queries_by_task ON rule_queries(task_id, position);
      CREATE TABLE runs (
        id                  TEXT PRIMARY KEY,
        task_id             TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
        method              TEXT NOT NULL CHECK (method IN ('teacher', 'best-of-n', 'base', 'solver')),
        status              TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'cancelled', 'failed', 'interrupted')),
        settings_json       TEXT NOT NULL,
        queries_json        TEXT NOT NULL,
        model_package_id    TEXT NOT NULL,
        model_package_hash  TEXT NOT NULL,
        app_version         TEXT NOT NULL,
        onnxruntime_version TEXT NOT NULL,
        created_at          TEXT NOT NULL,
        started_at          TEXT,
        finished_at         TEXT,
        error               TEXT,
        owner_pid           INTEGER
      );
      CREATE INDEX runs_by_task ON runs(task_id, created_at);
      CREATE INDEX runs_by_status ON runs(status);
      CREATE TABLE steps (
        run_id        TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        idx           INTEGER NOT NULL CHECK (idx >= 0),
        loss          REAL NOT NULL,
        p_yes_json    TEXT NOT NULL,
        learning_rate REAL NOT NULL,
        grad_norm     REAL NOT NULL,
        duration_ms   REAL NOT NULL,
        created_at    TEXT NOT NULL,
        PRIMARY KEY (run_id, idx)
      ) WITHOUT ROWID;
      CREATE TABLE step_preview_frames (
        run_id   TEXT NOT NULL,
        step_idx INTEGER NOT NULL,
        idx      INTEGER NOT NULL CHECK (idx >= 0),
        width    INTEGER NOT NULL,
        height   INTEGER NOT NULL,
        png      BLOB NOT NULL,
        PRIMARY KEY (run_id, step_idx, idx),
        FOREIGN KEY (run_id, step_idx) REFERENCES steps(run_id, idx) ON DELETE CASCADE
      );
      CREATE TABLE videos (
        id         TEXT PRIMARY KEY,
        run_id     TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        kind       TEXT NOT NULL CHECK (kind IN ('base', 'candidate', 'final')),
        fps        REAL NOT NULL CHECK (fps > 0),
        created_at TEXT NOT NULL
      );
      CREATE INDEX videos_by_run ON videos(run_id);
      CREATE TABLE video_frames (
        video_id TEXT NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
        idx      INTEGER NOT NULL CHECK (idx >= 0),
        width    INTEGER NOT NULL,
        height   INTEGER NOT NULL,
        png      BLOB NOT NULL,
        PRIMARY KEY (video_id, idx)
      );
    `,
  },
  {
    version: 2,
    name: 'run results (stop reason, final P(Yes), provider used, evaluator verdicts)',
    up: `ALTER TABLE runs ADD COLUMN result_json TEXT;`,
  },
  {
    version: 3,
    name: "suite tasks' split (train or held-out)",
    up: `
      ALTER TABLE tasks ADD COLUMN split TEXT CHECK (split IN ('train', 'heldout'));
      UPDATE tasks SET split = 'train' WHERE family IS NOT NULL AND seed IS NOT NULL;
    `,
  },
]
