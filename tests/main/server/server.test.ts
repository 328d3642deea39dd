import { mkdirSync, writeFileSync } from 'node:fs'
import { get } from 'node:http'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { StudioService } from '../../../src/main/engine'
import { startStudioServer, type StudioServer } from '../../../src/main/server'
import { decodeWire, encodeWire, type WireMessage } from '../../../src/shared'
import { makeImage } from '../../helpers/images'
import { useTempDirs } from '../../helpers/temp'

describe('browser-mode server', () => {
  const tempDir = useTempDirs()
  let server: StudioServer | undefined
  let service: StudioService | undefined
  afterEach(async () => {
    await server?.close()
    service?.close()
    server = service = undefined
  })

  async function start() {
    const rendererDir = tempDir()
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>studio</title>')
    mkdirSync(join(rendererDir, 'assets'))
    writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)')
    service = new StudioService({ dataDir: tempDir(), appVersion: 't', mode: 'browser' })
    server = await startStudioServer({ service, rendererDir, port: 0 })
    return server
  }

  function connect(url: string, origin = url.replace(/\/$/, '')) {
    const ws = new WebSocket(url.replace('http', 'ws') + 'api', { origin })
    const results = new Map<number, (r: any) => void>()
    const events: unknown[] = []
    ws.on('message', (data) => {
      const message = decodeWire(data.toString()) as WireMessage
      if (message.kind === 'event') events.push(message.event)
      else results.get(message.id)?.(message.result)
    })
    let id = 0
    const call = (method: string, input?: unknown) =>
      new Promise<any>((resolve) => {
        results.set(++id, resolve)
        ws.send(encodeWire({ id, method, input }))
      })
    return { ws, call, events, open: new Promise<void>((resolve, reject) => (ws.once('open', () => resolve()), ws.once('error', reject))) }
  }

  it('listens on loopback only and refuses other addresses', async () => {
    service = new StudioService({ dataDir: tempDir(), appVersion: 't', mode: 'browser' })
    await expect(startStudioServer({ service, rendererDir: tempDir(), host: '0.0.0.0' })).rejects.toThrow(/loopback only/)
    await expect(startStudioServer({ service, rendererDir: tempDir() })).rejects.toThrow(/run `npm run build` first/)
    const { url } = await start()
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
  })

  it('serves the renderer, falls back to index.html for app routes and never leaves its folder', async () => {
    const { url } = await start()
    expect(await (await fetch(url)).text()).toContain('<title>studio</title>')
    expect(await (await fetch(url + 'tasks/abc')).text()).toContain('<title>studio</title>')
    const js = await fetch(url + 'assets/app.js')
    expect(js.headers.get('content-type')).toMatch(/javascript/)
    expect((await fetch(url + 'assets/missing.js')).status).toBe(404)
    const escape = await (await fetch(url + '..%2f..%2f..%2f..%2fetc%2fpasswd')).text()
    expect(escape).not.toContain('root:')
    expect(escape).toContain('<title>studio</title>')
    // DNS rebinding: a page served under another name that resolves to 127.0.0.1 is refused.
    const status = await new Promise<number | undefined>((resolve, reject) =>
      get(url, { headers: { host: 'attacker.example' } }, (res) => (res.resume(), resolve(res.statusCode))).on('error', reject),
    )
    expect(status).toBe(421)
  })

  it('answers API calls with binary payloads and pushes events over the WebSocket', async () => {
    const { url } = await start()
    const client = connect(url)
    await client.open
    expect((await client.call('createProject', { name: 'Over the wire' })).ok).toBe(true)
    const created = await client.call('createTaskFromImage', { instruction: 'Go', fileName: 'a.jpg', image: await makeImage('jpeg') })
    expect(created.ok).toBe(true)
    expect(created.value.firstFrame.png).toBeInstanceOf(Uint8Array)
    expect(await client.call('createProject', { name: '' })).toMatchObject({ ok: false, error: { code: 'invalid-input' } })
    expect(client.events).toContainEqual({ type: 'tasks-changed' })
    client.ws.close()
  })

  it('refuses WebSocket connections from other origins', async () => {
    const { url } = await start()
    const client = connect(url, 'http://evil.example')
    await expect(client.open).rejects.toThrow(/401/)
  })
})
