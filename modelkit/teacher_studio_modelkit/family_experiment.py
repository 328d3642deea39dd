"""The experiment of a reasoner trained on one family of the suite (bars: sort, connect: connect):
gen-data with the objects reasoner's splits and seeds, training on the train split but its last
UNSEEN_TRAIN tasks, and base success by the rule-based evaluator on those unseen train tasks, the
validation split and the held-out test split: per rule, per count of the family's things (bars,
pairs), the oracle pass@N over N noise seeds and how often the N samples of a task differ. What
differs per family (the reasoner, its latent targets and flow loss, what is counted, the report's
words) are the fields of FamilyExperiment; `main` is the command line every experiment module has."""
import argparse
import json
import os
import time
from dataclasses import dataclass
from typing import Callable

import torch

from .build import DATA, MODELKIT, REPO, RUNS, build_vocab, encode_instructions, gen_data, log
from .data import SuiteData
from .objects_experiment import SEEDS, SPLITS, UNSEEN_TRAIN, cells_of, measure
from .reasoner_choice import choice_text
from .rules import make_judges
from .train import Budget, as_budget, budget_flag, load_stage, reasoner_budget, save_stage, train_reasoner, trained_text


@dataclass
class FamilyExperiment:
    family: str  # the suite's family
    name: str  # the default run name: runs/NAME.pt, results/NAME.md; NAME_experiment is the module
    make_reasoner: Callable  # (vocab, data) -> the reasoner
    targets: Callable  # (cells [B, F, N], model) -> the latent targets its flow loss is trained on
    loss_fn: Callable  # the flow loss (train.train_reasoner's loss_fn)
    count: Callable  # model -> (cells0 -> [B] things per task): the report's "success by ..."
    counted: str  # what count counts, plural ("bars", "pairs")
    title: str  # the report's heading
    about: list  # report lines under the heading: the latent and the splits
    later: list = ()  # report lines at the end (earlier configurations)

    @property
    def families(self):
        return (self.family,)

    @property
    def datasets(self):
        return {f"{self.family}_{split}": args for split, args in SPLITS.items()}

    @property
    def by(self):
        return f"by_{self.counted}"

    def data_and_vocab(self, force=False):
        """The data sets of `datasets` (gen-data when missing, or always with force) and the vocabulary
        of the train split."""
        gen_data(REPO, force, datasets=self.datasets, families=self.family)
        sets = {n: SuiteData(os.path.join(DATA, n)) for n in self.datasets}
        return sets, build_vocab([sets[f"{self.family}_train_gt"]])

    def stage_reasoner(self, fresh, sets, vocab, budget, name=None, choice=None):
        """The reasoner trained for `budget` (train.Budget or minutes) on the train split (all but its last UNSEEN_TRAIN tasks),
        cached as runs/NAME.pt with its training stats in runs/NAME_train.json: (model, stats). With a
        reasoner_choice.ReasonerChoice, the weights it chooses on the validation split (stats' "choice")."""
        name = name or self.name
        train = sets[f"{self.family}_train_gt"]
        model = self.make_reasoner(vocab, train)
        path, stats_path = os.path.join(RUNS, f"{name}.pt"), os.path.join(RUNS, f"{name}_train.json")
        if os.path.exists(path) and not fresh:
            load_stage(model, path, log)  # the query writer's initial weights come next
            return model.eval(), json.load(open(stats_path))
        n_train = len(train.instances) - UNSEEN_TRAIN
        cells = cells_of(train, range(n_train))
        instr = encode_instructions(vocab, train, range(n_train))
        log(f"{self.name} reasoner: {sum(p.numel() for p in model.parameters())} parameters, {len(cells)} tasks")
        after_step, kept = choice.keeper(model) if choice else (None, None)
        stats = train_reasoner(model, self.targets(cells, model), cells[:, 0], instr, budget, log, loss_fn=self.loss_fn,
                               after_step=after_step)
        if choice:
            stats["choice"] = choice.choose(model, kept, vocab, self.family, log=log)
        save_stage(model, path)
        json.dump(stats, open(stats_path, "w"))
        return model.eval(), stats

    def measure_reasoner(self, model, sets, vocab, budget, stats):
        """Base success on unseen train tasks, the validation split and the held-out test split: the
        results dict of runs/NAME.json."""
        train = sets[f"{self.family}_train_gt"]
        n_train = len(train.instances) - UNSEEN_TRAIN
        judge = make_judges(train.appearances, model.C)[self.family]
        t0 = time.time()
        res = {"budget": as_budget(budget).to_json(), "train": stats, "parameters": sum(p.numel() for p in model.parameters()),
               "rules": sorted(train.rules), "splits": {}}
        splits = {"train (unseen tasks)": (train, range(n_train, len(train.instances))),
                  "held-out validation": (sets[f"{self.family}_heldout_val"], None),
                  "held-out test": (sets[f"{self.family}_heldout_gt"], None)}
        for name, (data, idx) in splits.items():
            idx = idx if idx is not None else range(len(data.instances))
            res["splits"][name] = measure(model, vocab, data, idx, judge, count=self.count(model), by=self.by)
            log(f"{name}: {res['splits'][name]}")
        log(f"measured in {time.time() - t0:.0f} s")
        return res

    def write_report(self, res, path):
        rules = res["rules"]
        lines = [f"# {self.title}", "", *self.about, "",
                 f"`cd modelkit && python -m teacher_studio_modelkit.{self.name}_experiment {budget_flag(reasoner_budget(res))}` "
                 f"({trained_text(res)} on this 2-core CPU, 64 tasks a step, "
                 f"{res['parameters']} parameters, final loss {res['train']['loss']:.4f}).{choice_text(res, f'reasoner_draws_{self.name}.md')}",
                 f"Samples: {SEEDS} noise seeds per task;",
                 f"oracle pass@{SEEDS} is the evaluator picking the best of them.", "",
                 f"| split | tasks | base success | oracle pass@{SEEDS} | samples differ | " + " | ".join(rules)
                 + f" | success by {self.counted} |",
                 "|---|---|---|---|---|" + "---|" * len(rules) + "---|"]
        for name, m in res["splits"].items():
            by = ", ".join(f"{b}: {100 * v:.1f} %" for b, v in m[self.by].items())
            lines.append(f"| {name} | {m['tasks']} | {100 * m['success']:.1f} % | {100 * m['pass_at_n']:.1f} % | "
                         f"{100 * m['samples_differ']:.1f} % | " + " | ".join(f"{100 * m['rules'][r]:.1f} %" for r in rules)
                         + f" | {by} |")
        if self.later:
            lines += ["", *self.later]
        open(path, "w").write("\n".join(lines + [""]))


