"""Wall-clock minutes of exporting a committed package's five graphs (modelkit's export.export_all, as a build's export
stage runs it) one after the other in this process and in two spawned processes at once, and whether the two give the
same files byte for byte. Prints a markdown table. The models come from the package's checkpoint
(modelkit/checkpoints/NAME.pt); the graphs go to temporary folders. Run it alone: it is a timing.
Usage: python3 bench/export_speed.py [--package connect] [--threads 2]"""
import argparse
import filecmp
import os
import sys
import tempfile
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "modelkit"))
from teacher_studio_modelkit.export import export_all, graph_specs, load_checkpoint  # noqa: E402
from teacher_studio_modelkit.build import MODELKIT  # noqa: E402


def timed_export(models, out, processes):
    t = time.time()
    export_all(*models, out, processes=processes)
    return (time.time() - t) / 60


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--package", default="connect")
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    reasoner, answerer, writer, _, _ = load_checkpoint(os.path.join(MODELKIT, "checkpoints", f"{a.package}.pt"))
    models = (reasoner, answerer, writer)
    names = list(graph_specs(reasoner))
    with tempfile.TemporaryDirectory() as one, tempfile.TemporaryDirectory() as two:
        minutes = {1: timed_export(models, one, 1), 2: timed_export(models, two, 2)}
        same = all(filecmp.cmp(os.path.join(one, f"{n}.onnx"), os.path.join(two, f"{n}.onnx"), shallow=False)
                   for n in names)
    print(f"# Exporting the {a.package} package's graphs ({', '.join(names)}), {a.threads} torch threads, "
          f"{time.strftime('%Y-%m-%d')}\n")
    print("| processes | minutes |\n|---|---|")
    for k, m in minutes.items():
        print(f"| {k} | {m:.2f} |")
    print(f"\nThe same files byte for byte: {'yes' if same else 'NO'}; {minutes[1] / minutes[2]:.2f}x.")


if __name__ == "__main__":
    main()
