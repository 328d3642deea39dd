"""Re-export the package from its checkpoint without retraining:
    python -m teacher_studio_modelkit.reexport [--tasks-root REPO]
Takes the task suite's current appearances and sprites (from a small `gen-data` of the package's
families), puts the sprites into the reasoner (its decoders and first-frame reader draw with them),
exports every graph, rewrites manifest.json and the checkpoint. Use it when the suite's drawing
changes for cells the package never trained on; a change to cells it did train on needs a rebuild."""
import argparse
import json
import os
import subprocess
import tempfile

import numpy as np
import torch

from .build import CHECKPOINT, PACKAGE, REPO, log
from .data import SuiteData
from .export import export_all, load_checkpoint, save_checkpoint, write_manifest


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--tasks-root", default=REPO)
    a = ap.parse_args()
    reasoner, answerer, writer, vocab, meta = load_checkpoint(CHECKPOINT)
    with open(os.path.join(PACKAGE, "manifest.json")) as f:
        old = json.load(f)
    families = ",".join(f["name"] for f in old["families"])
    with tempfile.TemporaryDirectory() as tmp:
        cmd = f"npm run --silent cli -- gen-data --split train --corrupt-fraction 0 --n {len(old['families'])} --families {families} --out {tmp}/d --force"
        subprocess.run(cmd, shell=True, cwd=a.tasks_root, check=True)
        d = SuiteData(f"{tmp}/d")
    sprites = torch.from_numpy(d.sprites.reshape(d.sprites.shape[0], -1).astype(np.float32))
    changed = [x["name"] for x, y in zip(d.appearances, old["appearances"]) if x != y]
    moved = (sprites != reasoner.sprites).any(1).nonzero()[:, 0].tolist()
    log(f"appearances changed: {changed or 'none'}; sprites changed for ids {moved or 'none'}")
    reasoner.sprites.copy_(sprites)
    export_all(reasoner, answerer, writer, PACKAGE)
    write_manifest(PACKAGE, reasoner, vocab, d.appearances, old["rules"], old["families"], old["defaults"], old["name"])
    save_checkpoint(CHECKPOINT, reasoner, answerer, writer, vocab, meta)
    log(f"re-exported {PACKAGE}")


if __name__ == "__main__":
    main()
