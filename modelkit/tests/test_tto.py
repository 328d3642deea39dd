"""The batched PyTorch TTO loop equals separate runs per task, only touches the LoRA, stops a
task once its loss is under tau (and, with confirm, once the final video agrees), and renders the
final video with the lowest-loss LoRA visited."""
import torch

from teacher_studio_modelkit.teacher import Answerer
from teacher_studio_modelkit.tto import optimize, query_weights, task_losses
from test_reasoner import gt_batch, reasoner_for


def setup(data):
    r = reasoner_for(data)
    torch.manual_seed(1)
    a = Answerer(r.A, 50).eval()
    _, cells = gt_batch(data, 3)
    instr = torch.zeros(3, 40, dtype=torch.long)
    q = torch.randint(4, 50, (3, 4, 24))
    w = torch.stack([query_weights(["goal", "process", "process"])] * 3)
    z = torch.cat([r.noise(i) for i in range(3)])
    return r, a, z, cells[:, 0], instr, q, w


def test_batched_loop_equals_separate_runs_and_leaves_models_frozen(suite_data):
    r, a, z, c0, instr, q, w = setup(suite_data)
    before = [p.clone() for p in list(r.parameters()) + list(a.parameters())]
    both = optimize(r, a, z, c0, instr, q, w, tau=-1, max_steps=4, seed0=0)
    for i in range(3):
        one = optimize(r, a, z[i:i + 1], c0[i:i + 1], instr[i:i + 1], q[i:i + 1], w[i:i + 1], tau=-1, max_steps=4,
                       seed0=i)
        assert torch.allclose(one["losses"][0], both["losses"][i], atol=1e-4)
    assert both["losses"][:, -1].mean() < both["losses"][:, 0].mean()  # the teacher's loss goes down
    after = list(r.parameters()) + list(a.parameters())
    assert all(torch.equal(x, y) for x, y in zip(before, after))


def test_early_stop_at_tau(suite_data):
    r, a, z, c0, instr, q, w = setup(suite_data)
    first = optimize(r, a, z, c0, instr, q, w, tau=-1, max_steps=0)["losses"][:, 0]
    tau = float(first.median())
    res = optimize(r, a, z, c0, instr, q, w, tau=tau, max_steps=3, confirm=False)
    stopped = first <= tau
    assert (res["stop_step"][stopped] == 0).all() and res["confident"][stopped].all()


def push_tasks(blocks_package, tmp_path_factory):
    """24 held-out push tasks for the committed blocks models: (their data, evaluate.TaskBatch)."""
    from conftest import generate_suite_data
    from teacher_studio_modelkit import evaluate as ev
    push = generate_suite_data(tmp_path_factory, "push-confirm", "--split heldout --n 24 --families push "
                                                                 "--corrupt-fraction 0 --first-seed 9000")
    return push, ev.TaskBatch(push, blocks_package[4], range(24))


def step_zero_losses(blocks_package, tmp_path_factory):
    """24 held-out push tasks on the committed blocks models, and at step 0 (the base sample's noise, a fresh
    LoRA) the teacher's loss on each one-step preview and on each base video: (r, a, tb, z, zero, preview, final)."""
    from teacher_studio_modelkit import evaluate as ev
    _, r, a, _, _ = blocks_package
    _, tb = push_tasks(blocks_package, tmp_path_factory)
    z = ev.noise_for(r, tb.idx, 0)
    zero = optimize(r, a, z, tb.cells0, tb.instr, tb.queries, tb.weights, tau=-1, max_steps=0, confirm=False)
    with torch.no_grad():
        final = task_losses(a(r.render(zero["final_cells"]), tb.queries), tb.weights)
    return r, a, tb, z, zero, zero["losses"][:, 0], final


def test_a_confident_preview_stops_only_when_the_final_video_confirms_it(blocks_package, tmp_path_factory):
    """On the committed blocks models (a random teacher scores previews and final videos alike): a
    task whose preview pleases the teacher more than its final video runs on, scored by its final
    video; a task confident on both stops at once; without confirm both stop on the preview."""
    r, a, tb, z, zero, preview, final = step_zero_losses(blocks_package, tmp_path_factory)
    i = int((final - preview).argmax())  # the largest gap: preview confident, final video not
    assert final[i] > preview[i] + 0.05
    tau = float(preview[i] + final[i]) / 2
    j = int(torch.maximum(preview, final).argmin())  # confident on both once its weights are scaled down
    pick = [i, j]
    w = tb.weights[pick] * torch.tensor([[1.0], [0.5 * tau / float(max(preview[j], final[j]))]])
    args = (r, a, z[pick], tb.cells0[pick], tb.instr[pick], tb.queries[pick], w)
    plain = optimize(*args, tau=tau, max_steps=2, lr=0.0, confirm=False)
    assert (plain["stop_step"] == 0).all() and plain["confident"].all()
    res = optimize(*args, tau=tau, max_steps=2, lr=0.0)  # lr 0: every step is the same state
    assert res["confident"].tolist() == [False, True]
    assert res["stop_step"].tolist() == [2, 0] and res["checks"].tolist() == [3, 1]
    assert abs(float(res["best_loss"][0]) - float(final[i])) < 1e-4  # scored by its final video
    assert torch.equal(res["final_cells"], zero["final_cells"][pick])


