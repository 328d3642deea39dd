/**
 * Adam with bias correction (Kingma & Ba, 2015) over named Float32Array parameters.
 * The LoRA tensors are the only trainable state of a run; the frozen models never change.
 */
import type { NamedTensors } from '../runtime/tensors'

export type { NamedTensors }

export interface AdamSettings {
  learningRate: number
  beta1: number
  beta2: number
  epsilon: number
}

export const defaultAdamSettings: Omit<AdamSettings, 'learningRate'> = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }


export interface AdamState {
  step: number
  firstMoment: NamedTensors
  secondMoment: NamedTensors
}

export function createAdamState(parameters: NamedTensors): AdamState {
  const zerosLike = (t: Float32Array) => new Float32Array(t.length)
  const firstMoment: NamedTensors = {}
  const secondMoment: NamedTensors = {}
  for (const [name, tensor] of Object.entries(parameters)) {
    firstMoment[name] = zerosLike(tensor)
    secondMoment[name] = zerosLike(tensor)
  }
  return { step: 0, firstMoment, secondMoment }
}

/** Applies one Adam update in place to `parameters` and returns the advanced state. */
export function adamStep(parameters: NamedTensors, gradients: NamedTensors, state: AdamState, settings: AdamSettings): AdamState {
  const step = state.step + 1
  const { beta1, beta2, epsilon, learningRate } = settings
  const correction1 = 1 - beta1 ** step
  const correction2 = 1 - beta2 ** step
  for (const [name, theta] of Object.entries(parameters)) {
    const grad = gradients[name]
    if (!grad) throw new Error(`Adam: no gradient for parameter "${name}"`)
    if (grad.length !== theta.length) throw new Error(`Adam: gradient for "${name}" has ${grad.length} values, parameter has ${theta.length}`)
    const m = state.firstMoment[name]
    const v = state.secondMoment[name]
    for (let i = 0; i < theta.length; i++) {
      const g = grad[i]
      m[i] = beta1 * m[i] + (1 - beta1) * g
      v[i] = beta2 * v[i] + (1 - beta2) * g * g
      theta[i] -= (learningRate * (m[i] / correction1)) / (Math.sqrt(v[i] / correction2) + epsilon)
    }
  }
  return { step, firstMoment: state.firstMoment, secondMoment: state.secondMoment }
}
