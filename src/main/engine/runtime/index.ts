/**
 * runtime/: the only module that touches onnxruntime-node. Opens graphs on a chosen execution
 * provider with a readable fallback to CPU, and moves plain typed-array tensors in and out.
 */
export { cudaProviderInstalled, DEFAULT_INTRA_OP_THREADS, GraphLoadError, ModelFileMissingError, openGraph, runtimeVersion } from './session'
export type { GraphSession, OpenGraphOptions } from './session'
export { describeProviders, isProviderName, parseProvider, providerNames, summarizeProviderError } from './providers'
export type { ProviderChoice, ProviderName } from './providers'
export { asFloat32, elementCount, float32, int64, uint8 } from './tensors'
export type { NamedTensors, PlainTensor, TensorType, TensorValues } from './tensors'
