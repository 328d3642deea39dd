"""base_check.split_tasks: the held-out tasks a measurement reads (compute_match, answerer_pressure)."""
import pytest
import torch


def test_skipping_the_first_tasks_keeps_each_task_and_its_noise(small_test_split):
    """split_tasks(first=k): the n tasks after the split's first k, each the task a reading from the start has at
    that index (instruction, first frame, queries) with the same noise; past the 8 the set holds, from the larger set
    of the same first seed, whose first 8 are the set's (what compute_match --first 1024 --tasks 3072 relies on)."""
    from teacher_studio_modelkit import evaluate as ev
    base_check, made = small_test_split
    r, _, _, start = base_check.split_tasks("blocks", "test", 8)
    _, _, _, after = base_check.split_tasks("blocks", "test", 4, first=3)
    assert after.idx == [3, 4, 5, 6] and start.idx == list(range(8))
    for k in ("cells0", "instr", "queries", "weights"):
        assert torch.equal(getattr(after, k), getattr(start, k)[3:7])
    assert after.rules == start.rules[3:7] and after.families == start.families[3:7]
    assert torch.equal(ev.noise_for(r, after.idx, 0), ev.noise_for(r, start.idx, 0)[3:7])
    _, _, _, past = base_check.split_tasks("blocks", "test", 5, first=6)  # tasks 6..10: the 11-task set
    assert past.idx == [6, 7, 8, 9, 10] and len(made) == 2
    assert torch.equal(past.cells0[:2], start.cells0[6:8]) and torch.equal(past.instr[:2], start.instr[6:8])
    assert not torch.equal(past.cells0[2:4], past.cells0[:2])  # new tasks, not the last ones again
    with pytest.raises(ValueError, match="how many"):
        base_check.split_tasks("blocks", "test", first=3)
