"""A model package for one or more of the suite's families with a reasoner of its own (blocks: fall
and push, bars: sort, connect: connect), built the same way: gen-data -> the reasoner (its
experiment's stage_reasoner) -> query writer and answerer with its hardening round (the gridworld
recipe, pipeline.stage_writer and pipeline.stage_answerer; a package may refine the hardened answerer
with videos of its own and harden it again: FamilyPackage.refine) -> graphs, manifest.json and the
PyTorch checkpoint -> then, as evaluation after the build, the reasoner's base success
(runs/RUN.json, results/RUN.md) and the held-out teacher experiment (objects_teacher.experiment:
runs/RUN_teacher.json, results/RUN_teacher.md) -> MODEL_CARD.md (the package module's
write_card). Each stage is cached under runs/ (fresh redoes them all). RUN is the package's name
unless it says otherwise (blocks: objects, the name its stages had before the package existed).
Also the card sections and phrases every such package shares."""
import argparse
import json
import os
import time
from dataclasses import dataclass
from typing import Callable

import torch

from .answerer_validation import VAL_SAMPLE_SEED, ValidationVideos, val_mix_dataset
from .build import DATA, HARDEN_MINUTES, MODELKIT, REPO, RUNS, SMOKE, WRITER_MINUTES, gen_data, log
from .data import SuiteData
from .family_experiment import FamilyExperiment
from .model_card import compute_match_text, curve_text, pct, stop_text
from .objects_teacher import experiment
from .objects_teacher import write_report as write_teacher_report
from . import pipeline
from .pipeline import (export_package, load_run_models, ort_step_ms, package_defaults, package_mb, parameter_counts,
                       rule_list, stage_answerer, stage_clock, stage_writer)
from .rules import make_judges
from .teacher import answerer_like
from .train import Budget, answerer_chain_text, as_budget, budget_text

REPORTS = os.path.join(MODELKIT, "results") if not SMOKE else "/tmp/modelkit-smoke"


def teacher_datasets(name, validation=False):
    """The teacher's data sets; seeds as the other packages', apart from the reasoner's. validation:
    also the validation mix the answerer is chosen on (answerer_validation)."""
    return ({f"{name}_train_mix": "--split train --n 4000 --corrupt-fraction 0.6 --first-seed 100000",
             f"{name}_heldout_mix": "--split heldout --n 1000 --corrupt-fraction 0.6 --first-seed 50000",
             f"{name}_heldout_gt": "--split heldout --n 256 --corrupt-fraction 0 --first-seed 0"}
            | (val_mix_dataset(name) if validation else {}))


@dataclass(frozen=True)
class MoreCorruptions:
    """n train-split videos of `families`, each given one of the suite's corruptions `kinds` where one applies
    to its task (gen-data --corruptions; the others stay ground truth): data/RUN_train_NAME, whose videos train
    the answerer beside the train mix (stage_answerer's mixes). The train mix holds few videos of the
    corruptions that break some rules (blocks: push.no_wall 74 of 4,000), and those rules were the last
    the answerer learnt (results/blocks_rare_corruptions.md)."""
    name: str
    families: str  # gen-data --families
    kinds: str  # gen-data --corruptions
    n: int
    first_seed: int

    def dataset(self, run):
        return f"{run}_train_{self.name}"

    def args(self):
        return (f"--split train --n {self.n} --corrupt-fraction 1 --corruptions {self.kinds} "
                f"--first-seed {self.first_seed}")


@dataclass
class Refinement:
    """After the hardening round the answerer trains `budget` more on round 0's videos and the videos of
    `sources` ((reasoner, vocab) -> stage_answerer's extra) at the hardening round's learning rate, then
    hardens again against itself (stage_answerer with extra_after and start: runs/NAME{0,1}.pt). key:
    that training's name in the budgets the results and card print. Blocks: simultaneous_moves."""
    name: str
    sources: Callable
    budget: object
    key: str


REFINE_STAGE = "answerer refinement"  # its stage in the build record
PRESSURE_STAGE = "pressure round"


