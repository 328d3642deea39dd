import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { RecentProjects } from '../../../src/main/engine/store'
import { useTempDirs } from '../../helpers/temp'

describe('RecentProjects', () => {
  const tempDir = useTempDirs()

  it('lists the newest first, once per path, and flags files that disappeared', () => {
    const dir = tempDir()
    const a = join(dir, 'a.tstudio')
    const b = join(dir, 'b.tstudio')
    writeFileSync(a, '')
    writeFileSync(b, '')
    const recent = new RecentProjects(dir)
    recent.remember('A', a)
    recent.remember('B', b)
    recent.remember('A again', a)
    rmSync(b)
    expect(new RecentProjects(dir).list().map((p) => [p.name, p.exists])).toEqual([['A again', true], ['B', false]])
  })

  it('starts over from a damaged list instead of failing', () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'recent-projects.json'), '{ not json')
    const recent = new RecentProjects(dir)
    expect(recent.list()).toEqual([])
    recent.remember('C', join(dir, 'c.tstudio'))
    expect(recent.list().map((p) => p.name)).toEqual(['C'])
  })
})
