import react from '@vitejs/plugin-react'
import { defineConfig } from 'electron-vite'
import { resolve } from 'node:path'

const shared = { '@shared': resolve(import.meta.dirname, 'src/shared') }

export default defineConfig({
  main: {
    resolve: { alias: shared },
    // The run worker is its own entry so the main process can start it as a worker thread.
    build: {
      rollupOptions: {
        input: { index: resolve(import.meta.dirname, 'src/main/index.ts'), 'jobs-worker': resolve(import.meta.dirname, 'src/main/engine/jobs/worker.ts') },
      },
    },
  },
  preload: {
    resolve: { alias: shared },
    // Sandboxed preloads must be one CommonJS file with everything bundled in.
    build: {
      externalizeDeps: false,
      rollupOptions: { output: { format: 'cjs', entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    resolve: { alias: shared },
    plugins: [react()],
  },
})
