/** Frame-only checks for a single red agent (maze, collect). */
import { A, UNKNOWN } from './appearance'
import { manhattan, type Geometry } from './geometry'

export interface AgentReading {
  /** Agent cells per frame. */
  agents: number[][]
  /** Exactly one agent in every frame, no agent of the wrong shape, no unreadable cell. */
  oneAgent: boolean
  /** No agent ever on a cell that is a wall in the first frame. */
  offWalls: boolean
  /** Between consecutive frames that each show one agent, it moves at most one cell. */
  smallSteps: boolean
}

export function readAgent(cells: Uint8Array[], g: Geometry): AgentReading {
  const first = cells[0]
  const agents = cells.map((f) => {
    const out: number[] = []
    for (let i = 0; i < f.length; i++) if (f[i] === A.agent) out.push(i)
    return out
  })
  const oneAgent = cells.every((f, t) => agents[t].length === 1 && !f.includes(A.agentBent) && !f.includes(UNKNOWN))
  const offWalls = agents.every((list) => list.every((c) => first[c] !== A.wall))
  let smallSteps = true
  for (let t = 1; t < cells.length; t++) {
    if (agents[t - 1].length === 1 && agents[t].length === 1 && manhattan(g, agents[t - 1][0], agents[t][0]) > 1) smallSteps = false
  }
  return { agents, oneAgent, offWalls, smallSteps }
}
