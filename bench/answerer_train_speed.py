"""Seconds per training step of the blocks answerer (train.train_answerer, the build's round 0: its batch, augmentations
and relabelling, on the suite videos of the blocks train mix), in float32 and under bfloat16 autocast, alternated so that
both see the machine's speed of the moment. Prints a markdown table. Needs the blocks data sets and runs/objects.pt
(`cd modelkit && python -m teacher_studio_modelkit.build --package blocks`).
Usage: python3 bench/answerer_train_speed.py [--steps 60] [--rounds 2] [--threads 2]"""
import argparse
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "modelkit"))
from teacher_studio_modelkit import pipeline  # noqa: E402
from teacher_studio_modelkit.blocks_package import PACKAGE  # noqa: E402
from teacher_studio_modelkit.build import RUNS  # noqa: E402
from teacher_studio_modelkit.data import MAX_QUERY  # noqa: E402
from teacher_studio_modelkit.objects_experiment import data_and_vocab, make_objects_reasoner  # noqa: E402
from teacher_studio_modelkit.teacher import Answerer  # noqa: E402
from teacher_studio_modelkit.train import Budget, bf16_supported, train_answerer  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--steps", type=int, default=60)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    sets, vocab = data_and_vocab()
    sets = PACKAGE.teacher_data(sets)
    reasoner = make_objects_reasoner(vocab, sets["fall_train_gt"])
    reasoner.load_state_dict(torch.load(os.path.join(RUNS, PACKAGE.models["reasoner"])))
    mix = sets[PACKAGE.train_mix]
    rules = pipeline.rule_list(mix)
    data = (*pipeline.suite_videos(mix, vocab, rules), np.zeros(len(mix.instances)))
    relabel = pipeline.relabeller(PACKAGE.judges(sets, reasoner), rules)
    seconds = {False: [], True: []}
    for _ in range(a.rounds):
        for bf16 in (False, True):
            model = Answerer(reasoner.A, len(vocab), reasoner.C, reasoner.T, reasoner.px, MAX_QUERY, census=PACKAGE.census)
            t = time.perf_counter()
            train_answerer(model, data, len(rules), Budget(steps=a.steps), log=lambda *_: None, relabel=relabel, bf16=bf16)
            seconds[bf16].append((time.perf_counter() - t) / a.steps)
    print(f"\nblocks answerer, {a.steps} training steps per run, {a.threads} threads, torch {torch.__version__}, "
          f"native bfloat16: {bf16_supported()}\n")
    print("| precision | seconds per step, each run | mean |")
    print("|---|---|---|")
    for bf16, name in ((False, "float32"), (True, "bfloat16 autocast")):
        print(f"| {name} | {', '.join(f'{s:.3f}' for s in seconds[bf16])} | {np.mean(seconds[bf16]):.3f} |")
    print(f"\nfloat32 / bfloat16: {np.mean(seconds[False]) / np.mean(seconds[True]):.2f}x")


if __name__ == "__main__":
    main()
