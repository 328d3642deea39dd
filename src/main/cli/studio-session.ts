/**
 * A StudioService opened on one project file for CLI commands: the same engine, store and run
 * queue as the studio, without a window. --project FILE (created when missing) or the CLI's own
 * project in the studio's data folder.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { basename, dirname, extname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { unwrapResult, type MethodInput, type MethodOutput, type StudioMethod } from '../../shared'
import { defaultDataDir, dispatchStudioCall, StudioService } from '../engine'
import { ProjectStore, PROJECT_EXTENSION } from '../engine/store'

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')

export function appVersion(): string {
  return (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version
}

export interface StudioSession {
  service: StudioService
  call<M extends StudioMethod>(method: M, input?: MethodInput<M>): Promise<MethodOutput<M>>
  close(): Promise<void>
}

export async function openStudioSession(projectFlag: string | undefined): Promise<StudioSession> {
  const dataDir = defaultDataDir()
  const service = new StudioService({ dataDir, appVersion: appVersion(), mode: 'browser' })
  const call = async <M extends StudioMethod>(method: M, input?: MethodInput<M>) =>
    unwrapResult(await dispatchStudioCall(service.handlers, method, input)) as MethodOutput<M>
  const path = resolve(projectFlag ?? join(dataDir, 'projects', `cli${PROJECT_EXTENSION}`))
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true })
    ProjectStore.create(path, basename(path, extname(path))).close()
  }
  await call('openProject', { path })
  return { service, call, close: () => service.close() }
}
