"""A pressure round for a package's answerer, measured on the validation split (committed checkpoint):
    cd modelkit && python -m teacher_studio_modelkit.pressure_round --package blocks [--train-tasks 1024]
        [--lr-scales 4,16] [--steps 16] [--perturbed] [--two-pairs] [--train-steps 720] [--val-tasks 384]
        [--val-scales 4,16] [--only-round] [--replay] [--no-shipped] [--rounds 2] [--start runs/ANSWERER.pt]
        [--again connect.grow:20] [--near 8] [--dense 1] [--history] [--strokes]
Under optimization pressure (answerer_pressure: every run 16 updates at 1-16x the package's learning rate) the
blocks answerer catches 61 % of the held-out videos that break fall.straight and 79 % of push.no_wall's, the
connect answerer 3 % of connect.grow's. The shipped answerer goes through a pressure round (pressure_stage:
--train-tasks train-split tasks optimized against it at the package's learning rate times each of --lr-scales,
from fresh or --perturbed LoRAs, connect's from --two-pairs first frames; their final videos, labelled by the
evaluator, with the train mix or, --replay, every video the answerer trained on before its hardening rounds,
--train-steps more at the hardening round's learning rate). Both answerers are then measured on the validation
split (seeds 300000+; never the test split): each under pressure against itself (--val-scales: the per-rule
balanced accuracy on the final videos, success, hacking), at the package's settings (TTO success and hacking),
and on the validation videos the build chooses snapshots by (answerer_validation: ground truth + corruptions,
reasoner samples). --near K adds K near misses per round task (near_misses: the reasoner's samples with one move
forced, connect), made once; with --rounds 0 the answerer trains on them and nothing is optimized against it. The
trained answerer is saved as runs/PACKAGE_pressure_answerer.pt (--rounds N other than 1:
runs/PACKAGE_pressure_roundsN_answerer.pt; --near K, --dense W: with _nearK, _denseW before _answerer). --dense W:
the training also learns the evaluator's verdict on every prefix of each video (train.train_answerer). --history: the
answerer trained gets the picture before each cell's last change (teacher.Answerer history=True), --strokes the stroke
evidence (strokes=True). Results:
results/pressure_round_PACKAGE.md (--replay: results/pressure_round_replay_PACKAGE.md)."""
import argparse
import importlib
import os
import time

import torch

from . import build, evaluate as ev
from .answerer_pressure import rate, under_pressure
from .answerer_validation import ValidationVideos, val_mix_dataset
from .export import load_checkpoint
from .family_package import teacher_datasets
from .pipeline import HARDEN_LR_SCALE, rule_list
from .pressure_stage import PressureRound, train_round
from .rules import make_judges
from .train import ANSWERER_LR, Budget
from .validate import VALIDATION, another_answerer