def test_check_base_ends_a_run_on_a_confident_base_video(blocks_package, tmp_path_factory):
    """check_base: the teacher looks at the base video before the first update. A task whose base video
    pleases it more than its preview stops at step 0 with that video; the others are checked once, keep
    its loss as step 0's score (until a better preview replaces it), and run on. Without check_base the first task runs on too."""
    r, a, tb, z, zero, preview, final = step_zero_losses(blocks_package, tmp_path_factory)
    i = int((preview - final).argmax())  # the largest gap: final video confident, preview not
    assert preview[i] > final[i] + 0.05
    tau = float(preview[i] + final[i]) / 2
    j = int(torch.minimum(preview, final).argmax())  # neither confident
    assert min(preview[j], final[j]) > tau
    pick = [i, j]
    args = (r, a, z[pick], tb.cells0[pick], tb.instr[pick], tb.queries[pick], tb.weights[pick])
    plain = optimize(*args, tau=tau, max_steps=2, lr=0.0)
    assert not plain["confident"].any() and plain["checks"].tolist() == [0, 0]
    res = optimize(*args, tau=tau, max_steps=2, lr=0.0, check_base=True)
    assert res["confident"].tolist() == [True, False]
    assert res["stop_step"].tolist() == [0, 2] and res["checks"].tolist() == [1, 1]
    assert torch.equal(res["final_cells"], zero["final_cells"][pick])
    assert abs(float(res["best_loss"][0]) - float(preview[i])) < 1e-4
    unconfirmed = optimize(*args, tau=tau, max_steps=2, lr=0.0, check_base=True, confirm=False)
    assert not unconfirmed["confident"].any()  # without confirm there is no final video to judge: no effect
    once = optimize(*args, tau=tau, max_steps=0, check_base=True)
    assert abs(float(once["best_loss"][1]) - float(final[j])) < 1e-4  # step 0 scored by its base video


def test_final_video_comes_from_the_lowest_loss_lora(suite_data):
    r, a, z, c0, instr, q, w = setup(suite_data)
    res = optimize(r, a, z, c0, instr, q, w, tau=-1, max_steps=5, lr=0.5)  # a large step: the loss jumps around
    assert torch.allclose(res["best_loss"], res["losses"].min(1).values)
    with torch.no_grad():
        again = r.hard_cells(r.sample_logits(z, c0, instr, res["best_lora"]), c0)
    assert torch.equal(again, res["final_cells"])


def test_optimize_tasks_in_chunks_equals_one_batch(suite_data, monkeypatch):
    from teacher_studio_modelkit import evaluate as ev
    from teacher_studio_modelkit.data import Vocabulary
    from teacher_studio_modelkit.rules import make_judges
    r, a, *_ = setup(suite_data)
    vocab = Vocabulary.build([i["instruction"] for i in suite_data.instances] +
                             [x["query"] for x in suite_data.rules.values()])
    tb = ev.TaskBatch(suite_data, vocab, [i for i, x in enumerate(suite_data.instances) if x["variant"] == "gt"][:3])
    tb.instr, tb.queries = tb.instr.clamp(max=49), tb.queries.clamp(max=49)  # the test models know 50 words
    judges = make_judges(suite_data.appearances, r.C)
    # the reference runs the same two pieces by hand (float results depend on the batch's size, so a
    # 3-task batch is not bitwise a 2-task one; test_batched_loop_equals_separate_runs covers that)
    pieces = [optimize(r, a, ev.noise_for(r, tb.idx[s], 0), tb.cells0[s], tb.instr[s], tb.queries[s], tb.weights[s],
                       max_steps=3) for s in (slice(0, 2), slice(2, 3))]
    whole = {k: torch.cat([p[k] for p in pieces]) for k in ("final_cells", "stop_step", "confident")}
    monkeypatch.setattr(ev, "CHUNK", 2)
    done = []
    parts = ev.optimize_tasks(r, a, tb, judges, max_steps=3, progress=lambda d, n: done.append((d, n)))
    assert torch.equal(parts["final_cells"], whole["final_cells"])
    assert torch.equal(parts["stop_step"], whole["stop_step"]) and torch.equal(parts["confident"], whole["confident"])
    assert parts["curve"].shape == (3, 4) and done == [(2, 3), (3, 3)]


