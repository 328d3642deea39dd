"""A pressure round for a package's answerer, measured on the validation split (committed checkpoint):
    cd modelkit && python -m teacher_studio_modelkit.pressure_round --package blocks [--train-tasks 1024]
        [--lr-scales 4,16] [--steps 16] [--perturbed] [--two-pairs] [--train-steps 720] [--val-tasks 384]
        [--val-scales 4,16] [--only-round] [--replay]
Under optimization pressure (answerer_pressure: every run 16 updates at 1-16x the package's learning rate) the
blocks answerer catches 61 % of the held-out videos that break fall.straight and 79 % of push.no_wall's, the
connect answerer 3 % of connect.grow's. The package's hardening round shows it few such videos: it optimizes
128 train tasks, and most runs stop with nothing broken. Here the shipped answerer is optimized against on
train-split tasks (seeds 600000+, never a task the package trained on) at the package's learning rate times
each scale, every run all its updates, from a fresh LoRA or (--perturbed) the hardening round's perturbed ones,
and (--two-pairs, connect) from first frames given a second pair; their final videos, labelled by the evaluator,
join the package's train mix (ground truth + corruptions; --replay: every video the shipped answerer trained on
before its hardening rounds, replayed_videos) and the reasoner's samples of those tasks, and the
answerer trains --train-steps more at the hardening round's learning rate, with the package's augmentations
(hue) and precision (bf16). Both answerers are then measured on the validation split (seeds 300000+; never the
test split): each under pressure against itself (--val-scales: the per-rule balanced accuracy on the final
videos, success, hacking), at the package's settings (TTO success and hacking), and on the validation videos
the build chooses snapshots by (answerer_validation: ground truth + corruptions, reasoner samples). The trained
answerer is saved as runs/PACKAGE_pressure_answerer.pt. Results: results/pressure_round_PACKAGE.md."""
import argparse
import copy
import importlib
import os
import time

import torch

from . import build, evaluate as ev
from .answerer_pressure import pressured_finals, rate, under_pressure
from .answerer_validation import ValidationVideos, val_mix_dataset
from .export import load_checkpoint
from .family_package import teacher_datasets
from .pair_composites import composite_hardening
from .pipeline import (HARDEN_LORA_STD, HARDEN_LR_SCALE, add_cells_videos, add_extra_videos, relabeller,
                       round0_videos, rule_list, sprites_as, suite_videos)
from .rules import make_judges
from .train import ANSWERER_LR, AnswerSet, Budget, train_answerer
from .tto import perturbed_lora
from .validate import VALIDATION

TRAIN_FIRST_SEED = 600000  # the round's train-split tasks (the train mix is 100000+, more corruptions 110000+)
SAMPLE_SEED = 101  # the reasoner's samples of those tasks, as round 0's


def package_of(name):
    return importlib.import_module(f".{name}_package", __package__).PACKAGE


def pressure_chunks(r, tasks, vocab, two_pairs, idx=None):
    """The round's tasks (idx of tasks, default all) in chunks of evaluate.CHUNK: [(TaskBatch, sprites or
    None)]. two_pairs (connect): each first frame gets a second pair (pair_composites.composite_hardening,
    its own hue per chunk), since optimizing the train split's one-pair tasks breaks almost nothing, and
    connect.grow only breaks where a pen meets another pair's path."""
    idx = range(len(tasks.instances)) if idx is None else idx
    if not two_pairs:
        tb = ev.TaskBatch(tasks, vocab, idx)
        return [(tb.sub(slice(s, s + ev.CHUNK)), None) for s in range(0, len(tb), ev.CHUNK)]
    out = []
    for kept, cells0, sprites in composite_hardening(seed=5, chunk=ev.CHUNK)[1](r, tasks, idx):
        b = ev.TaskBatch(tasks, vocab, kept)
        b.cells0 = torch.as_tensor(cells0).long()
        out.append((b, sprites))
    return out


