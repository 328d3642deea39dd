"""The answerer's snapshot chosen on the validation split (answerer_validation, train.train_answerer's
choose): training keeps the best-scored snapshot (the later one on a tie), and the score is the
answerer's lowest per-rule balanced accuracy on validation ground truth and corruptions, and apart on
the reasoner's samples, labelled by the evaluators."""
import numpy as np
import pytest
import torch

from conftest import generate_suite_data


@pytest.fixture(scope="module")
def blocks(blocks_package, tmp_path_factory):
    mix = generate_suite_data(tmp_path_factory, "val_mix", "--split heldout --n 40 --corrupt-fraction 0.6 "
                                                          "--families fall,push --first-seed 400000")
    tasks = generate_suite_data(tmp_path_factory, "val_tasks", "--split heldout --n 12 --corrupt-fraction 0 "
                                                              "--families fall,push --first-seed 300000")
    return blocks_package, mix, tasks


def answer_set(mix, vocab):
    """The train.train_answerer data of mix's videos (ground truth and corruptions, gen-data's labels)."""
    from teacher_studio_modelkit.pipeline import rule_list, suite_videos
    return (*suite_videos(mix, vocab, rule_list(mix)), np.zeros(len(mix.instances))), len(rule_list(mix))


def fresh_answerer(reasoner, vocab):
    from teacher_studio_modelkit.teacher import Answerer
    from teacher_studio_modelkit.data import MAX_QUERY
    torch.manual_seed(0)
    return Answerer(reasoner.A, len(vocab), reasoner.C, reasoner.T, reasoner.px, MAX_QUERY)


class Scores:
    """A choose() that gives the listed scores in turn (then the last one) and keeps each snapshot it scored."""

    def __init__(self, scores):
        self.scores, self.seen = scores, []

    def __call__(self, model):
        assert not model.training, "scored in eval mode"
        self.seen.append({k: v.clone() for k, v in model.state_dict().items()})
        return self.scores[min(len(self.seen), len(self.scores)) - 1]


def same(a, b):
    return all(torch.equal(a[k], b[k]) for k in a)


@pytest.mark.parametrize("scores, kept", [([(0.2, 0.5), (0.9, 0.9), (0.1, 0.3)], 1), ([(0.5, 0.5)], -1)])
def test_training_keeps_the_best_scored_snapshot(blocks, scores, kept):
    from teacher_studio_modelkit.train import Budget, train_answerer
    (_, reasoner, _, _, vocab), mix, _ = blocks
    model = fresh_answerer(reasoner, vocab)
    data, n_rules = answer_set(mix, vocab)
    choose = Scores(scores)

    # a step budget: a wall-clock one scored fewer times on a busy machine (CI, 2026-12-03)
    out = train_answerer(model, data, n_rules, Budget(steps=16), log=lambda *_: None, choose=choose, choose_every=4)

    assert [c["step"] for c in out["checks"]] == [4, 8, 12, 16], "scored during training and at its end"
    assert len(choose.seen) == 4
    assert [c["score"] for c in out["checks"]][:len(scores)] == scores[:len(choose.seen)]
    assert not same(choose.seen[0], choose.seen[-1]), "training moved the weights between checks"
    assert same(model.state_dict(), choose.seen[kept]), "the best (on a tie the latest) snapshot is kept"
    assert out["chosen_step"] == out["checks"][kept]["step"] <= out["steps"]
    assert not model.training


def test_validation_score_is_the_lowest_rule_accuracy_of_evaluator_labelled_videos(blocks):
    from teacher_studio_modelkit.answerer_validation import MIX, SAMPLES, ValidationVideos, counted_accuracy
    from teacher_studio_modelkit.rules import make_judges
    (_, reasoner, answerer, _, vocab), mix, tasks = blocks
    judges = make_judges(mix.appearances, reasoner.C)
    val = ValidationVideos(reasoner, judges, vocab, mix, [tasks], seeds=(5, 6))
    n = len(tasks.instances)
    assert len(val) == len(mix.instances) + 2 * n, "every validation task sampled once per seed"
    assert val.sources == [MIX] * len(mix.instances) + [SAMPLES] * 2 * n
    assert not torch.equal(val.frames[-2 * n:-n], val.frames[-n:]), "the seeds give other samples"
    pooled, by_source = val.accuracies(answerer)
    assert set(pooled) == {r for rules in val.rules for r in rules} and set(by_source) == {MIX, SAMPLES}
    for r, v in pooled.items():
        assert v["n_no"] == sum(acc[r]["n_no"] for acc in by_source.values() if r in acc)
    assert sum(v["n_yes"] + v["n_no"] for v in pooled.values()) == sum(len(r) for r in val.rules)

    assert val.per_rule(answerer) == {r: v["balanced"] for r, v in pooled.items()}, "pooled by default"
    trained, untrained = val(answerer), val(fresh_answerer(reasoner, vocab))
    assert trained[0] == round(min(v["balanced"] for v in pooled.values()), 4)
    assert trained[1] > 0.9 and trained > untrained, "the committed answerer reads held-out videos, a fresh one does not"

    val.by_source = True  # each rule on each source apart, a rate only from MIN_CLASS videos of its class
    apart = val.per_rule(answerer)
    want = {f"{r}, {source}": counted_accuracy(stats) for source, acc in by_source.items() for r, stats in acc.items()}
    assert apart == {k: v for k, v in want.items() if v is not None} and any(k.endswith(SAMPLES) for k in apart)
    assert val(answerer)[0] == round(min(apart.values()), 4)


