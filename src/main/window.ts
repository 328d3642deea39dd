import type { BrowserWindowConstructorOptions } from 'electron'

/** The studio window's options: context isolation, sandbox, no Node in the renderer. */
export function studioWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    title: 'Teacher Studio',
    show: false,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  }
}
