"""The pressure round (pressure_stage): its two-pair tasks start from first frames with a second pair; the
videos it adds carry the evaluator's labels of their own cells, are drawn with their chunk's sprites, and the
reasoner's own sprites are back after it; a second round is optimized against the first round's answerer and
trains it on both rounds' videos; with history the answerer it trains gets the picture before each cell's last change
and the round's runs are against the answerer as given; a package with a round ships its answerer; its broken counts
are those labels' noes; the finals that break a rule it names again go in that many times; a perturbed start
changes the runs; its replay holds the videos of every source the package's answerer trained with, and round 0's
videos are sampled once for the stages of a build (pipeline.round0_videos)."""
import dataclasses

import numpy as np
import pytest
import torch

from conftest import generate_suite_data
from test_pair_composites import reasoner_with
from teacher_studio_modelkit import evaluate as ev
from teacher_studio_modelkit import pipeline
from teacher_studio_modelkit.build import build_vocab
from teacher_studio_modelkit.data import MAX_QUERY
from teacher_studio_modelkit.pair_composites import pair_ids
from teacher_studio_modelkit.pipeline import rule_list, sprites_as
from teacher_studio_modelkit.connect_package import NEAR_MISSES, PACKAGE as CONNECT, PAIRS
from teacher_studio_modelkit.family_package import Refinement
from teacher_studio_modelkit import pressure_stage
from teacher_studio_modelkit.pressure_stage import (PressureRound, pressure_chunks, pressure_videos, replayed_videos,
                                                    train_round)
from teacher_studio_modelkit.train import Budget
from teacher_studio_modelkit.rules import make_judges
from teacher_studio_modelkit.teacher import Answerer
from teacher_studio_modelkit.train import AnswerSet

TASKS = 6


def connect_tasks(tmp_path_factory, name, first_seed):
    """12 connect train tasks made now (gen-data from first_seed), their vocabulary, an untrained connect reasoner
    and the judges: what a pressure round or the near misses run on."""
    train = generate_suite_data(tmp_path_factory, name, "--split train --n 12 --families connect "
                                                        f"--corrupt-fraction 0 --first-seed {first_seed}")
    vocab = build_vocab([train])
    r = reasoner_with(vocab, train)
    return train, vocab, r, make_judges(train.appearances, r.C)


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    train, vocab, r, judges = connect_tasks(tmp_path_factory, "connect-pressure", 9100)
    torch.manual_seed(1)
    ans = Answerer(r.A, len(vocab), r.C, r.T, r.px, MAX_QUERY).eval()
    return train, vocab, r, ans, judges


def run_round(setup, two_pairs, perturbed=False):
    train, vocab, r, ans, judges = setup
    chunks = pressure_chunks(r, train, vocab, two_pairs, idx=range(TASKS))
    aset = AnswerSet()
    broken = pressure_videos(r, ans, judges, chunks, 0.02, [1.0, 4.0], 2, rule_list(train), aset, perturbed)
    return chunks, aset, broken


def test_two_pair_tasks_start_with_a_second_pair(setup):
    train, vocab, r, _, _ = setup
    ids = pair_ids(train.appearances)
    chunks = pressure_chunks(r, train, vocab, True, idx=range(TASKS))
    assert all(sprites is not None for _, sprites in chunks)
    for b, _ in chunks:
        for cells0 in b.cells0.numpy():
            assert (cells0 == ids["dots"][1]).sum() == 2, "each first frame has the second pair's two dots"
    plain = pressure_chunks(r, train, vocab, False, idx=range(TASKS))
    assert [s for _, s in plain] == [None] and len(plain[0][0]) == TASKS


def test_the_rounds_videos_carry_the_evaluators_labels_and_their_chunks_sprites(setup):
    train, vocab, r, _, judges = setup
    own = r.sprites.clone()
    chunks, aset, broken = run_round(setup, two_pairs=True)
    assert torch.equal(r.sprites, own), "the reasoner's sprites are restored"
    rules = rule_list(train)
    noes = dict.fromkeys(rules, 0)
    assert len(aset.parts) == len(chunks)
    for (b, sprites), (frames, cells, _, labels, rule_idx, source) in zip(chunks, aset.parts):
        assert source == "pressured finals, 1x"  # one chunk of 32 or fewer: the first scale
        verdicts = ev.judge_all(judges, b.families, cells)
        for v, lab, ri in zip(verdicts, labels, rule_idx):
            assert [lab[k] for k in range(len(ri)) if ri[k] >= 0] == [v[rules[i]] for i in ri if i >= 0]
            for rule in v:
                noes[rule] += v[rule] == 0
        with sprites_as(r, sprites):
            drawn = r.render(torch.as_tensor(cells).long()).to(torch.float16).numpy()
        assert np.array_equal(frames, drawn), "drawn with the chunk's own sprites"
        assert not np.array_equal(frames, r.render(torch.as_tensor(cells).long()).to(torch.float16).numpy())
    assert broken == {"1x": noes, "4x": dict.fromkeys(rules, 0)}


