/**
 * The studio's whole loop in Chromium against browser mode, on the built-in model package:
 * held-out suite task -> extract rules -> edit one -> teacher run with live charts -> queue and cancel a
 * second run -> timeline -> export MP4 (frame count checked with ffprobe) -> history -> settings.
 * Saves a screenshot of each screen to docs/images/.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from '../helpers/chromium'
import { makeMazeImage } from '../helpers/images'
import { repoRoot, startServe, type ServeProcess } from '../helpers/serve'
import { useTempDirs } from '../helpers/temp'

const IMAGES = join(repoRoot, 'docs', 'images')
/** Enough steps (30-250 ms each on 2 CPU cores) to watch the curves grow while the run runs. */
const MAX_STEPS = 120
/**
 * A held-out maze whose base sample fails and whose teacher run (run seed = task seed) fixes it
 * (bench/results/2026-11-30-heldout-records.json), so the pictures show the teacher teaching.
 */
const HELDOUT_SEED = 26
/** Chart points to see live before the run's picture: the teacher's first steps on the held-out maze. */
const LIVE_POINTS = 6
/** Steps scored: the start (step 0) and one after each of the MAX_STEPS updates. */
const SCORED_STEPS = MAX_STEPS + 1
/**
 * Only for developing against an untrained smoke package whose query writer writes nothing:
 * add the rules by hand instead of asserting the teacher's. Never set in the real suite.
 */
const HAND_RULES = process.env.TEACHER_STUDIO_E2E_HAND_RULES === '1'

/** A screenshot of the window, scrolled so that `testId` (when given) sits just under the header. */
async function shot(page: Page, name: string, testId?: string) {
  if (testId) {
    await page.getByTestId(testId).first().evaluate((el) => {
      el.scrollIntoView({ block: 'start' })
      window.scrollBy(0, -72)
    })
  } else {
    await page.evaluate(() => window.scrollTo(0, 0))
  }
  // Passing toasts ("Task added.") are left out of the pictures.
  const toasts = (visibility: string) =>
    page.evaluate((v) => document.querySelectorAll<HTMLElement>('.mantine-Notifications-root').forEach((n) => (n.style.visibility = v)), visibility)
  await toasts('hidden')
  await page.screenshot({ path: join(IMAGES, `${name}.png`), animations: 'disabled' })
  await toasts('')
}

/** Every attribute the test watches on the run being looked at, read in one pass. */
function runState(page: Page) {
  return page.evaluate(() => {
    const details = document.querySelector('[data-testid="run-details"]')
    const chart = document.querySelector('[data-testid="loss-chart"]')
    return {
      status: details?.getAttribute('data-status') ?? null,
      points: Number(chart?.getAttribute('data-points') ?? 0),
      dots: chart?.querySelectorAll('.recharts-line-dots circle, .recharts-dot').length ?? 0,
      progress: document.querySelector('[data-testid="run-progress"]')?.textContent ?? null,
    }
  })
}

