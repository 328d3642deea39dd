"""One command that builds the built-in package from scratch:
    python -m teacher_studio_modelkit.build [--tasks-root REPO] [--fresh]
(`--package blocks` builds the fall and push package instead: blocks_package.build; `--package bars`
the sort package: bars_package.build; `--package connect` the connect package: connect_package.build).
gen-data (task-suite CLI via npm) -> vocabulary -> reasoner -> query writer -> answerer (ground
truth, corruptions, reasoner samples) -> hardening round on optimized samples -> export ONNX ->
evaluate on the held-out split -> MODEL_CARD.md. Each stage caches its result under modelkit/runs/
(delete it or pass --fresh to redo). Budgets in minutes are set below."""
import argparse
import json
import os
import re
import subprocess
import time

import torch

from .data import MAX_INSTRUCTION, SuiteData, Vocabulary

HERE = os.path.dirname(os.path.abspath(__file__))
MODELKIT = os.path.dirname(HERE)
REPO = os.path.dirname(MODELKIT)
DATA = os.path.join(MODELKIT, "data")
SMOKE = os.environ.get("MODELKIT_SMOKE") == "1"  # tiny budgets + temp outputs, to test the pipeline
RUNS = os.path.join(MODELKIT, "runs") if not SMOKE else "/tmp/modelkit-smoke/runs"
PACKAGE = os.path.join(REPO, "resources", "models", "gridworld") if not SMOKE else "/tmp/modelkit-smoke/pkg"
CHECKPOINT = os.path.join(MODELKIT, "checkpoints", "gridworld.pt") if not SMOKE else "/tmp/modelkit-smoke/ck.pt"
FAMILIES = "maze,collect"  # families trained into the package (the single-agent ones; gen-data interleaves them)
DATASETS = {  # name -> gen-data arguments
    "train_gt": "--split train --n 8000 --corrupt-fraction 0 --first-seed 0",
    "train_mix": "--split train --n 6000 --corrupt-fraction 0.6 --first-seed 100000",
    "heldout_gt": "--split heldout --n 600 --corrupt-fraction 0 --first-seed 0",
    "heldout_mix": "--split heldout --n 1600 --corrupt-fraction 0.6 --first-seed 50000",
    "heldout_val": "--split heldout --n 256 --corrupt-fraction 0 --first-seed 300000",  # validation: settings,
    "heldout_val_mix": "--split heldout --n 500 --corrupt-fraction 0.6 --first-seed 400000",  # recipe choices
}
REASONER_MINUTES = 16  # wall-clock training budgets on 2 CPU cores
WRITER_MINUTES = 3
ANSWERER_MINUTES = 14
HARDEN_MINUTES = 4
if SMOKE:
    REASONER_MINUTES = WRITER_MINUTES = ANSWERER_MINUTES = HARDEN_MINUTES = 0.1


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def gen_data(tasks_root, force=False, datasets=None, families=FAMILIES):
    for name, args in (DATASETS if datasets is None else datasets).items():
        out = os.path.join(DATA, name)
        if os.path.exists(os.path.join(out, "index.json")) and not force:
            continue
        cmd = f"npm run --silent cli -- gen-data {args} --families {families} --out {out} --force"
        log(f"gen-data: {cmd}")
        subprocess.run(cmd, shell=True, cwd=tasks_root, check=True)


def made_data(name, args, families=FAMILIES):
    """The gen-data set data/NAME (gen-data ARGS --families FAMILIES), made on first use (a fresh checkout has
    none), loaded."""
    gen_data(REPO, datasets={name: args}, families=families)
    return SuiteData(os.path.join(DATA, name))


def at_least(name, args, n):
    """(name, args) of the gen-data set NAME made with ARGS, or, for more than its --n tasks, of the larger set
    NAME_N from the same first seed, whose first tasks are NAME's (gen-data seeds task i with first seed + i)."""
    held = int(re.search(r"--n (\d+)", args).group(1))
    return (f"{name}_{n}", re.sub(r"--n \d+", f"--n {n}", args)) if n > held else (name, args)


def build_vocab(datasets):
    texts = ["goal : process |"]
    for d in datasets:
        texts += [i["instruction"] for i in d.instances] + [r["query"] for r in d.rules.values()]
    return Vocabulary.build(texts)


def encode_instructions(vocab, data, idx=None):
    insts = data.instances if idx is None else [data.instances[i] for i in idx]
    return torch.tensor([vocab.encode(i["instruction"], MAX_INSTRUCTION) for i in insts])


def make_reasoner(vocab, train_gt):
    from .reasoner import Reasoner, reasoner_on
    ids = {a["name"]: a["id"] for a in train_gt.appearances}
    return reasoner_on(Reasoner, train_gt, len(vocab), ids["agent"], ids["floor"], coin_id=ids["coin"])


def stage_reasoner(vocab, train_gt, fresh):
    from .reasoner import moves_from_cells
    from .train import load_stage, save_stage, train_reasoner
    path = os.path.join(RUNS, "reasoner.pt")
    r = make_reasoner(vocab, train_gt)
    if os.path.exists(path) and not fresh:
        load_stage(r, path, log)  # the query writer's initial weights come next
        r.eval()
        return r
    cells = torch.from_numpy(train_gt.cells.reshape(len(train_gt.cells), train_gt.cells.shape[1], -1)).long()
    moves = moves_from_cells(cells, r.agent_id, r.C)
    log(f"reasoner: {sum(p.numel() for p in r.parameters())} parameters")
    stats = train_reasoner(r, moves, cells[:, 0], encode_instructions(vocab, train_gt), REASONER_MINUTES, log,
                           save=lambda m: torch.save(m.state_dict(), path + ".partial"))
    save_stage(r, path)
    json.dump(stats, open(os.path.join(RUNS, "reasoner.json"), "w"))
    return r


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--tasks-root", default=REPO, help="repository whose `npm run cli -- gen-data` writes the data")
    ap.add_argument("--fresh", action="store_true", help="redo every stage")
    ap.add_argument("--until", default="card", help="stop after this stage (gridworld)")
    ap.add_argument("--package", choices=("gridworld", "blocks", "bars", "connect"), default="gridworld",
                    help="gridworld (maze, collect; the default package), blocks (fall, push), bars (sort) or connect")
    a = ap.parse_args()
    a.t_start = time.time()
    torch.set_num_threads(int(os.environ.get("MODELKIT_THREADS", "2")))
    if a.package == "blocks":  # a FamilyPackage's build makes its runs/ folder itself
        from .blocks_package import build
        return build(a.fresh)
    if a.package == "bars":
        from .bars_package import build
        return build(a.fresh)
    if a.package == "connect":
        from .connect_package import build
        return build(a.fresh)
    os.makedirs(RUNS, exist_ok=True)
    gen_data(a.tasks_root, a.fresh)
    sets = {n: SuiteData(os.path.join(DATA, n)) for n in DATASETS}
    vocab = build_vocab([sets["train_gt"], sets["train_mix"]])
    log(f"vocabulary: {len(vocab)} words")
    reasoner = stage_reasoner(vocab, sets["train_gt"], a.fresh)
    if a.until == "reasoner":
        return
    from .pipeline import run_rest
    run_rest(a, sets, vocab, reasoner)


if __name__ == "__main__":
    main()
