"""Answerer training videos in which pushed blocks move at the same time.

The suite's push videos move one block per frame (every ground-truth video of the train split does),
and the objects reasoner learnt to take turns from them. Optimized against the teacher, it often
moves two or three blocks in one frame instead, which the evaluator accepts. The blocks answerer had
never seen that and read it as a block breaking: on the held-out test split the 2026-12-02 package's
push.intact said Yes to only 71 % of the intact final videos of the loop that move several blocks at
once, against 94 % of those that move one at a time (results/simultaneous_moves.md). These videos are
ground-truth push videos of the train split with two blocks whose moves are made to overlap in time,
labelled by the rule-based judges: a block that now runs into the other is drawn under it and the
judges call the video broken, so some of them are negatives. Since 2026-12-03 the blocks recipe
refines its hardened answerer with them (blocks_package.BLOCKS_REFINEMENT, family_package.Refinement).

    cd modelkit && python -m teacher_studio_modelkit.simultaneous_moves --train NAME --start START

trains the answerer runs/NAME1.pt (kept when it exists) as the blocks recipe would with these videos after round 0 (stage_answerer's
extra_after): START (checkpoints/blocks.pt or a runs/ state) stands in for round 0, then SIMULTANEOUS_STEPS more
steps with the videos at the hardening round's learning rate, then the hardening round, each training's snapshot
chosen on the validation split (runs/NAME_choice.json); with --evaluate, then the package's held-out teacher
evaluation of it (runs/NAME_teacher.json).

    cd modelkit && python -m teacher_studio_modelkit.simultaneous_moves ANSWERER [ANSWERER ...]

measures answerers (a checkpoint or a runs/ state) with the blocks package's reasoner on its held-out test
tasks: push.intact's Yes rate on intact videos that move one block per frame and on those that move several,
on base samples and on the final videos of the loop run against that answerer; the rule's broken videos
caught; each rule's balanced accuracy on those final videos; TTO success.
"""
import argparse
import os
import time

import numpy as np
import torch

from .late_faults import fault_ids
from .rules import OBJECT_COLOURS

# How many such videos join the blocks answerer's training (two per two-block push task: 436 from the 1,200 tasks
# round 0 samples) and how many steps it trains with them.
SIMULTANEOUS = 600
SIMULTANEOUS_STEPS = 1000
# How many of them get a copy in which a block that moves together with another vanishes for one frame (the way the
# loop's broken push videos that the refined answerer passed are broken: results/simultaneous_moves.md); 0 in the
# recipe, `--hidden N` of --train tries it.
SIMULTANEOUS_HIDDEN = 0


def simultaneous_sources(n=SIMULTANEOUS, hidden=SIMULTANEOUS_HIDDEN):
    """A FamilyPackage's sources (stage_answerer's extra) giving n videos with overlapping moves, and up to
    `hidden` copies of them with a block hidden for one frame (simultaneous_videos), or None when n is 0."""
    if not n:
        return None
    return lambda reasoner, vocab: [("simultaneous moves", lambda d, idx: simultaneous_videos(d, idx, n=n, hidden=hidden))]


def block_paths(cells, ids):
    """Per colour present in frame 0: the cells its block occupies, in order, each once (its path) and the
    frame of its first move (None when it never moves). cells [T, N]."""
    paths = {}
    for k in range(len(OBJECT_COLOURS)):
        where = [np.flatnonzero(occupied(f, ids, k)) for f in cells]
        if len(where[0]) != 1 or any(len(w) != 1 for w in where):
            continue
        track = [int(w[0]) for w in where]
        path = [track[0]] + [c for t, c in enumerate(track[1:]) if c != track[t]]
        first = next((t for t in range(1, len(track)) if track[t] != track[t - 1]), None)
        paths[k] = (path, first)
    return paths


