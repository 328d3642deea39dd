"""Simultaneous moves (answerer training videos of the blocks package): a push video whose blocks take
turns becomes one where their moves overlap in time. Each block keeps its own path, from the same first
frame to the same last cell; some frame now moves two blocks; a block that runs into another is drawn
under it, and only then do the judges fail the video, on push.intact."""
import numpy as np
import pytest

from conftest import generate_suite_data
from teacher_studio_modelkit.late_faults import fault_ids
from teacher_studio_modelkit.rules import make_judges
from teacher_studio_modelkit.simultaneous_moves import block_paths, most_moving, overlapped, simultaneous_videos


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return generate_suite_data(tmp_path_factory, "simultaneous", "--split train --n 48 --families push "
                                                                 "--corrupt-fraction 0 --first-seed 5000")


def test_ground_truth_push_moves_one_block_per_frame(data):
    ids = fault_ids({a["name"]: a["id"] for a in data.appearances})
    T = data.cells.shape[1]
    assert (most_moving(np.asarray(data.cells).reshape(len(data.cells), T, -1), ids) <= 1).all()


def test_overlapped_keeps_each_path_and_moves_blocks_together(data):
    ids = fault_ids({a["name"]: a["id"] for a in data.appearances})
    judge = make_judges(data.appearances, data.geometry["canvasCells"])["push"]
    T = data.cells.shape[1]
    rng = np.random.default_rng(0)
    made = broken = 0
    for i in range(len(data.instances)):
        cells = np.asarray(data.cells[i]).reshape(T, -1)
        two = sum(first is not None for _, first in block_paths(cells, ids).values()) >= 2
        out = overlapped(cells, ids, rng)
        if not two:
            assert out is None, "one moving block has nothing to overlap"
            continue
        if out is None:  # every block drew its own first move as its start
            continue
        made += 1
        assert (out[0] == cells[0]).all() and out.shape == cells.shape
        assert most_moving(out[None], ids)[0] >= 2
        verdict = judge(out)
        if verdict["push.intact"]:
            # every block follows its own path and ends where it did, placed as it was
            assert {k: p for k, (p, _) in block_paths(out, ids).items()} == \
                   {k: p for k, (p, _) in block_paths(cells, ids).items()}
            assert (out[-1] == cells[-1]).all() and verdict == judge(cells)
        else:
            broken += 1
            blocks = np.isin(out, ids["object"] + ids["placed"]).sum(-1)
            assert (blocks < blocks[0]).any(), "a broken one hides a block under another"
    assert made >= 8 and broken < made


def test_simultaneous_videos_draw_twice_per_task_up_to_n(data):
    idx = list(range(len(data.instances)))
    kept, cells = simultaneous_videos(data, idx, seed=1)
    assert cells.dtype == np.uint8 and len(kept) == len(cells) > len(set(kept))
    assert simultaneous_videos(data, idx, seed=1, n=5)[0] == kept[:5]
    assert (simultaneous_videos(data, idx, seed=1)[1] == cells).all()


def test_hidden_block_removes_one_block_that_moves_with_another_for_one_frame(data):
    from teacher_studio_modelkit.simultaneous_moves import hidden_block
    ids = fault_ids({a["name"]: a["id"] for a in data.appearances})
    judge = make_judges(data.appearances, data.geometry["canvasCells"])["push"]
    T = data.cells.shape[1]
    assert hidden_block(np.asarray(data.cells[0]).reshape(T, -1), ids, np.random.default_rng(0)) is None, \
        "a ground-truth video moves one block per frame: nothing to hide"
    kept, cells = simultaneous_videos(data, list(range(len(data.instances))), seed=1)
    made = 0
    for c in cells:
        if most_moving(c[None], ids)[0] < 2:
            continue
        out = hidden_block(c, ids, np.random.default_rng(made))
        blocks = np.isin(out, ids["object"] + ids["placed"]).sum(-1) - np.isin(c, ids["object"] + ids["placed"]).sum(-1)
        t = int(np.flatnonzero(blocks)[0])
        assert blocks.tolist() == [0] * t + [-1] + [0] * (T - t - 1) and 0 < t < T - 1, "one block, one frame, not the last"
        assert (np.delete(out, t, 0) == np.delete(c, t, 0)).all()
        assert not judge(out)["push.intact"], "the judges call it broken"
        made += 1
    assert made >= 8
    n = len(kept)
    with_hidden = simultaneous_videos(data, list(range(len(data.instances))), seed=1, hidden=5)
    assert with_hidden[0][:n] == kept and (with_hidden[1][:n] == cells).all(), "the first videos are the same"
    assert len(with_hidden[0]) == n + 5


def test_broken_rows_say_which_block_vanishes_in_which_frame(data):
    from types import SimpleNamespace
    import torch
    from teacher_studio_modelkit.simultaneous_moves import broken_rows, hidden_block
    ids = fault_ids({a["name"]: a["id"] for a in data.appearances})
    judge = make_judges(data.appearances, data.geometry["canvasCells"])["push"]
    _, cells = simultaneous_videos(data, list(range(len(data.instances))), seed=1)
    intact = next(c for c in cells if judge(c)["push.intact"])
    hidden = hidden_block(intact, ids, np.random.default_rng(0))
    t = int(np.flatnonzero(np.isin(hidden, ids["object"] + ids["placed"]).sum(-1) < np.isin(intact, ids["object"] + ids["placed"]).sum(-1))[0])
    videos = np.stack([intact, hidden])
    tb = SimpleNamespace(families=["push", "push"], rules=[["push.intact"]] * 2)
    rows = broken_rows(torch.tensor([[0.9], [0.7]]), [judge(v) for v in videos], tb, videos, ids)
    assert len(rows) == 1 and rows[0][0] == 1 and rows[0][1] >= 2 and rows[0][3] == pytest.approx(0.7)
    assert rows[0][2].endswith(f"gone in frame {t}") and ";" not in rows[0][2], rows
