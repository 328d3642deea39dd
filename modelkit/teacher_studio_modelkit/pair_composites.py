"""Two-pair training videos for the connect answerer, composed from the train split's one-pair videos.

The train split draws one teal pair per video; held-out videos have two (teal and magenta). An
answerer that never saw two pairs judged connect.linked by the teal pair alone
(results/connect_linked_probe.md). A composite adds a second pair to a train video: two dots at the
ends of a random self-avoiding walk over the cells that are floor in every frame, and the walk's
inside painted one cell a frame from the frame after the video's last change, starting next to the
dot first in cell order (the suite's drawing order); a share stop short, and every video ends where
its frames do. The reasoner's own samples on composite first frames add its kinds of mistakes. The
second pair is written with the suite's magenta ids, which the rule-based evaluator pairs by, so the
labels are the evaluator's. In pixels it is never the suite's magenta: it is the teal sprites turned
by a random angle about the grey axis (60-300 degrees, apart from teal; train.turn_hue), so what the
answerer can learn is "every pair, whatever its colour".
"""
import numpy as np
import torch

from . import evaluate as ev
from .build import SMOKE
from .connect import connect_ids
from .pipeline import sprites_as
from .rules import grid_neighbours
from .train import turn_hue

COMPOSITE_MINUTES = 0.1 if SMOKE else 5  # the answerer's training with them, after its round 0 without them (stage_answerer)
STOP_SHORT = 0.4  # share of composites whose second pair stops before it is joined
WALK = (3, 9)  # cells of the second pair's walk, dots included (the train split's paths are 2-8 cells)
TURN = (np.pi / 3, 5 * np.pi / 3)  # the second pair's hue turn from teal
CROSSING = 0.6  # share of composites whose second pair paints over the first pair's path (answerer_census crossings)


def pair_ids(appearances):
    ids = {a["name"]: a["id"] for a in appearances}
    dots, paths = connect_ids(ids)
    return {"floor": ids["floor"], "dots": dots, "paths": paths}


def random_walk(free, canvas, length, rng, start=None):
    """A walk of `length` cells over the free cells [N] bool that never touches itself (each cell's
    only neighbours on it are the cells before and after it: no shortcut, so the pair is joined only
    once the whole walk is drawn, and its dots are never neighbours), or None. start: the cells [N]
    bool it may start on (default: the free ones)."""
    walk = [int(rng.choice(np.flatnonzero(free if start is None else start & free)))]
    while len(walk) < length:
        steps = [n for n in grid_neighbours(walk[-1], canvas) if free[n] and n not in walk
                 and not any(m in walk[:-1] for m in grid_neighbours(n, canvas))]
        if not steps:
            return None
        walk.append(int(rng.choice(steps)))
    return walk


def pair_walk(cells, ids, canvas, rng, cross=False, tries=20):
    """The second pair's walk over a one-pair video's cells [T, N], or None: its dots on cells that are
    floor in every frame, its inside on such cells too, or (cross) also on the first pair's finished
    path (path in the last frame, floor or path before), crossed at least once."""
    floor = (cells == ids["floor"]).all(0)
    path = ids["paths"][0]
    crossable = ((cells == ids["floor"]) | (cells == path)).all(0) & (cells[-1] == path) if cross else np.zeros_like(floor)
    if floor.sum() < 2 or (cross and not crossable.any()):
        return None
    for _ in range(tries):
        walk = random_walk(floor | crossable, canvas, int(rng.integers(WALK[0], WALK[1] + 1)), rng, start=floor)
        if walk is not None and floor[walk[-1]] and crossable[walk[1:-1]].any() == cross:
            return walk
    return None


def add_second_pair(cells, ids, canvas, rng, stop_short=False, cross=False, tries=20):
    """cells [T, N] of a one-pair video -> a copy with a second pair (magenta ids) drawn after the
    video's last change, or None when no walk fits. stop_short: the pen stops at least one cell before
    the walk's end; cross: its walk paints over the first pair's path (pair_walk), the fault that
    breaks connect.grow in the reasoner's two-pair samples."""
    T = len(cells)
    walk = pair_walk(cells, ids, canvas, rng, cross, tries)
    if walk is None:
        return None
    if walk[0] > walk[-1]:
        walk = walk[::-1]
    dot, path = ids["dots"][1], ids["paths"][1]
    out = cells.copy()
    out[:, [walk[0], walk[-1]]] = dot
    changes = np.flatnonzero((cells[1:] != cells[:-1]).any(1))
    start = int(changes[-1]) + 2 if len(changes) else 1  # the first frame after the last change
    inside = walk[1:-1]
    drawn = int(rng.integers(0, len(inside))) if stop_short else len(inside)
    for k, cell in enumerate(inside[:drawn]):
        if start + k < T:
            out[start + k:, cell] = path
    return out


