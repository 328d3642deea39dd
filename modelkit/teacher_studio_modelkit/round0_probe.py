"""How the blocks answerer's round 0 learns each rule: the round trained as the build trains it (same
videos, step budget and learning-rate schedule, the committed reasoner), from the initial weights of
a given seed (or the build's: where the query writer's training leaves torch's generator), with or
without blocks_package.BLOCKS_MORE_CORRUPTIONS (more videos of the rarely drawn corruptions, gen-data
--corruptions; tried, not in the recipe), and scored per rule on the
validation videos the build chooses its snapshots on (answerer_validation, never the test split)
every 500 steps. Round 0's peak learning rate and precision are the package's unless --lr and
--bf16 / --no-bf16 say otherwise (results/blocks_rare_corruptions.md ran before they were the
package's: --lr 0.001 --no-bf16; results/blocks_round0_starts.md). Prints one markdown table per run;
writes the scores to runs/round0_probe_*.json.

    cd modelkit && python -m teacher_studio_modelkit.round0_probe --init 1 --more-corruptions --lr 0.001 --no-bf16
    cd modelkit && python -m teacher_studio_modelkit.round0_probe --init 1001 --bf16 --lr 0.002
"""
import argparse
import json
import os
import time

import numpy as np
import torch

from . import pipeline
from .build import RUNS, log
from .data import MAX_QUERY
from .teacher import Answerer
from .train import ANSWERER_LR, Budget, restore_generator, train_answerer

EVERY = 500  # steps between two scores


def main():
    from dataclasses import replace
    from .blocks_package import BLOCKS_MORE_CORRUPTIONS, PACKAGE
    from .objects_experiment import data_and_vocab, make_objects_reasoner
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--init", default="build", help="'build' (the build's initial weights) or a seed")
    ap.add_argument("--more-corruptions", action="store_true", help="with BLOCKS_MORE_CORRUPTIONS' videos")
    ap.add_argument("--steps", type=int, default=PACKAGE.answerer_budget.steps)
    ap.add_argument("--lr", type=float, default=PACKAGE.round0_lr or ANSWERER_LR, help="peak learning rate (the package's)")
    ap.add_argument("--bf16", action=argparse.BooleanOptionalAction, default=PACKAGE.bf16,
                    help="under bfloat16 autocast (train.train_answerer; the package's setting)")
    a = ap.parse_args()
    package = replace(PACKAGE, more_corruptions=BLOCKS_MORE_CORRUPTIONS if a.more_corruptions else ())
    torch.set_num_threads(int(os.environ.get("MODELKIT_THREADS", "2")))
    sets, vocab = data_and_vocab()
    sets = package.teacher_data(sets)
    reasoner = make_objects_reasoner(vocab, sets["fall_train_gt"])
    reasoner.load_state_dict(torch.load(os.path.join(RUNS, package.models["reasoner"])))
    reasoner.eval()
    judges = package.judges(sets, reasoner)
    val = package.validation_videos(sets, vocab, reasoner, judges)
    rules_all = pipeline.rule_list(sets[package.train_mix])
    aset, _ = pipeline.round0_videos(sets[package.train_mix], vocab, reasoner, judges, rules_all,
                                     [sets[m.dataset(package.run)] for m in package.more_corruptions])
    rows = []

    def score(model):
        rows.append(val.per_rule(model))
        return val.score(rows[-1])

    if a.init == "build":  # the writer's training left the generator here in a fresh build
        restore_generator(os.path.join(RUNS, package.models["writer"]), log)
    else:
        torch.manual_seed(int(a.init))
    ans = Answerer(reasoner.A, len(vocab), reasoner.C, reasoner.T, reasoner.px, MAX_QUERY, census=package.census)
    t0 = time.time()
    out = train_answerer(ans, aset.cat(), len(rules_all), Budget(steps=a.steps), log, hue=package.hue, lr=a.lr,
                         relabel=pipeline.relabeller(judges, rules_all), choose=score, choose_every=EVERY, bf16=a.bf16)
    counts = aset.counts()
    name = (f"round0_probe_{a.init}{'_more' if a.more_corruptions else ''}{f'_lr{a.lr:g}' if a.lr != ANSWERER_LR else ''}"
            f"{'_bf16' if a.bf16 else ''}")
    json.dump({"steps": [c["step"] for c in out["checks"]], "per_rule": rows, "counts": counts,
               "minutes": (time.time() - t0) / 60}, open(os.path.join(RUNS, f"{name}.json"), "w"), indent=1)
    rules = sorted(rows[0])
    print(f"\n# Round 0, initial weights {a.init}, {'with' if a.more_corruptions else 'without'} more corruptions, peak lr {a.lr:g},"
          f" {out['precision']}"
          f" ({', '.join(f'{k} {v}' for k, v in counts.items())}; {time.strftime('%Y-%m-%d')})\n")
    print("| step | " + " | ".join(rules) + " | lowest | mean |")
    print("|---" * (len(rules) + 3) + "|")
    for c, r in zip(out["checks"], rows):
        v = [r[k] for k in rules]
        print(f"| {c['step']} | " + " | ".join(f"{100 * x:.1f}" for x in v) + f" | {100 * min(v):.1f} | {100 * np.mean(v):.1f} |")


if __name__ == "__main__":
    main()
