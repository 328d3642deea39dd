/** Reward charts: one run's live loss and P(Yes) curves, and two runs compared. */
export { RunCurves } from './RunCurves'
export { CompareCurves } from './CompareCurves'
