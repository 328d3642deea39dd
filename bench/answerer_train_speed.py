"""Seconds per training step of a package's answerer (train.train_answerer, the build's round 0: its batch, augmentations
and relabelling, on the suite videos of the package's train mix), in float32 and under bfloat16 autocast, alternated so
that both see the machine's speed of the moment. Prints a markdown table. --package blocks (the default): the blocks
answerer; connect: the answerer of connect's near-miss pressure round (connect_package.NEAR_MISSES: with the picture
before each cell's last change and the colour augmentation). Needs the package's data sets and its runs/ reasoner
(`cd modelkit && python -m teacher_studio_modelkit.build --package blocks|connect`).
Usage: python3 bench/answerer_train_speed.py [--package connect] [--steps 60] [--rounds 2] [--threads 2]"""
import argparse
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "modelkit"))
from teacher_studio_modelkit import pipeline  # noqa: E402
from teacher_studio_modelkit.blocks_package import PACKAGE as BLOCKS  # noqa: E402
from teacher_studio_modelkit.build import RUNS  # noqa: E402
from teacher_studio_modelkit.connect_package import NEAR_MISSES  # noqa: E402
from teacher_studio_modelkit.data import MAX_QUERY  # noqa: E402
from teacher_studio_modelkit.teacher import Answerer  # noqa: E402
from teacher_studio_modelkit.train import Budget, bf16_supported, train_answerer  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--package", choices=("blocks", "connect"), default="blocks")
    p.add_argument("--steps", type=int, default=60)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    package = BLOCKS if a.package == "blocks" else NEAR_MISSES
    history = package.answerer_history
    sets, vocab = package.experiment.data_and_vocab()
    sets = package.teacher_data(sets)
    reasoner = package.experiment.make_reasoner(vocab, package.train_gt(sets)[0])
    reasoner.load_state_dict(torch.load(os.path.join(RUNS, package.models["reasoner"])))
    mix = sets[package.train_mix]
    rules = pipeline.rule_list(mix)
    data = (*pipeline.suite_videos(mix, vocab, rules), np.zeros(len(mix.instances)))
    relabel = pipeline.relabeller(package.judges(sets, reasoner), rules)
    seconds = {False: [], True: []}
    for _ in range(a.rounds):
        for bf16 in (False, True):
            model = Answerer(reasoner.A, len(vocab), reasoner.C, reasoner.T, reasoner.px, MAX_QUERY, census=package.census,
                             history=history)
            t = time.perf_counter()
            train_answerer(model, data, len(rules), Budget(steps=a.steps), log=lambda *_: None, relabel=relabel,
                           hue=package.hue, bf16=bf16)
            seconds[bf16].append((time.perf_counter() - t) / a.steps)
    print(f"\n{a.package} answerer{' (history)' if history else ''}, {a.steps} training steps per run, "
          f"{a.threads} threads, torch {torch.__version__}, "
          f"native bfloat16: {bf16_supported()}\n")
    print("| precision | seconds per step, each run | mean |")
    print("|---|---|---|")
    for bf16, name in ((False, "float32"), (True, "bfloat16 autocast")):
        print(f"| {name} | {', '.join(f'{s:.3f}' for s in seconds[bf16])} | {np.mean(seconds[bf16]):.3f} |")
    print(f"\nfloat32 / bfloat16: {np.mean(seconds[False]) / np.mean(seconds[True]):.2f}x")


if __name__ == "__main__":
    main()
