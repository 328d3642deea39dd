import Database from 'better-sqlite3'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { migrate, type Migration } from '../../../src/main/engine/store'
import { useTempDirs } from '../../helpers/temp'

const v1: Migration = { version: 1, name: 'notes', up: `CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);` }
const v2: Migration = { version: 2, name: 'note titles', up: `ALTER TABLE notes ADD COLUMN title TEXT NOT NULL DEFAULT 'untitled';` }
const broken: Migration = { version: 2, name: 'broken', up: `ALTER TABLE notes ADD COLUMN a TEXT; THIS IS NOT SQL;` }

describe('migrate', () => {
  const tempDir = useTempDirs()

  it('upgrades an older file forward and keeps its rows', () => {
    const path = join(tempDir(), 'old.db')
    const old = new Database(path)
    expect(migrate(old, [v1])).toBe(1)
    old.prepare(`INSERT INTO notes (body) VALUES ('kept')`).run()
    old.close()

    const db = new Database(path)
    expect(migrate(db, [v1, v2])).toBe(2)
    expect(db.pragma('user_version', { simple: true })).toBe(2)
    expect(db.prepare(`SELECT body, title FROM notes`).all()).toEqual([{ body: 'kept', title: 'untitled' }])
    db.close()
  })

  it('rolls a failing migration back whole and leaves the file at the previous version', () => {
    const db = new Database(join(tempDir(), 'x.db'))
    migrate(db, [v1])
    expect(() => migrate(db, [v1, broken])).toThrow()
    expect(db.pragma('user_version', { simple: true })).toBe(1)
    const columns = (db.pragma('table_info(notes)') as { name: string }[]).map((c) => c.name)
    expect(columns).toEqual(['id', 'body'])
    db.close()
  })

  it('refuses a file from a newer schema', () => {
    const db = new Database(join(tempDir(), 'new.db'))
    migrate(db, [v1, v2])
    expect(() => migrate(db, [v1])).toThrow(/schema version 2, newer than this build knows \(1\)/)
    db.close()
  })

  it('refuses migrations listed out of order', () => {
    const db = new Database(':memory:')
    expect(() => migrate(db, [v2])).toThrow(/expected 1/)
    db.close()
  })
})
