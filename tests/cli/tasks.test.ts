import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PNG } from 'pngjs'
import { afterAll, describe, expect, it } from 'vitest'

const dir = mkdtempSync(join(tmpdir(), 'tasks-cli-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const cli = (...args: string[]) => execFileSync('npx', ['tsx', 'src/main/cli/index.ts', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })

describe('tasks CLI', () => {
  it('samples a task to a PNG, a GIF, the instruction and a task card', () => {
    const out = join(dir, 'maze3')
    const text = cli('tasks', 'sample', '--family', 'maze', '--seed', '3', '--out', out)
    expect(text).toMatch(/every rule holds/)
    const png = PNG.sync.read(readFileSync(join(out, 'first-frame.png')))
    expect([png.width, png.height]).toEqual([80, 80])
    expect(readFileSync(join(out, 'ground-truth.gif')).subarray(0, 6).toString()).toBe('GIF89a')
    const card = JSON.parse(readFileSync(join(out, 'task.json'), 'utf8'))
    expect(card.instruction).toBe(readFileSync(join(out, 'instruction.txt'), 'utf8').trim())
    expect(card.verdict.success).toBe(true)
  })

  it('explains an unknown family and an unknown command', () => {
    let err = ''
    try {
      cli('tasks', 'sample', '--family', 'tetris', '--out', join(dir, 'x'))
    } catch (e) {
      err = (e as { stderr: string }).stderr
    }
    expect(err).toMatch(/Unknown task family "tetris"/)
    expect(existsSync(join(dir, 'x', 'first-frame.png'))).toBe(false)
    try {
      cli('tasks', 'dance')
    } catch (e) {
      err = (e as { stderr: string }).stderr
    }
    expect(err).toMatch(/Unknown command "tasks dance"/)
  })
})
