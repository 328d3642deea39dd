/**
 * One ONNX graph loaded into onnxruntime-node. This file (with runtime/index.ts) is the only place
 * in the project that imports onnxruntime-node.
 */
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { basename, dirname, join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { summarizeProviderError, type ProviderChoice, type ProviderName } from './providers'
import type { PlainTensor, TensorValues } from './tensors'

export class ModelFileMissingError extends Error {
  constructor(readonly path: string) {
    super(`Model file ${basename(path)} is missing from ${dirname(path)}: reinstall the studio or rebuild the package with \`python -m teacher_studio_modelkit.build\`.`)
    this.name = 'ModelFileMissingError'
  }
}

export class GraphLoadError extends Error {
  constructor(readonly path: string, cause: unknown) {
    super(`Model file ${basename(path)} in ${dirname(path)} could not be loaded (${summarizeProviderError('cpu', cause)}): the file may be damaged; reinstall the studio or rebuild the package.`)
    this.name = 'GraphLoadError'
  }
}

export interface GraphSession {
  readonly path: string
  readonly provider: ProviderChoice
  readonly inputNames: readonly string[]
  readonly outputNames: readonly string[]
  run(feeds: Record<string, PlainTensor>): Promise<Record<string, PlainTensor>>
  release(): Promise<void>
}

export interface OpenGraphOptions {
  provider: ProviderName
  /** Threads for the CPU provider (0 lets onnxruntime choose; default DEFAULT_INTRA_OP_THREADS). */
  intraOpThreads?: number
}

/**
 * Intra-op threads a graph gets unless told otherwise. The studio's graphs are small, and more
 * threads cost more than they split: the built-in package's teacher step took 228 ms on one thread,
 * 220 on two and 364 with onnxruntime's own choice (16) on a 16-core machine, and 86 ms on one
 * thread, 113 on two and 118 with onnxruntime's choice on this project's 2-core machine
 * (bench/results/2026-12-04-provider-webgpu-gridworld-threads.md, 2026-12-04-cpu-threads-2core.md).
 * One thread was the best count or within 4 % of it on both, and leaves the other cores to the
 * window and the other jobs.
 */
export const DEFAULT_INTRA_OP_THREADS = 1

async function createSession(path: string, provider: ProviderName, intraOpThreads: number): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(path, {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: intraOpThreads,
  })
}

/**
 * Opens a graph on the requested provider; when that provider cannot start, falls back to CPU and
 * records why, so a run card can say what actually ran.
 */
export async function openGraph(path: string, options: OpenGraphOptions): Promise<GraphSession> {
  if (!existsSync(path)) throw new ModelFileMissingError(path)
  const threads = options.intraOpThreads ?? DEFAULT_INTRA_OP_THREADS
  let session: ort.InferenceSession
  let choice: ProviderChoice = { requested: options.provider, actual: options.provider, fallbackReason: null }
  try {
    session = await createSession(path, options.provider, threads)
  } catch (error) {
    if (options.provider === 'cpu') throw new GraphLoadError(path, error)
    const reason = summarizeProviderError(options.provider, error)
    try {
      session = await createSession(path, 'cpu', threads)
    } catch (cpuError) {
      throw new GraphLoadError(path, cpuError)
    }
    choice = { requested: options.provider, actual: 'cpu', fallbackReason: `${options.provider} could not start: ${reason}; running on cpu instead.` }
  }
  return wrap(path, session, choice)
}

function wrap(path: string, session: ort.InferenceSession, provider: ProviderChoice): GraphSession {
  return {
    path,
    provider,
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(feeds) {
      const ortFeeds: Record<string, ort.Tensor> = {}
      for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = new ort.Tensor(t.type, t.data, t.dims as number[])
      const results = await session.run(ortFeeds)
      const out: Record<string, PlainTensor> = {}
      for (const [name, t] of Object.entries(results)) {
        out[name] = { type: t.type as PlainTensor['type'], dims: [...t.dims], data: t.data as TensorValues }
      }
      return out
    },
    release: () => session.release(),
  }
}

/** Whether onnxruntime-node's CUDA provider library was installed next to its binding. */
export function cudaProviderInstalled(): boolean {
  const binding = join(dirname(createRequire(import.meta.url).resolve('onnxruntime-node')), '..', 'bin', 'napi-v6', process.platform, process.arch)
  return existsSync(join(binding, 'libonnxruntime_providers_cuda.so')) || existsSync(join(binding, 'onnxruntime_providers_cuda.dll'))
}

/** The onnxruntime-node version, recorded on every run. */
export function runtimeVersion(): string {
  return ort.env.versions?.node ?? 'unknown'
}
