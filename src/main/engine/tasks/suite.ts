/** The family registry and the suite's public operations. */
import { appearanceTable } from './appearance'
import { resolveGeometry, type Geometry } from './geometry'
import { renderCells, renderVideo } from './render'
import { segmentVideo } from './segment'
import { FAMILY_MODULES } from './families'
import { validateKnobs, type KnobValues } from './knobs'
import type { CorruptedVideo, FamilyInfo, FamilyModule, RuleDef, Split, SuiteTask, Verdict } from './types'

const FAMILIES: readonly FamilyModule[] = FAMILY_MODULES

export function familyModule(name: string): FamilyModule {
  const f = FAMILIES.find((x) => x.info.name === name)
  if (!f) throw new Error(`Unknown task family "${name}". Known families: ${FAMILIES.map((x) => x.info.name).join(', ')}.`)
  return f
}

export function listFamilies(): FamilyInfo[] {
  return FAMILIES.map((f) => f.info)
}

/** Every rule of every family (the global rule vocabulary). */
export function ruleVocabulary(): RuleDef[] {
  return FAMILIES.flatMap((f) => f.info.rules)
}

export { appearanceTable }

export interface GenerateOptions {
  split?: Split
  geometry?: Partial<Geometry>
  /** Pin difficulty knobs (e.g. { grid: 9, pathLength: 10 }); others are drawn from the split's ranges. */
  knobs?: KnobValues
}

function checkSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`Task seed must be an integer in 0..4294967295 (got ${seed}).`)
}

/** Generates one suite task (deterministic in family, seed, split and geometry). */
export function generateTask(family: string, seed: number, options: GenerateOptions = {}): SuiteTask {
  checkSeed(seed)
  const mod = familyModule(family)
  const geometry = resolveGeometry(options.geometry)
  const split = options.split ?? 'train'
  validateKnobs(mod.info, options.knobs)
  const built = mod.build(seed, split, geometry, options.knobs)
  const frames = renderVideo(built.cells, geometry)
  return {
    family,
    seed,
    split,
    variant: built.variant,
    geometry,
    instruction: built.paraphrases[0],
    paraphrases: built.paraphrases,
    knobs: built.knobs,
    firstFrame: frames[0],
    frames,
    cells: built.cells,
    entities: built.entities,
    states: built.states,
    rules: mod.info.rules,
  }
}

/** Builds a task and one of its corruptions (cells only; null when it does not apply). */
export function corruptTask(family: string, seed: number, corruption: string, options: GenerateOptions = {}): CorruptedVideo | null {
  checkSeed(seed)
  const mod = familyModule(family)
  const geometry = resolveGeometry(options.geometry)
  validateKnobs(mod.info, options.knobs)
  return mod.build(seed, options.split ?? 'train', geometry, options.knobs).corrupt(corruption)
}

/** Judges RGB frames with the family's rule-based evaluator (reads the pixels only). */
export function evaluateVideo(family: string, frames: Uint8Array[], geometry?: Partial<Geometry>): Verdict {
  const mod = familyModule(family)
  const g = resolveGeometry(geometry)
  if (frames.length < 2) throw new Error(`evaluateVideo: a video needs at least 2 frames (got ${frames.length}).`)
  return mod.judge(segmentVideo(frames, g), g)
}

/** Judges a cell video directly (for cells already read from frames, e.g. by the model). */
export function evaluateCells(family: string, cells: Uint8Array[], geometry?: Partial<Geometry>): Verdict {
  return familyModule(family).judge(cells, resolveGeometry(geometry))
}

export { renderCells }

/** Seeds per family in the fixed held-out test set. */
export const HELDOUT_TEST_SEEDS = 50

/** The fixed held-out test set: seeds 0..perFamily-1 of every family on the held-out split. */
export function heldoutTestSet(perFamily = HELDOUT_TEST_SEEDS): { family: string; seed: number; split: Split }[] {
  return FAMILIES.flatMap((f) => Array.from({ length: perFamily }, (_, seed) => ({ family: f.info.name, seed, split: 'heldout' as Split })))
}
