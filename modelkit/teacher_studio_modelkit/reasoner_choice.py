"""The reasoner's weights chosen on the validation split: its training keeps the weights at a few steps and a
moving average of them, and the stage goes on with the ones whose base success (one noise seed a task, the
sampler's most likely moves, success by the rule-based evaluator) is highest on validation tasks nothing else
reads: 512 tasks from first seed 301,024, after the 1,024 that compute_match and the package comparisons read.

Why: the connect reasoner's base success on held-out tasks falls in the last part of its training (two seeds:
84.3 -> 80.3 % and 81.7 -> 77.0 % on the first 1,024 validation tasks from step 1,500 to 2,900), and the snapshot
these tasks choose is the best of its training on the other 1,024 tasks too (results/reasoner_draws_connect.md)."""
import copy
from dataclasses import dataclass

import numpy as np
import torch

from . import build
from .objects_experiment import cells_of, sample
from .rules import make_judges, success

CHOICE_FIRST_SEED = 301024  # the validation split's seeds are 300000 + i; compute_match reads i < 1024


@torch.no_grad()
def base_success(model, vocab, data, judge):
    """The share of data's tasks whose noise-seed-0 sample the evaluator passes."""
    idx = range(len(data.instances))
    videos = sample(model.eval(), cells_of(data, idx)[:, 0], build.encode_instructions(vocab, data, idx), 0)
    return float(np.mean([success(judge(v)) for v in videos.numpy()]))


def choice_tasks(family, n=512):
    """The validation tasks the choice reads (gen-data, made on first use)."""
    return build.made_data(f"{family}_heldout_val_choice" + ("" if n == 512 else f"_{n}"),
                           f"--split heldout --n {n} --corrupt-fraction 0 --first-seed {CHOICE_FIRST_SEED}", family)


@dataclass(frozen=True)
class ReasonerChoice:
    snapshots: tuple = (1500, 2000, 2500)  # steps whose weights are kept, beside the last step's
    average: float = 0.999  # the moving average's decay (None: no average)
    tasks: int = 512  # validation tasks read

    def keeper(self, model):
        """(after_step for train.train_reasoner, the dict it fills): {"step S": weights at S, "average": the moving
        average of the weights} as the training goes."""
        kept = {} if self.average is None else {"average": copy.deepcopy(model)}

        def after_step(m, step):
            if self.average is not None:
                with torch.no_grad():
                    for a, p in zip(kept["average"].parameters(), m.parameters()):
                        a.lerp_(p, 1 - self.average)
                    for a, b in zip(kept["average"].buffers(), m.buffers()):
                        a.copy_(b)
            if step in self.snapshots:
                kept[f"step {step}"] = copy.deepcopy(m)

        return after_step, kept

    def choose(self, model, kept, vocab, family, score=None, log=print):
        """Loads into model (the training's last weights) the candidate with the highest score, ties to the later one
        (the steps in order, then the last step, then the average); score(model) -> float, by default base_success on
        choice_tasks. Returns {"chosen": label, "scores": {label: score}}."""
        if score is None:
            data = choice_tasks(family, self.tasks)
            judge = make_judges(data.appearances, model.C)[family]
            score = lambda m: base_success(m, vocab, data, judge)
        candidates = {k: m for k, m in kept.items() if k != "average"}  # the snapshots, kept in training order
        candidates["final"] = model
        if "average" in kept:
            candidates["average"] = kept["average"]
        scores = {k: score(m) for k, m in candidates.items()}
        best = max(scores.values())
        chosen = [k for k in scores if scores[k] == best][-1]
        model.load_state_dict(copy.deepcopy(candidates[chosen].state_dict()))
        model.eval()
        log(f"reasoner choice on {self.tasks} validation tasks: "
            + ", ".join(f"{k} {100 * v:.1f} %" for k, v in scores.items()) + f"; chosen: {chosen}")
        return {"chosen": chosen, "scores": scores}


def choice_text(res, report="../../../modelkit/results/reasoner_draws_connect.md"):
    """' Its weights are ...' for a model card or a reasoner report, from a reasoner's results (runs/NAME.json) whose
    training chose its weights, linking to `report` (as seen from where the text goes); '' when it kept its last
    step's."""
    choice = res["train"].get("choice")
    if not choice:
        return ""
    scores = ", ".join(f"{k} {100 * v:.1f} %" for k, v in choice["scores"].items())
    return (f" Its weights are the {choice['chosen']} ones, chosen among its snapshots by base success on"
            f" validation tasks nothing else reads (`reasoner_choice.py`: {scores}; [{report.split('/')[-1]}]({report})).")
