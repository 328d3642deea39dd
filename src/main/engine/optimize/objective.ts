/**
 * The teacher's objective (method.md, step 4):
 *   L = lambda * L(goal) + (1 - lambda) / M * sum_m L(process_m),  L(q) = -log P(Yes | frames, q)
 * Users may re-weight single queries; a query's own weight multiplies its share.
 */
export interface WeightedQuery {
  kind: 'goal' | 'process'
  weight: number
}

/** Per-query weights of the total loss, in the order given. Weights sum to 1 when all user weights are 1. */
export function queryLossWeights(queries: readonly WeightedQuery[], lambda: number): number[] {
  if (lambda < 0 || lambda > 1) throw new Error(`lambda must lie in [0, 1], got ${lambda}`)
  const goals = queries.filter((q) => q.kind === 'goal').length
  const processes = queries.filter((q) => q.kind === 'process').length
  // With one side missing, the whole weight goes to the other side so the loss keeps its scale.
  const goalShare = processes === 0 ? 1 : goals === 0 ? 0 : lambda
  return queries.map((q) => {
    const share = q.kind === 'goal' ? goalShare / Math.max(goals, 1) : (1 - goalShare) / Math.max(processes, 1)
    return share * q.weight
  })
}

/** The same loss computed from P(Yes) values, for checking a graph's reported loss or scoring candidates. */
export function teacherLoss(pYes: readonly number[], weights: readonly number[]): number {
  if (pYes.length !== weights.length) throw new Error(`teacherLoss: ${pYes.length} probabilities but ${weights.length} weights`)
  let loss = 0
  for (let i = 0; i < pYes.length; i++) loss += weights[i] * -Math.log(Math.max(pYes[i], 1e-12))
  return loss
}
