"""Answerer training videos in which a block vanishes or doubles from a late frame to the end.

The suite's vanish and duplicate corruptions last a few middle frames only, so the blocks
answerer never saw a video that *ends* with a block missing or drawn twice, which the objects
reasoner does produce on held-out tasks. It then reads fall.rest ("has every block come to rest")
from the blocks it can see and says Yes on about two thirds of such samples (balanced accuracy
65.8 % on held-out reasoner samples, results/objects_teacher.md). These videos are ground-truth
videos of the train split with one such fault, labelled by the rule-based judges.

An experiment, not part of the package's recipe (LATE_FAULTS = 0): with 400 or 1200 of them the
answerer learns fall.rest (82.9 / 99.1 %) but loses other rules out of distribution, and TTO
with it falls from 72.7 % to 47.7 / 67.2 % (results/late_faults.md).
"""
import numpy as np

from .objects import appearance_ids
from .rules import OBJECT_COLOURS

# How many answerer training videos get a late fault in the package's recipe: none (results/late_faults.md).
LATE_FAULTS = 0


def late_fault_sources(n=LATE_FAULTS):
    """A FamilyPackage's sources (stage_answerer's extra) giving n ground-truth videos a late fault,
    or None when n is 0."""
    if not n:
        return None
    return lambda reasoner, vocab: [("late faults", lambda d, idx: late_faults(d, idx, n=n))]


def fault_ids(ids):
    """The appearance ids late_fault needs, from the suite's name -> id map."""
    obj, placed, target = appearance_ids(ids)
    return {"floor": ids["floor"], "object": obj, "placed": placed, "target": target}


def late_fault(cells, ids, rng, kind):
    """cells [T, N] of a video with coloured blocks -> a copy in which, from a frame in the second half
    to the last, one block is gone ("vanish": its cell shows what is under it) or has a still copy
    ("duplicate": on the cell it left, or else on a free floor cell). None when the video has no block,
    or no free cell for the copy."""
    cells = np.array(cells, copy=True)
    T = len(cells)
    colours = [k for k in range(len(OBJECT_COLOURS))
               if ((cells[0] == ids["object"][k]) | (cells[0] == ids["placed"][k])).any()]
    if not colours:
        return None
    k = colours[rng.integers(len(colours))]
    start = int(rng.integers(T // 2, T))
    block = (cells == ids["object"][k]) | (cells == ids["placed"][k])  # [T, N]
    if kind == "vanish":
        # under a block: its outline if it is placed on it, else the first frame without blocks
        # (floor where a block started, another colour's outline, ...; blocks never enter walls)
        blocks0 = np.isin(cells[0], ids["object"] + ids["placed"])
        background = np.where(blocks0, ids["floor"], cells[0])
        for t in range(start, T):
            under = np.where(cells[t] == ids["placed"][k], ids["target"][k], background)
            cells[t] = np.where(block[t], under, cells[t])
        return cells
    if kind != "duplicate":
        raise ValueError(f"no late fault {kind!r}")
    left = np.flatnonzero(block[start - 1] & ~block[start])
    free = np.flatnonzero((cells[start:] == ids["floor"]).all(0))
    spots = [c for c in left if (cells[start:, c] == ids["floor"]).all()] or list(free)
    if not spots:
        return None
    spot = spots[rng.integers(len(spots))]
    cells[start:, spot] = ids["object"][k]
    return cells


def late_faults(d, idx, seed=0, n=LATE_FAULTS):
    """One late fault per ground-truth video d.instances[idx[:n]], alternately vanish and duplicate:
    (the instance indices kept, their faulty cells [B, T, N] uint8)."""
    rng = np.random.default_rng(seed)
    ids = fault_ids({a["name"]: a["id"] for a in d.appearances})
    cells = np.asarray(d.cells)
    T = cells.shape[1]
    kept, out = [], []
    for j, i in enumerate(idx[:n]):
        c = late_fault(cells[i].reshape(T, -1), ids, rng, ("vanish", "duplicate")[j % 2])
        if c is not None:
            kept.append(i)
            out.append(c)
    return kept, np.stack(out).astype(np.uint8) if out else np.zeros((0, T, cells[0].size // T), np.uint8)
