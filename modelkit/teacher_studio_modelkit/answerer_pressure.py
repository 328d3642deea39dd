"""The answerer under optimization pressure (a package's held-out test split, committed checkpoint):
    cd modelkit && python -m teacher_studio_modelkit.answerer_pressure [--packages blocks,connect] [--tasks 256]
        [--lr-scales 1,4,16] [--steps 16] [--answerer runs/blocks_pressure_answerer.pt --packages blocks]
        [--split validation]
A card's "optimized samples" are TTO's final videos at the package's settings. Those runs stop once the
teacher is confident (most at step 0, on the base video), so few videos break a rule, and a rule's balanced
accuracy on them can rest on two broken videos (blocks' push.no_wall: 74.6 % = one of two caught). Here every
run takes all its steps (no early stop, no confirmation) at the package's learning rate times each scale, and
its final video (the lowest-loss LoRA's, as in the loop) is judged by the evaluator and by the answerer. Per
package, scale and rule: the answerer's balanced accuracy (TPR, TNR, yes / no videos), then pooled over the
scales; per scale: the evaluator's success and how often the teacher was confident (P(Yes) >= 0.8 on every
query) on a video the evaluator fails (hacking at that pressure). Uses the test split's tasks the card uses
(base_check.test_tasks), or with --split validation the first --tasks (256 by default) of the validation split
(validate.validation_tasks), where answerers are chosen between."""
import argparse
import os
import time

import numpy as np
import torch

from . import evaluate as ev
from .base_check import split_tasks
from .experiment import teacher_loss
from .export import load_checkpoint
from .rules import success
from .validate import VALIDATION, another_answerer

CONFIDENT = 0.8  # P(Yes) on every query at which the teacher counts as sure (the engine's bench)


def pressured_finals(r, ans, judges, tb, lr, steps, **settings):
    """Final videos (cells) after `steps` updates at lr against ans (no stop), their evaluator labels, the
    answerer's P(Yes) on them. settings: more of tto.optimize's (init_lora)."""
    res = ev.optimize_tasks(r, ans, tb, lr=lr, max_steps=steps, tau=float("-inf"), confirm=False, **settings)
    labels = ev.judge_all(judges, tb.families, res["final_cells"])
    _, p = teacher_loss(ans, r, res["final_cells"], tb)
    return res["final_cells"], labels, p


def under_pressure(r, ans, judges, tb, lr, scales, steps, each=lambda run: None):
    """tb's tasks optimized against ans at lr times each scale (pressured_finals). Returns per scale a run
    {scale, success [B] bool, sure [B] bool (confident), accuracy (evaluate.balanced_accuracy), seconds}, each(run)
    called as it ends, and the balanced accuracy pooled over the scales."""
    runs, pooled = [], ([], [], [])
    for scale in scales:
        t0 = time.time()
        _, labels, p = pressured_finals(r, ans, judges, tb, lr * scale, steps)
        runs.append({"scale": scale, "success": np.array([bool(success(l)) for l in labels]),
                     "sure": confident(p, tb.rules), "accuracy": ev.balanced_accuracy(p, labels, tb.rules),
                     "seconds": time.time() - t0})
        each(runs[-1])
        pooled[0].append(p), pooled[1].extend(labels), pooled[2].extend(tb.rules)
    return runs, ev.balanced_accuracy(torch.cat(pooled[0]), pooled[1], pooled[2])


def confident(p, rules):
    return np.array([bool((p[i, :len(rs)] >= CONFIDENT).all()) for i, rs in enumerate(rules)])


def rate(x):
    return "n/a" if x is None else f"{100 * x:.1f} %"


def rows(package, label, acc):
    for rule in sorted(acc):
        a = acc[rule]
        yield (f"| {package} | {label} | {rule} | {rate(a['balanced'])} | {rate(a['tpr'])} | {rate(a['tnr'])} | "
               f"{a['n_yes']} / {a['n_no']} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--packages", default="blocks,connect")
    ap.add_argument("--tasks", type=int, default=None,
                    help="held-out tasks per package (default: its card's; on --split validation 256)")
    ap.add_argument("--split", choices=("test", "validation"), default="test")
    ap.add_argument("--lr-scales", default="1,4,16")
    ap.add_argument("--steps", type=int, default=16)
    ap.add_argument("--answerer", default=None,
                    help="another answerer of the package (a runs/ state or a checkpoint) in its place; one package")
    a = ap.parse_args()
    assert a.answerer is None or "," not in a.packages, "--answerer is one package's"
    torch.set_num_threads(int(os.environ.get("MODELKIT_THREADS", "2")))
    scales = [float(s) for s in a.lr_scales.split(",")]
    summary, table = [], []
    for package in a.packages.split(","):
        r, ans, judges, tb = split_tasks(package, a.split, a.tasks)
        label = package
        if a.answerer:
            ans = another_answerer(ans, a.answerer)
            label = f"{package} ({os.path.basename(a.answerer)})"
        lr = load_checkpoint(VALIDATION[package][0])[4]["defaults"]["learningRate"]

        def row(run):
            ok, sure, scale = run["success"], run["sure"], run["scale"]
            summary.append(f"| {label} | {len(tb)} | {lr * scale:g} ({scale:g}x) | {rate(ok.mean())} | "
                           f"{rate((sure & ~ok).mean())} | {rate(sure[~ok].mean() if (~ok).any() else None)} | "
                           f"{run['seconds']:.0f} |")
            print(summary[-1], flush=True)

        runs, pooled = under_pressure(r, ans, judges, tb, lr, scales, a.steps, row)
        for run in runs:
            table += rows(label, f"lr {lr * run['scale']:g}", run["accuracy"])
        table += rows(label, "pooled", pooled)
    flags = "".join(f" --{k} {v}" for k, v in (("packages", a.packages), ("tasks", a.tasks), ("lr-scales", a.lr_scales),
                                                ("steps", a.steps), ("answerer", a.answerer), ("split", a.split))
                    if v is not None and str(v) not in ("blocks,connect", "1,4,16", "16", "test"))
    print(f"\n# The answerer under optimization pressure (held-out {a.split} split; "
          f"`python -m teacher_studio_modelkit.answerer_pressure{flags}`, {time.strftime('%Y-%m-%d')})\n")
    print(f"Every run takes {a.steps} updates, no early stop; its final video is the lowest-loss LoRA's.\n")
    print("| package | tasks | lr (of the package's) | success (evaluator) | hacking: teacher sure, evaluator fails "
          "| teacher sure among failed videos | seconds |")
    print("|---|---|---|---|---|---|---|")
    print("\n".join(summary))
    print("\nThe answerer's balanced accuracy per rule on those final videos (labels: the evaluator's):\n")
    print("| package | videos | rule | balanced | TPR | TNR | yes / no |\n|---|---|---|---|---|---|---|")
    print("\n".join(table))


if __name__ == "__main__":
    main()
