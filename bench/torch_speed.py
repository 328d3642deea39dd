"""PyTorch eager timing of the same graphs the studio runs with onnxruntime-node, from the
modelkit checkpoint the package was exported from. Prints one JSON line:
{"tto_step_ms": [...], "sample_ms": [...], "threads": N, "torch": version, "device": name}.
Usage: python3 bench/torch_speed.py CHECKPOINT [--repeats 30] [--threads 2] [--device cpu|cuda]

On a GPU the models and inputs move there and the graphs' own tensors are made there (torch's
default device); each call is timed to the end of its GPU work (torch.cuda.synchronize)."""
import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "modelkit"))
from teacher_studio_modelkit import graphs  # noqa: E402
from teacher_studio_modelkit.export import example_inputs, graph_args, load_checkpoint  # noqa: E402


def time_calls(fn, args, repeats, sync):
    for _ in range(3):
        fn(*args)
    sync()
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn(*args)
        sync()
        out.append((time.perf_counter() - start) * 1000)
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("checkpoint")
    p.add_argument("--repeats", type=int, default=30)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--device", default="cpu")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    reasoner, answerer, writer, vocab, meta = load_checkpoint(a.checkpoint)
    ex = example_inputs(reasoner)
    lora = reasoner.lora_init()
    step_args, sample_args = graph_args("tto_step", reasoner, ex, lora), graph_args("sample", reasoner, ex, lora)
    sync, device = (lambda: None), "cpu"
    if a.device != "cpu":
        # Inputs are drawn on the CPU (seeded generators), then moved.
        for m in (reasoner, answerer):
            m.to(a.device)
        step_args, sample_args = [x.to(a.device) for x in step_args], [x.to(a.device) for x in sample_args]
        torch.set_default_device(a.device)
        if a.device.startswith("cuda"):
            sync, device = torch.cuda.synchronize, torch.cuda.get_device_name()
    step = graphs.make_tto_step(reasoner, answerer)
    sample = graphs.make_sample(reasoner)
    tto_ms = time_calls(step, step_args, a.repeats, sync)
    with torch.no_grad():
        sample_ms = time_calls(sample, sample_args, a.repeats, sync)
    print(json.dumps({"tto_step_ms": tto_ms, "sample_ms": sample_ms, "threads": a.threads, "torch": torch.__version__,
                      "device": device}))


if __name__ == "__main__":
    main()
