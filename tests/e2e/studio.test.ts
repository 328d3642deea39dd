import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from '../helpers/chromium'
import { makeMazeImage, makeTruncatedPng } from '../helpers/images'
import { repoRoot, startServe, type ServeProcess } from '../helpers/serve'
import { useTempDirs } from '../helpers/temp'

const SCREENSHOT = join(repoRoot, 'docs', 'images', 'studio.png')
const INSTRUCTION = 'Move the red agent through the maze to the green goal, one cell at a time, never crossing a wall.'

async function dropFile(page: Page, name: string, mimeType: string, bytes: Uint8Array) {
  await page.getByTestId('task-dropzone').locator('input[type=file]').setInputFiles({ name, mimeType, buffer: Buffer.from(bytes) })
}

/** [kind, query, weight] of every rule row, read in one pass (rows re-render after each save). */
function ruleTexts(page: Page) {
  return page.getByTestId('rule-row').evaluateAll((rows) =>
    rows.map((row) =>
      ['Kind', 'Query', 'Weight'].map((label) => (row.querySelector(`[aria-label="${label}"]`) as HTMLInputElement | null)?.value ?? null),
    ),
  )
}

const EXPECTED_RULES = [
  ['Goal', 'Does the red agent end on the green goal?', '1'],
  ['Process', 'Does the red agent stay off every grey wall?', '0.5'],
  ['Process', 'Does the red agent move at most one cell per frame?', '1'],
]

