"""TTO against the base and against best-of-N at the cost of a TTO run, with how sure each verdict is
(every package, held-out test split; --split validation, on its validation tasks, is for choosing between answerers:
--answerer measures another answerer of the package in its place on the same tasks, after the shipped one):
    cd modelkit && python -m teacher_studio_modelkit.compute_match [--packages bars] [--tasks 1024]
        [--first 1024] [--split validation] [--answerer runs/blocks_pressure_answerer.pt ...] [--max-steps 32] [--lr 0.02] [--slots both]
        [--pick 2]
Run it alone: N comes from timings. It reruns each package's loop (check_base, as the engine runs it) on
the tasks of its model card's TTO table (base_check.test_tasks; --tasks takes more of the same held-out
split), times the pieces of a run and of a candidate (experiment.run_costs: the step-0 preview, none for a
run the base check ends; each update at its marginal cost; a scored video per stop check; the last render)
and prices the mean run in candidates, a fractional N. Best-of-N at that cost mixes best-of-floor(N) and
best-of-ceil(N) (paired.best_of_fractional). Every comparison is paired, on the same tasks: the mean
difference with a 95 % bootstrap interval over the tasks, and exact sign tests (paired.py), which read the
verdict: TTO is better than best-of-N when it beats even best-of-ceil(N), which costs more than a run;
best-of-N is better when even best-of-floor(N), which costs less, beats TTO. --first skips the split's first tasks,
for a reading on tasks no earlier one took (results/fresh_test_tasks.md). A package of several families gets
the comparison on each family's tasks apart too (family_rows). --max-steps and --lr change the loop's budget and
learning rate, to choose them on the validation split (results/blocks_step_budget.md); --slots puts the objects
reasoner's LoRA elsewhere (objects_lora_probe.with_slots; results/blocks_lora_slots.md); --pick K starts each run
from the noise of the teacher's pick among the task's first K candidates, a run then costing those K candidates and
the loop after its base check (experiment.tto_and_matched_candidates; results/pick_then_teach.md). Until 2026-12-03
a step was priced as a 3-update run's time over 3, which also charged each step a share of the step-0 preview and
two final videos (results/compute_match.md)."""
import argparse
import math
import os
import time

import numpy as np
import torch

from .base_check import PACKAGES, pct, split_tasks
from .experiment import tto_and_matched_candidates
from .export import load_checkpoint
from .objects_lora_probe import SLOTS, with_slots
from .paired import best_of_fractional, mean_difference, sign_test, verdict
from .validate import VALIDATION, another_answerer


def points(interval):
    """(mean, low, high) of a difference of rates -> '+4.3 (+1.2 to +7.4)' in points."""
    return "{:+.1f} ({:+.1f} to {:+.1f})".format(*(100 * x for x in interval))


def against_best_of_n(fewer, more):
    """The verdict on TTO against best-of-N at a fractional N, from the sign tests against best-of-floor(N)
    (fewer) and best-of-ceil(N) (more): TTO is better only if it beats even best-of-ceil(N), best-of-N only
    if even best-of-floor(N) beats TTO."""
    if more[0] > more[1] and verdict(more, "TTO", "best-of-N") == "TTO better than best-of-N":
        return "TTO better than best-of-N"
    if fewer[1] > fewer[0] and verdict(fewer, "TTO", "best-of-N") == "best-of-N better than TTO":
        return "best-of-N better than TTO"
    return "TTO and best-of-N within noise"


def family_rows(package, answerer, families, s, cands, picks, bon, lo):
    """compute_match's comparison on each family's tasks apart (rows of the per-family table), none for a package of
    one family. s: TTO's success [tasks]; cands, picks, bon: the candidates', best-of-1..ceil(N)'s and best-of-N's;
    lo: floor(N)."""
    names = sorted(set(families))
    if len(names) < 2:
        return []
    rows = []
    for fam in names:
        k = np.array([f == fam for f in families])
        won, lost, p = sign_test(s[k], picks[k, lo - 1])
        rows.append(f"| {package} | {answerer} | {fam} | {int(k.sum())} | {pct(cands[k, 0])} | {pct(s[k])} | "
                    f"{pct(bon[k])} | {pct(cands[k].max(1))} | {points(mean_difference(s[k], bon[k]))} | "
                    f"{won} / {lost}, p = {p:.2g} |")
    return rows


