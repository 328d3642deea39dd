import { createReadStream, realpathSync, statSync } from 'node:fs'
import type { ServerResponse } from 'node:http'
import { basename, extname, join, normalize, sep } from 'node:path'

/** URL prefix under which browser mode serves exported files for download. */
export const EXPORTS_PATH = '/exports/'

const EXPORT_TYPES: Record<string, string> = {
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.gif': 'image/gif',
  '.png': 'image/png',
  '.json': 'application/json; charset=utf-8',
}

/**
 * Serves one exported file (GET /exports/<name> or /exports/<png-folder>/<file>) as a download.
 * Only regular files of export types inside the exports folder are served: `..`, absolute paths,
 * symlinks leading out of the folder and directories are refused.
 */
export function serveExportFile(exportsDir: string, urlPath: string, res: ServerResponse): void {
  let relative: string
  try {
    relative = decodeURIComponent(urlPath.split('?')[0].slice(EXPORTS_PATH.length))
  } catch {
    res.writeHead(400, { 'content-type': 'text/plain' }).end('Bad request')
    return
  }
  const type = EXPORT_TYPES[extname(relative).toLowerCase()]
  const cleaned = normalize(relative)
  if (!type || relative.includes('\0') || cleaned.startsWith('..') || cleaned.startsWith(sep) || cleaned.includes(`..${sep}`)) {
    res.writeHead(403, { 'content-type': 'text/plain' }).end('Forbidden: only exported videos, frames and run cards can be downloaded.')
    return
  }
  let file: string
  let root: string
  try {
    root = realpathSync(exportsDir)
    file = realpathSync(join(root, cleaned))
  } catch {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: export the run again.')
    return
  }
  if (!file.startsWith(root + sep) || !statSync(file).isFile()) {
    res.writeHead(403, { 'content-type': 'text/plain' }).end('Forbidden')
    return
  }
  res.writeHead(200, {
    'content-type': type,
    'content-length': statSync(file).size,
    'content-disposition': `attachment; filename="${basename(file).replace(/[^\w.-]/g, '_')}"`,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  })
  createReadStream(file).pipe(res)
}