def replayed_videos(pkg, r, vocab, mix, judges, rules_all):
    """The shipped answerer's own training videos before its hardening rounds, as an AnswerSet: round 0's
    (pipeline.round0_videos: the train mix, the package's more corruptions, the reasoner's samples and one-step
    previews) and the package's extra sources (FamilyPackage.answerer_sources: connect's two-pair composites,
    blocks' simultaneous moves). Without them the round cost the rules they teach (connect.grow on two-pair
    corruptions, push.intact: results/pressure_round_*.md)."""
    mixes = [build.made_data(m.dataset(pkg.run), m.args(), m.families) for m in pkg.more_corruptions]
    aset, gt_idx = round0_videos(mix, vocab, r, judges, rules_all, mixes)
    add_extra_videos(aset, pkg.answerer_sources(r, vocab), mix, gt_idx, vocab, r, judges, rules_all)
    return aset


def pressure_videos(r, ans, judges, chunks, lr, scales, steps, rules_all, aset, perturbed=False):
    """Chunk k optimized `steps` updates at lr * scales[k % len(scales)] against ans (no stop), rendered with its
    sprites; the final videos go into aset labelled by the judges. perturbed: the runs start from the hardening
    round's perturbed LoRAs (tto.perturbed_lora) instead of a fresh one. Returns {scale: {rule: broken videos}}."""
    broken = {s: dict.fromkeys(rules_all, 0) for s in scales}
    for k, (b, sprites) in enumerate(chunks):
        scale = scales[k % len(scales)]
        start = {"init_lora": perturbed_lora(r, len(b), HARDEN_LORA_STD, seed=k)} if perturbed else {}
        with sprites_as(r, r.sprites if sprites is None else sprites):
            cells, labels, _ = pressured_finals(r, ans, judges, b, lr * scale, steps, **start)
            add_cells_videos(aset, r, judges, b, cells, rules_all, f"pressured finals, {scale:g}x")
        for rule in rules_all:
            broken[scale][rule] += sum(1 for l in labels if l.get(rule) == 0)
        build.log(f"pressure: chunk {k + 1} of {len(chunks)} done")
    build.log(f"pressure on {sum(len(b) for b, _ in chunks)} train tasks: broken {broken}")
    return broken


