import { existsSync, readFileSync, statSync } from 'node:fs'
import type { ServerResponse } from 'node:http'
import { extname, join, normalize, sep } from 'node:path'

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.map': 'application/json; charset=utf-8',
}

/**
 * Serves the built renderer (out/renderer) read-only. Paths are confined to that folder; unknown
 * paths without an extension fall back to index.html (single-page app).
 */
export function serveRendererFile(rendererDir: string, urlPath: string, res: ServerResponse): void {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0])
  } catch {
    res.writeHead(400).end('Bad request')
    return
  }
  const relative = normalize(decoded).replace(/^([/\\])+/, '')
  let file = join(rendererDir, relative)
  if (file !== rendererDir && !file.startsWith(rendererDir + sep)) {
    res.writeHead(403).end('Forbidden')
    return
  }
  if (!existsSync(file) || statSync(file).isDirectory()) {
    if (extname(relative) !== '') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found')
      return
    }
    file = join(rendererDir, 'index.html')
  }
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
  })
  res.end(readFileSync(file))
}