def test_finals_that_break_a_rule_named_again_go_in_that_many_times(setup):
    train, vocab, r, ans, judges = setup
    chunks = pressure_chunks(r, train, vocab, True, idx=range(TASKS))
    rules = rule_list(train)
    aset = AnswerSet()
    broken = pressure_videos(r, ans, judges, chunks, 0.02, [1.0, 4.0], 2, rules, aset,
                             again=tuple((rule, 3) for rule in rules))
    broken_any = False
    for rule in rules:
        again = [p for p in aset.parts if p[5] == f"pressured finals, 1x, {rule} broken, again"]
        assert sum(len(p[1]) for p in again) == 2 * broken["1x"][rule]
        for frames, cells, _, labels, rule_idx, _ in again:
            k = list(rule_idx[0]).index(rules.index(rule))
            assert all(lab[k] == 0 for lab in labels), "only the finals that break the rule go in again"
        broken_any |= broken["1x"][rule] > 0
    assert broken_any, "the tiny reasoner breaks some rule in 2 updates"


def test_a_perturbed_start_changes_the_runs(setup):
    _, fresh, _ = run_round(setup, two_pairs=False)
    _, perturbed, _ = run_round(setup, two_pairs=False, perturbed=True)
    assert not np.array_equal(fresh.parts[0][1], perturbed.parts[0][1])


def test_the_replay_holds_round_0_and_every_extra_source(setup):
    train, vocab, r, _, judges = setup
    gt = [i for i, inst in enumerate(train.instances) if inst["variant"] == "gt"]
    refined = lambda d, idx: (list(idx[:3]), d.cells[list(idx[:3])].reshape(3, d.cells.shape[1], -1))
    pkg = dataclasses.replace(CONNECT, refine=Refinement(name="x", sources=lambda *_: [("refined", refined)],
                                                         budget=None, key="x"))
    counts = replayed_videos(pkg, r, vocab, train, judges, rule_list(train)).counts()
    assert counts["gt+corruptions"] == len(train.instances)
    assert counts["reasoner samples"] == counts["one-step previews"] == len(gt)
    assert counts["refined"] == 3
    assert 0 < counts["two-pair composites"] <= len(gt) and 0 < counts["reasoner samples, two pairs"] <= len(gt)
    assert len(counts) == 6


def test_round_0s_videos_are_sampled_once_while_the_reasoner_is_unchanged(setup, monkeypatch):
    train, vocab, r, _, judges = setup
    rules = rule_list(train)
    monkeypatch.setattr(pipeline, "_ROUND0", {})  # not the last test's
    calls = []
    sample = ev.sample_cells
    monkeypatch.setattr(ev, "sample_cells", lambda *a, **k: calls.append(1) or sample(*a, **k))
    first, gt_idx = pipeline.round0_videos(train, vocab, r, judges, rules)
    first.add(*first.parts[0][:5], "added by the caller")
    again, gt_again = pipeline.round0_videos(train, vocab, r, judges, rules)
    assert len(calls) == 1 and gt_again == gt_idx, "the same objects: not sampled again"
    assert "added by the caller" not in again.counts(), "what a caller adds stays out of the next copy"
    assert all(np.array_equal(a, b) for p, q in zip(first.parts, again.parts) for a, b in zip(p[:5], q[:5]))
    pipeline.round0_videos(train, vocab, r, make_judges(train.appearances, r.C), rules)
    assert len(calls) == 2, "other judges (another object): sampled again"
    p = next(r.parameters())
    with torch.no_grad():
        p.add_(0.0)  # trained in place: the parameter's version moves on
    pipeline.round0_videos(train, vocab, r, make_judges(train.appearances, r.C), rules)
    assert len(calls) == 3
    judges = make_judges(train.appearances, r.C)
    pipeline.round0_videos(train, vocab, r, judges, rules)
    with sprites_as(r, r.sprites.flip(0)):  # drawn with other sprites: other videos
        pipeline.round0_videos(train, vocab, r, judges, rules)
    assert len(calls) == 5
    pipeline.round0_videos(train, vocab, r, judges, rules)
    with sprites_as(r, r.sprites.flip(0)):  # swapped and put back between the calls (connect's two-pair composites)
        pass
    pipeline.round0_videos(train, vocab, r, judges, rules)
    assert len(calls) == 6, "the sprites as they were: not sampled again"