describe('the whole studio loop in a browser', () => {
  const tempDir = useTempDirs()
  let browser: Browser
  let serve: ServeProcess | undefined

  beforeAll(async () => {
    browser = await launchChromium()
    mkdirSync(IMAGES, { recursive: true })
  })
  afterAll(async () => {
    await serve?.stop()
    await browser?.close()
  })

  it('picks a suite task, extracts and edits rules, runs the teacher live, cancels a queued run and exports an MP4', { timeout: 300_000 }, async () => {
    const dataDir = tempDir()
    serve = await startServe(dataDir)
    const page = await browser.newPage({ viewport: { width: 1360, height: 1000 } })
    page.setDefaultTimeout(30_000)
    const pageErrors: string[] = []
    page.on('pageerror', (e) => pageErrors.push(e.message))
    page.on('console', (m) => m.type() === 'error' && pageErrors.push(`console: ${m.text()}`))
    await page.goto(serve.url)

    await page.getByLabel('New project').fill('Loop study')
    await page.getByRole('button', { name: 'Create project' }).click()
    await expect.poll(() => page.getByTestId('project-name').textContent()).toBe('Loop study')

    // 1. Pick a task from the suite; its first frame shows at once. The picker says which model
    // package runs a family (a family outside every package: the drop test below).
    await page.getByRole('combobox', { name: 'Family' }).click()
    await page.getByRole('option', { name: 'connect', exact: true }).click()
    await expect.poll(() => page.getByTestId('family-package').textContent()).toMatch(/Its tasks run on the connect model package, trained on connect\./)
    await page.getByRole('combobox', { name: 'Family' }).click()
    await page.getByRole('option', { name: 'push', exact: true }).click()
    await expect.poll(() => page.getByTestId('family-package').textContent()).toMatch(/Its tasks run on the blocks model package, trained on (fall and push|push and fall)\./)
    expect(await page.getByTestId('family-outside-package').count()).toBe(0)
    await page.getByRole('combobox', { name: 'Family' }).click()
    await page.getByRole('option', { name: 'maze', exact: true }).click()
    await expect.poll(() => page.getByTestId('family-package').textContent()).toMatch(/Its tasks run on the gridworld model package, trained on (maze and collect|collect and maze)\./)
    await page.getByLabel('Seed', { exact: true }).fill(String(HELDOUT_SEED))
    // The held-out split: a maze bigger and longer than any the built-in model was trained on.
    await page.getByText('held-out', { exact: true }).click()
    await expect.poll(() => page.getByTestId('split-description').textContent()).toMatch(/^Held-out: /)
    expect(await page.getByRole('radio', { name: 'held-out' }).isChecked()).toBe(true)
    await shot(page, 'new-task')
    await page.getByRole('button', { name: 'Generate' }).click()
    await expect.poll(() => page.getByAltText('First frame').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(80)
    await expect.poll(() => page.getByText(`maze · seed ${HELDOUT_SEED} · held-out`).count()).toBe(1)

    // 2. Extract rules: the teacher's goal and process queries appear, marked as the teacher's.
    await page.getByRole('button', { name: 'Extract rules' }).click()
    if (HAND_RULES) {
      await expect.poll(() => page.getByRole('alert').filter({ hasText: 'The teacher wrote no rules' }).count(), { timeout: 60_000 }).toBe(1)
      for (const [kind, text] of [['Goal', 'Does the red agent end on the green goal?'], ['Process', 'Does the red agent stay off every grey wall?']]) {
        await page.getByRole('combobox', { name: 'Kind', exact: true }).last().click()
        await page.getByRole('option', { name: kind, exact: true }).click()
        await page.getByLabel('New query').fill(text)
        const before = await page.getByTestId('rule-row').count()
        await page.getByRole('button', { name: 'Add', exact: true }).click()
        await expect.poll(() => page.getByTestId('rule-row').count()).toBe(before + 1)
      }
    } else {
      await expect.poll(() => page.getByTestId('rule-origin').filter({ hasText: "teacher's" }).count(), { timeout: 60_000 }).toBeGreaterThanOrEqual(2)
    }
    const rows = page.getByTestId('rule-row')
    const ruleCount = await rows.count()
    expect(ruleCount).toBeGreaterThanOrEqual(2)
    // Edit one: re-weight the last query and see the weight saved.
    await rows.last().getByLabel('Weight', { exact: true }).fill('0.5')
    await rows.last().getByLabel('Weight', { exact: true }).press('Enter')
    await expect.poll(() => page.getByTestId('rule-row').last().getByLabel('Weight', { exact: true }).inputValue()).toBe('0.5')
    expect(await page.getByLabel('λ (goal weight)').inputValue()).toMatch(/^0?\.\d+|^[01]$/)
    await shot(page, 'rules')

    // 3. Run the teacher method with a small budget (tau 0 so every step runs).
    await page.getByRole('tab', { name: 'Runs' }).click()
    await page.getByLabel('Max steps').fill(String(MAX_STEPS))
    await page.getByLabel('Tau').fill('0')
    await page.getByLabel('Seed', { exact: true }).fill(String(HELDOUT_SEED))
    await page.getByRole('button', { name: 'Run', exact: true }).click()

    // 4. Chart points appear while the run is still running (LIVE_POINTS of them before the picture).
    let live = { status: null as string | null, points: 0, dots: 0, progress: null as string | null }
    await expect
      .poll(async () => {
        live = await runState(page)
        return (live.points >= LIVE_POINTS && live.dots >= LIVE_POINTS && live.progress !== null) || live.status === 'done'
      }, { timeout: 120_000, interval: 100 })
      .toBe(true)
    expect(live).toMatchObject({ status: 'running' })
    expect(live.points).toBeGreaterThanOrEqual(LIVE_POINTS)
    expect(live.dots).toBeGreaterThanOrEqual(LIVE_POINTS)
    expect(live.progress).toMatch(new RegExp(`step \\d+ of ${SCORED_STEPS} .* ETA`))
    await shot(page, 'run', 'queue-panel')

    // Queue a second run, then cancel it without touching the first. The queue is paused meanwhile
    // so the second run is still waiting however fast the first one is.
    const firstId = await page.getByTestId('run-details').getAttribute('data-run-id')
    await page.getByRole('button', { name: 'Pause queue' }).click()
    await page.getByRole('button', { name: 'Run', exact: true }).click()
    const second = page.locator('[data-testid="queued-run"][data-status="queued"]')
    await expect.poll(() => second.count()).toBe(1)
    const secondId = await second.getAttribute('data-run-id')
    expect(secondId).not.toBe(firstId)
    await second.getByRole('button', { name: /^Cancel run/ }).click()
    await expect.poll(() => page.locator(`[data-testid="run-row"][data-run-id="${secondId}"]`).getAttribute('data-status')).toBe('cancelled')
    await page.getByRole('button', { name: 'Resume queue' }).click()

    // The first run finishes on its own; reopen it from the task's runs.
    await page.locator(`[data-testid="run-row"][data-run-id="${firstId}"]`).getByRole('button', { name: /^Open run/ }).click()
    await expect.poll(() => runState(page).then((s) => s.status), { timeout: 120_000 }).toBe('done')
    expect((await runState(page)).points).toBe(SCORED_STEPS)
    expect(await page.locator('[data-testid="run-row"][data-status="done"]').count()).toBe(1)

    // Hovering the loss chart shows the step's values.
    await page.getByTestId('loss-chart').locator('.recharts-surface').hover()
    await expect.poll(() => page.getByTestId('loss-chart').locator('.recharts-tooltip-wrapper').textContent()).toMatch(/total loss\s*(\d+\.\d{4}|\d\.\de-\d+)/)

    // 5. Timeline: the step slider and the frame slider answer the keyboard.
    const stepSlider = page.getByRole('slider', { name: 'Step' })
    await stepSlider.focus()
    await page.keyboard.press('Home')
    await page.keyboard.press('ArrowRight')
    await expect.poll(() => page.getByTestId('step-scrubber').textContent()).toMatch(`Step 1 of ${MAX_STEPS}`)
    const frameSlider = page.getByRole('slider', { name: 'Frame', exact: true })
    await frameSlider.focus()
    await page.keyboard.press('End')
    await expect.poll(() => page.getByTestId('step-scrubber').textContent()).toMatch(/Preview frame (\d+) of \1/)
    await expect.poll(() => page.getByTestId('video-compare').getByRole('img').count()).toBe(2)
    await shot(page, 'timeline', 'timeline')

    // 6. Export an MP4 and count its frames with ffprobe; the browser can download it.
    await page.getByRole('button', { name: 'Export', exact: true }).click()
    await expect.poll(() => page.getByTestId('export-result').count(), { timeout: 60_000 }).toBe(1)
    const path = (await page.getByTestId('export-path').textContent())!
    expect(existsSync(path)).toBe(true)
    expect(existsSync(`${path}.json`)).toBe(true)
    const probe = execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,nb_read_frames', '-of', 'json', path], { encoding: 'utf8' })
    const stream = (JSON.parse(probe) as { streams: { codec_name: string; nb_read_frames: string }[] }).streams[0]
    expect(stream.codec_name).toBe('h264')
    expect(Number(stream.nb_read_frames)).toBe(12)
    expect(await page.getByTestId('export-result').textContent()).toMatch(/12 frames, 320×320/)
    const href = await page.getByRole('link', { name: /^Download .*\.mp4$/ }).getAttribute('href')
    const download = await page.request.get(new URL(href!, serve.url).href)
    expect(download.status()).toBe(200)
    expect(download.headers()['content-type']).toBe('video/mp4')
    await shot(page, 'export', 'video-compare')

    // Pause the queue: a new run waits until the queue resumes.
    await page.getByRole('button', { name: 'Pause queue' }).click()
    await page.getByLabel('Max steps').fill('4')
    await page.getByLabel('Seed', { exact: true }).fill('1')
    // and from the teacher's pick of 3 samples (seeds 1-3): the run shows them and which one it started from
    await page.getByLabel('Start from the best of').fill('3')
    // On WebGPU: where no GPU adapter exists the run falls back to CPU and says why.
    await page.getByRole('combobox', { name: 'Provider' }).click()
    await page.getByRole('option', { name: 'webgpu', exact: true }).click()
    await page.getByRole('button', { name: 'Run', exact: true }).click()
    await expect.poll(() => page.locator('[data-testid="queued-run"][data-status="queued"]').count()).toBe(1)
    await new Promise((done) => setTimeout(done, 1500))
    expect(await page.locator('[data-testid="queued-run"][data-status="queued"]').count()).toBe(1)
    await page.getByRole('button', { name: 'Resume queue' }).click()
    await expect.poll(() => runState(page).then((s) => s.status), { timeout: 120_000 }).toBe('done')
    await expect.poll(() => page.getByTestId('picked-start').textContent()).toMatch(/scored 3 samples first and the loop started from its pick, (the run's own seed|seed [23])\./)
    expect(await page.getByTestId('candidates').locator('tbody tr').count()).toBe(3)
    expect(await page.getByTestId('candidates').getByText('picked').count()).toBe(1)
    const ranOn = (await page.getByTestId('provider-used').textContent())!
    if (ranOn === 'ran on cpu') {
      await expect.poll(() => page.getByRole('alert').filter({ hasText: 'Ran on cpu instead of webgpu' }).textContent()).toMatch(/webgpu could not start|WebGPU|adapter/i)
    } else {
      expect(ranOn).toBe('ran on webgpu')
    }

    // 7. History lists every run with its status; compare two runs' curves; reopen one.
    await page.getByRole('button', { name: 'History' }).click()
    await expect.poll(() => page.getByTestId('run-row').count()).toBe(3)
    expect(await page.locator('[data-testid="run-row"][data-status="cancelled"]').count()).toBe(1)
    const done = page.locator('[data-testid="run-row"][data-status="done"]')
    expect(await done.count()).toBe(2)
    await done.nth(0).getByRole('checkbox', { name: /^Compare run/ }).check()
    await done.nth(1).getByRole('checkbox', { name: /^Compare run/ }).check()
    await expect.poll(() => page.getByTestId('compare-chart').getAttribute('data-points')).toBe(String(SCORED_STEPS))
    await shot(page, 'history')
    await page.locator(`[data-testid="run-row"][data-run-id="${firstId}"]`).getByRole('button', { name: /^Open run/ }).click()
    await expect.poll(() => runState(page).then((s) => s.points)).toBe(SCORED_STEPS)

    // 8. Settings: the model packages with the families each runs, providers and what actually ran.
    await page.getByRole('button', { name: 'Settings' }).click()
    await expect.poll(() => page.getByTestId('model-packages').textContent()).toMatch(/gridworlddefault.*(maze, collect|collect, maze).*loadedlr 0\.02 .*barssortloadedlr 0\.02 .*blocks(fall, push|push, fall)loadedlr 0\.01 .*connectconnectloadedlr 0\.02 /)
    await expect.poll(() => page.getByTestId('last-provider').textContent()).toMatch(/asked for webgpu and ran on (cpu: .+|webgpu\.)/)
    await shot(page, 'settings')

    expect(pageErrors).toEqual([])
    await page.close()
  })

  it('explains a missing model package where runs start, in settings and on "Extract rules", and keeps the task', { timeout: 120_000 }, async () => {
    await serve?.stop()
    serve = await startServe(tempDir(), { TEACHER_STUDIO_MODEL_DIR: tempDir() })
    const page = await browser.newPage({ viewport: { width: 1360, height: 1000 } })
    page.setDefaultTimeout(30_000)
    await page.goto(serve.url)
    await page.getByLabel('New project').fill('No model')
    await page.getByRole('button', { name: 'Create project' }).click()
    await page.getByRole('combobox', { name: 'Family' }).click()
    await page.getByRole('option', { name: 'maze', exact: true }).click()
    await page.getByRole('button', { name: 'Generate' }).click()
    await expect.poll(() => page.getByAltText('First frame').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(80)

    const missing = /has no manifest\.json in .*: reinstall the studio or rebuild the package/
    await page.getByRole('button', { name: 'Extract rules' }).click()
    await expect.poll(() => page.getByRole('alert').filter({ hasText: 'The teacher wrote no rules' }).textContent()).toMatch(missing)
    await page.getByRole('tab', { name: 'Runs' }).click()
    await expect.poll(() => page.getByRole('alert').filter({ hasText: 'runs cannot start' }).textContent()).toMatch(missing)
    expect(await page.getByRole('button', { name: 'Run', exact: true }).count()).toBe(0)
    await page.getByRole('button', { name: 'Settings' }).click()
    await expect.poll(() => page.getByRole('alert').filter({ hasText: 'could not be loaded' }).textContent()).toMatch(missing)
    await shot(page, 'missing-model')
    expect(await page.getByTestId('task-list').count()).toBe(1)
    expect(await page.getByText('No tasks yet').count()).toBe(0)
    await page.close()
  })

  it('adds what is dropped anywhere on the window: a task file at once, an image into the new-task form', { timeout: 120_000 }, async () => {
    await serve?.stop()
    // a studio whose model folders lack the connect package: connect is outside every package it has
    const models = ['gridworld', 'blocks', 'bars'].map((name) => join(repoRoot, 'resources', 'models', name)).join(delimiter)
    serve = await startServe(tempDir(), { TEACHER_STUDIO_MODEL_DIR: models })
    const page = await browser.newPage({ viewport: { width: 1360, height: 1000 } })
    page.setDefaultTimeout(30_000)
    await page.goto(serve.url)
    await page.getByLabel('New project').fill('Drops')
    await page.getByRole('button', { name: 'Create project' }).click()
    await page.getByRole('combobox', { name: 'Family' }).click()
    await page.getByRole('option', { name: 'connect (no model package)' }).click()
    await expect.poll(() => page.getByTestId('family-outside-package').textContent()).toMatch(/The packages cover .*fall.*; a connect task runs on the default package\. Its videos will not\s+follow connect's rules/)
    await page.getByRole('button', { name: 'Settings' }).click()

    /** Drags a file over the window (away from the new-task form) and drops it on the overlay. */
    const dropOnWindow = async (name: string, type: string, bytes: Uint8Array) => {
      const transfer = await page.evaluateHandle(({ name, type, data }) => {
        const dt = new DataTransfer()
        dt.items.add(new File([new Uint8Array(data)], name, { type }))
        return dt
      }, { name, type, data: [...bytes] })
      await page.dispatchEvent('body', 'dragenter', { dataTransfer: transfer })
      await page.getByText('Drop to add a task').dispatchEvent('drop', { dataTransfer: transfer })
    }
    const taskFile = readFileSync(join(repoRoot, 'resources', 'examples', 'maze.task.json'))
    await dropOnWindow('maze.task.json', 'application/json', taskFile)
    const instruction = (JSON.parse(taskFile.toString()) as { instruction: string }).instruction
    await expect.poll(() => page.getByTestId('task-instruction').textContent()).toBe(instruction)
    await expect.poll(() => page.getByTestId('rule-row').count()).toBeGreaterThan(0)

    await dropOnWindow('dropped.png', 'image/png', await makeMazeImage())
    await expect.poll(() => page.getByTestId('chosen-image').textContent()).toBe('dropped.png')
    await page.getByLabel('Instruction').fill('Bring the red agent to the green goal.')
    await page.getByRole('button', { name: 'Add task' }).click()
    await expect.poll(() => page.getByTestId('task-instruction').textContent()).toBe('Bring the red agent to the green goal.')
    await page.close()
  })
})
