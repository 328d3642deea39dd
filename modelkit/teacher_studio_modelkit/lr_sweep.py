"""Learning-rate and step-budget sweep of the PyTorch TTO loop on the validation split (held-out
distribution, seeds 300000+, disjoint from the held-out test seeds the model card reports on):
    cd modelkit && python -m teacher_studio_modelkit.lr_sweep [--n 128] > results/lr_sweep.md
    cd modelkit && python -m teacher_studio_modelkit.lr_sweep --package blocks > results/lr_sweep_blocks.md
    cd modelkit && python -m teacher_studio_modelkit.lr_sweep --package blocks --settings 0.01x16,0.02x16 \
        > results/lr_sweep_blocks_rebuild.md   # the same check, two settings, on the rebuilt package
    cd modelkit && python -m teacher_studio_modelkit.lr_sweep --package blocks --settings 0.005x16,0.01x16,0.02x16,0.01x32,0.02x40 \
        > results/lr_sweep_blocks_base_check.md   # the package of 2026-12-03, the loop with the base check
    cd modelkit && python -m teacher_studio_modelkit.lr_sweep --package bars --settings 0.005x16,0.01x16,0.02x16,0.05x16 \
        > results/lr_sweep_bars.md
The loop is the packages' (the base video judged before the first update: tto.optimize's check_base);
sweeps before 2026-12-03 ran without that look (--no-check-base). Per setting: success, mean steps,
early stops, teacher hacking (and when the hacked runs were accepted), fixed and broken runs against
the base sample from the same noise."""
import argparse
import os
import time

import numpy as np
import torch

from . import evaluate as ev
from .tto import TTO_MAX_STEPS
from .validate import VALIDATION, validation_tasks

SETTINGS = [(0.01, TTO_MAX_STEPS), (0.02, TTO_MAX_STEPS), (0.05, TTO_MAX_STEPS), (0.02, 2 * TTO_MAX_STEPS)]  # (lr, max steps)
METHOD_MAX_STEPS = 40  # method.md's step cap N (its runs stop at 16 steps on average)


def by_family(success, families):
    """" (fall 93.0 %, push 21.9 %)" for a sweep over several families, "" for one."""
    names = sorted(set(families))
    if len(names) < 2:
        return ""
    fam = np.array(families)
    return " (" + ", ".join(f"{f} {100 * success[fam == f].mean():.1f} %" for f in names) + ")"


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=128, help="validation tasks")
    ap.add_argument("--package", choices=sorted(VALIDATION), default="gridworld")
    ap.add_argument("--settings", help="only these settings, as LRxSTEPS,LRxSTEPS (e.g. 0.01x16,0.02x16)")
    ap.add_argument("--no-check-base", dest="check_base", action="store_false",
                    help="the loop before 2026-12-02 (results/base_check.md): no look at the base video before the first update")
    a = ap.parse_args()
    torch.set_num_threads(int(os.environ.get("MODELKIT_THREADS", "2")))
    r, ans, _, data, judges, tb = validation_tasks(a.n, a.package)
    base = ev.successes(judges, tb.families, ev.sample_cells(r, tb, 0))
    print(f"# TTO sweep on the validation split, {a.package} package ({len(tb)} tasks, held-out distribution, seeds "
          f"{data.instances[0]['seed']}+; `python -m teacher_studio_modelkit.lr_sweep --package {a.package} --n {a.n}"
          + (f" --settings {a.settings}" if a.settings else "") + ("" if a.check_base else " --no-check-base") + "`, "
          f"{time.strftime('%Y-%m-%d')})\n")
    print(f"Base (one sample, the same noise as the runs): {100 * base.mean():.1f} %{by_family(base, tb.families)}\n")
    print("| lr | max steps | success | mean steps | early stops | hacking (at step 0-1 / later) | fixed | broken |")
    print("|---|---|---|---|---|---|---|---|")
    # blocks' push runs mostly end at the 16-step cap: also the method's own cap
    settings = SETTINGS + ([(0.02, METHOD_MAX_STEPS)] if a.package == "blocks" else [])
    if a.settings:
        settings = [(float(lr), int(steps)) for lr, steps in (x.split("x") for x in a.settings.split(","))]
    for lr, steps in settings:
        res = ev.optimize_tasks(r, ans, tb, lr=lr, max_steps=steps, check_base=a.check_base)
        fin, conf, stop = res["final_cells"], res["confident"].numpy(), res["stop_step"].numpy()
        s = ev.successes(judges, tb.families, fin)
        hack = conf & (s == 0)
        print(f"| {lr} | {steps} | {100 * s.mean():.1f} %{by_family(s, tb.families)} | {stop.mean():.1f} | {100 * conf.mean():.1f} % | "
              f"{100 * hack.mean():.1f} % ({(hack & (stop <= 1)).sum()} / {(hack & (stop > 1)).sum()}) | "
              f"{((s == 1) & (base == 0)).sum()} | {((s == 0) & (base == 1)).sum()} |", flush=True)


if __name__ == "__main__":
    main()
