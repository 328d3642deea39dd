"""Choosing the answerer's snapshot on the validation split. The held-out rooms differ from the
training rooms (larger, more objects), and an answerer that fits all its training videos can still
read a rule wrong on them: two builds of the blocks package by the same command differed by 84
points of fall.intact TPR on held-out ground truth (results/blocks_rebuild.md), with nothing in the
training videos to tell them apart. So, while it trains, the answerer is scored every few minutes on
held-out *validation* videos (never the test split): the validation split's ground truth and the
suite's corruptions (PREFIX_val_mix, seeds 400000+) and the reasoner's samples of the validation
tasks (FAMILY_heldout_val, seeds 300000+), labelled by the rule-based evaluators. Training keeps the
snapshot with the best score (train.train_answerer's choose): its lowest per-rule balanced
accuracy, the issue's bar, then the mean over rules."""
import numpy as np
import torch

from . import evaluate as ev
from .build import log

VAL_SAMPLE_SEED = 5  # the reasoner's sample seed for the validation tasks (test uses 0-1, training 101-102)
CHOOSE_EVERY_MINUTES = 3  # minutes of training between two scores (each costs ~10 s on this CPU)
CHOOSE_EVERY_STEPS = 1000  # the same for a step budget (about 4.5 minutes of the blocks answerer on a normal day)


def choose_every(budget):
    """How far apart, in the budget's unit (train.Budget.spent), a training for `budget` is scored."""
    from .train import as_budget
    return CHOOSE_EVERY_STEPS if as_budget(budget).steps is not None else CHOOSE_EVERY_MINUTES


def val_mix_dataset(run):
    """gen-data's data set of validation ground truth and corruptions for a package whose run is RUN."""
    return {f"{run}_val_mix": "--split heldout --n 500 --corrupt-fraction 0.6 --first-seed 400000"}


class ValidationVideos:
    """mix: ground truth + corruptions (labels from gen-data); tasks: data sets whose tasks the reasoner
    samples once (VAL_SAMPLE_SEED), labelled by judges. Calling it on an answerer gives its score."""

    def __init__(self, reasoner, judges, vocab, mix, tasks):
        tb = ev.TaskBatch(mix, vocab, range(len(mix.instances)))
        self.frames = [torch.from_numpy(np.asarray(mix.frames, dtype=np.float16))]
        self.queries, self.rules = [tb.queries], list(tb.rules)
        self.labels = [i["labels"] for i in mix.instances]
        for d in tasks:
            tb = ev.TaskBatch(d, vocab, range(len(d.instances)))
            cells = ev.sample_cells(reasoner, tb, VAL_SAMPLE_SEED)
            self.frames.append(reasoner.render(cells).to(torch.float16))
            self.queries.append(tb.queries)
            self.rules += tb.rules
            self.labels += ev.judge_all(judges, tb.families, cells)
        self.frames, self.queries = torch.cat(self.frames), torch.cat(self.queries)

    def __len__(self):
        return len(self.frames)

    def accuracy(self, answerer):
        """Balanced accuracy per rule (evaluate.balanced_accuracy) on every validation video."""
        return ev.balanced_accuracy(ev.teacher_probs(answerer, self.frames, self.queries), self.labels, self.rules)

    def per_rule(self, answerer):
        """{rule: balanced accuracy}, sorted by rule; it goes to the log too, so that a build's log tells which
        rule a low score comes from."""
        out = {r: v["balanced"] for r, v in sorted(self.accuracy(answerer).items())}
        log("validation per rule: " + ", ".join(f"{r} {100 * v:.1f}" for r, v in out.items()))
        return out

    @staticmethod
    def score(per_rule):
        """(lowest per-rule balanced accuracy, mean over rules): larger is better, compared in that order."""
        acc = list(per_rule.values())
        return round(min(acc), 4), round(float(np.mean(acc)), 4)

    def __call__(self, answerer):
        """The answerer's score (score of per_rule)."""
        return self.score(self.per_rule(answerer))
