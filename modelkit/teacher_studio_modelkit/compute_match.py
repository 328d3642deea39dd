"""Best-of-N against TTO with the step priced at its marginal cost (every package, held-out test split):
    cd modelkit && python -m teacher_studio_modelkit.compute_match > results/compute_match.md
Run it alone: N comes from timings. Until 2026-12-03 the compute match priced a TTO step as a 3-update
run's time over 3; that run also held a step-0 preview and (tto.optimize rendered it twice) two final
videos, so every step was charged a share of them, and each run's final videos were charged again on
their own. experiment.compute_matched_best_of_n now prices the pieces (experiment.run_costs): the step-0
preview (none for a run the base check ends: the engine judges the base video first since 2026-12-03),
each update at its marginal cost, a scored video per stop check, the last render. This reruns each
package's loop on the tasks of its model card's TTO table (base_check.test_tasks), times the pieces, and
gives best-of-N at the N of both pricings (the first N candidates are the same in both)."""
import argparse
import os
import time

import torch

from . import evaluate as ev
from .base_check import PACKAGES, pct, test_tasks
from .experiment import candidates, matched_candidates, matched_n, run_costs, teacher_pick
from .export import load_checkpoint
from .validate import VALIDATION


def former_n(res, costs):
    """N as priced before 2026-12-03: a step = T(3) / 3, T(3) = step-0 preview + 3 updates + 2 final videos."""
    step = (costs["first"] + 3 * costs["step"] + 2 * costs["sample"]) / 3
    renders = float((res["checks"] + (~res["confident"]).long()).float().mean())
    return max(2, int(round((float(res["stop_step"].float().mean()) * step + renders * costs["candidate"])
                            / costs["candidate"])))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--packages", default=",".join(PACKAGES))
    a = ap.parse_args()
    torch.set_num_threads(int(os.environ.get("MODELKIT_THREADS", "2")))
    print(f"# Compute match with the marginal step cost (held-out test split, each model card's TTO tasks; "
          f"`python -m teacher_studio_modelkit.compute_match`, {time.strftime('%Y-%m-%d')})\n")
    print("| package | tasks | TTO | hacking | mean steps | preview / step / video / candidate (ms per task) "
          "| N before | best-of-N before (teacher) | oracle pass@N before | N now (a run in candidates) "
          "| best-of-N now (teacher) | oracle pass@N now |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for package in a.packages.split(","):
        r, ans, judges, tb = test_tasks(package)
        lr = load_checkpoint(VALIDATION[package][0])[4]["defaults"]["learningRate"]
        res = ev.optimize_tasks(r, ans, tb, lr=lr, check_base=True)
        s = ev.successes(judges, tb.families, res["final_cells"])
        costs = run_costs(r, ans, tb)
        before, now = former_n(res, costs), matched_n(res, costs)
        cands, losses = candidates(r, ans, judges, tb, max(before, now))
        ms = " / ".join(f"{1000 * costs[k]:.0f}" for k in ("first", "step", "sample", "candidate"))
        print(f"| {package} | {len(tb)} | {pct(s)} | {pct(res['confident'].numpy() & (s == 0))} | "
              f"{res['stop_step'].float().mean():.1f} | {ms} | {before} | {pct(teacher_pick(cands, losses, before))} | "
              f"{pct(cands[:, :before].max(1))} | {now} ({matched_candidates(res, costs):.2f}) | {pct(teacher_pick(cands, losses, now))} | {pct(cands[:, :now].max(1))} |", flush=True)


if __name__ == "__main__":
    main()
