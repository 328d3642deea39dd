"""Training-data helpers: the answerer's translation augmentation moves a video by whole cells and
the result is exactly the rendering of the moved cells; its temporal augmentation starts a video late
and the evaluators judge the result again (a corruption's broken frame can land on the last frame);
its colour augmentation turns hues about the grey axis, keeping greys, brightness and which pixels
share a colour; the hardening runs' perturbed LoRAs make the reasoner's samples differ from the plain reasoner's
while a fresh LoRA leaves them unchanged. A step budget trains the same model however slow the
machine runs, and a hook after each step sees every step without changing the training. A stage loaded from its cache leaves torch's generator where its training did, so the next
stage draws the initial weights a fresh build draws. The prefix labels are the evaluator's verdict on each video up
to each frame: its labels at the last frame, a broken process rule broken from its first broken frame on; dense
supervision trains the answerer otherwise, leaves no head in it, and needs the evaluator."""
import os
import time

import numpy as np
import pytest
import torch

from teacher_studio_modelkit import pipeline
from teacher_studio_modelkit.build import build_vocab
from teacher_studio_modelkit.layers import patches_to_frames
from teacher_studio_modelkit.reasoner import flow_training_loss, moves_from_cells
from teacher_studio_modelkit.train import (AnswerSet, Budget, as_budget, budget_text, delay_in_time, prefix_labels,
                                           rotate_hue, shift_within_void, train_answerer, train_reasoner)
from teacher_studio_modelkit.teacher import Answerer
from teacher_studio_modelkit.tto import batched_lora, perturbed_lora
from test_reasoner import gt_batch, reasoner_for


def test_shift_within_void_is_the_same_video_drawn_elsewhere(suite_data):
    n = 32
    C, px = suite_data.cells.shape[-1], suite_data.geometry["cellPx"]
    cells = suite_data.cells[:n].reshape(n, suite_data.cells.shape[1], -1)
    frames, moved = shift_within_void(np.asarray(suite_data.frames[:n]), cells, np.random.default_rng(0), px)
    sprites = torch.from_numpy(suite_data.sprites.reshape(len(suite_data.sprites), -1).astype(np.float32))
    redrawn = patches_to_frames(sprites[torch.from_numpy(moved.astype(np.int64))], C, px).numpy()
    assert np.array_equal(redrawn.astype(np.uint8), frames)
    assert (moved != cells).any(axis=(1, 2)).any(), "no video was moved"
    # every entity is kept: the same multiset of appearances per frame
    assert all(np.array_equal(np.sort(a, -1), np.sort(b, -1)) for a, b in zip(moved, cells))


def test_perturbed_lora_changes_samples_and_a_fresh_lora_does_not(suite_data):
    r = reasoner_for(suite_data)
    _, cells = gt_batch(suite_data, 8)
    instr = torch.zeros(8, 40, dtype=torch.long)
    z = torch.cat([r.noise(i) for i in range(8)])
    with torch.no_grad():
        plain = r.sample_logits(z, cells[:, 0], instr)
        fresh = r.sample_logits(z, cells[:, 0], instr, batched_lora(r, 8))
        perturbed = r.sample_logits(z, cells[:, 0], instr, perturbed_lora(r, 8, (0.5, 1.0)))
    assert torch.allclose(plain, fresh, atol=1e-5)
    assert not torch.allclose(plain, perturbed, atol=1e-2)
    stds = [t[:, :, :].std().item() for (n, _), t in zip(r.lora_specs(), perturbed_lora(r, 64, (0.5,))) if n.endswith(".B")]
    assert all(0.4 < s < 0.6 for s in stds)


def test_delay_in_time_starts_videos_late_and_the_judges_relabel_them(suite_data):
    from teacher_studio_modelkit import evaluate as ev
    from teacher_studio_modelkit.data import Vocabulary
    from teacher_studio_modelkit.pipeline import relabeller, rule_index, rule_list
    from teacher_studio_modelkit.rules import make_judges
    n, T = 64, suite_data.cells.shape[1]
    cells = suite_data.cells[:n].reshape(n, T, -1)
    frames = np.asarray(suite_data.frames[:n])
    f2, c2, delayed = delay_in_time(frames, cells, np.random.default_rng(0), fraction=0.5)
    assert 0 < delayed.sum() < n
    assert np.array_equal(f2[~delayed], frames[~delayed]) and np.array_equal(c2[~delayed], cells[~delayed])
    for b in np.flatnonzero(delayed):
        d = next(k for k in range(1, T) if np.array_equal(c2[b, k:], cells[b, :T - k]) and (c2[b, :k] == cells[b, :1]).all())
        assert np.array_equal(f2[b, d:], frames[b, :T - d]) and (f2[b, :d + 1] == frames[b, :1]).all()
    # the relabeller is the evaluators: it gives gen-data's labels on the original videos, and on the
    # delayed ones a corruption whose broken frames were cut off keeps no verdict it cannot show
    tb = ev.TaskBatch(suite_data, Vocabulary.build(["x"]), range(n))
    rules_all = rule_list(suite_data)
    ri = rule_index(tb, rules_all)
    relabel = relabeller(make_judges(suite_data.appearances, int(round(cells.shape[-1] ** 0.5))), rules_all)
    given = np.array([[inst["labels"][rules_all[r]] if r >= 0 else -1 for r in row]
                      for inst, row in zip(suite_data.instances[:n], ri)])
    assert np.array_equal(relabel(cells, ri), given)
    _, long_delay, _ = delay_in_time(frames, cells, np.random.default_rng(1), fraction=1.0)
    changed = relabel(long_delay, ri) != given
    assert changed.any(), "delaying never changed a verdict (goals cut short should fail)"


