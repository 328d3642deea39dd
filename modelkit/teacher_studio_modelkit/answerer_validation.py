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



def print_table(rows):
    """One markdown row per (name, ValidationVideos, answerer) of rows: the score the build chooses snapshots by
    (lowest rule, mean) and each rule's balanced accuracy, under a header made from the first row."""
    for k, (name, videos, answerer) in enumerate(rows):
        acc = videos.accuracy(answerer)
        if k == 0:
            rules = sorted(acc)
            print(f"\nOn the {len(videos)} validation videos the build chooses its answerer on (balanced accuracy):\n")
            print(f"| answerer | lowest rule, mean | {' | '.join(rules)} |\n|---|---|{'---|' * len(rules)}")
        low, mean = videos.score({r: v["balanced"] for r, v in acc.items()})
        print(f"| {name} | {100 * low:.1f} %, {100 * mean:.1f} % | "
              + " | ".join(f"{100 * acc[r]['balanced']:.1f} %" for r in rules) + " |", flush=True)


def main():
    """Each answerer's balanced accuracy per rule on a package's validation videos, the score its trainings are chosen
    by; each reasoner samples the validation tasks itself, so each package is measured on its own samples."""
    import argparse
    import importlib
    import os

    from .export import load_checkpoint
    from .validate import answerer_state
    ap = argparse.ArgumentParser(description=main.__doc__ + """
    cd modelkit && python -m teacher_studio_modelkit.answerer_validation --package blocks \\
        checkpoints/blocks.pt old_blocks.pt+runs/blocks_pressure_replay512_answerer.pt""")
    ap.add_argument("--package", choices=("blocks", "bars", "connect"), default="blocks")
    ap.add_argument("models", nargs="+", help="a checkpoint, or CHECKPOINT+ANSWERER: its answerer replaced by that state")
    a = ap.parse_args()
    torch.set_num_threads(int(os.environ.get("MODELKIT_THREADS", "2")))
    package = importlib.import_module(f"teacher_studio_modelkit.{a.package}_package").PACKAGE
    sets, vocab = package.experiment.data_and_vocab()
    sets = package.teacher_data(sets)

    def rows():
        for models in a.models:
            checkpoint, _, other = models.partition("+")
            reasoner, answerer, _, ck_vocab, _ = load_checkpoint(checkpoint)
            assert ck_vocab.words == vocab.words, f"{checkpoint}: its vocabulary differs from the data's"
            if other:
                answerer.load_state_dict(answerer_state(other))
            judges = package.judges(sets, reasoner)
            yield models, package.validation_videos(sets, vocab, reasoner, judges), answerer.eval()

    print_table(rows())


if __name__ == "__main__":
    main()
