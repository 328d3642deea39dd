/**
 * When the test-time loop ends (method.md, step 6): once the teacher is confident (loss <= tau,
 * tau = 0.22 is about 0.8 confidence in "Yes"), or when the step budget is spent.
 */
export type StopReason = 'confident' | 'max-steps' | 'cancelled'

export interface StopRule {
  tau: number
  maxSteps: number
  /** Fixed-budget ablations run exactly maxSteps steps and ignore tau. */
  earlyStop: boolean
}

/** `stepsTaken` counts the optimizer steps already applied; `loss` is the latest measured loss. */
export function stopReason(loss: number, stepsTaken: number, rule: StopRule): StopReason | null {
  if (rule.earlyStop && loss <= rule.tau) return 'confident'
  if (stepsTaken >= rule.maxSteps) return 'max-steps'
  return null
}

/** Keeps the state with the lowest loss seen so far: the final render uses the best, not the last. */
export class BestSoFar<T> {
  private bestLoss = Number.POSITIVE_INFINITY
  private bestValue: T | undefined
  private bestIndex = -1

  offer(loss: number, index: number, snapshot: () => T): boolean {
    if (!(loss < this.bestLoss)) return false
    this.bestLoss = loss
    this.bestIndex = index
    this.bestValue = snapshot()
    return true
  }

  /** The best state was judged again (confirmStop: its final video's loss): it keeps that score. */
  rescore(loss: number): void {
    this.bestLoss = loss
  }

  get value(): T | undefined {
    return this.bestValue
  }
  get loss(): number {
    return this.bestLoss
  }
  get index(): number {
    return this.bestIndex
  }
}
