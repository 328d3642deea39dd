"""A pressure round for an answerer: what pressure_round measures on the validation split, and what a
FamilyPackage's build runs after its other answerer stages when the package has one (FamilyPackage.pressure).

The hardening rounds optimize 128 train tasks against the answerer, and most of those runs stop with nothing
broken, so the answerer sees few of the videos optimization breaks rules in. Here it is optimized against on
`tasks` train-split tasks of their own (seeds 600000+, never a task the package trained on), every run all
`steps` updates at the package's learning rate times each of `scales` (chunks take the scales in turn), from a
fresh LoRA or (perturbed) the hardening round's perturbed ones, and (two_pairs, connect) from first frames given a
second pair. Their final videos, labelled by the evaluator, join the reasoner's samples of those tasks and
(replay) every video the answerer trained on before its hardening rounds (round 0's and the package's extra
sources; without them the round cost the rules they teach: results/pressure_round_*.md), or only the train mix,
and the answerer trains `budget` more at the hardening round's learning rate with the package's hue and
precision."""
from dataclasses import dataclass

import torch

from . import evaluate as ev
from .answerer_pressure import pressured_finals
from .near_misses import near_miss_videos
from .build import log
from .pair_composites import composite_hardening
from .pipeline import (HARDEN_LORA_STD, HARDEN_LR_SCALE, add_cells_videos, add_extra_videos, add_weighted_videos,
                       relabeller, round0_videos, sprites_as, suite_videos)
from .teacher import answerer_like
from .train import ANSWERER_LR, AnswerSet, Budget, train_answerer
from .tto import perturbed_lora

TRAIN_FIRST_SEED = 600000  # the round's train-split tasks (the train mix is 100000+, more corruptions 110000+)
SAMPLE_SEED = 101  # the reasoner's samples of those tasks, as round 0's


@dataclass(frozen=True)
class PressureRound:
    tasks: int = 1024
    scales: tuple = (4.0, 16.0)
    steps: int = 16
    budget: Budget = Budget(steps=720)
    perturbed: bool = False
    two_pairs: bool = False
    replay: bool = True
    rounds: int = 1  # round k > 1 optimizes against round k - 1's answerer and trains it on every round's videos
    # (rule, times): each pressured final that breaks the rule goes in `times` times (a rule whose broken videos are
    # few among its others, connect.grow's overwrites among the suite's teleports)
    again: tuple = ()
    choose: bool = False  # with the package's choose: the round keeps its best snapshot on the validation videos
    # near misses per task (near_misses: the reasoner's samples with one move forced, labelled by the evaluator), made
    # once before the rounds, weighted by again as the pressured finals are; with rounds = 0 the answerer trains once on
    # them (and the replayed videos and samples) and nothing is optimized against it
    near: int = 0
    dense: float = 0.0  # the round's training with dense supervision of this weight (train.train_answerer's dense)
    # the answerer the round trains gets the picture before each cell's last change (teacher.Answerer history=True,
    # its layer at zero until it trains)
    history: bool = False
    # the answerer the round trains gets the stroke evidence (teacher.Answerer strokes=True, at zero until it trains)
    strokes: bool = False
    # the round's training under bfloat16 autocast (train.train_answerer's bf16; a package's bf16 turns it on too):
    # connect's answerer with the history trains 1.43 times faster so (bench/answerer_train_speed.py)
    bf16: bool = False

    def dataset(self, run):
        """The round's train tasks: data/RUN_train_pressure_TASKS (the first tasks of a larger set are the same)."""
        return f"{run}_train_pressure_{self.tasks}"

    def args(self):
        return f"--split train --n {self.tasks} --corrupt-fraction 0 --first-seed {TRAIN_FIRST_SEED}"


def pressure_chunks(r, tasks, vocab, two_pairs, idx=None):
    """The round's tasks (idx of tasks, default all) in chunks of evaluate.CHUNK: [(TaskBatch, sprites or
    None)]. two_pairs (connect): each first frame gets a second pair (pair_composites.composite_hardening,
    its own hue per chunk), since optimizing the train split's one-pair tasks breaks almost nothing, and
    connect.grow only breaks where a pen meets another pair's path."""
    idx = range(len(tasks.instances)) if idx is None else idx
    if not two_pairs:
        tb = ev.TaskBatch(tasks, vocab, idx)
        return [(tb.sub(slice(s, s + ev.CHUNK)), None) for s in range(0, len(tb), ev.CHUNK)]
    out = []
    for kept, cells0, sprites in composite_hardening(seed=5, chunk=ev.CHUNK)[1](r, tasks, idx):
        b = ev.TaskBatch(tasks, vocab, kept)
        b.cells0 = torch.as_tensor(cells0).long()
        out.append((b, sprites))
    return out


