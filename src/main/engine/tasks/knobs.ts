/** Difficulty knobs: each split draws from its range unless the caller pins a value. */
import type { FamilyInfo, Split } from './types'

export type KnobValues = Partial<Record<string, number>>

/** Checks pinned knob values against the family's knobs (name known, integer, within the ranges of both splits). */
export function validateKnobs(info: FamilyInfo, knobs: KnobValues | undefined): void {
  for (const [name, value] of Object.entries(knobs ?? {})) {
    const k = info.knobs.find((x) => x.name === name)
    if (!k) throw new Error(`The ${info.name} family has no knob "${name}". Its knobs: ${info.knobs.map((x) => x.name).join(', ')}.`)
    const lo = Math.min(k.train[0], k.heldout[0])
    const hi = Math.max(k.train[1], k.heldout[1])
    if (!Number.isInteger(value) || value! < lo || value! > hi) throw new Error(`Knob ${info.name}.${name} must be an integer in ${lo}..${hi} (got ${value}).`)
  }
}

/**
 * The inclusive range to draw a knob from: the pinned value; else the split's range; but once any
 * knob is pinned the others draw from the range of both splits, so pinned combinations stay feasible.
 */
export function knobRange(info: FamilyInfo, split: Split, knobs: KnobValues | undefined, name: string): [number, number] {
  const pinned = knobs?.[name]
  if (pinned !== undefined) return [pinned, pinned]
  const k = info.knobs.find((x) => x.name === name)
  if (!k) throw new Error(`${info.name} has no knob ${name}`)
  if (knobs && Object.keys(knobs).length) return [Math.min(k.train[0], k.heldout[0]), Math.max(k.train[1], k.heldout[1])]
  return split === 'train' ? k.train : k.heldout
}
