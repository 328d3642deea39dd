/**
 * Execution providers the studio knows. `cpu` always exists; `webgpu` is bundled in
 * onnxruntime-node on Linux x64 and Windows (it needs a Vulkan/D3D12 GPU); `cuda` needs the CUDA
 * provider files, installed with `npm install --onnxruntime-node-install=cuda12` where the CUDA
 * download is reachable.
 */
export const providerNames = ['cpu', 'webgpu', 'cuda'] as const
export type ProviderName = (typeof providerNames)[number]

export function isProviderName(value: string): value is ProviderName {
  return (providerNames as readonly string[]).includes(value)
}

export function parseProvider(value: string): ProviderName {
  if (!isProviderName(value)) {
    throw new Error(`Unknown execution provider "${value}": choose one of ${providerNames.join(', ')}.`)
  }
  return value
}

/** What the user asked for, what actually ran, and why they differ. */
export interface ProviderChoice {
  requested: ProviderName
  actual: ProviderName
  fallbackReason: string | null
}

/** A short, readable reason from onnxruntime's long native error text. */
export function summarizeProviderError(provider: ProviderName, error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  if (provider === 'webgpu' && /adapter/i.test(text)) return 'no WebGPU adapter was found (no Vulkan-capable GPU or driver on this machine)'
  if (provider === 'cuda' && /providers_shared|libonnxruntime_providers_cuda|Failed to load/i.test(text)) {
    return 'the CUDA provider files are not installed (reinstall with `npm install --onnxruntime-node-install=cuda12` on a machine with a CUDA 12 driver)'
  }
  const firstLine = text.split('\n')[0]
  return firstLine.length > 240 ? `${firstLine.slice(0, 240)}…` : firstLine
}

/** What each provider needs on this machine, for the settings screen (nothing is started here). */
export function describeProviders(bundledCuda: boolean): { name: ProviderName; bundled: boolean; note: string }[] {
  return [
    { name: 'cpu', bundled: true, note: 'Always available.' },
    { name: 'webgpu', bundled: process.platform !== 'darwin', note: 'Bundled for Linux x64 and Windows; needs a GPU with Vulkan (Linux) or D3D12 (Windows) drivers. Same results as CPU; about 2x faster on the built-in package, slower on the smaller packages (blocks, connect, bars), which do little arithmetic in many small operators. Falls back to CPU with a notice if it cannot start.' },
    {
      name: 'cuda',
      bundled: bundledCuda,
      note: bundledCuda
        ? 'CUDA provider files are installed; needs an NVIDIA GPU with a CUDA 12 driver.'
        : 'Not installed: run `npm install --onnxruntime-node-install=cuda12` on a machine with internet and an NVIDIA GPU. Falls back to CPU until then.',
    },
  ]
}
