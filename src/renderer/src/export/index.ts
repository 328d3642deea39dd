/** Export: writes a run's video (MP4, WebM, GIF, PNG frames) with its run card; reveal or download it. */
export { ExportPanel } from './ExportPanel'
