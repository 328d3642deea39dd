"""Back-to-back timing of two versions of a package's tto_step graph in onnxruntime (CPU), on the
same inputs, alternating rounds so that a change in the machine's load hits both alike. For a
rewrite of a graph (e.g. export.deterministic_scatter_adds) on a machine whose speed drifts.
Prints a table: median and fastest round of each file, ms per call.
Usage: python3 bench/graph_ab.py CHECKPOINT A.onnx B.onnx [--rounds 15] [--calls 5] [--threads 2]
e.g.   git show 28b5e04:resources/models/blocks/tto_step.onnx > /tmp/racy.onnx
       python3 bench/graph_ab.py modelkit/checkpoints/blocks.pt /tmp/racy.onnx resources/models/blocks/tto_step.onnx"""
import argparse
import os
import sys
import time

import numpy as np
import onnxruntime as ort

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "modelkit"))
from teacher_studio_modelkit.export import example_inputs, graph_args, graph_specs, load_checkpoint  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("checkpoint")
    p.add_argument("graphs", nargs=2)
    p.add_argument("--rounds", type=int, default=15)
    p.add_argument("--calls", type=int, default=5)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    reasoner = load_checkpoint(a.checkpoint)[0]
    ins, outs = graph_specs(reasoner)["tto_step"]
    feed = {n: x.numpy() for n, x in zip(ins, graph_args("tto_step", reasoner, example_inputs(reasoner),
                                                          reasoner.lora_init()))}
    so = ort.SessionOptions()
    so.intra_op_num_threads = a.threads
    sessions = [ort.InferenceSession(g, so, providers=["CPUExecutionProvider"]) for g in a.graphs]
    for s in sessions:
        s.run(outs, feed)
    rounds = [[] for _ in sessions]
    for _ in range(a.rounds):
        for s, times in zip(sessions, rounds):
            start = time.perf_counter()
            for _ in range(a.calls):
                s.run(outs, feed)
            times.append((time.perf_counter() - start) * 1000 / a.calls)
    print(f"| tto_step file ({a.rounds} rounds of {a.calls} calls, {a.threads} threads) | median ms | fastest round ms |")
    print("|---|---|---|")
    for g, times in zip(a.graphs, rounds):
        print(f"| {g} | {np.median(times):.1f} | {min(times):.1f} |")


if __name__ == "__main__":
    main()