def overlapped(cells, ids, rng):
    """cells [T, N] of a push video whose blocks take turns -> a copy in which every moving block starts
    its path at a random frame between 1 and its own first move and then moves every frame until it is
    done (so moves of different blocks overlap), drawn placed on its own outline, a later colour over an
    earlier one on the same cell. None when fewer than two blocks move, or when the draw changed nothing."""
    cells = np.asarray(cells)
    T = len(cells)
    paths = block_paths(cells, ids)
    movers = [k for k, (_, first) in paths.items() if first is not None]
    if len(movers) < 2:
        return None
    background = background_of(cells[0], paths, ids)
    out = np.repeat(background[None], T, 0)
    for k, (path, first) in sorted(paths.items()):
        start = int(rng.integers(1, first + 1)) if first is not None else T
        for t in range(T):
            c = path[min(max(t - start + 1, 0), len(path) - 1)]
            out[t, c] = ids["placed"][k] if background[c] == ids["target"][k] else ids["object"][k]
    return None if (out == cells).all() else out


def background_of(cells0, paths, ids):
    """The first frame [N] without its blocks (block_paths' paths): floor, or the outline a placed block stands on."""
    background = np.where(np.isin(cells0, ids["object"] + ids["placed"]), ids["floor"], cells0)
    for k, (path, _) in paths.items():
        if cells0[path[0]] == ids["placed"][k]:
            background[path[0]] = ids["target"][k]
    return background


def hidden_block(cells, ids, rng):
    """cells [T, N] of a video in which some frame moves two blocks or more -> a copy in which one block that
    moves in such a frame is missing from it (the floor or outline under it shows), or None when no frame
    moves two blocks."""
    cells = np.asarray(cells)
    into = np.concatenate([np.zeros((len(OBJECT_COLOURS), 1), bool), moves(cells, ids)], 1)  # [K, T]: moved into frame t
    frames = np.flatnonzero(into[:, :-1].sum(0) >= 2)  # never the last frame
    if not len(frames):
        return None
    t = int(rng.choice(frames))
    k = int(rng.choice(np.flatnonzero(into[:, t])))
    out = cells.copy()
    background = background_of(cells[0], block_paths(cells, ids), ids)
    here = occupied(out[t], ids, k)
    out[t, here] = background[here]
    return out