def rounds_budget(pressure):
    """A pressure stage's training budget in all (pressure_stage.PressureRound: its budget is each round's; rounds = 0
    trains once, on the near misses)."""
    b = pressure.budget
    assert b.steps is not None or pressure.rounds <= 1, "rounds of a minutes budget"
    return b if b.steps is None else Budget(steps=b.steps * max(pressure.rounds, 1))


@dataclass
class FamilyPackage:
    name: str  # resources/models/NAME, checkpoints/NAME.pt, runs/NAME_build.json
    # the families, the reasoner, its training, measuring and report: a FamilyExperiment, or a module with the
    # same attributes (objects_experiment: fall and push)
    experiment: FamilyExperiment
    # training budgets (train.Budget, or minutes of wall clock: the packages built before step budgets)
    reasoner_budget: object
    answerer_budget: object
    answerer_name: str  # runs/ANSWERER_NAME{0,1}.pt
    census: bool  # the answerer's census evidence (teacher.Answerer)
    tto_lr: float
    header: list  # first lines of results/NAME_teacher.md
    write_card: Callable  # (path, base, teach, size_mb, step_ms, parameters, record) -> None
    hue: bool = False  # the answerer's colour augmentation (train.rotate_hue)
    sources: Callable = None  # (reasoner, vocab) -> more round-0 answerer videos: stage_answerer's extra
    extra_after: tuple = None  # with sources: stage_answerer's extra_after (first, minutes)
    extra_key: str = "composites"  # the extra_after training's name in the budgets the results and card print
    run_name: str = None  # runs/RUN*.pt, runs/RUN*.json, results/RUN*.md, data/RUN_*_mix, ...: default NAME
    # each answerer training keeps its best snapshot on the validation split (answerer_validation): the scores in
    # runs/ANSWERER_NAME_choice.json and the teacher's results
    choose: bool = False
    val_seeds: tuple = (VAL_SAMPLE_SEED,)  # with choose: the reasoner's sample seeds for each validation task
    val_by_source: bool = False  # with choose: each rule scored on each source apart (ValidationVideos' by_source)
    writer_budget: object = WRITER_MINUTES
    harden_budget: object = HARDEN_MINUTES
    refine: Refinement = None  # the answerer the package ships is then the refined one
    more_corruptions: tuple = ()  # MoreCorruptions: more videos of some corruptions for every answerer training
    bf16: bool = False  # every answerer training under bfloat16 autocast (train.train_answerer)
    round0_starts: int = 1  # with choose: round 0 trained from this many initial weights, the best kept (stage_answerer)
    round0_lr: float = None  # round 0's peak learning rate (stage_answerer; default train.ANSWERER_LR)
    # pressure_stage.PressureRound: the package then ships the answerer it makes (runs/SHIPPED_pressure.pt, SHIPPED the
    # shipped_answerer stage it starts from)
    pressure: object = None
    # reasoner_choice.ReasonerChoice: the reasoner's weights chosen on validation tasks nothing else reads (tried on connect,
    # connect_package.CHOSEN_REASONER, not adopted: results/reasoner_draws_connect.md); None: its last step's
    reasoner_choice: object = None

    @property
    def shipped_answerer(self):
        """The last answerer stage of stage_answerer: the package ships its runs/NAME1.pt, or the answerer its pressure
        round makes from it."""
        return self.refine.name if self.refine else self.answerer_name

    def answerer_sources(self, reasoner, vocab):
        """Every source of extra videos the shipped answerer trained with (stage_answerer's extra): round 0's
        (sources) and the refinement's."""
        out = list(self.sources(reasoner, vocab)) if self.sources else []
        return out + (list(self.refine.sources(reasoner, vocab)) if self.refine else [])

    @property
    def families(self):
        return self.experiment.families

    @property
    def run(self):
        return self.run_name or self.name

    @property
    def package_dir(self):
        return os.path.join(REPO, "resources", "models", self.name) if not SMOKE else f"/tmp/modelkit-smoke/{self.name}"

    @property
    def checkpoint(self):
        return os.path.join(MODELKIT, "checkpoints", f"{self.name}.pt") if not SMOKE else f"/tmp/modelkit-smoke/{self.name}.pt"

    @property
    def answerer_strokes(self):
        """Whether the shipped answerer has the stroke evidence (its pressure round adds it)."""
        return bool(self.pressure and self.pressure.strokes)

    @property
    def answerer_history(self):
        """Whether the answerer the package ships has the picture before each cell's last change (its pressure round
        gives it that)."""
        return bool(self.pressure and self.pressure.history)

    @property
    def models(self):
        """The runs/ files of the models the package ships (the answerer: its pressure round's, when it has one)."""
        answerer = f"{self.shipped_answerer}_pressure.pt" if self.pressure else f"{self.shipped_answerer}1.pt"
        return {"reasoner": f"{self.run}.pt", "answerer": answerer, "writer": f"{self.run}_writer.pt"}

    @property
    def results(self):
        return (f"{self.run}.json", f"{self.run}_teacher.json")

    @property
    def train_mix(self):
        return f"{self.run}_train_mix"

    def teacher_data(self, sets, force=False):
        datasets = teacher_datasets(self.run, self.choose)
        gen_data(REPO, force, datasets=datasets, families=",".join(self.families))
        for m in self.more_corruptions:
            gen_data(REPO, force, datasets={m.dataset(self.run): m.args()}, families=m.families)
            datasets[m.dataset(self.run)] = m.args()
        if self.pressure:
            tasks = {self.pressure.dataset(self.run): self.pressure.args()}
            gen_data(REPO, force, datasets=tasks, families=",".join(self.families))
            datasets |= tasks
        return sets | {n: SuiteData(os.path.join(DATA, n)) for n in datasets}

    def train_gt(self, sets):
        """The ground-truth train split of each family."""
        return [sets[f"{f}_train_gt"] for f in self.families]

    def judges(self, sets, reasoner):
        return make_judges(sets[self.train_mix].appearances, reasoner.C)

    def validation_videos(self, sets, vocab, reasoner, judges, seeds=None, by_source=None):
        """The validation videos its answerer trainings are chosen on (choose): the validation mix and the reasoner's
        samples of each family's validation tasks (a sample per seed of seeds, default val_seeds), scored by source
        as by_source says (default val_by_source)."""
        return ValidationVideos(reasoner, judges, vocab, sets[f"{self.run}_val_mix"],
                                [sets[f"{f}_heldout_val"] for f in self.families], seeds or self.val_seeds,
                                self.val_by_source if by_source is None else by_source)

    def stage_teacher(self, fresh, sets, vocab, reasoner, lap=lambda stage, ran: None):
        """The query writer and the answerer (round 0 and the hardening round) on the train mix, cached
        as runs/RUN_writer.pt and runs/ANSWERER_NAME{0,1}.pt, then the refinement when the package has one
        (runs/REFINE_NAME{0,1}.pt, trained again when the hardened answerer is newer): (writer, the answerer
        the package ships, its training videos per source). lap(stage, ran): the build's clock."""
        train = sets[self.train_mix]
        runs = pipeline.RUNS  # where stage_writer and stage_answerer keep their stages
        first = os.path.join(runs, f"{self.answerer_name}1.pt")
        ran = fresh or not all(os.path.exists(os.path.join(runs, f)) for f in (f"{self.run}_writer.pt", first))
        writer = stage_writer(fresh, (train, *self.train_gt(sets)), vocab, self.writer_budget, name=f"{self.run}_writer")
        judges = self.judges(sets, reasoner)
        choose = None
        if self.choose:
            choose = self.validation_videos(sets, vocab, reasoner, judges)
            log(f"answerer: chosen on {len(choose)} validation videos")
        mixes = [sets[m.dataset(self.run)] for m in self.more_corruptions]
        answerer, counts = stage_answerer(fresh, train, vocab, reasoner, judges,
                                          self.answerer_budget, self.harden_budget, name=self.answerer_name,
                                          census=self.census, hue=self.hue, extra_after=self.extra_after,
                                          extra=self.sources(reasoner, vocab) if self.sources else (), choose=choose,
                                          mixes=mixes, bf16=self.bf16, starts=self.round0_starts,
                                          round0_lr=self.round0_lr)
        lap("writer and answerer", ran)
        if self.refine:
            r = self.refine
            path = os.path.join(runs, f"{r.name}1.pt")
            stale = fresh or ran or not os.path.exists(path) or os.path.getmtime(path) < os.path.getmtime(first)
            answerer, counts = stage_answerer(stale, train, vocab, reasoner, judges, None, self.harden_budget, name=r.name,
                                              census=self.census, hue=self.hue, extra_after=(None, r.budget), start=first,
                                              extra=r.sources(reasoner, vocab), choose=choose, mixes=mixes,
                                              bf16=self.bf16)
            lap(REFINE_STAGE, stale)
            ran = ran or stale
        if self.pressure:
            answerer, counts, trained = self.stage_pressure(ran, sets, vocab, reasoner, judges, answerer, counts, mixes,
                                                            choose if self.pressure.choose else None)
            lap(PRESSURE_STAGE, trained)
        return writer, answerer, counts

    def stage_pressure(self, fresh, sets, vocab, reasoner, judges, answerer, counts, mixes, choose=None):
        """The pressure round (pressure_stage.train_round) against the answerer the other stages made, at the
        package's learning rate, cached as runs/ANSWERER_pressure.pt with its videos per source, broken videos per
        round, scale and rule, its number of rounds (a cache of another number is made again) and, with choose, the
        validation videos, its snapshots' scores in runs/ANSWERER_pressure.json: (that answerer, counts with the
        rounds' pressured finals and near misses, whether it trained now). fresh: the stages before it ran."""
        from .pressure_stage import train_round  # it imports answerer_pressure, which imports this module
        before = self.shipped_answerer
        path, record = (os.path.join(pipeline.RUNS, f"{before}_pressure.{ext}") for ext in ("pt", "json"))
        older = lambda: os.path.getmtime(path) < os.path.getmtime(os.path.join(pipeline.RUNS, f"{before}1.pt"))
        cached = json.load(open(record)) if os.path.exists(record) else {}
        stale = (fresh or not os.path.exists(path) or older() or cached.get("rounds", 1) != self.pressure.rounds
                 or "videos" not in cached)
        if stale:
            train = sets[self.train_mix]
            trained, made, broken, out = train_round(self.pressure, self, reasoner, answerer, vocab, train,
                                                     sets[self.pressure.dataset(self.run)], judges, rule_list(train),
                                                     self.tto_lr, mixes, choose=choose)
            torch.save(trained.state_dict(), path)
            choice = {"choice": {k: out[k] for k in ("steps", "checks", "chosen_step")}} if choose else {}
            cached = {"videos": made, "broken": broken, "rounds": self.pressure.rounds} | choice
            json.dump(cached, open(record, "w"), indent=1)
        answerer = answerer_like(answerer, history=self.pressure.history, strokes=self.pressure.strokes)
        answerer.load_state_dict(torch.load(path))
        made = cached["videos"]
        added = {k: v for k, v in made.items() if k.startswith(("pressured finals", "near misses"))}
        return answerer.eval(), counts | added, stale

    def teacher_budgets(self):
        """The teacher's training budgets as results store them (train.Budget.to_json)."""
        extra = {self.extra_key: self.extra_after[1]} if self.extra_after else {}
        refine = {self.refine.key: self.refine.budget, "harden again": self.harden_budget} if self.refine else {}
        pressure = {PRESSURE_STAGE: rounds_budget(self.pressure)} if self.pressure else {}
        budgets = {"writer": self.writer_budget, "answerer": self.answerer_budget, **extra, "harden": self.harden_budget,
                   **refine, **pressure}
        return {k: as_budget(b).to_json() for k, b in budgets.items()}

    def measure_teacher(self, sets, vocab, reasoner, writer, answerer, counts, tasks=256):
        t0 = time.time()
        res = experiment(sets, vocab, reasoner, answerer, writer, self.judges(sets, reasoner), tasks, prefix=self.run,
                         families=self.families, lr=self.tto_lr)
        return res | {"budgets": self.teacher_budgets(), "experiment_minutes": (time.time() - t0) / 60,
                      "answerer_training_videos": counts} | self.answerer_choice()

    def answerer_choice(self):
        """{"answerer_choice": the validation scores of the shipped answerer's trainings and the snapshots kept, the
        pressure round's last} from the runs' records, or {} when the package does not choose."""
        choice = os.path.join(pipeline.RUNS, f"{self.shipped_answerer}_choice.json")
        if not (self.choose and os.path.exists(choice)):
            return {}
        c = json.load(open(choice))
        pressure = os.path.join(pipeline.RUNS, f"{self.shipped_answerer}_pressure.json")
        if self.pressure and os.path.exists(pressure) and "choice" in (p := json.load(open(pressure))):
            c["trainings"][PRESSURE_STAGE] = p["choice"]
        return {"answerer_choice": c}

    def load_models(self, vocab, data):
        return load_run_models(self.experiment.make_reasoner(vocab, data), vocab, self.models, self.results,
                               f"run `python -m teacher_studio_modelkit.build --package {self.name}`", census=self.census,
                               history=self.answerer_history, strokes=self.answerer_strokes)

    def export(self, sets, vocab, reasoner, answerer, writer, force=False):
        """Whether the graphs were written (not when they already hold these weights, unless force)."""
        return export_package(sets[self.train_mix], vocab, reasoner, answerer, writer, package_defaults(reasoner, self.tto_lr),
                       self.package_dir, self.checkpoint, self.name, force=force)

    def evaluate(self, sets, vocab, reasoner, writer, answerer, counts, stats, lap=lambda stage: None):
        """The evaluation after an export: the reasoner's base success and the held-out teacher experiment
        (runs/RUN.json, runs/RUN_teacher.json and their reports)."""
        base = self.experiment.measure_reasoner(reasoner, sets, vocab, self.reasoner_budget, stats)
        json.dump(base, open(os.path.join(RUNS, self.results[0]), "w"), indent=1)
        self.experiment.write_report(base, os.path.join(REPORTS, f"{self.run}.md"))
        lap("evaluation: reasoner")
        teach = self.measure_teacher(sets, vocab, reasoner, writer, answerer, counts, tasks=16 if SMOKE else 256)
        json.dump(teach, open(os.path.join(RUNS, self.results[1]), "w"), indent=1)
        write_teacher_report(teach, os.path.join(REPORTS, f"{self.run}_teacher.md"), self.header)
        lap("evaluation: teacher")

    def reevaluate(self):
        """The package's own models (its checkpoint), not trained again: the graphs exported again, the
        evaluation and the card. For a change to how the models run (such as the full sampler's rollout), which
        the export's same-weights check cannot see. The build's records carry over from runs/: the reasoner's
        training stats (RUN_train.json), the answerer's training videos (RUN_teacher.json, or the build's record for a
        build stopped before its evaluation, whose evaluation this then is) and the build's minutes (NAME_build.json,
        whose evaluation minutes become this evaluation's)."""
        from .export import load_checkpoint
        build_json = os.path.join(RUNS, f"{self.name}_build.json")
        record = json.load(open(build_json)) if os.path.exists(build_json) else {}
        # a build stopped before its evaluation (build(evaluate=False)) keeps the answerer's training videos in its
        # record, and this is then the build's own evaluation, not a later one
        stopped = "answerer_training_videos" in record
        need = [f"{self.run}_train.json"] + ([] if stopped else [self.results[1]]) + [f"{self.name}_build.json"]
        missing = [f for f in need if not os.path.exists(os.path.join(RUNS, f))]
        if missing:
            raise SystemExit(f"missing in {RUNS}: {', '.join(missing)}: the records of the build that made the package "
                             f"(run `python -m teacher_studio_modelkit.build --package {self.name}`)")
        stats = json.load(open(os.path.join(RUNS, need[0])))
        counts = (record.pop("answerer_training_videos") if stopped
                  else json.load(open(os.path.join(RUNS, self.results[1])))["answerer_training_videos"])
        reasoner, answerer, writer, vocab, _ = load_checkpoint(self.checkpoint)
        sets, data_vocab = self.experiment.data_and_vocab()
        assert data_vocab.words == vocab.words, "the package's vocabulary differs from the data's"
        sets = self.teacher_data(sets)
        self.export(sets, vocab, reasoner, answerer, writer, force=not stopped)  # a stopped build's graphs are its own
        start = [time.time()]

        def lap(stage):
            record["stages"][stage] = {"minutes": (time.time() - start[0]) / 60, "ran": True}
            start[0] = time.time()

        self.evaluate(sets, vocab, reasoner, writer, answerer, counts, stats, lap)
        if not stopped:
            record["reevaluated"] = time.strftime("%Y-%m-%d")
        json.dump(record, open(build_json, "w"), indent=1)
        self.card(reasoner, answerer, writer)

    def build(self, fresh, evaluate=True):
        """Every stage from scratch (with fresh; otherwise the cached ones are loaded), the export, then
        the evaluation and the card. Writes runs/NAME_build.json: minutes per stage and which ran. evaluate=False
        stops after the export (for a build whose package is tested on the validation split before its evaluation
        reads the test split): the record keeps the answerer's training videos, and reevaluate finishes it."""
        os.makedirs(RUNS, exist_ok=True)  # a clean checkout has none; the stages cache their models there
        build_json = os.path.join(RUNS, f"{self.name}_build.json")
        minutes, lap = stage_clock(build_json)
        sets, vocab = self.experiment.data_and_vocab(force=fresh)
        sets = self.teacher_data(sets, force=fresh)
        assert all(sets[self.train_mix].appearances == d.appearances for d in self.train_gt(sets)), \
            "the data sets' appearance tables differ"
        lap("gen-data", fresh)
        cached = lambda *names: not fresh and all(os.path.exists(os.path.join(RUNS, n)) for n in names)
        ran = not cached(self.models["reasoner"])
        choice = {"choice": self.reasoner_choice} if self.reasoner_choice else {}
        reasoner, stats = self.experiment.stage_reasoner(fresh, sets, vocab, self.reasoner_budget, name=self.run, **choice)
        lap("reasoner", ran)
        writer, answerer, counts = self.stage_teacher(fresh, sets, vocab, reasoner, lap)
        lap("export", self.export(sets, vocab, reasoner, answerer, writer))
        record = {"stages": minutes, "budgets": {"reasoner": as_budget(self.reasoner_budget).to_json()} | self.teacher_budgets(),
                  "date": time.strftime("%Y-%m-%d")}
        if not evaluate:
            json.dump(record | {"answerer_training_videos": counts}, open(build_json, "w"), indent=1)
            log(f"build: stopped before the evaluation; {self.name}'s reevaluate evaluates it")
            return
        json.dump(record, open(build_json, "w"), indent=1)  # again below, with the evaluation's minutes
        self.evaluate(sets, vocab, reasoner, writer, answerer, counts, stats, lap)
        json.dump(record, open(build_json, "w"), indent=1)
        self.card(reasoner, answerer, writer)

    def card(self, reasoner, answerer, writer):
        base, teach = (json.load(open(os.path.join(RUNS, f))) for f in self.results)
        build_json = os.path.join(RUNS, f"{self.name}_build.json")
        record = json.load(open(build_json)) if os.path.exists(build_json) else None
        parameters = parameter_counts(reasoner, answerer, writer)
        self.write_card(os.path.join(self.package_dir, "MODEL_CARD.md"), base, teach, package_mb(self.package_dir),
                        ort_step_ms(reasoner, self.package_dir), parameters, record)
        log(f"{self.package_dir}/MODEL_CARD.md written")

    def main(self, doc):
        ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
        ap.add_argument("--card-only", action="store_true", help="rewrite MODEL_CARD.md of the exported package only")
        ap.add_argument("--reevaluate", action="store_true",
                        help="the checkpoint's models, not trained again: export, evaluate and write the card again")
        a = ap.parse_args()
        torch.set_num_threads(int(os.environ.get("MODELKIT_THREADS", "2")))
        if a.reevaluate:
            return self.reevaluate()
        sets, vocab = self.experiment.data_and_vocab()
        sets = self.teacher_data(sets)
        reasoner, answerer, writer = self.load_models(vocab, self.train_gt(sets)[0])
        if not a.card_only:
            self.export(sets, vocab, reasoner, answerer, writer)
        self.card(reasoner, answerer, writer)


