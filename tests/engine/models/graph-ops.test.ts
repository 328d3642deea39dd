import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { graphOps, racyOps } from '../../../src/main/engine/models/graph-ops'
import { barsPackageDir, blocksPackageDir, builtInPackageDir, connectPackageDir } from '../../helpers/model-package'
import { onnxModel } from '../../helpers/onnx-bytes'

describe('graphOps', () => {
  it('reads names, operator types and reductions, skipping the fields it does not need', () => {
    const model = onnxModel([
      { name: 'pick', opType: 'Gather' },
      { name: 'grad_sum', opType: 'ScatterND', reduction: 'add' },
      { name: 'copy_back', opType: 'ScatterND', reduction: 'none' },
    ])
    expect(graphOps(model)).toEqual([
      { name: 'pick', opType: 'Gather', reduction: null },
      { name: 'grad_sum', opType: 'ScatterND', reduction: 'add' },
      { name: 'copy_back', opType: 'ScatterND', reduction: 'none' },
    ])
    expect(racyOps(model).map((op) => op.name)).toEqual(['grad_sum'])
  })

  it('throws on bytes that are not a whole protobuf message', () => {
    const model = onnxModel([{ name: 'grad_sum', opType: 'ScatterND', reduction: 'add' }])
    expect(() => graphOps(model.subarray(0, model.length - 3))).toThrow(/truncated/)
  })

  it('finds no racy node in the committed packages, whose graphs it reads in full', () => {
    const blocks = graphOps(readFileSync(join(blocksPackageDir, 'tto_step.onnx')))
    expect(blocks.length).toBeGreaterThan(5_000) // 8,386 nodes since the blocks graphs of 2026-12-03 (evening)
    expect(blocks.some((op) => op.opType === 'ScatterND' && op.reduction === 'none')).toBe(true)
    for (const dir of [builtInPackageDir, blocksPackageDir, barsPackageDir, connectPackageDir]) {
      for (const graph of ['tto_step', 'sample', 'decode', 'vqa', 'plan']) {
        expect(racyOps(readFileSync(join(dir, `${graph}.onnx`))), `${dir}/${graph}`).toEqual([])
      }
    }
  })
})