def test_a_second_round_runs_against_the_first_rounds_answerer_and_trains_on_both_rounds_videos(setup, monkeypatch):
    train, vocab, r, ans, judges = setup
    before = {k: v.clone() for k, v in ans.state_dict().items()}
    against = []
    real = pressure_stage.pressured_finals
    monkeypatch.setattr(pressure_stage, "pressured_finals",
                        lambda r_, a_, *x, **k: against.append(copy_state(a_)) or real(r_, a_, *x, **k))
    cfg = PressureRound(tasks=TASKS, scales=(1.0,), steps=1, budget=Budget(steps=2), replay=False, rounds=2)
    pkg = dataclasses.make_dataclass("Pkg", [("hue", bool), ("bf16", bool)])(False, False)
    trained, counts, broken, _ = train_round(cfg, pkg, r, ans, vocab, train, train, judges, rule_list(train), 0.02)
    n = len(train.instances)
    assert counts["pressured finals, 1x"] == n and counts["pressured finals, round 2, 1x"] == n
    assert set(broken) == {"1x", "round 2, 1x"}
    first = len(against) // 2  # one call per chunk and round
    assert all(same_state(a, before) for a in against[:first]), "round 1 runs against the answerer it is given"
    assert not any(same_state(a, before) for a in against[first:]), "round 2 against round 1's trained answerer"
    assert not same_state(copy_state(trained), against[-1]), "round 2 trains on"
    assert same_state(ans.state_dict(), before), "the answerer it is given is left as it was"


def copy_state(model):
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def same_state(a, b):
    return all(torch.equal(a[k], b[k]) for k in a)


@pytest.mark.parametrize("given", ["history", "strokes"])
def test_with_history_or_strokes_the_round_runs_against_the_answerer_given_and_trains_one_with_it(setup, monkeypatch,
                                                                                                   given):
    train, vocab, r, ans, judges = setup
    before = copy_state(ans)
    against = []
    real = pressure_stage.pressured_finals
    monkeypatch.setattr(pressure_stage, "pressured_finals",
                        lambda r_, a_, *x, **k: against.append(a_) or real(r_, a_, *x, **k))
    cfg = PressureRound(tasks=TASKS, scales=(1.0,), steps=1, budget=Budget(steps=2), replay=False, **{given: True})
    pkg = dataclasses.make_dataclass("Pkg", [("hue", bool), ("bf16", bool)])(False, False)
    trained, counts, _, _ = train_round(cfg, pkg, r, ans, vocab, train, train, judges, rule_list(train), 0.02)
    assert against and all(a is ans for a in against), "the round's runs are against the answerer given"
    assert getattr(trained, given) and not getattr(ans, given) and same_state(copy_state(ans), before)
    other = {"history": "strokes", "strokes": "history"}[given]
    assert not getattr(trained, other), "only the evidence the round names"
    if given == "history":
        assert float(trained.before_in.weight.detach().abs().sum()) > 0, "the picture before the last change trains"
    assert counts["pressured finals, 1x"] == len(train.instances)


@pytest.mark.parametrize("round_bf16, package_bf16", [(False, False), (True, False), (False, True)])
def test_the_rounds_training_is_under_bfloat16_when_the_round_or_the_package_says_so(setup, monkeypatch, round_bf16,
                                                                                     package_bf16):
    train, vocab, r, ans, judges = setup
    seen = []
    real = pressure_stage.train_answerer
    monkeypatch.setattr(pressure_stage, "train_answerer", lambda *a, **k: seen.append(k["bf16"]) or real(*a, **k))
    cfg = PressureRound(tasks=TASKS, scales=(1.0,), steps=1, budget=Budget(steps=1), replay=False, bf16=round_bf16)
    pkg = dataclasses.make_dataclass("Pkg", [("hue", bool), ("bf16", bool)])(False, package_bf16)
    train_round(cfg, pkg, r, ans, vocab, train, train, judges, rule_list(train), 0.02)
    assert seen == [round_bf16 or package_bf16]


def test_a_package_with_a_pressure_round_ships_the_answerer_it_makes():
    assert PAIRS.pressure is None and PAIRS.models["answerer"] == "connect_pairs_answerer1.pt"
    assert NEAR_MISSES.pressure.history and NEAR_MISSES.models["answerer"] == "connect_pairs_answerer_pressure.pt"
    assert NEAR_MISSES.answerer_history and not PAIRS.answerer_history
    assert NEAR_MISSES.pressure.bf16 and NEAR_MISSES.writer_budget.steps == 1000 and PAIRS.writer_budget == 3


def test_connects_recipe_is_the_answerer_stages_then_the_stroke_evidence_stage():
    """The recipe since 2026-12-06: PAIRS' stages, then a pressure stage that optimizes nothing and trains the answerer
    with the stroke evidence on the reasoner's samples and near misses (results/answerer_strokes_connect.md)."""
    assert CONNECT == dataclasses.replace(PAIRS, pressure=CONNECT.pressure)
    assert CONNECT.pressure.strokes and CONNECT.pressure.rounds == 0 and CONNECT.pressure.near == 8
    assert CONNECT.pressure.again == (("connect.grow", 4),) and CONNECT.pressure.budget.steps == 720
    assert CONNECT.answerer_strokes and not PAIRS.answerer_strokes and not CONNECT.answerer_history
    assert CONNECT.models["answerer"] == "connect_pairs_answerer_pressure.pt" and CONNECT.writer_budget == 3
