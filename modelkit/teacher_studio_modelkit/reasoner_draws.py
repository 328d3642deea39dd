"""How far a family reasoner's base success on the validation split moves between draws of its training
(the checkpoints built so far, fresh seeds) and along one training (snapshots, and an exponential moving
average of the weights: reasoner_choice's candidates), read on two disjoint slices of the validation split:
M, the first 1,024 tasks (what compute_match reads), and C, the 512 further tasks reasoner_choice chooses on.
One noise seed a task (seed 0: the sampler's most likely moves), success by the rule-based evaluator.
Prints a table and writes runs/reasoner_draws_FAMILY.json (results/reasoner_draws_connect.md).

    cd modelkit && python -m teacher_studio_modelkit.reasoner_draws --seeds 1 2 \\
        --checkpoints checkpoints/connect.pt runs/recipe_rebuild/connect.pt
"""
import argparse
import json
import os
import time

import torch

from . import build
from .connect_experiment import EXPERIMENT as CONNECT
from .export import load_checkpoint
from .objects_experiment import UNSEEN_TRAIN, cells_of
from .reasoner_choice import ReasonerChoice, base_success, choice_tasks
from .rules import make_judges
from .train import Budget, train_reasoner

EXPERIMENTS = {"connect": CONNECT}
CANDIDATES = ReasonerChoice()  # steps 1,500, 2,000, 2,500, the last, and the moving average (decay 0.999)


def slices(family):
    return {"M": build.made_data(f"{family}_heldout_val_1024",
                                 "--split heldout --n 1024 --corrupt-fraction 0 --first-seed 300000", family),
            "C": choice_tasks(family, CANDIDATES.tasks)}


def read(model, vocab, data, family):
    judge = make_judges(data["M"].appearances, model.C)[family]
    return {k: base_success(model, vocab, d, judge) for k, d in data.items()}


def train_draw(experiment, sets, vocab, seed, steps):
    """A reasoner trained `steps` steps from seed `seed` (initial weights and batches), as stage_reasoner
    trains it: {label: model} for CANDIDATES' snapshots, the last step ("final") and the moving average."""
    train = sets[f"{experiment.family}_train_gt"]
    torch.manual_seed(1000 + seed)
    model = experiment.make_reasoner(vocab, train)
    n = len(train.instances) - UNSEEN_TRAIN
    cells = cells_of(train, range(n))
    instr = build.encode_instructions(vocab, train, range(n))
    after_step, kept = CANDIDATES.keeper(model)
    stats = train_reasoner(model, experiment.targets(cells, model), cells[:, 0], instr, Budget(steps=steps), build.log,
                           seed=seed, loss_fn=experiment.loss_fn, after_step=after_step)
    build.log(f"seed {seed}: {stats}")
    average = kept.pop("average")
    return {**kept, "final": model, "average": average}


def table(rows):
    lines = ["| draw | weights | M: base, first 1,024 validation tasks | C: base, 512 further validation tasks |",
             "|---|---|---|---|"]
    lines += [f"| {r['draw']} | {r['weights']} | {100 * r['M']:.1f} % | {100 * r['C']:.1f} % |" for r in rows]
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--family", default="connect", choices=sorted(EXPERIMENTS))
    ap.add_argument("--checkpoints", nargs="*", default=[], help="package checkpoints whose reasoners are read as they are")
    ap.add_argument("--seeds", nargs="*", type=int, default=[], help="fresh draws trained here")
    ap.add_argument("--steps", type=int, default=2900)
    a = ap.parse_args()
    torch.set_num_threads(int(os.environ.get("MODELKIT_THREADS", "2")))
    experiment = EXPERIMENTS[a.family]
    sets, vocab = experiment.data_and_vocab()
    data = slices(a.family)
    rows, t0 = [], time.time()
    for path in a.checkpoints:
        r, _, _, ck_vocab, _ = load_checkpoint(path)
        rows.append({"draw": path, "weights": "final", **read(r, ck_vocab, data, a.family)})
        build.log(rows[-1])
    for seed in a.seeds:
        for label, model in train_draw(experiment, sets, vocab, seed, a.steps).items():
            rows.append({"draw": f"seed {seed}, {a.steps} steps", "weights": label, **read(model, vocab, data, a.family)})
            build.log(rows[-1])
    json.dump(rows, open(os.path.join(build.RUNS, f"reasoner_draws_{a.family}.json"), "w"), indent=1)
    print(table(rows))
    print(f"{time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