@pytest.mark.parametrize("n_yes, n_no, counted", [(40, 30, 0.75), (40, 3, 0.9), (4, 30, 0.6), (4, 3, None), (40, 0, 0.9)])
def test_a_rate_from_too_few_videos_is_left_out_of_the_score(n_yes, n_no, counted):
    from teacher_studio_modelkit.answerer_validation import counted_accuracy
    stats = {"tpr": 0.9, "tnr": 0.6 if n_no else None, "n_yes": n_yes, "n_no": n_no, "balanced": 0.0}
    assert counted_accuracy(stats) == (pytest.approx(counted) if counted is not None else None)


def test_the_teacher_report_says_which_snapshots_were_kept():
    from teacher_studio_modelkit.objects_teacher import choice_text
    assert choice_text({}) == "", "no line for a package whose answerer was not chosen"
    trainings = {"round 0": {"steps": 3323, "chosen_step": 2850, "checks": [
                     {"step": 413, "minute": 3.0, "score": [0.5, 0.5]}, {"step": 2850, "minute": 21.0, "score": [0.9, 0.95]},
                     {"step": 3323, "minute": 24.0, "score": [0.85, 0.95]}]},
                 "hardening": {"steps": 612, "chosen_step": 612, "checks": [{"step": 612, "minute": 4.0, "score": [1.0, 1.0]}]}}
    text = choice_text({"answerer_choice": {"videos": 756, "trainings": trainings}})
    assert "756 held-out validation videos" in text
    assert "round 0 step 2850 of 3323 (413: 50.0 %, 2850: 90.0 %, 3323: 85.0 %)" in text
    assert "hardening step 612 of 612 (612: 100.0 %)" in text


def test_bfloat16_autocast_trains_float32_weights_that_answer_like_a_float32_training(blocks, monkeypatch):
    """train_answerer(bf16=True), as the blocks build trains its answerer: the forward pass under bfloat16 autocast,
    the weights and optimizer in float32. From the same initial weights and videos it ends elsewhere than the float32
    training (the autocast ran) but answers the same videos alike; on a CPU without native bfloat16 it trains in
    float32 and says so."""
    from teacher_studio_modelkit import evaluate as ev
    from teacher_studio_modelkit import train
    (_, reasoner, _, _, vocab), mix, _ = blocks
    data, n_rules = answer_set(mix, vocab)
    frames, queries = torch.from_numpy(mix.frames.astype(np.float32)), ev.TaskBatch(mix, vocab, range(len(mix.instances))).queries
    runs = {}
    for bf16 in (False, True):
        model = fresh_answerer(reasoner, vocab)
        out = train.train_answerer(model, data, n_rules, train.Budget(steps=12), log=lambda *_: None, bf16=bf16)
        runs[bf16] = out, model.state_dict(), ev.teacher_probs(model, frames, queries)
    (out32, w32, p32), (out16, w16, p16) = runs[False], runs[True]
    assert out32["precision"] == "float32"
    assert out16["precision"] == ("bfloat16 autocast" if train.bf16_supported() else "float32")
    assert all(v.dtype == torch.float32 for v in w16.values() if v.is_floating_point())
    if train.bf16_supported():
        assert not same(w32, w16), "the autocast ran"
    untrained = ev.teacher_probs(fresh_answerer(reasoner, vocab), frames, queries)
    assert (p16 - p32).abs().mean() < 0.25 * (p32 - untrained).abs().mean(), "it learnt what float32 learnt"

    logs = []
    monkeypatch.setattr(train, "bf16_supported", lambda: False)
    out = train.train_answerer(fresh_answerer(reasoner, vocab), data, n_rules, train.Budget(steps=2), log=logs.append,
                               bf16=True)
    assert out["precision"] == "float32" and "no native bfloat16" in logs[0]
