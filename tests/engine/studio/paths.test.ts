import { describe, expect, it } from 'vitest'
import { defaultDataDir, projectFileStem } from '../../../src/main/engine'

describe('defaultDataDir', () => {
  it('follows each platform and the TEACHER_STUDIO_HOME override', () => {
    expect(defaultDataDir({}, 'linux', '/home/u')).toBe('/home/u/.local/share/teacher-studio')
    expect(defaultDataDir({ XDG_DATA_HOME: '/xdg' }, 'linux', '/home/u')).toBe('/xdg/teacher-studio')
    expect(defaultDataDir({}, 'darwin', '/Users/u')).toBe('/Users/u/Library/Application Support/teacher-studio')
    expect(defaultDataDir({ TEACHER_STUDIO_HOME: '/data' }, 'linux', '/home/u')).toBe('/data')
  })
})

describe('projectFileStem', () => {
  it('makes a safe, readable file name', () => {
    expect(projectFileStem('Maze study #2')).toBe('maze-study-2')
    expect(projectFileStem('../../etc/passwd')).toBe('etc-passwd')
    expect(projectFileStem('Études')).toBe('etudes')
    expect(projectFileStem('迷路')).toBe('迷路')
    expect(projectFileStem('***')).toBe('project')
  })
})
