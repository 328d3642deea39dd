/**
 * Picks the bridge to the engine: the Electron preload's `window.studio` when present, otherwise
 * the browser-mode WebSocket client. Both implement the same StudioApi.
 */
import type { StudioApi } from '../../../shared/api'
import { createBrowserClient } from './browser-client'

declare global {
  interface Window {
    studio?: StudioApi
  }
}

let api: StudioApi | null = null

export function studioApi(): StudioApi {
  api ??= window.studio ?? createBrowserClient()
  return api
}

export const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error))
