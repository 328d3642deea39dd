"""What the tests of the family reasoners (test_objects, test_bars, test_connect) share: an untrained
reasoner on a gen-data set's geometry and sprites, its ground-truth cells, the judge's agreement with
the suite's labels, one run of the teacher's TTO loop, and the hard rollout's check (test_reasoner too)."""
import numpy as np
import torch

from teacher_studio_modelkit.reasoner import reasoner_on
from teacher_studio_modelkit.rules import cells_from_frames, make_judges

VOCAB = 50  # word ids of the random queries below


def model_for(cls, data, *ids, seed=0):
    """cls(appearances, VOCAB, *ids, the data's geometry, 2 field iterations) with the data's sprites,
    its weights from `seed`, in eval mode."""
    torch.manual_seed(seed)
    return reasoner_on(cls, data, VOCAB, *ids, iterations=2).eval()


def appearance_ids(data):
    return {a["name"]: a["id"] for a in data.appearances}


def gt(data, n=24):
    """(indices, cells [n, T, C*C] long) of the data set's first n ground-truth videos."""
    idx = [i for i, x in enumerate(data.instances) if x["variant"] == "gt"][:n]
    return idx, torch.from_numpy(data.cells[idx].reshape(len(idx), data.cells.shape[1], -1).astype(np.int64))


def judge_agreement(data, family):
    """The Python judge of `family` on the cells read back from every video's frames, against the
    suite's labels: (verdicts that agree, verdicts, variants seen)."""
    judge = make_judges(data.appearances, data.geometry["canvasCells"])[family]
    cells = cells_from_frames(np.asarray(data.frames), data.sprites)
    agree, total, variants = 0, 0, set()
    for k, inst in enumerate(data.instances):
        got = judge(cells[k])
        for rule, y in inst["labels"].items():
            total += 1
            agree += int(got[rule] == y)
        variants.add(inst["variant"])
    return agree, total, variants


def run_tto_loop(m, data):
    """tto.optimize, the loop the teacher drives, for two steps from four ground-truth first frames with
    an untrained answerer and random queries. Checks that the first frame's cells read back from its
    pixels and that the loss is finite and moves; returns optimize's result."""
    from teacher_studio_modelkit.data import MAX_QUERY
    from teacher_studio_modelkit.teacher import Answerer
    from teacher_studio_modelkit.tto import optimize
    _, cells = gt(data, 4)
    c0 = cells[:, 0]
    assert torch.equal(torch.stack([m.encode_first_frame(f) for f in m.render(c0)]), c0)
    torch.manual_seed(1)
    ans = Answerer(m.A, VOCAB, m.C, m.T, m.px, MAX_QUERY).eval()
    queries = torch.randint(4, VOCAB, (4, 2, MAX_QUERY))
    z = torch.cat([m.noise(i) for i in range(4)])
    res = optimize(m, ans, z, c0, torch.zeros(4, 40, dtype=torch.long), queries, torch.tensor([[0.5, 0.5]] * 4),
                   tau=-1, max_steps=2)
    assert torch.isfinite(res["losses"]).all() and not torch.equal(res["losses"][:, 0], res["losses"][:, -1])
    return res


def check_hard_rollout(m, cells0):
    """forward(hard=True) moves the objects between frames by each frame's most likely moves: its logits are
    those of the same network fed those moves as ground truth (as in training); the first frame reads the
    same state as the soft rollout, later frames other states once a move is uncertain."""
    n = len(cells0)
    z = torch.cat([m.noise(i) for i in range(n)])
    instr = torch.zeros(n, 40, dtype=torch.long)
    t = torch.ones(n)
    with torch.no_grad():
        hard = m.forward(z, t, cells0, instr, hard=True)
        fed = m.forward(z, t, cells0, instr, teacher_moves=hard.argmax(-1))
        soft = m.forward(z, t, cells0, instr)
    assert torch.allclose(hard, fed, atol=1e-5)
    assert torch.allclose(hard[:, 0], soft[:, 0])
    assert not torch.allclose(hard, soft, atol=1e-3)
    return z, instr
