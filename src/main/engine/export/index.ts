/**
 * export/: the only owner of ffmpeg. Writes a run's video as MP4 (H.264), WebM (VP9), GIF or PNG
 * frames, with the run card (seed, settings, rules, model hash, versions) beside it.
 */
export { exportVideo, exportFormats, upscale } from './video-export'
export type { ExportFormat, ExportVideoOptions, ExportedVideo } from './video-export'
export { ExportError, ffmpegAvailable } from './ffmpeg'
export { buildRunCard } from './run-card'
export type { RunCard } from './run-card'
