"""Late faults (answerer training videos of the blocks package): from a frame in the second half to
the last, one block is gone or doubled and nothing else changes; the judges fail them on the intact
rule and on the goal rule; a vanished block that was placed on its outline leaves the outline."""
import numpy as np
import pytest

from conftest import generate_suite_data
from teacher_studio_modelkit.late_faults import fault_ids, late_fault, late_faults
from teacher_studio_modelkit.rules import make_judges

GOAL = {"fall": "fall.rest", "push": "push.on_target"}


@pytest.fixture(scope="module", params=["fall", "push"])
def data(request, tmp_path_factory):
    fam = request.param
    return generate_suite_data(tmp_path_factory, f"late-{fam}", f"--split heldout --n 24 --families {fam} "
                                                                "--corrupt-fraction 0 --first-seed 3000")


def blocks_per_frame(cells, ids):
    return np.isin(cells, ids["object"] + ids["placed"]).sum(-1)


@pytest.mark.parametrize("kind,change", [("vanish", -1), ("duplicate", 1)])
def test_one_block_less_or_more_to_the_end_and_the_judges_fail_it(data, kind, change):
    ids = fault_ids({a["name"]: a["id"] for a in data.appearances})
    judge = make_judges(data.appearances, data.geometry["canvasCells"])[data.instances[0]["family"]]
    rng = np.random.default_rng(0)
    T = data.cells.shape[1]
    for i in range(len(data.instances)):
        cells = np.asarray(data.cells[i]).reshape(T, -1)
        assert all(judge(cells).values()), "ground truth passes every rule"
        bad = late_fault(cells, ids, rng, kind)
        assert bad is not None
        differs = (bad != cells).any(-1)
        start = int(np.argmax(differs))
        assert start >= T // 2 and differs[start:].all() and not differs[:start].any()
        assert (blocks_per_frame(bad, ids)[start:] == blocks_per_frame(cells, ids)[start:] + change).all()
        verdict = judge(bad)
        assert verdict[f"{data.instances[i]['family']}.intact"] == 0 and verdict[GOAL[data.instances[i]["family"]]] == 0


def test_a_placed_block_that_vanishes_leaves_its_outline(data):
    ids = fault_ids({a["name"]: a["id"] for a in data.appearances})
    T = data.cells.shape[1]
    placed = [i for i in range(len(data.instances))
              if np.isin(np.asarray(data.cells[i][-1]), ids["placed"]).any()]
    if data.instances[0]["family"] == "fall":
        assert not placed, "fall has no outlines"
        return
    assert placed
    for i in placed:
        cells = np.asarray(data.cells[i]).reshape(T, -1)
        for seed in range(8):
            bad = late_fault(cells, ids, np.random.default_rng(seed), "vanish")
            for p, t in zip(ids["placed"], ids["target"]):
                gone = (cells[-1] == p) & (bad[-1] != p)
                assert (bad[-1][gone] == t).all()


def test_late_faults_alternate_kinds_over_the_tasks(data):
    kept, cells = late_faults(data, list(range(len(data.instances))), seed=1, n=len(data.instances))
    ids = fault_ids({a["name"]: a["id"] for a in data.appearances})
    T = data.cells.shape[1]
    before = np.stack([blocks_per_frame(np.asarray(data.cells[i]).reshape(T, -1), ids)[-1] for i in kept])
    after = blocks_per_frame(cells, ids)[:, -1]
    assert cells.dtype == np.uint8 and len(kept) == len(data.instances)
    assert ((after - before)[0::2] == -1).all() and ((after - before)[1::2] == 1).all()
    assert late_faults(data, list(range(len(data.instances))), seed=1, n=3)[0] == kept[:3]
    none, empty = late_faults(data, list(range(len(data.instances))), n=0)
    assert none == [] and empty.shape == (0, T, cells.shape[2])