def lowest(acc):
    below = sorted((v["balanced"], r) for r, v in acc.items() if v["balanced"] < 0.9)
    if not below:
        return f"every rule at 90 % or above (lowest {pct(min(v['balanced'] for v in acc.values()))})"
    return f"{len(below)} of {len(acc)} rules under 90 %: " + ", ".join(f"{r} {pct(b)}" for b, r in below)


# the build's stages, before its evaluation (the refinement and the pressure round only in a package that has them)
BUILD_STAGES = ("gen-data", "reasoner", "writer and answerer", REFINE_STAGE, PRESSURE_STAGE, "export")


def build_minutes(record):
    """The build's minutes (its stages, not the evaluation) from runs/NAME_build.json (record)."""
    return sum(record["stages"][k]["minutes"] for k in BUILD_STAGES if k in record["stages"])


def build_text(record, teach):
    """How the package was built and how long it took, from runs/NAME_build.json (record); the
    teacher's evaluation minutes are those of the teacher results the card prints (it may have been
    measured again after the build)."""
    if record is None:
        return "The times of its build were not recorded (no runs/NAME_build.json)."
    st = record["stages"]
    total = build_minutes(record)
    stages = [k for k in BUILD_STAGES if k in st]
    earlier = [k for k in stages if not st[k]["ran"] and st[k].get("earlier")]
    unknown = [k for k in stages if not st[k]["ran"] and not st[k].get("earlier")]
    parts = ", ".join(f"{k} " + ("cached" if k in unknown else f"{st[k]['minutes']:.0f}" + (" (an earlier run)" if k in earlier else ""))
                      for k in stages)
    evaluation = st["evaluation: reasoner"]["minutes"] + teach["experiment_minutes"]
    b = record["budgets"]
    return (f"Built by that command on {record['date']} in **{total:.0f} minutes**"
            + (" for the stages that ran" if unknown else "") + f" on this 2-core CPU: {parts} minutes"
            + (" (stages marked \"an earlier run\" were cached from an earlier invocation of the command, with the"
               " minutes they took in it)" if earlier else "")
            + ("; the cached stages' time was not recorded" if unknown else "")
            + f"; training budgets: reasoner {budget_text(b['reasoner'])}, query writer {budget_text(b['writer'])},"
            f" answerer {answerer_chain_text(b)}. The evaluation that wrote this card took {evaluation:.0f} minutes more."
            + (f" {record['note']}" if record.get("note") else "")
            + (f" On {record['reevaluated']} the same models were exported and evaluated again, not trained"
               " (`--reevaluate`: a change to how they run), and this card's numbers are that evaluation's."
               if record.get("reevaluated") else ""))


