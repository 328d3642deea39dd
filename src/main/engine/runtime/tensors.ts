/**
 * Plain tensors that the rest of the engine passes around. Nothing outside runtime/ sees
 * onnxruntime's own Tensor class, so a different runtime could replace it behind this module.
 */
export type TensorType = 'float32' | 'int64' | 'int32' | 'uint8' | 'bool'

export type TensorValues = Float32Array | BigInt64Array | Int32Array | Uint8Array

export interface PlainTensor {
  type: TensorType
  dims: readonly number[]
  data: TensorValues
}

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((n, d) => n * d, 1)
}

function checked(t: PlainTensor): PlainTensor {
  const expected = elementCount(t.dims)
  if (t.data.length !== expected) throw new Error(`tensor of shape [${t.dims.join(', ')}] needs ${expected} values, got ${t.data.length}`)
  return t
}

export const float32 = (data: Float32Array | readonly number[], dims: readonly number[]): PlainTensor =>
  checked({ type: 'float32', dims, data: data instanceof Float32Array ? data : Float32Array.from(data) })

export const int64 = (data: BigInt64Array | readonly number[], dims: readonly number[]): PlainTensor =>
  checked({ type: 'int64', dims, data: data instanceof BigInt64Array ? data : BigInt64Array.from(data, (v) => BigInt(v)) })

export const uint8 = (data: Uint8Array, dims: readonly number[]): PlainTensor => checked({ type: 'uint8', dims, data })

export function asFloat32(t: PlainTensor, name = 'tensor'): Float32Array {
  if (!(t.data instanceof Float32Array)) throw new Error(`${name} should be float32, got ${t.type}`)
  return t.data
}

/** Named float tensors, e.g. the LoRA parameters of a run or their gradients. */
export type NamedTensors = Record<string, Float32Array>
