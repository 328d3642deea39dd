/** Plain types of the task suite (no zod here; src/shared owns the app's contracts). */
import type { Geometry } from './geometry'

export type Split = 'train' | 'heldout'
export type RuleKind = 'goal' | 'process'

/** One rule of the global vocabulary; `query` is a yes/no question where "Yes" means it holds. */
export interface RuleDef {
  id: string
  kind: RuleKind
  query: string
  family: string
}

export interface RuleVerdict {
  rule: string
  ok: boolean
}

/** What an evaluator says about a video, read from its frames alone. */
export interface Verdict {
  family: string
  goalRule: string
  /** Is the final goal achieved? */
  goal: boolean
  /** One entry per process rule, in the family's order. */
  process: RuleVerdict[]
  /** Every rule (goal first) as 1 = holds, 0 = broken. */
  labels: Record<string, 0 | 1>
  /** 0.5 * goal + 0.5 * fraction of process rules kept, in [0, 1]. */
  score: number
  /** Goal achieved and every process rule kept. */
  success: boolean
}

/** A difficulty knob and the values each split draws from (inclusive ranges). */
export interface KnobInfo {
  name: string
  description: string
  train: [number, number]
  heldout: [number, number]
}

export interface FamilyInfo {
  name: string
  title: string
  description: string
  rules: RuleDef[]
  knobs: KnobInfo[]
  /** What distinguishes the splits, in words. */
  splits: Record<Split, string>
  /** Layout variants; those listed in heldoutOnlyVariants never appear in train. */
  variants: string[]
  heldoutOnlyVariants: string[]
  corruptions: CorruptionInfo[]
}

export interface CorruptionInfo {
  name: string
  description: string
  /** Rule ids this corruption breaks (every other rule still holds). */
  breaks: string[]
}

/** An entity of the first frame. */
export interface Entity {
  id: string
  kind: string
  appearance: string
  row: number
  col: number
}

/** Where each dynamic entity is in one frame (the generator's symbolic state). */
export interface EntityState {
  id: string
  appearance: number
  row: number
  col: number
}

export interface SuiteTask {
  family: string
  seed: number
  split: Split
  variant: string
  geometry: Geometry
  instruction: string
  paraphrases: string[]
  knobs: Record<string, number>
  /** First frame, H x W x 3 RGB. */
  firstFrame: Uint8Array
  /** Ground-truth video: T frames of H x W x 3 RGB. */
  frames: Uint8Array[]
  /** The C x C appearance-id grid each ground-truth frame was rendered from. */
  cells: Uint8Array[]
  entities: Entity[]
  states: EntityState[][]
  rules: RuleDef[]
}

/** A corrupted cell video with the rules it breaks. */
export interface CorruptedVideo {
  name: string
  cells: Uint8Array[]
  breaks: string[]
}

/** What a family generator builds for one seed, before rendering to pixels. */
export interface BuiltTask {
  variant: string
  knobs: Record<string, number>
  paraphrases: string[]
  cells: Uint8Array[]
  entities: Entity[]
  states: EntityState[][]
  /** Applies one corruption; null when it cannot apply to this instance (e.g. no wall to clip). */
  corrupt(name: string): CorruptedVideo | null
}

export interface FamilyModule {
  info: FamilyInfo
  /** Builds one instance; `knobs` pins difficulty knobs (validated by the suite). */
  build(seed: number, split: Split, geometry: Geometry, knobs?: Partial<Record<string, number>>): BuiltTask
  /** Judges a segmented video (cells per frame, UNKNOWN for unreadable cells). */
  judge(cells: Uint8Array[], geometry: Geometry): Verdict
}