def main(doc, experiment, minutes, name):
    """The command line of an experiment module: train (or with --eval-only load) runs/NAME.pt, measure
    it, write runs/NAME.json and results/NAME.md. `experiment` has data_and_vocab, stage_reasoner,
    measure_reasoner and write_report (a FamilyExperiment or a module)."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=minutes, help="the training budget in minutes of wall clock")
    ap.add_argument("--steps", type=int, help="the training budget in steps (instead of --minutes)")
    ap.add_argument("--eval-only", action="store_true", help="measure runs/NAME.pt without training")
    ap.add_argument("--name", default=name, help="writes runs/NAME.pt, runs/NAME.json and results/NAME.md")
    a = ap.parse_args()
    torch.set_num_threads(int(os.environ.get("MODELKIT_THREADS", "2")))
    os.makedirs(RUNS, exist_ok=True)
    sets, vocab = experiment.data_and_vocab()
    if a.eval_only and not os.path.exists(os.path.join(RUNS, f"{a.name}.pt")):
        raise SystemExit(f"runs/{a.name}.pt is missing: train it first (without --eval-only)")
    budget = Budget(steps=a.steps) if a.steps else Budget(minutes=a.minutes)
    model, stats = experiment.stage_reasoner(not a.eval_only, sets, vocab, budget, a.name)
    res = experiment.measure_reasoner(model, sets, vocab, budget, stats)
    json.dump(res, open(os.path.join(RUNS, f"{a.name}.json"), "w"), indent=1)
    experiment.write_report(res, os.path.join(MODELKIT, "results", f"{a.name}.md"))
