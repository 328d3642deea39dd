"""compute_match --pick K (experiment.tto_and_matched_candidates): each run starts from the noise of the teacher's
pick among the task's first K candidates, and pays for them."""
import numpy as np
import pytest
import torch


def test_a_noise_per_task_is_each_task_alone(blocks_package):
    """evaluate.noise_for with a seed per task gives each task the noise a one-seed call gives it."""
    from teacher_studio_modelkit import evaluate as ev
    r = blocks_package[1]
    ids, seeds = [4, 9, 11], [2, 0, 5]
    per_task = ev.noise_for(r, ids, np.array(seeds))
    for k, (t, s) in enumerate(zip(ids, seeds)):
        assert torch.equal(per_task[k:k + 1], ev.noise_for(r, [t], s))
    assert not torch.equal(per_task, ev.noise_for(r, ids, 0))


def test_a_run_starts_from_the_teachers_pick_and_pays_for_its_candidates(small_test_split):
    """With pick=3 the pool is best-of-N's first three candidates (seeds 0-2), each run's noise is the lowest-loss
    one's, so a run its base check ends keeps the picked video (seen on a task whose pick is not seed 0 and whose
    seed-0 video differs), and a run costs the pool's two other candidates more than the loop from its noise;
    pick=1 is the method's loop from the base sample's noise, as before."""
    from teacher_studio_modelkit import evaluate as ev, experiment
    base_check, _ = small_test_split
    r, ans, judges, tb = base_check.split_tasks("blocks", "test", 8)
    m = experiment.tto_and_matched_candidates(r, ans, judges, tb, 0.01, max_steps=2, pick=3)
    hi = m["picks"].shape[1]
    cands, losses = experiment.candidates(r, ans, judges, tb, hi)
    assert hi >= 3 and np.array_equal(m["cands"], cands)
    assert np.array_equal(m["seeds"], losses[:, :3].argmin(1))
    res = m["res"]
    ended = (res["confident"] & (res["stop_step"] == 0)).numpy()
    seen = 0
    for k in np.flatnonzero(ended):
        one = tb.take([k])
        picked = ev.sample_cells(r, one, int(m["seeds"][k]))[0]
        assert torch.equal(res["final_cells"][k], picked)
        seen += int(m["seeds"][k] != 0 and not torch.equal(picked, ev.sample_cells(r, one, 0)[0]))
    assert seen > 0
    assert m["n"] == pytest.approx(2 + experiment.matched_candidates(res, m["costs"]))
    loop = experiment.tto_and_matched_candidates(r, ans, judges, tb, 0.01, max_steps=2)
    alone = ev.optimize_tasks(r, ans, tb, lr=0.01, check_base=True, max_steps=2)
    assert torch.equal(loop["res"]["final_cells"], alone["final_cells"]) and not loop["seeds"].any()