describe('the studio in a browser (serve + Chromium)', () => {
  const tempDir = useTempDirs()
  let browser: Browser
  let serve: ServeProcess | undefined

  beforeAll(async () => {
    browser = await launchChromium()
  })
  afterAll(async () => {
    await serve?.stop()
    await browser?.close()
  })

  it('creates a project, adds a task, edits its rules and finds everything after reload and restart', { timeout: 180_000 }, async () => {
    const dataDir = tempDir()
    serve = await startServe(dataDir)
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    page.setDefaultTimeout(15_000)
    const pageErrors: string[] = []
    page.on('pageerror', (e) => pageErrors.push(e.message))
    page.on('console', (m) => m.type() === 'error' && pageErrors.push(`console: ${m.text()}`))
    await page.goto(serve.url)

    // Create a project.
    await page.getByLabel('New project').fill('E2E study')
    await page.getByRole('button', { name: 'Create project' }).click()
    await expect.poll(() => page.getByTestId('project-name').textContent()).toBe('E2E study')

    // Drop an image and write the instruction.
    await dropFile(page, 'maze.png', 'image/png', await makeMazeImage())
    await expect.poll(() => page.getByTestId('chosen-image').textContent()).toBe('maze.png')
    await page.getByLabel('Instruction').fill(INSTRUCTION)
    await page.getByRole('button', { name: 'Add task' }).click()
    await expect.poll(() => page.getByTestId('task-instruction').textContent()).toBe(INSTRUCTION)

    // Add, edit, re-weight and delete rule queries.
    const addRule = async (text: string, weight?: string) => {
      await page.getByLabel('New query').fill(text)
      if (weight) await page.getByRole('textbox', { name: 'Weight', exact: true }).last().fill(weight)
      const before = await page.getByTestId('rule-row').count()
      await page.getByRole('button', { name: 'Add', exact: true }).click()
      await expect.poll(() => page.getByTestId('rule-row').count()).toBe(before + 1)
    }
    await addRule('Does the red agent end on the goal?')
    await expect.poll(() => page.getByTestId('rules-problem').textContent()).toMatch(/needs one to three process queries/)
    await addRule('Does the red agent stay off every grey wall?', '2')
    await addRule('Is this query about to be deleted?')
    await addRule('Does the red agent move at most one cell per frame?')
    expect(await page.getByTestId('rules-problem').count()).toBe(0)

    const first = page.getByTestId('rule-row').nth(0)
    await first.getByLabel('Query', { exact: true }).fill('Does the red agent end on the green goal?')
    await first.getByLabel('Query', { exact: true }).press('Enter')
    const second = page.getByTestId('rule-row').nth(1)
    await second.getByLabel('Weight', { exact: true }).fill('0.5')
    await second.getByLabel('Weight', { exact: true }).press('Enter')
    await page.getByTestId('rule-row').nth(2).getByRole('button', { name: 'Delete query' }).click()
    await expect.poll(() => ruleTexts(page)).toEqual(EXPECTED_RULES)

    // Reload the page: the task and its rules are still there.
    await page.reload()
    await page.getByTestId('task-list').getByText(INSTRUCTION).click()
    await expect.poll(() => ruleTexts(page)).toEqual(EXPECTED_RULES)

    // Restart the server: open the project from the recent list and find everything.
    await serve.stop()
    serve = await startServe(dataDir)
    await page.goto(serve.url)
    await page.getByTestId('recent-projects').getByRole('button', { name: 'Open' }).click()
    await page.getByTestId('task-list').getByText(INSTRUCTION).click()
    await expect.poll(() => page.getByTestId('task-instruction').textContent()).toBe(INSTRUCTION)
    await expect.poll(() => ruleTexts(page)).toEqual(EXPECTED_RULES)
    await expect.poll(() => page.getByAltText('First frame').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(80)
    mkdirSync(join(repoRoot, 'docs', 'images'), { recursive: true })
    await page.screenshot({ path: SCREENSHOT })

    // Deleting asks for a second click, then the task is gone.
    await page.getByRole('button', { name: 'Delete task' }).click()
    await page.getByRole('button', { name: 'Click again to delete' }).click()
    await expect.poll(() => page.getByText('No tasks yet').count()).toBe(1)

    expect(pageErrors).toEqual([])
    await page.close()
    await serve.stop()
  })

  it('shows clear errors for a corrupt PNG, malformed task files and an oversized file, and adds nothing', { timeout: 120_000 }, async () => {
    serve = await startServe(tempDir())
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    page.setDefaultTimeout(15_000)
    await page.goto(serve.url)
    await page.getByLabel('Open a project file').fill('/nowhere/lost.tstudio')
    await page.getByRole('button', { name: 'Open', exact: true }).click()
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toMatch(/The project was not opened.*No project file at \/nowhere\/lost.tstudio: it was moved or deleted/)
    await page.getByLabel('New project').fill('Errors')
    await page.getByRole('button', { name: 'Create project' }).click()
    await expect.poll(() => page.getByTestId('project-name').textContent()).toBe('Errors')

    await dropFile(page, 'broken.png', 'image/png', await makeTruncatedPng())
    await page.getByLabel('Instruction').fill('Anything')
    await page.getByRole('button', { name: 'Add task' }).click()
    const alert = page.getByRole('alert').filter({ hasText: 'The task was not added' })
    await expect.poll(() => alert.textContent()).toMatch(/"broken.png" looks like a PNG image but cannot be decoded.*damaged or truncated/)

    await dropFile(page, 'bad.task.json', 'application/json', new TextEncoder().encode('{"format": "teacher-studio.task", "instruction": '))
    await expect.poll(() => alert.textContent()).toMatch(/Task file "bad.task.json" is not valid JSON/)

    const wrong = JSON.stringify({ format: 'teacher-studio.task', version: 1, instruction: 'x', image: 'AAAA', colour: 'red' })
    await dropFile(page, 'wrong.task.json', 'application/json', new TextEncoder().encode(wrong))
    await expect.poll(() => alert.textContent()).toMatch(/does not match the task format.*colour/)

    await dropFile(page, 'huge.png', 'image/png', new Uint8Array(21 * 1024 * 1024))
    await expect.poll(() => alert.textContent()).toMatch(/"huge.png" is 21.0 MB, over the 20 MB limit/)

    expect(await page.getByText('No tasks yet').count()).toBe(1)
    await page.close()
  })
})
