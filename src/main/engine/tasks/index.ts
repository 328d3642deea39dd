/**
 * Task suite: seeded generators of symbolic image-to-video tasks (maze, push-to-target, collect,
 * sort, connect, fall) on a C x C cell canvas, the appearance vocabulary and sprite renderer,
 * frame-only rule-based evaluators, corruptions labelled with the rules they break, and splits.
 */
export { listFamilies, ruleVocabulary, generateTask, corruptTask, evaluateVideo, evaluateCells, familyModule, renderCells, heldoutTestSet, HELDOUT_TEST_SEEDS, type GenerateOptions } from './suite'
export type { KnobValues } from './knobs'
export { APPEARANCES, UNKNOWN, appearanceId, appearanceTable, spritesFor, type Appearance, type Shape } from './appearance'
export { DEFAULT_GEOMETRY, resolveGeometry, frameWidth, frameBytes, type Geometry } from './geometry'
export { renderVideo } from './render'
export { segmentFrame, segmentVideo, SEGMENT_TOLERANCE } from './segment'
export type { FamilyInfo, RuleDef, RuleKind, RuleVerdict, Verdict, SuiteTask, Split, Entity, EntityState, KnobInfo, CorruptionInfo, CorruptedVideo } from './types'
