"""Whether the teacher should look at the base video before optimizing (every package):
    cd modelkit && python -m teacher_studio_modelkit.base_check --n 128 > results/base_check.md
    cd modelkit && python -m teacher_studio_modelkit.base_check --split test >> results/base_check.md
The validation split (seeds 300000+) chose; the held-out test split (the tasks each model card's TTO table
was measured on: 128 for gridworld, 256 for the others) tells what the choice gives there.
The TTO loop as the packages run it (a confident preview stops a run once the teacher is also confident on
that LoRA's final video) against the same loop with tto.optimize's check_base: before the first update the
teacher scores every task's final video, which with the fresh LoRA is the base sample, and a confident one
ends the run there. Each against its own compute-matched best-of-N (the teacher picking) and oracle pass@N."""
import argparse
import os
import time

import numpy as np
import torch

from . import build, evaluate as ev
from .experiment import compute_matched_best_of_n
from .export import load_checkpoint
from .family_package import teacher_datasets
from .rules import make_judges
from .validate import VALIDATION, validation_tasks

PACKAGES = ("gridworld", "connect", "blocks", "bars")
# the held-out test set of each package's TTO table: (data set, gen-data arguments, families, tasks)
TEST = {"gridworld": ("heldout_gt", build.DATASETS["heldout_gt"], build.FAMILIES, 128)} | {
    package: (f"{run}_heldout_gt", teacher_datasets(run)[f"{run}_heldout_gt"], families, 256)
    for package, run, families in (("connect", "connect", "connect"), ("blocks", "objects", "fall,push"),
                                   ("bars", "bars", "sort"))}


def test_tasks(package, n=None):
    """(reasoner, answerer, judges, tasks) for the package's held-out test tasks, committed checkpoint. n: how
    many (default: its card's); more than its data set holds are made as a larger set from the same first seed,
    whose first tasks are the card's (gen-data seeds task i with first seed + i)."""
    name, args, families, card_n = TEST[package]
    n = n or card_n
    name, args = build.at_least(name, args, n)
    r, ans, _, vocab, _ = load_checkpoint(VALIDATION[package][0])
    data = build.made_data(name, args, families)
    return r, ans, make_judges(data.appearances, r.C), ev.TaskBatch(data, vocab, range(min(n, len(data.instances))))


def split_tasks(package, split, n=None, first=0):
    """(reasoner, answerer, judges, tasks) of the package's committed checkpoint on a held-out split: the test split's
    tasks (test_tasks; n default its card's) or the first n of the validation split's (validate.validation_tasks;
    default 256), where choices are made. first: skip the split's first tasks and take the n after them (n is then
    needed), to measure on tasks no earlier reading took (results/fresh_test_tasks.md); a task keeps its index in the
    split, so its noise (evaluate.noise_for) is the same as in a reading from the start."""
    if first and n is None:
        raise ValueError("split_tasks: skipping the first tasks needs how many to take after them (n)")
    if split == "test":
        r, ans, judges, tb = test_tasks(package, n and first + n)
    else:
        r, ans, _, _, judges, tb = validation_tasks((n or 256) + first, package)
    return r, ans, judges, tb.sub(slice(first, None))


def pct(x):
    return f"{100 * float(np.mean(x)):.1f} %"


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=128, help="validation tasks per package")
    ap.add_argument("--packages", default=",".join(PACKAGES))
    ap.add_argument("--split", choices=("validation", "test"), default="validation")
    a = ap.parse_args()
    torch.set_num_threads(int(os.environ.get("MODELKIT_THREADS", "2")))
    test = a.split == "test"
    print("# Looking at the base video first ("
          + ("held-out test split, each model card's TTO tasks; `python -m teacher_studio_modelkit.base_check --split test`"
             if test else f"validation split, {a.n} tasks per package; `python -m teacher_studio_modelkit.base_check --n {a.n}`")
          + f", {time.strftime('%Y-%m-%d')})\n")
    print("| package | tasks | loop | base | TTO | fixed / broken | hacking | stopped at step 0 | mean steps | final videos per run "
          "| best-of-N (teacher) | oracle pass@N | minutes |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for package in a.packages.split(","):
        r, ans, judges, tb = split_tasks(package, a.split, None if test else a.n)
        lr = load_checkpoint(VALIDATION[package][0])[4]["defaults"]["learningRate"]
        base = ev.successes(judges, tb.families, ev.sample_cells(r, tb, 0))
        for name, check in (("confirmed stop", False), ("base video first", True)):
            t0 = time.time()
            res = ev.optimize_tasks(r, ans, tb, lr=lr, check_base=check)
            s = ev.successes(judges, tb.families, res["final_cells"])
            conf, stop = res["confident"].numpy(), res["stop_step"].numpy()
            _, _, bon = compute_matched_best_of_n(r, ans, judges, tb, res, check)
            print(f"| {package} | {len(tb)} | {name} | {pct(base)} | {pct(s)} | {((s == 1) & (base == 0)).sum()} / "
                  f"{((s == 0) & (base == 1)).sum()} | {pct(conf & (s == 0))} | {pct(conf & (stop == 0))} | "
                  f"{stop.mean():.1f} | {bon['tto_renders_per_run']:.2f} | {pct(bon['teacher_picked'])} (N = {bon['n']}) | "
                  f"{pct(bon['oracle_pass_at_n'])} | {(time.time() - t0) / 60:.1f} |", flush=True)


if __name__ == "__main__":
    main()