def test_final_video_rendered_once_per_run(suite_data, monkeypatch):
    """A run renders its final video once, at the last step or after an early stop: the compute match
    (experiment.run_costs) reads a run of no updates as one preview plus one video."""
    r, a, z, c0, instr, q, w = setup(suite_data)
    calls = []
    real = r.sample_logits
    monkeypatch.setattr(r, "sample_logits", lambda *x, **k: calls.append(1) or real(*x, **k))
    for steps in (0, 2):
        calls.clear()
        optimize(r, a, z, c0, instr, q, w, tau=-1, max_steps=steps)
        assert len(calls) == 1
    calls.clear()  # every task stops at step 0 on its preview: the loop breaks before the last step
    res = optimize(r, a, z, c0, instr, q, w, tau=1e9, max_steps=3, confirm=False)
    assert res["confident"].all() and len(calls) == 1


def test_the_compute_match_runs_the_step_budget_it_is_given(blocks_package, tmp_path_factory):
    """experiment.tto_and_matched_candidates (compute_match --max-steps): no run goes past the budget, a run the
    teacher never confirms ends at it, and the longer budget runs more updates on the same tasks."""
    from teacher_studio_modelkit.experiment import tto_and_matched_candidates
    from teacher_studio_modelkit.rules import make_judges
    _, r, a, _, _ = blocks_package
    push, tb = push_tasks(blocks_package, tmp_path_factory)
    judges = make_judges(push.appearances, r.C)
    out = {k: tto_and_matched_candidates(r, a, judges, tb, 0.01, max_steps=k) for k in (1, 3)}
    for k, m in out.items():
        res = m["res"]
        assert int(res["stop_step"].max()) <= k
        assert (res["stop_step"][~res["confident"]] == k).all()
        assert m["cands"].shape == (len(tb), m["picks"].shape[1])
    assert (~out[3]["res"]["confident"]).any()  # some run goes on past one update
    assert out[3]["res"]["stop_step"].float().mean() > out[1]["res"]["stop_step"].float().mean()


def test_compute_match_prices_a_run_by_its_pieces():
    """N candidates cost what the mean run costs: its step-0 preview, its updates at the marginal step cost,
    a scored video per stop check, an unscored last render where no check confirmed."""
    from teacher_studio_modelkit.experiment import matched_n
    costs = {"first": 0.010, "step": 0.030, "sample": 0.010, "candidate": 0.020}
    res = {"stop_step": torch.tensor([0, 8]), "checks": torch.tensor([1, 2]), "confident": torch.tensor([True, False])}
    # mean run: 0.010 + 4 * 0.030 + 1.5 * 0.020 + 0.5 * 0.010 = 0.165 s = 8.25 candidates
    assert matched_n(res, costs, check_base=False) == 8
    # the base check judges the base video before the step-0 preview: the first run ended on it needs none
    # (0.005 + 4 * 0.030 + 1.5 * 0.020 + 0.5 * 0.010 = 0.160 s = 8.0 candidates)
    assert matched_n(res, costs, check_base=True) == 8
    costs["first"] = 0.040
    assert (matched_n(res, costs, check_base=False), matched_n(res, costs, check_base=True)) == (10, 9)  # 9.75, 8.75
    res = {"stop_step": torch.tensor([0]), "checks": torch.tensor([1]), "confident": torch.tensor([True])}
    assert matched_n(res, costs, check_base=False) == 3  # 0.060 s
    assert matched_n(res, costs, check_base=True) == 2  # 1 candidate: never fewer than 2


def test_the_compute_match_slots_steer_the_mixer_from_the_package_sample(blocks_package, tmp_path_factory):
    """compute_match --slots both (objects_lora_probe.with_slots): the package's reasoner, unchanged, with a LoRA on the
    move mixer too: a fresh LoRA gives the package's own videos, the loop's updates reach the mixer's slot, and the
    package's reasoner is left as it was (attention slots only)."""
    from teacher_studio_modelkit import evaluate as ev
    from teacher_studio_modelkit.objects_lora_probe import with_slots
    _, r, a, _, _ = blocks_package
    _, tb = push_tasks(blocks_package, tmp_path_factory)
    both = with_slots(r, "both")
    names = [n for n, _ in both.lora_specs()]
    assert names[:-2] == [n for n, _ in r.lora_specs()] and names[-2:] == ["lora.mix.A", "lora.mix.B"]
    z = ev.noise_for(r, tb.idx, 0)
    with torch.no_grad():
        fresh = both.lora_init(0)
        assert torch.equal(both.hard_cells(both.sample_logits(z, tb.cells0, tb.instr, fresh), tb.cells0),
                           r.hard_cells(r.sample_logits(z, tb.cells0, tb.instr), tb.cells0))
    res = optimize(both, a, z, tb.cells0, tb.instr, tb.queries, tb.weights, max_steps=2, confirm=False)
    went_on = res["stop_step"] > 0
    assert went_on.any()
    mix_b = res["best_lora"][-1]
    assert (mix_b[went_on].abs().amax((1, 2)) > 0).any()
    assert len(r.lora_specs()) == 8 and type(r).__name__ == "ObjectsReasoner"