def simultaneous_videos(d, idx, seed=0, n=SIMULTANEOUS, hidden=0):
    """Up to n videos with overlapping moves from the push ground-truth videos d.instances[idx], two draws
    per video, then up to `hidden` copies of them with a block hidden for one frame (hidden_block; their own
    random draws, so the first n are the same with or without them): (the instance indices kept, their cells
    [B, T, N] uint8)."""
    rng = np.random.default_rng(seed)
    ids = fault_ids({a["name"]: a["id"] for a in d.appearances})
    cells = np.asarray(d.cells)
    T = cells.shape[1]
    push = [i for i in idx if d.instances[i]["family"] == "push" and d.instances[i]["variant"] == "gt"]
    kept, out = [], []
    for draw in range(2):
        for i in push:
            if len(kept) == n:
                break
            c = overlapped(cells[i].reshape(T, -1), ids, rng)
            if c is not None:
                kept.append(i)
                out.append(c)
    rng = np.random.default_rng(seed + 1)
    for i, c in list(zip(kept, out))[:hidden]:
        h = hidden_block(c, ids, rng)
        if h is not None:
            kept.append(i)
            out.append(h)
    return kept, np.stack(out).astype(np.uint8) if out else np.zeros((0, T, cells[0].size // T), np.uint8)


def occupied(cells, ids, k):
    """Where block colour k is, drawn moving or placed: a bool mask of cells' shape."""
    return np.isin(cells, [ids["object"][k], ids["placed"][k]])


def moves(cells, ids):
    """[K, ..., T-1] bool: whether block colour k changes cell from frame t to t+1 of cells [..., T, N]."""
    cells = np.asarray(cells)
    on = np.stack([occupied(cells, ids, k) for k in range(len(OBJECT_COLOURS))])
    return (on[..., 1:, :] != on[..., :-1, :]).any(-1)


def most_moving(cells, ids):
    """[B]: the most blocks that change cell from one frame to the next in each video cells [B, T, N]."""
    return moves(cells, ids).sum(0).max(-1)


def intact_reading(pt, labels, tb, cells, ids):
    """push.intact on the push videos cells: (Yes rate on intact one-at-a-time videos, on intact videos moving
    several blocks at once, share of broken ones answered No), each with its count."""
    many = most_moving(cells, ids)
    rows = {"one": [], "several": [], "broken": []}
    for i, (fam, lab, rules) in enumerate(zip(tb.families, labels, tb.rules)):
        if fam != "push":
            continue
        yes = float(pt[i, rules.index("push.intact")]) >= 0.5
        key = "broken" if not lab["push.intact"] else ("several" if many[i] >= 2 else "one")
        rows[key].append(yes if key != "broken" else not yes)
    return {k: (float(np.mean(v)) if v else None, len(v)) for k, v in rows.items()}


def block_counts(cells, ids):
    """{colour: [cells of that block per frame]} for the colours of cells [T, N] whose block is not one cell in every frame."""
    out = {}
    for k, colour in enumerate(OBJECT_COLOURS):
        n = occupied(cells, ids, k).sum(-1)
        if (n != n[0]).any() or n[0] > 1:  # a colour absent from every frame is not in the task
            out[colour] = n.tolist()
    return out


def broken_rows(pt, labels, tb, cells, ids):
    """[(task, most blocks moving at once, what breaks, P(Yes) of push.intact)] for the push videos cells
    [B, T, N] that fail push.intact; what breaks: each block whose count of cells is not 1 in some frame
    ('blue gone in frame 8'), else 'colour'."""
    many = most_moving(cells, ids)
    rows = []
    for i, (fam, lab, rules) in enumerate(zip(tb.families, labels, tb.rules)):
        if fam != "push" or lab["push.intact"]:
            continue
        what = "; ".join(f"{c} " + ", ".join(f"{'gone' if v == 0 else f'{v} cells'} in frame {t}" for t, v in enumerate(n) if v != 1)
                         for c, n in block_counts(cells[i], ids).items()) or "colour"
        rows.append((i, int(many[i]), what, float(pt[i, rules.index("push.intact")])))
    return rows


def train(name, start, evaluate=False, hidden=SIMULTANEOUS_HIDDEN):
    """runs/NAME1.pt: the blocks answerer START (a checkpoint or a runs/ state) trained further with the videos,
    then hardened, as stage_answerer's extra_after does after round 0; with evaluate, the package's teacher
    evaluation written to runs/NAME_teacher.json."""
    import json
    from dataclasses import replace
    from .blocks_package import PACKAGE
    from .pipeline import RUNS
    from .train import Budget
    from .validate import answerer_state
    first = f"{name}_first"
    package = replace(PACKAGE, sources=simultaneous_sources(hidden=hidden), answerer_name=name, extra_key="simultaneous moves", refine=None,
                      extra_after=(first, Budget(steps=SIMULTANEOUS_STEPS)))
    if os.path.exists(os.path.join(RUNS, f"{name}1.pt")):
        print(f"runs/{name}1.pt exists and is kept (remove runs/{name}*.pt to train it again)", flush=True)
    else:
        for old in (f"{name}0.pt", f"{name}_data.json"):  # from an interrupted run
            if os.path.exists(os.path.join(RUNS, old)):
                os.remove(os.path.join(RUNS, old))
        torch.save(answerer_state(start), os.path.join(RUNS, f"{first}0.pt"))
    sets, vocab = package.experiment.data_and_vocab()
    sets = package.teacher_data(sets)
    reasoner, _ = package.experiment.stage_reasoner(False, sets, vocab, package.reasoner_budget, name=package.run)
    writer, answerer, counts = package.stage_teacher(False, sets, vocab, reasoner)
    if evaluate:
        res = package.measure_teacher(sets, vocab, reasoner, writer, answerer, counts) | {"start": start}
        json.dump(res, open(os.path.join(RUNS, f"{name}_teacher.json"), "w"), indent=1)


def main():
    from . import evaluate as ev
    from .base_check import TEST, test_tasks
    from .build import DATA
    from .data import SuiteData
    from .experiment import teacher_loss
    from .objects_teacher import BLOCKS_TTO_LR
    from .rules import success
    from .validate import answerer_state
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("answerers", nargs="*", help="checkpoints/blocks.pt (the committed answerer) or runs/NAME.pt")
    ap.add_argument("--train", metavar="NAME", help="train runs/NAME1.pt from --start with the videos")
    ap.add_argument("--start", default="checkpoints/blocks.pt", help="the answerer --train starts from")
    ap.add_argument("--evaluate", action="store_true", help="with --train: the package's teacher evaluation of it")
    ap.add_argument("--hidden", type=int, default=SIMULTANEOUS_HIDDEN,
                    help="with --train: copies of the videos with a block hidden for one frame (simultaneous_videos)")
    a = ap.parse_args()
    torch.set_num_threads(int(os.environ.get("MODELKIT_THREADS", "2")))
    if a.train:
        train(a.train, a.start, a.evaluate, a.hidden)
    if not a.answerers:
        return
    r, ans, judges, tb = test_tasks("blocks")
    ids = fault_ids({x["name"]: x["id"] for x in SuiteData(os.path.join(DATA, TEST["blocks"][0])).appearances})
    base = ev.sample_cells(r, tb, 0)
    base_labels = ev.judge_all(judges, tb.families, base)
    pct = lambda x: "-" if x[0] is None else f"{100 * x[0]:.1f} % of {x[1]}"
    print(f"# push.intact and videos that move several blocks at once (blocks package, held-out test, {len(tb)} tasks;"
          f" `python -m teacher_studio_modelkit.simultaneous_moves {' '.join(a.answerers)}`, {time.strftime('%Y-%m-%d')})\n")
    print("| answerer | videos | intact, one block a frame: Yes | intact, several at once: Yes | broken: No |"
          " balanced accuracy per rule | TTO success (fall / push) |")
    print("|---|---|---|---|---|---|---|")
    broken = {}
    for path in a.answerers:
        ans.load_state_dict(answerer_state(path))
        ans.eval()
        with torch.no_grad():
            _, pb = teacher_loss(ans, r, base, tb)
        res = ev.optimize_tasks(r, ans, tb, lr=BLOCKS_TTO_LR, check_base=True)
        final = res["final_cells"]
        labels = ev.judge_all(judges, tb.families, final)
        with torch.no_grad():
            _, pf = teacher_loss(ans, r, final, tb)
        s = np.array([success(x) for x in labels])
        fam = np.array(tb.families)
        acc = ev.balanced_accuracy(pf, labels, tb.rules)
        for name, p, lab, cells in (("base samples", pb, base_labels, base), ("the loop's final videos", pf, labels, final)):
            reading = intact_reading(p, lab, tb, cells.numpy(), ids)
            tail = ("- | -" if p is pb else
                    ", ".join(f"{k} {100 * v['balanced']:.1f} %" for k, v in sorted(acc.items()))
                    + f" | {100 * s.mean():.1f} % ({100 * s[fam == 'fall'].mean():.1f} / {100 * s[fam == 'push'].mean():.1f} %)")
            print(f"| {path} | {name} | {pct(reading['one'])} | {pct(reading['several'])} | {pct(reading['broken'])} | {tail} |",
                  flush=True)
        broken[path] = broken_rows(pf, labels, tb, final.numpy(), ids)
    for path, rows in broken.items():
        print(f"\nThe loop's final push videos that fail push.intact, against {path}:\n")
        print("| task | blocks moving at once (most) | what breaks | P(Yes) push.intact |\n|---|---|---|---|")
        print("\n".join(f"| {i} | {m} | {what} | {p:.2f} |" for i, m, what, p in rows), flush=True)
    validation_table(a.answerers, r, ans, judges)


def validation_table(paths, reasoner, ans, judges):
    """Each answerer's balanced accuracy per rule on the validation videos the package's build chooses its
    answerer on (answerer_validation.ValidationVideos: the validation split's ground truth + corruptions and one
    reasoner sample per validation task)."""
    from .answerer_validation import print_table
    from .blocks_package import PACKAGE
    from .validate import answerer_state
    sets, vocab = PACKAGE.experiment.data_and_vocab()
    sets = PACKAGE.teacher_data(sets)
    videos = PACKAGE.validation_videos(sets, vocab, reasoner, judges)

    def rows():
        for path in paths:
            ans.load_state_dict(answerer_state(path))
            yield path, videos, ans.eval()

    print_table(rows())


if __name__ == "__main__":
    main()