def test_rotate_hue_turns_colours_and_keeps_greys_brightness_and_which_pixels_match():
    rng = np.random.default_rng(0)
    colours = np.array([[0, 160, 160], [210, 50, 150], [90, 90, 90], [30, 200, 60]], np.float32)  # teal, magenta, grey, green
    frames = np.tile(colours[None, None, :, None, :], (64, 2, 1, 4, 1))  # [B, T, H=4 colours, W=4, 3]
    turned = rotate_hue(frames, rng, fraction=0.5)
    changed = ~np.isclose(turned, frames, atol=1e-3).all(axis=(1, 2, 3, 4))
    assert 16 < changed.sum() < 48, "about half the videos are turned"
    assert np.allclose(turned[:, :, 2], 90, atol=1e-3), "grey stays grey"
    unclipped = (turned > 0.5).all(-1) & (turned < 254.5).all(-1)
    assert np.allclose(turned.mean(-1)[unclipped], frames.mean(-1)[unclipped], atol=1e-2), "brightness is kept"
    # one rotation per video: pixels of one colour stay one colour, pixels of different colours stay apart
    v = turned[np.flatnonzero(changed)[0]]
    assert np.allclose(v[:, 0], v[0, 0, 0]) and not np.allclose(v[0, 0, 0], v[0, 1, 0])
    # a turn of 120 degrees is a cyclic shift of the channels: teal (0, 160, 160) -> (160, 0, 160)
    class Fixed:
        def random(self, n): return np.zeros(n)
        def uniform(self, lo, hi): return 2 * np.pi / 3
    third = rotate_hue(colours[None, None, :1, None], Fixed(), fraction=1.0)
    assert np.allclose(third[0, 0, 0, 0], [160, 0, 160], atol=1e-3)


def test_a_step_budget_trains_the_same_reasoner_on_a_slow_machine(suite_data):
    """Two trainings with the same seed and a step budget, the second on a 'machine' that spends 0.3 s
    more per step: the same steps, the same weights (with a minutes budget the slow one would train
    fewer steps on a schedule decayed earlier: results/blocks_rebuild.md)."""
    _, cells = gt_batch(suite_data, 16)
    instr = torch.randint(4, 50, (16, 40))

    slow_calls = []

    def slow(*args):
        slow_calls.append(1)
        time.sleep(0.3)
        return flow_training_loss(*args)

    runs = []
    for loss_fn in (flow_training_loss, slow):
        r = reasoner_for(suite_data)
        stats = train_reasoner(r, moves_from_cells(cells, r.agent_id, r.C), cells[:, 0], instr, Budget(steps=5),
                               log=lambda *_: None, loss_fn=loss_fn)
        runs.append((stats, r.state_dict()))
    (fast, a), (slowed, b) = runs
    assert fast["steps"] == slowed["steps"] == 5
    assert len(slow_calls) == 5, "every step of the second training paid the slowdown"
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert not all(torch.equal(a[k], reasoner_for(suite_data).state_dict()[k]) for k in a), "it did not train"


def test_a_hook_after_each_reasoner_step_sees_every_step_and_changes_nothing(suite_data):
    """train_reasoner's after_step (what reasoner_draws keeps its snapshots and moving average with) is called
    once per optimizer step, in order, with the weights that step left; the training is the one without it."""
    _, cells = gt_batch(suite_data, 16)
    instr = torch.randint(4, 50, (16, 40))
    seen, runs = [], []
    for hook in (None, lambda m, step: seen.append((step, {k: v.clone() for k, v in m.state_dict().items()}))):
        r = reasoner_for(suite_data)
        train_reasoner(r, moves_from_cells(cells, r.agent_id, r.C), cells[:, 0], instr, Budget(steps=4),
                       log=lambda *_: None, after_step=hook)
        runs.append(r.state_dict())
    plain, hooked = runs
    assert [step for step, _ in seen] == [1, 2, 3, 4]
    assert all(torch.equal(plain[k], hooked[k]) for k in plain)
    assert all(torch.equal(seen[-1][1][k], hooked[k]) for k in hooked)
    assert not all(torch.equal(seen[0][1][k], hooked[k]) for k in hooked), "the hook saw one set of weights only"


