import type { NamedTensors } from './adam'

/** Global L2 norm over all gradient tensors (the number a user sees per step). */
export function globalNorm(gradients: NamedTensors): number {
  let sum = 0
  for (const tensor of Object.values(gradients)) for (let i = 0; i < tensor.length; i++) sum += tensor[i] * tensor[i]
  return Math.sqrt(sum)
}

/**
 * Scales all gradients in place so their global norm is at most `maxNorm` (clip-by-global-norm,
 * as in torch.nn.utils.clip_grad_norm_). Returns the norm before clipping.
 */
export function clipByGlobalNorm(gradients: NamedTensors, maxNorm: number): number {
  const norm = globalNorm(gradients)
  if (maxNorm > 0 && norm > maxNorm) {
    const scale = maxNorm / (norm + 1e-12)
    for (const tensor of Object.values(gradients)) for (let i = 0; i < tensor.length; i++) tensor[i] *= scale
  }
  return norm
}
