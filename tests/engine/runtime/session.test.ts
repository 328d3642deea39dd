import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { asFloat32, float32, GraphLoadError, ModelFileMissingError, openGraph, parseProvider, runtimeVersion } from '../../../src/main/engine/runtime'

// A one-node graph (y = x * [1, 2, 3]) made with onnx.helper; the runtime's own contract is tested
// here, the built-in model package is tested by the engine's tests.
const fixture = join(__dirname, '..', '..', 'fixtures', 'scale.onnx')

describe('openGraph', () => {
  it('runs a graph on the CPU and returns plain tensors', async () => {
    const graph = await openGraph(fixture, { provider: 'cpu' })
    expect(graph.inputNames).toEqual(['x'])
    const out = await graph.run({ x: float32([1, 1, 1, 2, 2, 2], [2, 3]) })
    expect(out.y.dims).toEqual([2, 3])
    expect(Array.from(asFloat32(out.y))).toEqual([1, 2, 3, 2, 4, 6])
    expect(graph.provider).toEqual({ requested: 'cpu', actual: 'cpu', fallbackReason: null })
    await graph.release()
  })

  it('falls back to the CPU with a readable reason when CUDA cannot start', async () => {
    // This machine has no CUDA provider files (they are opt-in), so the fallback is real.
    const graph = await openGraph(fixture, { provider: 'cuda' })
    expect(graph.provider.actual).toBe('cpu')
    expect(graph.provider.fallbackReason).toMatch(/^cuda could not start: .*running on cpu instead\.$/)
    const out = await graph.run({ x: float32([1, 1, 1], [1, 3]) })
    expect(Array.from(asFloat32(out.y))).toEqual([1, 2, 3])
    await graph.release()
  })

  it('names the missing file and what to do', async () => {
    await expect(openGraph('/nonexistent/models/gridworld/tto_step.onnx', { provider: 'cpu' })).rejects.toThrow(ModelFileMissingError)
    await expect(openGraph('/nonexistent/models/gridworld/tto_step.onnx', { provider: 'cpu' })).rejects.toThrow(/tto_step\.onnx is missing from \/nonexistent\/models\/gridworld/)
  })

  it('reports a damaged graph file clearly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runtime-'))
    const damaged = join(dir, 'plan.onnx')
    copyFileSync(fixture, damaged)
    writeFileSync(damaged, Buffer.from('not an onnx model'))
    await expect(openGraph(damaged, { provider: 'cpu' })).rejects.toThrow(GraphLoadError)
  })
})

describe('providers and tensors', () => {
  it('rejects unknown providers with the valid choices', () => {
    expect(() => parseProvider('tpu')).toThrow('Unknown execution provider "tpu": choose one of cpu, webgpu, cuda.')
    expect(parseProvider('webgpu')).toBe('webgpu')
  })

  it('checks tensor shapes', () => {
    expect(() => float32([1, 2], [3])).toThrow(/needs 3 values, got 2/)
  })

  it('reports the onnxruntime version', () => {
    expect(runtimeVersion()).toMatch(/^\d+\.\d+\.\d+/)
  })
})
