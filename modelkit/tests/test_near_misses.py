"""Near misses (near_misses, ConnectReasoner.near_miss_cells): with nothing forced the video is the full sampler's;
one forced move per video, at a frame where a pen draws, in a direction other than the sample's; the video follows the
sample up to that frame and differs from it there, the pens replanning from there, and still adds at most one cell a frame; the videos carry the
evaluator's labels of their own cells and their chunk's sprites, and those that break a rule named again go in that
many times; a pressure round with rounds = 0 trains once on them and optimizes nothing."""
import dataclasses

import numpy as np
import pytest
import torch

from test_pressure_stage import connect_tasks
from teacher_studio_modelkit import evaluate as ev
from teacher_studio_modelkit import pressure_stage
from teacher_studio_modelkit.data import MAX_QUERY
from teacher_studio_modelkit.layers import one_hot
from teacher_studio_modelkit.near_misses import FIRST_SEED, forced_moves, near_miss_cells, near_miss_videos
from teacher_studio_modelkit.pipeline import rule_list, sprites_as
from teacher_studio_modelkit.pressure_stage import PressureRound, pressure_chunks, train_round
from teacher_studio_modelkit.reasoner import MOVES
from teacher_studio_modelkit.teacher import Answerer
from teacher_studio_modelkit.train import AnswerSet, Budget

TASKS = 8


@pytest.fixture(scope="module")
def near(tmp_path_factory):
    train, vocab, r, judges = connect_tasks(tmp_path_factory, "connect-near", 9200)
    return train, vocab, r, pressure_chunks(r, train, vocab, True, idx=range(TASKS)), judges


def sample_of(r, b, seed):
    z1 = ev.noise_for(r, b.idx, seed)
    with torch.no_grad():
        return z1, r.sample_logits(z1, b.cells0, b.instr).argmax(-1)


def test_with_nothing_forced_it_is_the_full_samplers_video(near):
    _, _, r, chunks, _ = near
    b = chunks[0][0]
    z1, moves = sample_of(r, b, 5)
    with torch.no_grad():
        free = r.near_miss_cells(z1, b.cells0, b.instr, torch.full_like(moves, -1))
        sampled = r.hard_cells(r.sample_logits(z1, b.cells0, b.instr), b.cells0)
    assert torch.equal(free, sampled)


def test_one_move_is_forced_at_a_frame_where_a_pen_draws_in_another_direction():
    rng = np.random.default_rng(0)
    moves = torch.tensor([[1, 2, 0, 0], [3, 3, 3, 0], [0, 0, 0, 0]])
    active = torch.tensor([[True, True, False, False], [False, True, True, False], [False] * 4])
    for _ in range(20):
        forced = forced_moves(moves, active, rng)
        for i in range(2):
            f = (forced[i] >= 0).nonzero()[:, 0].tolist()
            assert len(f) == 1 and active[i, f[0]], "one forced frame, where the picture changes"
            assert forced[i, f[0]] not in (0, moves[i, f[0]]), "a direction, not the sample's move"
        assert (forced[2] == -1).all(), "nothing drawn: nothing forced"


def test_a_near_miss_follows_the_sample_until_its_forced_move_and_grows_one_cell_a_frame(near):
    _, _, r, chunks, _ = near
    b = chunks[0][0]
    z1, moves = sample_of(r, b, FIRST_SEED)
    sample = r.hard_cells(one_hot(moves, len(MOVES)), b.cells0)
    forced = forced_moves(moves, (sample[:, 1:] != sample[:, :-1]).any(-1), np.random.default_rng(3))
    with torch.no_grad():
        cells = r.near_miss_cells(z1, b.cells0, b.instr, forced)
    assert torch.equal(cells, near_miss_cells(r, b, FIRST_SEED, np.random.default_rng(3))), "the same draw"
    differs = 0
    for i in range(len(b)):
        at = (forced[i] >= 0).nonzero()[:, 0]
        if not len(at):
            assert torch.equal(cells[i], sample[i]), "nothing forced: the sample"
            continue
        f = int(at[0])
        assert torch.equal(cells[i, :f + 1], sample[i, :f + 1]), "the frames before the forced move are the sample's"
        differs += not torch.equal(cells[i, f + 1], sample[i, f + 1])  # a move off the canvas stays put
        assert ((cells[i, 1:] != cells[i, :-1]).sum(-1) <= 1).all(), "at most one new cell a frame"
    assert differs > 0
    unplanned = r.hard_cells(one_hot(torch.where(forced >= 0, forced, moves), len(MOVES)), b.cells0)
    assert not torch.equal(cells, unplanned), "the pens replan from where the forced move took them"


def test_near_misses_carry_their_labels_sprites_and_again(near):
    train, _, r, chunks, judges = near
    rules = rule_list(train)
    own = r.sprites.clone()
    aset = AnswerSet()
    broken = near_miss_videos(r, judges, chunks, 2, rules, aset, again=tuple((rule, 3) for rule in rules))
    assert torch.equal(r.sprites, own), "the reasoner's sprites are restored"
    plain = [p for p in aset.parts if p[5] == "near misses"]
    assert sum(len(p[0]) for p in plain) == 2 * TASKS
    b, sprites = chunks[0]
    frames, cells = plain[0][0], torch.as_tensor(plain[0][1]).long()
    with sprites_as(r, sprites):
        assert np.array_equal(frames, r.render(cells).to(torch.float16).numpy()), "drawn with the chunk's sprites"
    noes = dict.fromkeys(rules, 0)
    for (b, _), p in zip(chunks * 2, plain):
        for v, lab, ri in zip(ev.judge_all(judges, b.families, torch.as_tensor(p[1]).long()), p[3], p[4]):
            assert [lab[k] for k in range(len(ri)) if ri[k] >= 0] == [v[rules[i]] for i in ri if i >= 0]
            for rule in v:
                noes[rule] += v[rule] == 0
    assert broken == noes and sum(noes.values()) > 0
    for rule in rules:
        again = sum(len(p[0]) for p in aset.parts if p[5] == f"near misses, {rule} broken, again")
        assert again == 2 * broken[rule]


def test_a_round_with_no_pressure_trains_once_on_the_near_misses(near, monkeypatch):
    train, vocab, r, _, judges = near
    monkeypatch.setattr(pressure_stage, "pressured_finals", lambda *a, **k: pytest.fail("nothing is optimized"))
    torch.manual_seed(1)
    ans = Answerer(r.A, len(vocab), r.C, r.T, r.px, MAX_QUERY).eval()
    before = {k: v.clone() for k, v in ans.state_dict().items()}
    cfg = PressureRound(tasks=TASKS, steps=1, budget=Budget(steps=2), replay=False, rounds=0, near=1, two_pairs=True)
    pkg = dataclasses.make_dataclass("Pkg", [("hue", bool), ("bf16", bool)])(False, False)
    trained, counts, broken, out = train_round(cfg, pkg, r, ans, vocab, train, train, judges, rule_list(train), 0.02)
    assert counts["near misses"] == sum(len(b) for b, _ in pressure_chunks(r, train, vocab, True))
    assert set(broken) == {"near misses"} and out["steps"] == 2
    assert not all(torch.equal(v, before[k]) for k, v in trained.state_dict().items()), "it trained"
    assert all(torch.equal(v, before[k]) for k, v in ans.state_dict().items()), "the answerer given is left as it was"