def measure(r, ans, judges, tb, lr, scales, steps, videos):
    """The answerer on the validation split: pressured finals per scale (and pooled), the package's loop,
    the validation videos. Returns (summary rows, accuracy rows)."""
    runs, pooled = under_pressure(r, ans, judges, tb, lr, scales, steps)
    summary = [(f"{run['scale']:g}x, {steps} updates", run["success"].mean(), (run["sure"] & ~run["success"]).mean())
               for run in runs]
    table = [(f"pressured {run['scale']:g}x", run["accuracy"]) for run in runs] + [("pressured, pooled", pooled)]
    res = ev.optimize_tasks(r, ans, tb, lr=lr, check_base=True)
    ok = ev.successes(judges, tb.families, res["final_cells"]).astype(bool)
    summary.append(("package's loop", ok.mean(), (res["confident"].numpy() & ~ok).mean()))
    table.append(("validation videos (gt + corruptions, samples)", videos.accuracy(ans)))
    return summary, table


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--package", required=True, choices=("blocks", "connect", "bars"))
    ap.add_argument("--train-tasks", type=int, default=1024)
    ap.add_argument("--lr-scales", default="4,16")
    ap.add_argument("--steps", type=int, default=16)
    ap.add_argument("--train-steps", type=int, default=720)
    ap.add_argument("--val-tasks", type=int, default=384)
    ap.add_argument("--val-scales", default="4,16", help="the pressure the answerers are measured under")
    ap.add_argument("--only-round", action="store_true", help="count the round's broken videos, train nothing")
    ap.add_argument("--perturbed", action="store_true", help="the round's runs start from perturbed LoRAs")
    ap.add_argument("--two-pairs", action="store_true", help="connect: the round's first frames get a second pair")
    ap.add_argument("--replay", action="store_true",
                    help="the round also trains on the shipped answerer's round-0 and extra videos, not only the train mix")
    a = ap.parse_args()
    torch.set_num_threads(int(os.environ.get("MODELKIT_THREADS", "2")))
    t0 = time.time()
    pkg = package_of(a.package)
    checkpoint, _, val_args, families = VALIDATION[a.package]
    r, shipped, _, vocab, meta = load_checkpoint(checkpoint)
    lr = meta["defaults"]["learningRate"]
    scales = [float(s) for s in a.lr_scales.split(",")]

    mix = build.made_data(f"{pkg.run}_train_mix", teacher_datasets(pkg.run)[f"{pkg.run}_train_mix"], families)
    judges = make_judges(mix.appearances, r.C)
    rules_all = rule_list(mix)
    tasks = build.made_data(f"{pkg.run}_train_pressure_{a.train_tasks}",
                    f"--split train --n {a.train_tasks} --corrupt-fraction 0 --first-seed {TRAIN_FIRST_SEED}", families)
    tb = ev.TaskBatch(tasks, vocab, range(len(tasks.instances)))
    chunks = pressure_chunks(r, tasks, vocab, a.two_pairs)
    if a.replay:
        aset = replayed_videos(pkg, r, vocab, mix, judges, rules_all)
    else:
        aset = AnswerSet()
        aset.add(*suite_videos(mix, vocab, rules_all), "gt+corruptions")
    add_cells_videos(aset, r, judges, tb, ev.sample_cells(r, tb, SAMPLE_SEED), rules_all, "reasoner samples")
    broken = pressure_videos(r, shipped, judges, chunks, lr, scales, a.steps, rules_all, aset,
                             a.perturbed)
    build.log(f"training videos {aset.counts()}")
    if a.only_round:
        return
    trained = copy.deepcopy(shipped)
    out = train_answerer(trained, aset.cat(), len(rules_all), Budget(steps=a.train_steps), build.log, seed=3,
                         lr=ANSWERER_LR * HARDEN_LR_SCALE, relabel=relabeller(judges, rules_all), hue=pkg.hue,
                         bf16=pkg.bf16)
    os.makedirs(build.RUNS, exist_ok=True)
    torch.save(trained.state_dict(), os.path.join(build.RUNS, f"{a.package}_pressure_answerer.pt"))
    minutes_train = (time.time() - t0) / 60

    val = build.made_data(f"{pkg.run}_heldout_val_{a.val_tasks}", val_args.replace("--n 128", f"--n {a.val_tasks}"),
                          families)
    vmix = build.made_data(f"{pkg.run}_val_mix", val_mix_dataset(pkg.run)[f"{pkg.run}_val_mix"], families)
    vtb = ev.TaskBatch(val, vocab, range(len(val.instances)))
    vjudges = make_judges(val.appearances, r.C)
    videos = ValidationVideos(r, vjudges, vocab, vmix, [val])
    results = {name: measure(r, ans, vjudges, vtb, lr, [float(s) for s in a.val_scales.split(",")], a.steps,
                             videos)
               for name, ans in (("shipped", shipped), ("with the pressure round", trained))}

    flags = " ".join(f"--{k.replace('_', '-')}" + ("" if v is True else f" {v}") for k, v in vars(a).items()
                     if v is not False)
    print(f"\n# A pressure round for the {a.package} answerer (validation split; "
          f"`python -m teacher_studio_modelkit.pressure_round {flags}`, {time.strftime('%Y-%m-%d')})\n")
    print(f"Training videos: {aset.counts()}; {out['steps']} steps at lr {ANSWERER_LR * HARDEN_LR_SCALE:g} "
          f"({out['precision']}); the round took {minutes_train:.1f} minutes, all of it {(time.time() - t0) / 60:.1f}.")
    print("Broken final videos per rule in the round (train tasks): "
          + "; ".join(f"{s:g}x: " + ", ".join(f"{k} {v}" for k, v in sorted(b.items()) if v) for s, b in broken.items())
          + "\n")
    print(f"| answerer | runs on {len(vtb)} validation tasks | success (evaluator) | hacking |\n|---|---|---|---|")
    for name, (summary, _) in results.items():
        for label, ok, hack in summary:
            print(f"| {name} | {label} | {rate(ok)} | {rate(hack)} |")
    print("\n| answerer | videos | rule | balanced | TPR | TNR | yes / no |\n|---|---|---|---|---|---|---|")
    for name, (_, table) in results.items():
        for label, acc in table:
            for rule, v in sorted(acc.items()):
                print(f"| {name} | {label} | {rule} | {rate(v['balanced'])} | {rate(v['tpr'])} | {rate(v['tnr'])} | "
                      f"{v['n_yes']} / {v['n_no']} |")


if __name__ == "__main__":
    main()