def test_budgets_are_steps_or_minutes_and_are_stored_as_before():
    assert as_budget(14) == Budget(minutes=14) and as_budget({"steps": 650}) == Budget(steps=650)
    assert Budget(minutes=14).to_json() == 14, "records written before step budgets stored bare minutes"
    assert as_budget(Budget(steps=650).to_json()) == Budget(steps=650)
    assert budget_text(14) == "14 minutes" and budget_text(Budget(steps=5200)) == "5,200 steps"
    assert Budget(steps=100).fraction(25, 9999) == 0.25 and Budget(minutes=2).fraction(9999, 30) == 0.25
    with pytest.raises(AssertionError):
        Budget(steps=1, minutes=1)


def test_a_cached_stage_gives_the_next_stage_the_initial_weights_a_fresh_build_draws(suite_data, tmp_path, monkeypatch,
                                                                                    capsys):
    """The answerer's initial weights come from torch's generator right after the query writer's stage. Trained, the
    writer leaves it where its training's draws ended; loaded from its cache after a different history (another
    seed: the reasoner stage cached too), the generator is put back there (runs/NAME_generator.pt), and the
    answerer starts from the same weights. Without that file the generator is left alone, and the log says so."""
    monkeypatch.setattr(pipeline, "RUNS", str(tmp_path))
    vocab = build_vocab([suite_data])

    def answerer_after_writer(fresh, history_seed):
        torch.manual_seed(history_seed)
        pipeline.stage_writer(fresh, (suite_data,), vocab, Budget(steps=3), name="w")
        return Answerer(len(suite_data.appearances), len(vocab)).state_dict()

    fresh = answerer_after_writer(True, 5)
    assert os.path.exists(tmp_path / "w_generator.pt")
    cached = answerer_after_writer(False, 6)
    assert all(torch.equal(fresh[k], cached[k]) for k in fresh)
    os.remove(tmp_path / "w_generator.pt")
    capsys.readouterr()
    older_cache = answerer_after_writer(False, 6)
    assert not all(torch.equal(fresh[k], older_cache[k]) for k in fresh)
    assert "w.pt is cached without its generator state" in capsys.readouterr().out


def judged(suite_data, n):
    from teacher_studio_modelkit import evaluate as ev
    from teacher_studio_modelkit.data import Vocabulary
    from teacher_studio_modelkit.pipeline import relabeller, rule_index, rule_list
    from teacher_studio_modelkit.rules import make_judges
    T = suite_data.cells.shape[1]
    cells = suite_data.cells[:n].reshape(n, T, -1)
    vocab = Vocabulary.build([i["instruction"] for i in suite_data.instances] + [r["query"] for r in suite_data.rules.values()])
    tb = ev.TaskBatch(suite_data, vocab, range(n))
    rules_all = rule_list(suite_data)
    relabel = relabeller(make_judges(suite_data.appearances, int(round(cells.shape[-1] ** 0.5))), rules_all)
    return cells, tb, rules_all, rule_index(tb, rules_all), relabel, vocab


def test_prefix_labels_are_the_verdict_up_to_each_frame(suite_data):
    n = 64
    cells, _, rules_all, ri, relabel, _ = judged(suite_data, n)
    pl = prefix_labels(relabel, cells, ri)
    assert pl.shape == (n, cells.shape[1], ri.shape[1])
    assert np.array_equal(pl[:, -1], relabel(cells, ri)), "the whole video's verdict at the last frame"
    assert ((pl == -1) == (ri == -1)[:, None]).all(), "unused slots stay -1"
    process = [k for k, r in enumerate(rules_all) if r in ("maze.no_wall", "maze.step", "collect.legal_move")]
    assert process, rules_all
    seen_break = False
    for b in range(n):
        for q, k in enumerate(ri[b]):
            if k in process and pl[b, -1, q] == 0:
                first = int(np.argmin(pl[b, :, q]))
                assert (pl[b, :first, q] == 1).all() and (pl[b, first:, q] == 0).all(), "broken from its frame on"
                assert first > 0, "a first frame alone breaks no process rule"
                seen_break = True
    assert seen_break, "some corruption breaks a process rule"


def test_dense_supervision_trains_otherwise_and_leaves_no_head(suite_data):
    n = 32
    cells, tb, rules_all, ri, relabel, vocab = judged(suite_data, n)
    lab = relabel(cells, ri)
    aset = AnswerSet()
    aset.add(np.asarray(suite_data.frames[:n]).astype(np.float16), cells.astype(np.uint8), tb.queries.numpy(), lab, ri, "x")
    C, px = int(round(cells.shape[-1] ** 0.5)), suite_data.geometry["cellPx"]
    states = []
    for dense in (0.0, 1.0):
        torch.manual_seed(0)
        ans = Answerer(len(suite_data.appearances), len(vocab), C, cells.shape[1], px)
        keys = set(ans.state_dict())
        train_answerer(ans, aset.cat(), len(rules_all), Budget(steps=3), lambda m: None, relabel=relabel, dense=dense)
        assert set(ans.state_dict()) == keys, "the dense head is not part of the answerer"
        states.append(ans.state_dict())
    assert any(not torch.equal(states[0][k], states[1][k]) for k in states[0])
    with pytest.raises(AssertionError, match="evaluator"):
        train_answerer(ans, aset.cat(), len(rules_all), Budget(steps=1), lambda m: None, dense=1.0)
