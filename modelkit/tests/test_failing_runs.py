"""failing_runs on the committed blocks models: exactly the runs the evaluator fails are described, each with the
rules its final video breaks, its candidates and its preview's loss along the budget."""
import numpy as np

from test_tto import push_tasks
from teacher_studio_modelkit.failing_runs import failing_runs
from teacher_studio_modelkit.rules import make_judges


def test_every_failing_run_and_only_those_is_described(blocks_package, tmp_path_factory):
    _, r, a, _, _ = blocks_package
    push, tb = push_tasks(blocks_package, tmp_path_factory)
    ok, out = failing_runs(r, a, make_judges(push.appearances, r.C), tb, 0.01, max_steps=2, seeds=3)
    assert ok.dtype == bool and len(ok) == len(tb)
    n = int((~ok).sum())
    assert n > 0  # the committed reasoner fails some held-out pushes within 2 updates
    assert all(len(v) == n for v in out.values())
    assert all(broken for broken in out["broken"])  # a failing video breaks at least one rule
    assert all(p[1] <= min(p[0], p[2]) for p in out["preview loss"])  # the lowest is the lowest
    assert set(np.flatnonzero(np.array(out["teacher's pick right"]))) <= set(np.flatnonzero(np.array(out["right candidate"])))
