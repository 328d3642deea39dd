"""Compares answerers on the validation split (held-out distribution, seeds 300000+, never the
test seeds; ground truth + corruptions from seeds 400000+), with the committed checkpoint's reasoner: TTO success and hacking (lr, tau and budget
as in tto.py), and the answerer's balanced accuracy per rule on base samples (two seeds) and on the
optimized videos. Used to choose between answerer recipes without looking at the test split.
    cd modelkit && python -m teacher_studio_modelkit.validate ANSWERER.pt|CHECKPOINT.pt ...
A .pt holding a whole checkpoint (git show HEAD~1:modelkit/checkpoints/gridworld.pt > old.pt) or
an answerer state dict (modelkit/runs/answerer1.pt)."""
import argparse
import os

import numpy as np
import torch

from . import build, evaluate as ev
from .experiment import teacher_loss
from .export import load_checkpoint
from .rules import make_judges, success
from .teacher import answerer_like


# per package: its checkpoint, its validation set's name and the gen-data arguments that make it
# (held-out distribution, seeds 300000+, never the test seeds 0+), and the families in it
VALIDATION = {
    "gridworld": (build.CHECKPOINT, "heldout_val", build.DATASETS["heldout_val"], build.FAMILIES),
    "blocks": (os.path.join(build.MODELKIT, "checkpoints", "blocks.pt"), "objects_heldout_val",
               "--split heldout --n 128 --corrupt-fraction 0 --first-seed 300000", "fall,push"),
    "bars": (os.path.join(build.MODELKIT, "checkpoints", "bars.pt"), "sort_heldout_val",
             "--split heldout --n 128 --corrupt-fraction 0 --first-seed 300000", "sort"),
    "connect": (os.path.join(build.MODELKIT, "checkpoints", "connect.pt"), "connect_heldout_val",
                "--split heldout --n 128 --corrupt-fraction 0 --first-seed 300000", "connect"),
}


def validation_tasks(n, package="gridworld"):
    """(reasoner, answerer, vocab, data, judges, tasks) for the first n validation tasks of a
    package, with its committed checkpoint's models. More than the validation set's 128 are made as a larger
    set from the same first seed (NAME_N), whose first tasks are the same."""
    checkpoint, name, args, families = VALIDATION[package]
    name, args = build.at_least(name, args, n)
    r, ans, _, vocab, _ = load_checkpoint(checkpoint)
    data = build.made_data(name, args, families)
    judges = make_judges(data.appearances, r.C)
    return r, ans, vocab, data, judges, ev.TaskBatch(data, vocab, range(min(n, len(data.instances))))


def answerer_state(path):
    ck = torch.load(path, weights_only=False)
    return ck["answerer"] if "answerer" in ck else ck


def another_answerer(answerer, path):
    """`answerer`'s architecture with the state at path (a runs/ state or a checkpoint), in eval mode: another answerer
    of a package, measured or trained in its place. A state with the picture-change evidence (teacher.Answerer,
    change=True: its change_in layer), the picture before the last change (history=True: before_in) or the stroke
    evidence (strokes=True: stroke_query) gets it, whether answerer has it or not."""
    state = answerer_state(path)
    change, history, strokes = ("change_in.weight" in state, "before_in.weight" in state,
                                "stroke_query.weight" in state)
    other = answerer_like(answerer, change, history, strokes)
    other.load_state_dict(state)
    return other.eval()


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("answerers", nargs="+")
    ap.add_argument("--n", type=int, default=128)
    a = ap.parse_args()
    torch.set_num_threads(int(os.environ.get("MODELKIT_THREADS", "2")))
    r, ans, vocab, _, judges, tb = validation_tasks(a.n)
    c0, c1 = ev.sample_cells(r, tb, 0), ev.sample_cells(r, tb, 1)
    base_labels = ev.judge_all(judges, tb.families, c0) + ev.judge_all(judges, tb.families, c1)
    mix = build.made_data("heldout_val_mix", build.DATASETS["heldout_val_mix"])
    mtb = ev.TaskBatch(mix, vocab, range(len(mix.instances)))
    mix_frames = torch.from_numpy(np.asarray(mix.frames)).float()
    mix_labels = [inst["labels"] for inst in mix.instances]
    print("| answerer | TTO success | hacking | balanced acc. on samples | on optimized | on ground truth + corruptions |\n"
          "|---|---|---|---|---|---|")
    for path in a.answerers:
        ans.load_state_dict(answerer_state(path))
        ans.eval()
        ps = torch.cat([teacher_loss(ans, r, c, tb)[1] for c in (c0, c1)])
        on_samples = ev.balanced_accuracy(ps, base_labels, tb.rules + tb.rules)
        res = ev.optimize_tasks(r, ans, tb)
        final, conf = res["final_cells"], res["confident"].numpy()
        labels = ev.judge_all(judges, tb.families, final)
        s = np.array([success(l) for l in labels])
        on_opt = ev.balanced_accuracy(teacher_loss(ans, r, final, tb)[1], labels, tb.rules)
        on_mix = ev.balanced_accuracy(ev.teacher_probs(ans, mix_frames, mtb.queries), mix_labels, mtb.rules)
        fmt = lambda acc: ", ".join(f"{k} {100 * v['balanced']:.1f} %" for k, v in sorted(acc.items()))
        print(f"| {path} | {100 * s.mean():.1f} % | {100 * (conf & (s == 0)).mean():.1f} % | {fmt(on_samples)} | "
              f"{fmt(on_opt)} | {fmt(on_mix)} |", flush=True)


if __name__ == "__main__":
    main()
