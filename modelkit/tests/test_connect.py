"""The connect reasoner: the Python connect judge agrees with the task suite's labels (ground truth
and every corruption, one and two pairs); ground-truth pen moves draw videos the judge passes,
ending on the suite's last frame; the surrogate equals the hard render when the moves are certain;
samples add at most one attached cell a frame, keep every dot and draw the pairs one after the
other; each pair's field sees one teal target and nothing of its own colour, so a magenta pair is
read as a teal one; the teacher's TTO loop steers it through the LoRA."""
import pytest
import torch

from conftest import generate_suite_data
from family_checks import appearance_ids, gt, judge_agreement, run_tto_loop
from family_checks import model_for as family_model
from teacher_studio_modelkit.connect import ConnectReasoner, connect_ids, moves_from_cells
from teacher_studio_modelkit.reasoner import MOVES
from teacher_studio_modelkit.rules import make_judges


@pytest.fixture(scope="module")
def heldout(tmp_path_factory):
    """Held-out connect tasks (a teal and a magenta pair), ground truth and corruptions."""
    return generate_suite_data(tmp_path_factory, "connect", "--split heldout --n 160 --families connect "
                                                            "--corrupt-fraction 0.6 --first-seed 7000")


@pytest.fixture(scope="module")
def train(tmp_path_factory):
    """Train-split connect tasks (one teal pair), ground truth and corruptions."""
    return generate_suite_data(tmp_path_factory, "connect-train", "--split train --n 120 --families connect "
                                                                  "--corrupt-fraction 0.6 --first-seed 7000")


def model_for(data, seed=0):
    ids = appearance_ids(data)
    return family_model(ConnectReasoner, data, *connect_ids(ids), ids["wall"], ids["floor"], seed=seed)


def certain(moves):
    return torch.nn.functional.one_hot(moves, len(MOVES)).float() * 50.0


def judge_of(data):
    return make_judges(data.appearances, data.geometry["canvasCells"])["connect"]


@pytest.mark.parametrize("split", ["heldout", "train"])
def test_judge_matches_gen_data_labels(split, request):
    data = request.getfixturevalue(split)
    agree, total, variants = judge_agreement(data, "connect")
    assert len(variants) == 8 and total > 400  # ground truth and all seven corruptions
    assert agree == total, f"{agree}/{total} verdicts agree"


@pytest.mark.parametrize("split", ["heldout", "train"])
def test_ground_truth_moves_draw_the_suites_paths(split, request):
    data = request.getfixturevalue(split)
    m = model_for(data)
    _, cells = gt(data)
    moves = moves_from_cells(cells, m.dot_ids.tolist(), m.path_ids.tolist(), m.C)
    got = m.hard_cells(certain(moves), cells[:, 0])
    assert torch.equal(got[:, 0], cells[:, 0]) and torch.equal(got[:, -1], cells[:, -1])
    judge = judge_of(data)
    assert all(all(v == 1 for v in judge(v.numpy()).values()) for v in got)
    pairs = m.pairs(cells[:, 0])[2].sum(-1)
    assert (pairs == (2 if split == "heldout" else 1)).all()


def test_surrogate_equals_hard_render_when_moves_are_certain(heldout):
    m = model_for(heldout)
    _, cells = gt(heldout, 6)
    moves = certain(moves_from_cells(cells, m.dot_ids.tolist(), m.path_ids.tolist(), m.C))
    soft = m.surrogate_frames(moves, cells[:, 0])
    assert torch.allclose(soft, m.render(m.hard_cells(moves, cells[:, 0])), atol=1e-3)


def test_samples_grow_one_attached_cell_a_frame_keep_the_dots_and_draw_pairs_in_order(heldout):
    m = model_for(heldout)
    _, cells = gt(heldout, 16)
    judge = judge_of(heldout)
    instr = torch.zeros(16, 40, dtype=torch.long)
    logits = []
    for seed in (1, 2):
        z = torch.cat([m.noise(seed * 100 + i) for i in range(16)])
        with torch.no_grad():
            logits.append(m.sample_logits(z, cells[:, 0], instr))
        videos = m.hard_cells(logits[-1], cells[:, 0])
        for v in videos:
            assert judge(v.numpy())["connect.intact"] == 1
            new = (v[1:] != v[:-1]).sum(-1)
            assert (new <= 1).all()
            magenta = (v == m.path_ids[1]).any(-1)  # frames with a magenta cell
            teal_growing = ((v[1:] == m.path_ids[0]) & (v[:-1] != m.path_ids[0])).any(-1)
            if magenta.any():  # teal never grows once magenta has started
                assert not teal_growing[int(magenta.float().argmax()):].any()
    assert not torch.allclose(logits[0], logits[1]), "the moves depend on the noise"


def test_each_pairs_field_sees_one_teal_target_and_no_colour_of_its_own(heldout):
    m = model_for(heldout)
    _, cells = gt(heldout, 8)
    bgs = m.backgrounds(cells[:, 0])  # [B, P, N]
    for k in range(2):
        assert ((bgs[:, k] == m.dot_ids[0]).sum(-1) == 1).all()
        assert not (bgs[:, k] == m.dot_ids[1]).any()
    # a pair drawn in magenta instead of teal: the same background, so the same field
    teal_only = torch.where(cells[:, 0] == m.dot_ids[1], torch.full_like(cells[:, 0], m.floor_id), cells[:, 0])
    as_magenta = torch.where(teal_only == m.dot_ids[0], m.dot_ids[1], teal_only)
    assert torch.equal(m.backgrounds(teal_only)[:, 0], m.backgrounds(as_magenta)[:, 1])


def test_the_teachers_tto_loop_steers_the_connect_reasoner(heldout):
    """tto.optimize, the loop the teacher drives, on the connect reasoner: the first frame's cells
    are read back from its pixels, the loss is finite and moves, and the LoRA gets gradients."""
    m = model_for(heldout)
    res = run_tto_loop(m, heldout)
    judge = judge_of(heldout)
    assert all(judge(v.numpy())["connect.intact"] == 1 for v in res["final_cells"])