def measured(packages, split, n, answerers, first=0):
    """(package, (reasoner, answerer, judges, tasks), the answerer's name) for each package's answerer ("shipped"),
    then each of `answerers` (paths to a runs/ state or a checkpoint) in its place, on the same tasks of the split
    (its n tasks after the first `first`)."""
    for package in packages:
        models = split_tasks(package, split, n, first)
        yield package, models, "shipped"
        for path in answerers:
            yield package, (models[0], another_answerer(models[1], path), *models[2:]), os.path.basename(path)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--packages", default=",".join(PACKAGES))
    ap.add_argument("--tasks", type=int, default=None, help="held-out tasks per package (default: its card's)")
    ap.add_argument("--first", type=int, default=0,
                    help="skip the split's first tasks: measure its --tasks tasks after them (results/fresh_test_tasks.md)")
    ap.add_argument("--split", choices=("test", "validation"), default="test",
                    help="validation: its first --tasks validation tasks (256 by default), to choose between answerers")
    ap.add_argument("--answerer", action="append", default=[],
                    help="another answerer (a runs/ state or a checkpoint) measured beside the package's; repeatable")
    ap.add_argument("--max-steps", type=int, default=None,
                    help="the runs' step budget (default: the package manifest's maxSteps), to choose it on validation")
    ap.add_argument("--lr", type=float, default=None,
                    help="the runs' learning rate (default: the package manifest's learningRate), to choose it on validation")
    ap.add_argument("--slots", choices=SLOTS, default=None,
                    help="the objects reasoner's LoRA slots (objects_lora_probe; default: the package's, attention)")
    ap.add_argument("--pick", type=int, default=1,
                    help="start each run from the teacher's pick among the task's first PICK candidates (1: the method's "
                         "loop, from the base sample's noise; results/pick_then_teach.md)")
    a = ap.parse_args()
    torch.set_num_threads(int(os.environ.get("MODELKIT_THREADS", "2")))
    flags = "".join(f" --{k} {v}" for k, v in (("packages", a.packages), ("first", a.first or None), ("tasks", a.tasks),
                                                ("split", a.split), ("max-steps", a.max_steps), ("lr", a.lr), ("slots", a.slots),
                                                ("pick", a.pick if a.pick > 1 else None))
                    if v is not None and not (k == "packages" and v == ",".join(PACKAGES)) and v != "test")
    flags += "".join(f" --answerer {p}" for p in a.answerer)
    print(f"# TTO against the base and best-of-N at a run's cost, paired (held-out {a.split} split; "
          f"`python -m teacher_studio_modelkit.compute_match{flags}`, {time.strftime('%Y-%m-%d')})\n")
    print("| package | answerer | tasks | base | TTO | hacking | mean steps | preview / step / video / candidate (ms per task) "
          "| a run in candidates (N) | best-of-floor(N) / ceil(N) (teacher) | best-of-N at the run's cost "
          "| oracle pass@ceil(N) | TTO - base, points (95 % CI); won / lost, p | TTO - best-of-N, points (95 % CI) "
          "| against best-of-floor(N); best-of-ceil(N): won / lost, p | reading |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    by_family = []
    for package, (r, ans, judges, tb), answerer in measured(a.packages.split(","), a.split, a.tasks, a.answerer, a.first):
        defaults = load_checkpoint(VALIDATION[package][0])[4]["defaults"]
        if a.slots is not None:
            r = with_slots(r, a.slots)
        lr = defaults["learningRate"] if a.lr is None else a.lr
        m = tto_and_matched_candidates(r, ans, judges, tb, lr, defaults["maxSteps"] if a.max_steps is None else a.max_steps,
                                       a.pick)
        res, s, costs, n, cands, picks = m["res"], m["success"], m["costs"], m["n"], m["cands"], m["picks"]
        lo, hi = max(1, math.floor(n)), picks.shape[1]  # picks: [tasks, best-of-1..ceil(N)]
        bon = best_of_fractional(picks, n)
        base, fewer, more = sign_test(s, cands[:, 0]), sign_test(s, picks[:, lo - 1]), sign_test(s, picks[:, hi - 1])
        tested = lambda t: f"{t[0]} / {t[1]}, p = {t[2]:.2g}"
        against = against_best_of_n(fewer, more)
        ms = " / ".join(f"{1000 * costs[k]:.0f}" for k in ("first", "step", "sample", "candidate"))
        print(f"| {package} | {answerer} | {len(tb)} | {pct(cands[:, 0])} | {pct(s)} | {pct(res['confident'].numpy() & (s == 0))} | "
              f"{res['stop_step'].float().mean():.1f} | {ms} | {n:.2f} | {pct(picks[:, lo - 1])} / {pct(picks[:, hi - 1])} | "
              f"{pct(bon)} | {pct(cands.max(1))} | {points(mean_difference(s, cands[:, 0]))}; {tested(base)} | "
              f"{points(mean_difference(s, bon))} | {tested(fewer)}; {tested(more)} | "
              f"{verdict(base, 'TTO', 'the base')}; {against} |", flush=True)
        by_family += family_rows(package, answerer, tb.families, s, cands, picks, bon, lo)
    if by_family:
        print("\nPer family (the same runs and candidates; N is the package's):\n")
        print("| package | answerer | family | tasks | base | TTO | best-of-N at the run's cost | oracle pass@ceil(N) "
              "| TTO - best-of-N, points (95 % CI) | against best-of-floor(N): won / lost, p |\n|---|---|---|---|---|---|---|---|---|---|")
        print("\n".join(by_family))


if __name__ == "__main__":
    main()
