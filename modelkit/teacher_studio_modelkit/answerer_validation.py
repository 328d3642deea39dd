"""Choosing the answerer's snapshot on the validation split. The held-out rooms differ from the
training rooms (larger, more objects), and an answerer that fits all its training videos can still
read a rule wrong on them: two builds of the blocks package by the same command differed by 84
points of fall.intact TPR on held-out ground truth (results/blocks_rebuild.md), with nothing in the
training videos to tell them apart. So, while it trains, the answerer is scored every few minutes on
held-out *validation* videos (never the test split): the validation split's ground truth and the
suite's corruptions (PREFIX_val_mix, seeds 400000+) and the reasoner's samples of the validation
tasks (FAMILY_heldout_val, seeds 300000+; one sample per seed of the package's val_seeds), labelled by
the rule-based evaluators. Training keeps the snapshot with the best score (train.train_answerer's
choose): its lowest per-rule balanced accuracy, the issue's bar, then the mean over rules; pooled, or
(the package's val_by_source) on each source apart."""
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


MIX, SAMPLES = "ground truth + corruptions", "reasoner samples"  # the two sources of validation videos
MIN_CLASS = 10  # a rate (TPR or TNR) counts in a source's score only with at least this many videos of its class
POOLED_SCORE_TEXT = "lowest per-rule balanced accuracy, then the mean"  # the score, in words, as the cards say it
BY_SOURCE_SCORE_TEXT = ("lowest balanced accuracy of a rule on ground truth + corruptions or on the reasoner's samples, "
                        "each apart, then the mean")


def counted_accuracy(stats):
    """A rule's balanced accuracy (evaluate.balanced_accuracy's stats) from the rates whose class holds at least
    MIN_CLASS videos (a rate from 3 broken videos is mostly noise), or None when neither does."""
    rates = [rate for rate, n in ((stats["tpr"], stats["n_yes"]), (stats["tnr"], stats["n_no"])) if n >= MIN_CLASS]
    return float(np.mean(rates)) if rates else None


