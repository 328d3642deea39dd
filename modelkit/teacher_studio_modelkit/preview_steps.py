"""How many sampler steps the TTO loss should read (validation split):
    cd modelkit && python -m teacher_studio_modelkit.preview_steps --package blocks --settings 1@0.01,2@0.01,4@0.01
The method (method.md, step 2) optimizes the one-step clean prediction at t = 1, and the final video is the
4-step sampler from the same noise. With k > 1 the loss reads a k-step sampler instead
(reasoner.sample_logits(steps=k): k Euler steps from t = 1 to 0, the LoRA and its gradients through all of
them; k = 4 is the final video's own sampler), a preview closer to the final video at about k times the
reasoner's part of a step. Per setting (k steps, lr): the
packages' loop (check_base), a run's cost in candidates (experiment.run_costs, timed with that preview),
best-of-N at that cost and the exact sign test against best-of-ceil(N) (paired.py). Run it alone: N comes
from timings."""
import argparse
import os
import time

import torch

from .base_check import pct
from .experiment import tto_and_matched_candidates
from .lr_sweep import by_family
from .paired import best_of_fractional, sign_test
from .validate import VALIDATION, validation_tasks


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--package", choices=sorted(VALIDATION), default="blocks")
    ap.add_argument("--settings", default="1@0.01,2@0.01,4@0.01", help="STEPS@LR,...")
    ap.add_argument("--n", type=int, default=128, help="validation tasks")
    a = ap.parse_args()
    torch.set_num_threads(int(os.environ.get("MODELKIT_THREADS", "2")))
    r, ans, _, data, judges, tb = validation_tasks(a.n, a.package)
    one_step = r.one_step_logits
    print(f"# The TTO preview as a k-step sampler, {a.package} package (validation split, {len(tb)} tasks, "
          f"seeds {data.instances[0]['seed']}+; `python -m teacher_studio_modelkit.preview_steps --package {a.package} "
          f"--settings {a.settings}`, {time.strftime('%Y-%m-%d')})\n")
    print("| preview steps | lr | base | TTO | mean steps | hacking | step / candidate (ms per task) | a run in candidates (N) "
          "| best-of-N at the run's cost (teacher) | oracle pass@ceil(N) | against best-of-ceil(N): won / lost, p | seconds |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for k, lr in ((int(k), float(lr)) for k, lr in (x.split("@") for x in a.settings.split(","))):
        r.one_step_logits = one_step if k == 1 else (
            lambda z1, cells0, instr, lora=None, k=k: r.sample_logits(z1, cells0, instr, lora, steps=k))
        m = tto_and_matched_candidates(r, ans, judges, tb, lr)
        res, s, costs, n, cands, picks, seconds = (m[k] for k in ("res", "success", "costs", "n", "cands", "picks",
                                                                   "tto_seconds"))
        won, lost, p = sign_test(s, picks[:, -1])
        print(f"| {k} | {lr} | {pct(cands[:, 0])} | {pct(s)}{by_family(s, tb.families)} | {res['stop_step'].float().mean():.1f} | "
              f"{pct(res['confident'].numpy() & (s == 0))} | {1000 * costs['step']:.0f} / {1000 * costs['candidate']:.0f} | "
              f"{n:.2f} | {pct(best_of_fractional(picks, n))} | {pct(cands.max(1))} | {won} / {lost}, p = {p:.2g} | {seconds:.0f} |",
              flush=True)
    r.one_step_logits = one_step


if __name__ == "__main__":
    main()