def composite_cells(d, idx, ids, canvas, rng, crossing=0.0):
    """Two-pair videos from d's videos idx (ground truth and corruptions alike): (kept indices, cells
    [B, T, N]). crossing: the share whose second pair paints over the first pair's path (where it has
    one to cross; the others get a plain walk)."""
    kept, out = [], []
    for i in idx:
        video = d.cells[i].reshape(d.cells.shape[1], -1)
        short = rng.random() < STOP_SHORT
        c = add_second_pair(video, ids, canvas, rng, stop_short=short, cross=True) \
            if crossing and rng.random() < crossing else None
        c = add_second_pair(video, ids, canvas, rng, stop_short=short) if c is None else c
        if c is not None:
            kept.append(i)
            out.append(c)
    return kept, np.stack(out) if out else np.zeros((0,) + d.cells.shape[1:2] + (canvas * canvas,), np.int64)


def second_pair_frames(reasoner, cells, ids, rng):
    """Hard-rendered frames [B, T, H, W, 3] of cells [B, T, N] with the second pair's dots and path
    drawn as teal turned by a random angle in TURN (one per video; turned_sprites)."""
    cells = torch.as_tensor(cells).long()
    sprites, frames = reasoner.sprites.numpy().copy(), []
    for video in cells:
        with sprites_as(reasoner, turned_sprites(sprites, ids, rng.uniform(*TURN))):
            frames.append(reasoner.render(video[None]).numpy()[0])
    return np.stack(frames) if frames else reasoner.render(cells).numpy()


def composite_sources(reasoner, vocab, seed=0, samples=800, crossing=0.0):
    """stage_answerer's extra sources for connect: two-pair composites of the train mix's videos (a
    share `crossing` of them painting over the first pair's path), and the reasoner's samples on
    composite first frames of its ground-truth tasks (at most `samples`)."""
    def of_videos(d, gt_idx):
        ids, rng = pair_ids(d.appearances), np.random.default_rng(seed)
        taken = set(gt_idx)
        pool = [i for i in range(len(d.instances)) if i not in taken] or list(gt_idx)
        kept, cells = composite_cells(d, rng.permutation(pool)[:len(gt_idx)], ids, reasoner.C, rng, crossing)
        return kept, cells, second_pair_frames(reasoner, cells, ids, rng)

    def of_samples(d, gt_idx):
        ids, rng = pair_ids(d.appearances), np.random.default_rng(seed + 1)
        kept, cells = composite_cells(d, list(gt_idx)[:samples], ids, reasoner.C, rng)
        tb = ev.TaskBatch(d, vocab, kept)
        tb.cells0 = torch.as_tensor(cells[:, 0]).long()
        sampled = ev.sample_cells(reasoner, tb, 103)
        return kept, sampled, second_pair_frames(reasoner, sampled, ids, rng)

    return [("two-pair composites", of_videos), ("reasoner samples, two pairs", of_samples)]


def turned_sprites(sprites, ids, angle):
    """The reasoner's sprites [A, px*px*3] with the second pair's (magenta ids) replaced by the first
    pair's turned by angle: what second_pair_frames draws, as a sprite table."""
    out = np.array(sprites, dtype=np.float32)
    for own, teal in zip((ids["dots"][1], ids["paths"][1]), (ids["dots"][0], ids["paths"][0])):
        out[own] = turn_hue(out[teal].reshape(-1, 3), angle).reshape(-1)
    return out


def composite_hardening(seed=0, chunk=16):
    """stage_answerer's harden_source for connect: the hardening tasks' first frames with a second
    pair's dots (composite_cells' first frames), in chunks of `chunk` tasks, each drawn with the second
    pair in teal turned by its own angle in TURN (turned_sprites), so that the hardening round
    optimizes two-pair tasks, where the optimization sometimes fails, against the answerer (on one-pair
    train tasks it almost never does: the connect package's in-domain TTO broke none of 128)."""
    def make(reasoner, d, idx):
        ids, rng = pair_ids(d.appearances), np.random.default_rng(seed + 2)
        kept, cells = composite_cells(d, idx, ids, reasoner.C, rng)
        sprites = reasoner.sprites.numpy()
        return [(kept[s:s + chunk], cells[s:s + chunk, 0], turned_sprites(sprites, ids, rng.uniform(*TURN)))
                for s in range(0, len(kept), chunk)]

    return "two pairs", make