def misses(teach):
    """What the answerer's misses cost the optimization, in words."""
    if teach["tto"]["hacking_rate"] > 0:
        return "A teacher that misses broken videos stops on some of them (the hacking above)"
    return ("With the stop confirmed on the final video, no run stopped on a failing one; a miss costs a run only"
            " when it lets a wrong final video pass")


def verdict(teach):
    t, b = teach["tto"], teach["best_of_n"]
    beats_base, beats_bon = t["success"] > t["base_success"], t["success"] > b["teacher_picked"]
    met = beats_base and beats_bon and t["hacking_rate"] <= 0.1
    return (f"Held-out: TTO with this teacher {pct(t['base_success'])} -> {pct(t['success'])}, against best-of-{b['n']}"
            f" {pct(b['teacher_picked'])} (oracle pass@{b['n']} {pct(b['oracle_pass_at_n'])}); hacking {pct(t['hacking_rate'])}."
            " The issue's bar (beat the base and best-of-N, hacking <= 10 %) is " + ("met." if met else "**not met**."))


def ceiling(teach):
    """Why best-of-N is out of TTO's reach when the oracle pass@N is (about) 100 %, in words."""
    b = teach["best_of_n"]
    if b["oracle_pass_at_n"] < 0.99:
        return "The oracle pass@N says how much better a perfect picker would do among the same candidates."
    return (f"The reasoner's held-out samples differ across noise seeds and almost always include a right one (oracle"
            f" pass@{b['n']} {pct(b['oracle_pass_at_n'])}), and the teacher's goal query picks it: best-of-N is at the ceiling,"
            " so no single optimized sample can beat it; TTO can at most match it.")


