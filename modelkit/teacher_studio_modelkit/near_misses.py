"""Near misses: the reasoner's own samples with one move forced, as cheap stand-ins for optimized videos (connect).

An answerer learns what optimization breaks from videos optimized against it (the hardening and pressure rounds),
and those cost 16 forward and backward passes each; on connect one optimized final in about 60 breaks connect.grow
(a pen painting over the other pair's path, or next to a dot that is not its own), so a round of 512 tasks makes
about 35 such videos in several minutes (results/pressure_rounds_connect.md). Optimization breaks a video by
changing a few of the pens' moves; a near miss does that directly: the full sampler's video of a task with the
move of one frame where a pen draws replaced by another direction, and the pens replan from where it took them
(ConnectReasoner.near_miss_cells). One sampler pass per video; on 512 two-pair train tasks (seeds 600000+) one
forced move broke connect.linked in 22 %, connect.no_wall in 19 % and connect.grow in 6 % of them, and left 66 %
right (about 17 seconds on this 2-core CPU). Labelled by the evaluator like every other video."""
import numpy as np
import torch

from . import evaluate as ev
from .layers import one_hot
from .pipeline import add_weighted_videos, sprites_as
from .reasoner import MOVES

FIRST_SEED = 700  # the near misses' noise seeds (draw j of a task: sample seed FIRST_SEED + j)


def forced_moves(moves, active, rng):
    """moves [B, T-1] (the sample's), active [B, T-1] bool (frames whose picture changes) -> forced [B, T-1]:
    -1 everywhere but at one active frame per video, a direction (not stay) other than the sample's move there
    (all -1 where no frame is active)."""
    forced = torch.full_like(moves, -1)
    for i in range(len(moves)):
        frames = np.flatnonzero(active[i].numpy())
        if len(frames):
            f = int(rng.choice(frames))
            forced[i, f] = int(rng.choice([m for m in range(1, len(MOVES)) if m != int(moves[i, f])]))
    return forced


@torch.no_grad()
def near_miss_cells(r, b, seed, rng):
    """One near miss per task of b (a TaskBatch): the full sampler from noise seed `seed`, one move forced."""
    z1 = ev.noise_for(r, b.idx, seed)
    moves = r.sample_logits(z1, b.cells0, b.instr).argmax(-1)
    sample = r.hard_cells(one_hot(moves, len(MOVES)), b.cells0)
    return r.near_miss_cells(z1, b.cells0, b.instr, forced_moves(moves, (sample[:, 1:] != sample[:, :-1]).any(-1), rng))


def near_miss_videos(r, judges, chunks, draws, rules_all, aset, again=(), seed=0):
    """`draws` near misses per task of chunks ([(TaskBatch, sprites or None)], pressure_stage.pressure_chunks),
    rendered with each chunk's sprites, into aset as the source "near misses", labelled by the judges; again
    ((rule, times), as PressureRound.again): those that break the rule go in times - 1 more times. Returns the
    broken videos per rule."""
    rng = np.random.default_rng(seed)
    broken = dict.fromkeys(rules_all, 0)
    for j in range(draws):
        for b, sprites in chunks:
            with sprites_as(r, r.sprites if sprites is None else sprites):
                cells = near_miss_cells(r, b, FIRST_SEED + j, rng)
                bad = add_weighted_videos(aset, r, judges, b, cells, rules_all, "near misses", again)
            for rule in rules_all:
                broken[rule] += len(bad[rule])
    return broken
