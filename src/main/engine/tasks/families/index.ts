/**
 * The six task families, in the order the studio lists them. Each module exports a FamilyModule:
 * its info (rules, knobs, splits, corruptions), a seeded generator and a frame-only judge.
 * objects-judge.ts holds the block-reading helpers push and fall share.
 */
import { maze } from './maze'
import { push } from './push'
import { collect } from './collect'
import { sort } from './sort'
import { connect } from './connect'
import { fall } from './fall'
import type { FamilyModule } from '../types'

export const FAMILY_MODULES: readonly FamilyModule[] = [maze, push, collect, sort, connect, fall]
