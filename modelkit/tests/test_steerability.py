"""The oracle reward of the steerability diagnostic is the evaluator's goal and wall verdicts made
differentiable: about 0 on every ground-truth video (maze and collect), large when the agent never
leaves its cell, large on the wall term when the path cuts through a wall, and it has a slope at a
spread preview."""
import numpy as np
import torch

from teacher_studio_modelkit.reasoner import MOVES, moves_from_cells
from teacher_studio_modelkit.steerability import oracle_loss
from test_reasoner import certain_logits, gt_batch, reasoner_for


def test_oracle_loss_reads_goal_and_walls_from_the_positions(suite_data):
    r = reasoner_for(suite_data)
    ids = {a["name"]: a["id"] for a in suite_data.appearances}
    _, cells = gt_batch(suite_data, 16)
    moves = moves_from_cells(cells, r.agent_id, r.C)
    assert oracle_loss(r, certain_logits(moves), cells[:, 0], ids).abs().max() < 1e-3
    still = oracle_loss(r, certain_logits(torch.zeros_like(moves)), cells[:, 0], ids)
    assert (still > 5).all(), "an agent that never moves reaches no goal"
    # lambda 0 leaves only the wall term: 0 on the ground truth, large once the agent steps onto a wall
    walls = cells[:, 0] == ids["wall"]
    crossing, hit = moves.clone(), []
    for b in range(len(cells)):
        a = int((cells[b, 0] == r.agent_id).nonzero()[0, 0])
        for k, (dr, dc) in enumerate(MOVES[1:], 1):
            if walls[b, a + dr * r.C + dc]:
                crossing[b, 0] = k
                hit.append(b)
                break
    assert hit, "no agent starts beside a wall"
    wall_term = oracle_loss(r, certain_logits(crossing), cells[:, 0], ids, lam=0.0)
    assert (wall_term[hit] > 5).all()
    # a spread preview has a gradient towards the goal
    logits = (certain_logits(moves) / 25).requires_grad_(True)
    oracle_loss(r, logits, cells[:, 0], ids, temp=3.0).sum().backward()
    assert logits.grad.abs().sum() > 0 and np.isfinite(logits.grad.numpy()).all()