# The sections every FamilyPackage's MODEL_CARD.md shares (the package module writes the rest).

def reproduce_text(name, record, teach):
    return f"""Reproduce from scratch in one command: `cd modelkit && python -m teacher_studio_modelkit.build --package {name} --fresh`
(gen-data, training, export, then the evaluation below and this card). {build_text(record, teach)}
Details: [`modelkit/results/{name}.md`](../../../modelkit/results/{name}.md) (reasoner),
[`modelkit/results/{name}_teacher.md`](../../../modelkit/results/{name}_teacher.md) (teacher, TTO)."""


def base_section(base):
    rules = base["rules"]
    rows = "\n".join(
        f"| {name} | {m['tasks']} | {pct(m['success'])} | {pct(m['pass_at_n'])} | {pct(m['samples_differ'])} | "
        + " | ".join(pct(m["rules"][r]) for r in rules) + " |" for name, m in base["splits"].items())
    return f"""## Base success (the reasoner alone, 4 noise seeds per task)

| split | tasks | base success | oracle pass@4 | samples differ | {' | '.join(rules)} |
|---|---|---|---|---|{'---|' * len(rules)}
{rows}"""


def tto_section(teach, lr_note=""):
    """The teacher's TTO against best-of-N (held-out test and train split) and its step-budget curves;
    lr_note follows "(gridworld's" after the learning rate."""
    rows = "\n".join(
        f"| {name} | {r['tto']['n']} | {pct(r['tto']['base_success'])} | {pct(r['tto']['success'])} | "
        f"{r['tto']['fixed']} / {r['tto']['broken']} | {pct(r['best_of_n']['teacher_picked'])} (N = {r['best_of_n']['n']}) | "
        f"{pct(r['best_of_n']['oracle_pass_at_n'])} | {pct(r['tto']['hacking_rate'])} | {r['tto']['mean_steps']:.1f} |"
        for name, r in (("held-out test", teach), ("train split", teach["in_domain"])))
    s = teach["settings"]
    return f"""## Test-time optimization with the teacher

Settings as the package's manifest defaults: Adam lr {s['lr']} (gridworld's{lr_note}), lambda {s['lambda']},
tau {s['tau']}, at most {s['max_steps']} steps; best-of-N compute-matched, picked by the
teacher; oracle pass@N: the evaluator picking among the same candidates. Hacking: the teacher
stopped early on a video the evaluator fails. {stop_text(teach)} {compute_match_text(teach['best_of_n'])}

| tasks | n | base | TTO | fixed / broken | best-of-N (teacher) | oracle pass@N | hacking | mean steps |
|---|---|---|---|---|---|---|---|---|
{rows}

Success against the step budget (step: success; 0 is the base sample, a run stopped early keeps its
video at larger budgets):
- held-out test: {curve_text(teach['tto']['curve_success_vs_step_budget'])}
- train split: {curve_text(teach['in_domain']['tto']['curve_success_vs_step_budget'])}"""


def accuracy_section(teach):
    return f"""## Teacher accuracy (balanced, per rule)
- held-out reasoner samples: {lowest(teach['teacher_heldout_reasoner_samples'])}
- held-out optimized samples: {lowest(teach['teacher_heldout_optimized_samples'])}
- held-out ground truth + corruptions: {lowest(teach['teacher_heldout_gt_and_corruptions'])}
- its own training videos: {lowest(teach['teacher_train_gt_and_corruptions'])}
- query writer, held-out rule-set accuracy: {pct(teach['writer']['heldout_rule_set_accuracy'])}"""


def package_section(size_mb, step_ms, differs):
    """differs: what of the graphs differs from gridworld's ("shape", "meaning")."""
    return f"""## Package
{size_mb:.1f} MB; one `tto_step` call takes {step_ms:.0f} ms in onnxruntime (CPU, this 2-core machine).
Graphs, inputs and outputs as gridworld's (`docs/model-package.md`); only the latent's {differs} differs.
Parity: `cd modelkit && pytest tests/test_parity.py` (onnxruntime against PyTorch on every graph,
outputs and gradients; finite differences on tto_step)."""