def package_of(name):
    return importlib.import_module(f".{name}_package", __package__).PACKAGE


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
    ap.add_argument("--no-shipped", action="store_true",
                    help="measure only the trained answerer (the shipped one's rows are an earlier run's: the same "
                         "tasks and pressure give the same rows)")
    ap.add_argument("--rounds", type=int, default=1, help="rounds, each against the answerer the round before made")
    ap.add_argument("--start", default=None,
                    help="the answerer the rounds start from (a runs/ state; default the shipped one): to replay a "
                         "package's rounds from the answerer its build's round started from")
    ap.add_argument("--near", type=int, default=0,
                    help="near misses per round task (the reasoner's samples with one move forced), made once; with "
                         "--rounds 0 the answerer trains on them without being optimized against")
    ap.add_argument("--history", action="store_true",
                    help="the answerer the round trains gets the picture before each cell's last change "
                         "(teacher.Answerer history=True; its layer starts at zero)")
    ap.add_argument("--strokes", action="store_true",
                    help="the answerer the round trains gets the stroke evidence (teacher.Answerer strokes=True; "
                         "its layer starts at zero)")
    ap.add_argument("--dense", type=float, default=0.0,
                    help="the round's training also learns the evaluator's verdict on every prefix of each video, "
                         "with this weight (train.train_answerer's dense)")
    ap.add_argument("--again", default="", help="RULE:TIMES,...: the round's finals that break RULE go in TIMES times")
    ap.add_argument("--replay", action="store_true",
                    help="the round also trains on the shipped answerer's round-0 and extra videos, not only the "
                         "train mix")
    a = ap.parse_args()
    torch.set_num_threads(int(os.environ.get("MODELKIT_THREADS", "2")))
    t0 = time.time()
    pkg = package_of(a.package)
    checkpoint, val_name, val_args, families = VALIDATION[a.package]
    r, shipped, _, vocab, meta = load_checkpoint(checkpoint)
    lr = meta["defaults"]["learningRate"]

    cfg = PressureRound(tasks=a.train_tasks, scales=tuple(float(s) for s in a.lr_scales.split(",")), steps=a.steps,
                        budget=Budget(steps=a.train_steps), perturbed=a.perturbed, two_pairs=a.two_pairs,
                        replay=a.replay, rounds=a.rounds, near=a.near, dense=a.dense, history=a.history, strokes=a.strokes,
                        again=tuple((k, int(t)) for k, t in (x.split(":") for x in a.again.split(",") if x)))
    mix = build.made_data(f"{pkg.run}_train_mix", teacher_datasets(pkg.run)[f"{pkg.run}_train_mix"], families)
    mixes = [build.made_data(m.dataset(pkg.run), m.args(), m.families)
             for m in (pkg.more_corruptions if a.replay else ())]
    judges = make_judges(mix.appearances, r.C)
    rules_all = rule_list(mix)
    tasks = build.made_data(cfg.dataset(pkg.run), cfg.args(), families)
    start = another_answerer(shipped, a.start) if a.start else shipped
    trained, counts, broken, out = train_round(cfg, pkg, r, start, vocab, mix, tasks, judges, rules_all, lr, mixes,
                                               only_round=a.only_round)
    if a.only_round:
        return
    os.makedirs(build.RUNS, exist_ok=True)
    rounds = f"_rounds{a.rounds}" if a.rounds != 1 else ""
    rounds += (f"_near{a.near}" if a.near else "") + (f"_dense{a.dense:g}" if a.dense else "")
    rounds += ("_history" if a.history else "") + ("_strokes" if a.strokes else "")
    torch.save(trained.state_dict(), os.path.join(build.RUNS, f"{a.package}_pressure{rounds}_answerer.pt"))
    minutes_train = (time.time() - t0) / 60

    val = build.made_data(*build.at_least(val_name, val_args, a.val_tasks), families)
    vmix = build.made_data(f"{pkg.run}_val_mix", val_mix_dataset(pkg.run)[f"{pkg.run}_val_mix"], families)
    vtb = ev.TaskBatch(val, vocab, range(len(val.instances)))
    vjudges = make_judges(val.appearances, r.C)
    videos = ValidationVideos(r, vjudges, vocab, vmix, [val])
    results = {name: measure(r, ans, vjudges, vtb, lr, [float(s) for s in a.val_scales.split(",")], a.steps,
                             videos)
               for name, ans in (("shipped", shipped), ("with the pressure round", trained))
               if name != "shipped" or not a.no_shipped}

    flags = " ".join(f"--{k.replace('_', '-')}" + ("" if v is True else f" {v}") for k, v in vars(a).items()
                     if v is not False and v is not None and v != "")
    print(f"\n# A pressure round for the {a.package} answerer (validation split; "
          f"`python -m teacher_studio_modelkit.pressure_round {flags}`, {time.strftime('%Y-%m-%d')})\n")
    print(f"Training videos: {counts}; {out['steps']} steps at lr {ANSWERER_LR * HARDEN_LR_SCALE:g} "
          f"({out['precision']}); the round took {minutes_train:.1f} minutes, all of it {(time.time() - t0) / 60:.1f}.")
    print("Broken final videos per rule in the round (train tasks): "
          + "; ".join(f"{s}: " + ", ".join(f"{k} {v}" for k, v in sorted(b.items()) if v) for s, b in broken.items())
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
