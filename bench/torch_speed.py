"""PyTorch eager timing of the same graphs the studio runs with onnxruntime-node, from the
modelkit checkpoint the package was exported from. Prints one JSON line:
{"tto_step_ms": [...], "sample_ms": [...], "threads": N, "torch": version}.
Usage: python3 bench/torch_speed.py CHECKPOINT [--repeats 30] [--threads 2]"""
import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "modelkit"))
from teacher_studio_modelkit import graphs  # noqa: E402
from teacher_studio_modelkit.export import example_inputs, graph_args, load_checkpoint  # noqa: E402


def time_calls(fn, args, repeats):
    for _ in range(3):
        fn(*args)
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn(*args)
        out.append((time.perf_counter() - start) * 1000)
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("checkpoint")
    p.add_argument("--repeats", type=int, default=30)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    reasoner, answerer, writer, vocab, meta = load_checkpoint(a.checkpoint)
    ex = example_inputs(reasoner)
    lora = reasoner.lora_init()
    step = graphs.make_tto_step(reasoner, answerer)
    sample = graphs.make_sample(reasoner)
    tto_ms = time_calls(step, graph_args("tto_step", reasoner, ex, lora), a.repeats)
    with torch.no_grad():
        sample_ms = time_calls(sample, graph_args("sample", reasoner, ex, lora), a.repeats)
    print(json.dumps({"tto_step_ms": tto_ms, "sample_ms": sample_ms, "threads": a.threads, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