class ValidationVideos:
    """mix: ground truth + corruptions (labels from gen-data); tasks: data sets whose tasks the reasoner
    samples once per seed of seeds, labelled by judges. Calling it on an answerer gives its score: its lowest
    balanced accuracy of a rule, then the mean, on every video pooled, or (by_source) of a rule on each source
    apart, as the issue's bar reads them (per rule on held-out reasoner samples, and on ground truth and
    corruptions): pooled, the mix's broken videos (corruptions, one kind of break) can outweigh the reasoner's few
    broken samples (another kind), and a rule the answerer misreads on samples scores high
    (results/blocks_val_seeds.md)."""

    def __init__(self, reasoner, judges, vocab, mix, tasks, seeds=(VAL_SAMPLE_SEED,), by_source=False):
        self.by_source = by_source
        tb = ev.TaskBatch(mix, vocab, range(len(mix.instances)))
        self.frames = [torch.from_numpy(np.asarray(mix.frames, dtype=np.float16))]
        self.queries, self.rules = [tb.queries], list(tb.rules)
        self.labels = [i["labels"] for i in mix.instances]
        self.sources = [MIX] * len(mix.instances)
        for d in tasks:
            tb = ev.TaskBatch(d, vocab, range(len(d.instances)))
            for seed in seeds:
                cells = ev.sample_cells(reasoner, tb, seed)
                self.frames.append(reasoner.render(cells).to(torch.float16))
                self.queries.append(tb.queries)
                self.rules += tb.rules
                self.labels += ev.judge_all(judges, tb.families, cells)
                self.sources += [SAMPLES] * len(tb)
        self.frames, self.queries = torch.cat(self.frames), torch.cat(self.queries)

    def __len__(self):
        return len(self.frames)

    @property
    def score_text(self):
        return BY_SOURCE_SCORE_TEXT if self.by_source else POOLED_SCORE_TEXT

    def accuracies(self, answerer):
        """Balanced accuracy per rule (evaluate.balanced_accuracy): (on every video pooled, {source: on its
        videos})."""
        probs = ev.teacher_probs(answerer, self.frames, self.queries)
        by_source = {}
        for source in dict.fromkeys(self.sources):
            idx = [i for i, s in enumerate(self.sources) if s == source]
            by_source[source] = ev.balanced_accuracy(probs[idx], [self.labels[i] for i in idx],
                                                     [self.rules[i] for i in idx])
        return ev.balanced_accuracy(probs, self.labels, self.rules), by_source

    def accuracy(self, answerer):
        """Balanced accuracy per rule on every validation video, pooled."""
        return self.accuracies(answerer)[0]

    def rule_scores(self, pooled, by_source):
        """What the score is made of, from accuracies' results: {RULE: balanced accuracy} pooled, or (by_source)
        {"RULE, SOURCE": counted_accuracy} (a rule with too few videos of both classes on a source left out)."""
        if not self.by_source:
            return {r: v["balanced"] for r, v in sorted(pooled.items())}
        return {f"{r}, {source}": v for source, acc in by_source.items() for r, stats in sorted(acc.items())
                if (v := counted_accuracy(stats)) is not None}

    def per_rule(self, answerer):
        """rule_scores of the answerer; it goes to the log too, so that a build's log tells which rule a low
        score comes from."""
        out = self.rule_scores(*self.accuracies(answerer))
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
    """For each (name, ValidationVideos, answerer) of rows: the score the build chooses snapshots by (lowest rule,
    mean) and a markdown row per source of each rule's balanced accuracy (its TNR and broken videos; a rate from
    fewer than MIN_CLASS videos, left out of a score by source, in parentheses), under a header made from the first
    row."""
    for k, (name, videos, answerer) in enumerate(rows):
        pooled, by_source = videos.accuracies(answerer)
        if k == 0:
            rules = sorted(pooled)
            print(f"\nOn the {len(videos)} validation videos the build chooses its answerer on (balanced accuracy; "
                  f"TNR, broken videos; in parentheses: under {MIN_CLASS} videos of a class). The score: "
                  f"{videos.score_text}.\n")
            print(f"| answerer | score: lowest rule, mean | videos | {' | '.join(rules)} |\n"
                  f"|---|---|---|{'---|' * len(rules)}")
        low, mean = videos.score(videos.rule_scores(pooled, by_source))
        for source, acc in by_source.items():
            cells = [cell_text(acc.get(r)) for r in rules]
            print(f"| {name} | {100 * low:.1f} %, {100 * mean:.1f} % | {source} | " + " | ".join(cells) + " |", flush=True)


def cell_text(stats):
    """A rule's table cell: its counted balanced accuracy, its TNR and broken videos."""
    if stats is None:
        return "-"
    v = counted_accuracy(stats)
    head = f"{100 * v:.1f} %" if v is not None else f"({100 * stats['balanced']:.1f} %)"
    if not stats["n_no"]:
        return f"{head}; no broken"
    tnr = f"{100 * stats['tnr']:.0f} %"
    return f"{head}; TNR {tnr if stats['n_no'] >= MIN_CLASS else f'({tnr})'} of {stats['n_no']}"


def main():
    """Each answerer's balanced accuracy per rule on a package's validation videos, the score its trainings are chosen
    by; each reasoner samples the validation tasks itself, so each package is measured on its own samples."""
    import argparse
    import importlib
    import os

    from .export import load_checkpoint
    from .validate import another_answerer
    ap = argparse.ArgumentParser(description=main.__doc__ + """
    cd modelkit && python -m teacher_studio_modelkit.answerer_validation --package blocks \\
        checkpoints/blocks.pt old_blocks.pt+runs/blocks_pressure_replay512_answerer.pt""")
    ap.add_argument("--package", choices=("blocks", "bars", "connect"), default="blocks")
    ap.add_argument("--seeds", type=int, nargs="+", default=None,
                    help="the reasoner's sample seeds for each validation task (default: the package's val_seeds)")
    ap.add_argument("--by-source", action="store_true",
                    help="score each rule on each source apart (default: as the package's val_by_source)")
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
                answerer = another_answerer(answerer, other)
            judges = package.judges(sets, reasoner)
            videos = package.validation_videos(sets, vocab, reasoner, judges, a.seeds, a.by_source or None)
            yield models, videos, answerer.eval()

    print_table(rows())


if __name__ == "__main__":
    main()
