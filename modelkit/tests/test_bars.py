"""The bars reasoner (sort): the Python sort judge agrees with the task suite's labels (ground truth
and every corruption); ground-truth choices reproduce the suite's frames; the surrogate equals the
hard render when the choices are certain; samples keep every bar whole, move bars at most one
place a frame and never swap across the sorting area's edge; the full sampler reads a permutation
at every frame; the learned column features ignore the bars; the teacher's TTO loop steers it
through the LoRA."""
import numpy as np
import pytest
import torch

from conftest import generate_suite_data
from family_checks import appearance_ids, gt, judge_agreement, run_tto_loop
from family_checks import model_for as family_model
from teacher_studio_modelkit.bars import BarsReasoner, bar_ids, choices_from_cells
from teacher_studio_modelkit.rules import make_judges


@pytest.fixture(scope="module")
def sort_data(tmp_path_factory):
    """Held-out sort tasks (5 bars), ground truth and corruptions (about a second)."""
    return generate_suite_data(tmp_path_factory, "sort", "--split heldout --n 200 --families sort "
                                                         "--corrupt-fraction 0.6 --first-seed 7000")


def model_for(data, seed=0):
    ids = appearance_ids(data)
    return family_model(BarsReasoner, data, bar_ids(ids), ids["floor"], seed=seed)


def certain(choices, C):
    return torch.nn.functional.one_hot(choices, C).float() * 50.0


def test_judge_matches_gen_data_labels(sort_data):
    agree, total, variants = judge_agreement(sort_data, "sort")
    assert len(variants) == 8 and total > 500  # ground truth and all seven corruptions
    assert agree == total, f"{agree}/{total} verdicts agree"


def test_ground_truth_choices_render_the_ground_truth_frames(sort_data):
    m = model_for(sort_data)
    idx, cells = gt(sort_data)
    choices = choices_from_cells(cells, m.C)
    assert (choices > 0).sum(1).min() >= 5, "held-out tasks need 5-10 swaps"
    got = m.hard_cells(certain(choices, m.C), cells[:, 0])
    assert torch.equal(got, cells)
    assert np.array_equal(m.render(got).round().to(torch.uint8).numpy(), np.asarray(sort_data.frames[idx]))


def test_surrogate_equals_hard_render_when_choices_are_certain(sort_data):
    m = model_for(sort_data)
    _, cells = gt(sort_data, 6)
    soft = m.surrogate_frames(certain(choices_from_cells(cells, m.C), m.C), cells[:, 0])
    assert torch.allclose(soft, m.render(cells), atol=1e-3)


def test_columns_read_heights_bars_and_the_area(sort_data):
    m = model_for(sort_data)
    _, cells = gt(sort_data, 8)
    height, has, area = m.columns(cells[:, 0])
    assert (has.sum(1) == 5).all()  # held-out tasks have 5 bars
    assert ((height > 0) == (has > 0)).all() and (area >= has).all()
    assert (area.sum(1) >= 8).all()  # areas of 8-10 cells


def test_column_features_see_the_area_not_the_bars(sort_data):
    """The field runs on the first frame without its bars: rearranging the bars (here: the last
    ground-truth frame, sorted) leaves every column's features as they were."""
    m = model_for(sort_data)
    _, cells = gt(sort_data, 6)
    instr = torch.zeros(6, 40, dtype=torch.long)
    with torch.no_grad():
        first, last = m.features(cells[:, 0], instr), m.features(cells[:, -1], instr)
    assert not torch.equal(cells[:, 0], cells[:, -1])
    assert torch.allclose(first, last)
    assert first.std(1).min() > 0  # columns in and out of the area differ


def test_samples_keep_bars_whole_step_one_place_and_stay_in_the_area(sort_data):
    m = model_for(sort_data)
    _, cells = gt(sort_data, 12)
    judge = make_judges(sort_data.appearances, m.C)["sort"]
    instr = torch.zeros(12, 40, dtype=torch.long)
    _, _, area = m.columns(cells[:, 0])
    logits = []
    for seed in (1, 2):
        z = torch.cat([m.noise(seed * 100 + i) for i in range(12)])
        with torch.no_grad():
            logits.append(m.sample_logits(z, cells[:, 0], instr))
        videos = m.hard_cells(logits[-1], cells[:, 0])
        for v in videos:
            verdict = judge(v.numpy())
            assert verdict["sort.intact"] == 1 and verdict["sort.swap"] == 1
        outside = (area == 0)[:, None, None, :].expand(-1, m.T, m.C, -1).reshape(12, m.T, -1)
        assert torch.equal(videos[outside], cells[:, :1].expand(-1, m.T, -1)[outside])  # nothing crosses the edge
    assert not torch.allclose(logits[0], logits[1]), "the choices depend on the noise"


def test_the_full_sampler_reads_permutations_and_the_preview_a_blend(sort_data):
    """hard=True (the sampler) rolls each frame's most likely choice forward, so its states are
    permutations; the one-step preview mixes columns by the choices' probabilities."""
    m = model_for(sort_data)
    _, cells = gt(sort_data, 4)
    z = torch.cat([m.noise(i) for i in range(4)])
    instr = torch.zeros(4, 40, dtype=torch.long)
    with torch.no_grad():
        hard = m.forward(z, torch.ones(4), cells[:, 0], instr, hard=True)
        soft = m.one_step_logits(z, cells[:, 0], instr)
    assert torch.allclose(hard[:, 0], soft[:, 0])  # the first frame reads the same state either way
    preview = m.surrogate_frames(soft, cells[:, 0])
    assert not torch.allclose(preview, m.render(m.hard_cells(soft, cells[:, 0])))


def test_the_teachers_tto_loop_steers_the_bars_reasoner(sort_data):
    """tto.optimize, the loop the teacher drives, on the bars reasoner: the first frame's cells are
    read back from its pixels, the loss is finite and moves, and the LoRA gets gradients."""
    m = model_for(sort_data)
    res = run_tto_loop(m, sort_data)
    judge = make_judges(sort_data.appearances, m.C)["sort"]
    assert all(judge(v.numpy())["sort.intact"] == 1 for v in res["final_cells"])
