"""Trains the connect reasoner (connect.py) on the suite's connect family and measures its base
success by the rule-based evaluator on unseen train-split tasks, the validation split and the
held-out test split: per rule, per number of pairs, the oracle pass@N over N noise seeds, and how
often the N samples of a task differ. Writes runs/NAME.pt, runs/NAME.json and results/NAME.md
(NAME: --name, "connect" by default).

    cd modelkit && python -m teacher_studio_modelkit.connect_experiment --minutes 5
"""
import argparse
import json
import os
import time

import numpy as np
import torch

from .build import DATA, MODELKIT, REPO, RUNS, build_vocab, encode_instructions, gen_data, log
from .connect import ConnectReasoner, connect_flow_loss, connect_ids, moves_from_cells
from .data import SuiteData
from .objects_experiment import SEEDS, SPLITS, UNSEEN_TRAIN, cells_of, measure
from .rules import make_judges
from .train import train_reasoner

FAMILY = "connect"
DATASETS = {f"{FAMILY}_{split}": args for split, args in SPLITS.items()}  # the objects reasoner's splits and seeds


def data_and_vocab(force=False):
    """The data sets of DATASETS (gen-data when missing, or always with force) and the vocabulary of
    the train split."""
    gen_data(REPO, force, datasets=DATASETS, families=FAMILY)
    sets = {n: SuiteData(os.path.join(DATA, n)) for n in DATASETS}
    return sets, build_vocab([sets[f"{FAMILY}_train_gt"]])


def make_connect_reasoner(vocab, data):
    ids = {a["name"]: a["id"] for a in data.appearances}
    g, A = data.geometry, len(data.appearances)
    r = ConnectReasoner(A, len(vocab), *connect_ids(ids), ids["wall"], ids["floor"], g["canvasCells"], g["frames"],
                        g["cellPx"])
    r.sprites.copy_(torch.from_numpy(data.sprites.reshape(A, -1).astype(np.float32)))
    return r


def count_pairs(model):
    return lambda cells0: model.pairs(cells0)[2].sum(-1)


def stage_reasoner(fresh, sets, vocab, minutes, name="connect"):
    """The connect reasoner trained `minutes` on the connect train split (all but its last
    UNSEEN_TRAIN tasks), cached as runs/NAME.pt with its training stats in runs/NAME_train.json:
    (model, stats)."""
    train = sets[f"{FAMILY}_train_gt"]
    model = make_connect_reasoner(vocab, train)
    path, stats_path = os.path.join(RUNS, f"{name}.pt"), os.path.join(RUNS, f"{name}_train.json")
    if os.path.exists(path) and not fresh:
        model.load_state_dict(torch.load(path))
        return model.eval(), json.load(open(stats_path))
    n_train = len(train.instances) - UNSEEN_TRAIN
    cells = cells_of(train, range(n_train))
    instr = encode_instructions(vocab, train, range(n_train))
    moves = moves_from_cells(cells, model.dot_ids.tolist(), model.path_ids.tolist(), model.C)
    log(f"connect reasoner: {sum(p.numel() for p in model.parameters())} parameters, {len(cells)} tasks")
    stats = train_reasoner(model, moves, cells[:, 0], instr, minutes, log, loss_fn=connect_flow_loss)
    torch.save(model.state_dict(), path)
    json.dump(stats, open(stats_path, "w"))
    return model.eval(), stats


def measure_reasoner(model, sets, vocab, minutes, stats):
    """Base success on unseen train tasks, the validation split and the held-out test split: the
    results dict of runs/NAME.json."""
    train = sets[f"{FAMILY}_train_gt"]
    n_train = len(train.instances) - UNSEEN_TRAIN
    judge = make_judges(train.appearances, model.C)[FAMILY]
    t0 = time.time()
    res = {"minutes": minutes, "train": stats, "parameters": sum(p.numel() for p in model.parameters()),
           "rules": sorted(train.rules), "splits": {}}
    splits = {"train (unseen tasks)": (train, range(n_train, len(train.instances))),
              "held-out validation": (sets[f"{FAMILY}_heldout_val"], None),
              "held-out test": (sets[f"{FAMILY}_heldout_gt"], None)}
    for name, (data, idx) in splits.items():
        idx = idx if idx is not None else range(len(data.instances))
        res["splits"][name] = measure(model, vocab, data, idx, judge, count=count_pairs(model), by="by_pairs")
        log(f"{name}: {res['splits'][name]}")
    log(f"measured in {time.time() - t0:.0f} s")
    return res


def write_report(res, path):
    rules = res["rules"]
    lines = ["# Connect reasoner on the connect family", "",
             "The latent of `teacher_studio_modelkit/connect.py`: per transition one move of the pen drawing at",
             "that frame, a pen per colour pair, each starting once the pairs before it have arrived, so every",
             "frame adds at most one cell, attached to its path, and the video holds still once every pair is",
             "joined; the route is learned. Base success by the suite's rule-based evaluator",
             "(`rules.make_connect_judge`, checked against the suite's labels in tests/test_connect.py).", "",
             "- train split: areas of 5-7 cells, one teal pair, 2-8 path cells; held-out: 8-10 cells, a teal and a",
             "  magenta pair (magenta never seen in training), 6-11 path cells in 11 transitions.", "",
             f"`cd modelkit && python -m teacher_studio_modelkit.connect_experiment --minutes {res['minutes']:g}` "
             f"({res['train']['steps']} training steps of 64 tasks in {res['minutes']:g} minutes on this 2-core CPU, "
             f"{res['parameters']} parameters, final loss {res['train']['loss']:.4f}). Samples: {SEEDS} noise seeds per task;",
             f"oracle pass@{SEEDS} is the evaluator picking the best of them.", "",
             f"| split | tasks | base success | oracle pass@{SEEDS} | samples differ | " + " | ".join(rules) + " | success by pairs |",
             "|---|---|---|---|---|" + "---|" * len(rules) + "---|"]
    for name, m in res["splits"].items():
        by = ", ".join(f"{b}: {100 * v:.1f} %" for b, v in m["by_pairs"].items())
        lines.append(f"| {name} | {m['tasks']} | {100 * m['success']:.1f} % | {100 * m['pass_at_n']:.1f} % | "
                     f"{100 * m['samples_differ']:.1f} % | " + " | ".join(f"{100 * m['rules'][r]:.1f} %" for r in rules)
                     + f" | {by} |")
    open(path, "w").write("\n".join(lines + [""]))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=5)
    ap.add_argument("--eval-only", action="store_true", help="measure runs/NAME.pt without training")
    ap.add_argument("--name", default="connect", help="writes runs/NAME.pt, runs/NAME.json and results/NAME.md")
    a = ap.parse_args()
    torch.set_num_threads(int(os.environ.get("MODELKIT_THREADS", "2")))
    os.makedirs(RUNS, exist_ok=True)
    sets, vocab = data_and_vocab()
    if a.eval_only and not os.path.exists(os.path.join(RUNS, f"{a.name}.pt")):
        raise SystemExit(f"runs/{a.name}.pt is missing: train it first (without --eval-only)")
    model, stats = stage_reasoner(not a.eval_only, sets, vocab, a.minutes, a.name)
    res = measure_reasoner(model, sets, vocab, a.minutes, stats)
    json.dump(res, open(os.path.join(RUNS, f"{a.name}.json"), "w"), indent=1)
    write_report(res, os.path.join(MODELKIT, "results", f"{a.name}.md"))


if __name__ == "__main__":
    main()
