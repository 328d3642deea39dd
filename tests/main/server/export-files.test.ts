import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { StudioService } from '../../../src/main/engine'
import { startStudioServer, type StudioServer } from '../../../src/main/server'
import { useTempDirs } from '../../helpers/temp'

/** A GET with the path sent exactly as written (fetch would normalise `..` away). */
function rawGet(url: string, path: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method: 'GET', headers: { host: `127.0.0.1:${port}` } }, (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => (body += chunk.toString('latin1')))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('browser-mode exports route', () => {
  const tempDir = useTempDirs()
  let server: StudioServer | undefined
  let service: StudioService | undefined
  afterEach(async () => {
    await server?.close()
    await service?.close()
    server = service = undefined
  })

  async function start() {
    const dataDir = tempDir()
    const rendererDir = tempDir()
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>studio</title>')
    const exportsDir = join(dataDir, 'exports')
    mkdirSync(join(exportsDir, 'teacher-1-frames'), { recursive: true })
    writeFileSync(join(exportsDir, 'teacher-1.mp4'), 'MP4BYTES')
    writeFileSync(join(exportsDir, 'teacher-1.mp4.json'), '{"card":1}')
    writeFileSync(join(exportsDir, 'teacher-1-frames', 'frame-000.png'), 'PNG')
    writeFileSync(join(exportsDir, 'notes.txt'), 'not an export')
    writeFileSync(join(dataDir, 'secret.json'), '{"secret":true}')
    symlinkSync(join(dataDir, 'secret.json'), join(exportsDir, 'escape.json'))
    service = new StudioService({ dataDir, appVersion: 't', mode: 'browser' })
    server = await startStudioServer({ service, rendererDir, exportsDir, port: 0 })
    return server.url
  }

  it('serves exported videos, run cards and PNG frames as downloads', async () => {
    const url = await start()
    const video = await rawGet(url, '/exports/teacher-1.mp4')
    expect(video).toMatchObject({ status: 200, body: 'MP4BYTES' })
    expect(video.headers['content-type']).toBe('video/mp4')
    expect(video.headers['content-disposition']).toBe('attachment; filename="teacher-1.mp4"')
    expect(await rawGet(url, '/exports/teacher-1.mp4.json')).toMatchObject({ status: 200, body: '{"card":1}' })
    expect(await rawGet(url, '/exports/teacher-1-frames/frame-000.png')).toMatchObject({ status: 200, body: 'PNG' })
    expect((await rawGet(url, '/exports/missing.mp4')).status).toBe(404)
  })

  it('never serves anything outside the exports folder or of another type', async () => {
    const url = await start()
    for (const path of ['/exports/..%2Fsecret.json', '/exports/%2E%2E/secret.json', '/exports/../secret.json', '/exports/escape.json', '/exports/notes.txt', '/exports/teacher-1-frames', '/exports/%2Fetc%2Fpasswd.json']) {
      const answer = await rawGet(url, path)
      expect([403, 404], path).toContain(answer.status)
      expect(answer.body, path).not.toContain('secret')
    }
    expect((await rawGet(url, '/exports/%E0%A4%A.mp4')).status).toBe(400)
  })
})
