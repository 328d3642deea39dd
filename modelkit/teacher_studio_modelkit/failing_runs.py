"""Why a package's TTO runs fail on one family (validation split only, where choices are made): for every run whose
final video the evaluator fails, whether the teacher was ever confident, how many final videos it judged (more than one:
a confident preview whose final video it rejected), the rules that video breaks, whether another noise (seeds 1..N-1)
holds a right video and the teacher's pick finds it, and the preview's loss along the run's full budget with no stop
(where it starts, its lowest, whether it ever reaches tau):
    cd modelkit && python -m teacher_studio_modelkit.failing_runs --package blocks --family fall [--tasks 1024]
(results/blocks_step_budget.md: blocks' fall runs that fail, where best-of-N does not)."""
import argparse
import collections
import os

import numpy as np
import torch

from . import evaluate as ev
from .experiment import candidates, teacher_pick
from .export import load_checkpoint
from .rules import success
from .tto import TTO_TAU
from .validate import VALIDATION, validation_tasks

SEEDS = 10  # candidates per failing task: seed 0 (the run's noise) and 9 others


def failing_runs(r, ans, judges, tb, lr, max_steps, seeds=SEEDS):
    """The packages' loop (check_base) on every task of tb; for the runs that fail, per run: confident, checks, the
    broken rules, a right candidate among `seeds` noises and the teacher's pick's success, the preview's loss at step
    0, its lowest and at max_steps with no stop. -> (the loop's success [tasks], {name: [per failing run]})."""
    res = ev.optimize_tasks(r, ans, tb, lr=lr, check_base=True, max_steps=max_steps)
    labels = ev.judge_all(judges, tb.families, res["final_cells"])
    ok = np.array([success(l) for l in labels], dtype=bool)
    fail = np.flatnonzero(~ok)
    sub = tb.take(fail.tolist()) if len(fail) else None
    out = {"confident": res["confident"][fail].tolist(), "checks": res["checks"][fail].tolist(),
           "broken": [[k for k, v in labels[i].items() if not v] for i in fail]}
    if sub is None:
        return ok, out
    cands, losses = candidates(r, ans, judges, sub, seeds)
    out["right candidate"] = cands.max(1).astype(bool).tolist()
    out["teacher's pick right"] = teacher_pick(cands, losses, seeds).astype(bool).tolist()
    curve = ev.optimize_tasks(r, ans, sub, lr=lr, tau=-1, max_steps=max_steps, confirm=False)["losses"]
    out["preview loss"] = [(float(c[0]), float(c.min()), float(c[-1])) for c in curve]
    return ok, out


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--package", choices=sorted(VALIDATION), default="blocks")
    ap.add_argument("--family", required=True, help="one of the package's families (blocks: fall, push)")
    ap.add_argument("--tasks", type=int, default=1024, help="the validation split's first tasks (of every family)")
    a = ap.parse_args()
    torch.set_num_threads(int(os.environ.get("MODELKIT_THREADS", "2")))
    r, ans, vocab, data, judges, tb = validation_tasks(a.tasks, a.package)
    tb = tb.take([i for i, f in enumerate(tb.families) if f == a.family])
    assert len(tb), f"{a.package} has no {a.family} task on its validation split"
    defaults = load_checkpoint(VALIDATION[a.package][0])[4]["defaults"]
    ok, out = failing_runs(r, ans, judges, tb, defaults["learningRate"], defaults["maxSteps"])
    n = len(out["checks"])
    print(f"# Failing TTO runs, {a.package} {a.family} (validation split, {len(tb)} tasks; `python -m "
          f"teacher_studio_modelkit.failing_runs --package {a.package} --family {a.family} --tasks {a.tasks}`)\n")
    print(f"The loop succeeds on {100 * ok.mean():.1f} %; {n} runs fail. Of those: teacher confident on "
          f"{sum(out['confident'])}, a confident preview whose final video it rejected (a check after the base video's) in "
          f"{sum(c > 1 for c in out['checks'])}; broken rules {dict(collections.Counter(sum(out['broken'], [])))}.")
    if n:
        lows = [p[1] for p in out["preview loss"]]
        picked = sum(out["teacher's pick right"])
        print(f"A right video among seeds 0-{SEEDS - 1}: {sum(out['right candidate'])} of {n}; the teacher's pick "
              f"among them right: {picked}. The preview's loss with no "
              f"stop: at step 0 {np.median([p[0] for p in out['preview loss']]):.2f} (median), lowest "
              f"{np.median(lows):.2f}, under tau ({TTO_TAU}) in {sum(x <= TTO_TAU for x in lows)} of {n}.")


if __name__ == "__main__":
    main()
