/**
 * Contracts shared by the main process, the preload, the browser bridge and the renderer:
 * zod schemas with their inferred types, and the one StudioApi they all speak.
 */
export * from './bytes'
export * from './task'
export * from './rules'
export * from './run'
export * from './project'
export * from './events'
export * from './engine'
export * from './api'
export * from './wire'