def pressure_videos(r, ans, judges, chunks, lr, scales, steps, rules_all, aset, perturbed=False, label="", again=()):
    """Chunk k optimized `steps` updates at lr * scales[k % len(scales)] against ans (no stop), rendered with its
    sprites; the final videos go into aset labelled by the judges, as the source "pressured finals, LABELSx".
    perturbed: the runs start from the hardening round's perturbed LoRAs (tto.perturbed_lora) instead of a fresh
    one. again ((rule, times), PressureRound.again): the finals that break the rule go in times - 1 more times, as
    "pressured finals, LABELSx, RULE broken, again". Returns {"LABELSx": {rule: broken videos}} per scale S (label:
    "" or "round 2, ")."""
    name = lambda scale: f"{label}{scale:g}x"
    broken = {name(s): dict.fromkeys(rules_all, 0) for s in scales}
    for k, (b, sprites) in enumerate(chunks):
        scale = scales[k % len(scales)]
        start = {"init_lora": perturbed_lora(r, len(b), HARDEN_LORA_STD, seed=k)} if perturbed else {}
        with sprites_as(r, r.sprites if sprites is None else sprites):
            cells, verdicts, _ = pressured_finals(r, ans, judges, b, lr * scale, steps, **start)
            bad = add_weighted_videos(aset, r, judges, b, cells, rules_all, f"pressured finals, {name(scale)}", again,
                                      verdicts)
        for rule in rules_all:
            broken[name(scale)][rule] += len(bad[rule])
        log(f"pressure: chunk {k + 1} of {len(chunks)} done")
    log(f"pressure on {sum(len(b) for b, _ in chunks)} train tasks: broken {broken}")
    return broken


def replayed_videos(pkg, r, vocab, mix, judges, rules_all, mixes=()):
    """The answerer's own training videos before its hardening rounds, as an AnswerSet: round 0's
    (pipeline.round0_videos: the train mix, the package's more corruptions `mixes`, the reasoner's samples and
    one-step previews) and the package's extra sources (FamilyPackage.answerer_sources: connect's two-pair
    composites, blocks' simultaneous moves)."""
    aset, gt_idx = round0_videos(mix, vocab, r, judges, rules_all, mixes)
    add_extra_videos(aset, pkg.answerer_sources(r, vocab), mix, gt_idx, vocab, r, judges, rules_all)
    return aset


CHOOSE_CHECKS = 4  # with choose: the round's training is scored this many times, evenly spaced, the last at its end


def train_round(cfg, pkg, r, ans, vocab, mix, tasks, judges, rules_all, lr, mixes=(), only_round=False, choose=None):
    """The round (cfg: PressureRound) against ans on `tasks` at the package's learning rate lr, cfg.rounds times (round
    k > 1 against round k - 1's answerer, which trains on every round's videos so far; cfg.near: near misses first, and
    with cfg.rounds = 0 one training on them, nothing optimized; cfg.history: the answerer trained gets the picture
    before each cell's last change): (the trained answerer, a copy;
    its training videos per source; the broken videos per round, scale and rule; the last train_answerer's result).
    only_round: the first round's videos are made and counted, nothing trains (the answerer and result are None).
    choose: as every other answerer training of a package that chooses (answerer_validation.ValidationVideos), each
    round keeps its best of CHOOSE_CHECKS snapshots on the validation videos."""
    if cfg.replay:
        aset = replayed_videos(pkg, r, vocab, mix, judges, rules_all, mixes)
    else:
        aset = AnswerSet()
        aset.add(*suite_videos(mix, vocab, rules_all), "gt+corruptions")
    tb = ev.TaskBatch(tasks, vocab, range(len(tasks.instances)))
    add_cells_videos(aset, r, judges, tb, ev.sample_cells(r, tb, SAMPLE_SEED), rules_all, "reasoner samples")
    chunks = pressure_chunks(r, tasks, vocab, cfg.two_pairs)
    broken, trained, out = {}, ans, None
    if cfg.near:
        broken["near misses"] = near_miss_videos(r, judges, chunks, cfg.near, rules_all, aset, cfg.again)
        log(f"near misses: broken {broken['near misses']}")
    for k in range(max(cfg.rounds, 1)):  # the same tasks and starts each round, against the answerer of the round before
        if cfg.rounds:
            broken |= pressure_videos(r, trained, judges, chunks, lr, cfg.scales, cfg.steps, rules_all, aset,
                                      cfg.perturbed, label=f"round {k + 1}, " if k else "", again=cfg.again)
        counts = aset.counts()
        log(f"pressure round {k + 1}'s training videos {counts}")
        if only_round:
            return None, counts, broken, None
        trained = answerer_like(trained, history=cfg.history or None, strokes=cfg.strokes or None)
        out = train_answerer(trained, aset.cat(), len(rules_all), cfg.budget, log, seed=3,
                             lr=ANSWERER_LR * HARDEN_LR_SCALE, relabel=relabeller(judges, rules_all), hue=pkg.hue,
                             bf16=pkg.bf16 or cfg.bf16, choose=choose, choose_every=cfg.budget.total / CHOOSE_CHECKS, dense=cfg.dense)
        trained.eval()
    return trained, counts, broken, out
