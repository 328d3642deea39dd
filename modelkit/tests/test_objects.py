"""The objects reasoner (fall, push): the Python fall and push judges agree with the task suite's
labels (ground truth and every corruption); the full decoder reproduces the suite's ground-truth frames from
ground-truth moves; the surrogate equals the hard render when the moves are certain; the contact
features see a block below and see it leave; one MatMul moves positions as each shift matrix
does, and step, contacts and any_other keep their definitions; training computes only the fields of
the colours present, with the same loss and gradients; samples draw every block once per frame with steps of
at most one cell, and the full sampler rolls the blocks along its own most likely moves; each colour's
field ignores where the blocks are and differs from the others' only through the outlines."""
import numpy as np
import pytest
import torch

from conftest import generate_suite_data
from family_checks import check_hard_rollout, gt, judge_agreement, run_tto_loop
from family_checks import appearance_ids as family_ids
from family_checks import model_for as family_model
from teacher_studio_modelkit.objects import ObjectsReasoner, appearance_ids, object_moves_from_cells, objects_flow_loss
from teacher_studio_modelkit.reasoner import MOVES, noised_latents
from teacher_studio_modelkit.rules import OBJECT_COLOURS

DOWN = MOVES.index((1, 0))


def generate(tmp_path_factory, family):
    """A small gen-data set of one family (about a second)."""
    return generate_suite_data(tmp_path_factory, family, f"--split heldout --n 160 --families {family} "
                                                          "--corrupt-fraction 0.6 --first-seed 7000")


@pytest.fixture(scope="module", params=["fall", "push"])
def blocks_data(request, tmp_path_factory):
    """A family with several coloured blocks."""
    return generate(tmp_path_factory, request.param)


@pytest.fixture(scope="module")
def push_data(tmp_path_factory):
    return generate(tmp_path_factory, "push")


def model_for(data, seed=0):
    ids = family_ids(data)
    return family_model(ObjectsReasoner, data, *appearance_ids(ids), ids["floor"], seed=seed)


def certain(moves):
    return torch.nn.functional.one_hot(moves, len(MOVES)).float() * 50.0


def test_judge_matches_gen_data_labels(blocks_data):
    family = blocks_data.instances[0]["family"]
    agree, total, variants = judge_agreement(blocks_data, family)
    assert len(variants) > 4 and total > 300
    assert agree == total, f"{agree}/{total} verdicts agree"


def test_ground_truth_moves_render_the_ground_truth_frames(blocks_data):
    m = model_for(blocks_data)
    idx, cells = gt(blocks_data)
    moves = object_moves_from_cells(cells, m)
    assert (moves > 0).any(), "the ground truth must hold moves"
    got = m.hard_cells(certain(moves), cells[:, 0])
    assert torch.equal(got, cells)
    assert np.array_equal(m.render(got).round().to(torch.uint8).numpy(), np.asarray(blocks_data.frames[idx]))


def test_surrogate_equals_hard_render_when_moves_are_certain(blocks_data):
    m = model_for(blocks_data)
    _, cells = gt(blocks_data, 6)
    soft = m.surrogate_frames(certain(object_moves_from_cells(cells, m)), cells[:, 0])
    assert torch.allclose(soft, m.render(cells), atol=1e-3)


def test_contacts_see_a_block_below_and_see_it_leave():
    m = ObjectsReasoner(12, 50, [3, 4, 5], [6, 7, 8], [9, 10, 11], floor_id=1, iterations=2)
    N = m.C * m.C
    p = torch.zeros(1, len(OBJECT_COLOURS), N)
    p[0, 0, 3 * m.C + 4] = 1.0  # blue above
    p[0, 1, 4 * m.C + 4] = 1.0  # orange right below it
    stay = m.contacts(m.shifted(p), p)[0]  # [O, up/down/left/right]
    assert stay[0].tolist() == [0.0, 1.0, 0.0, 0.0] and stay[1].tolist() == [1.0, 0.0, 0.0, 0.0]
    fall = torch.zeros(1, len(OBJECT_COLOURS), len(MOVES))
    fall[..., 0] = 1.0
    fall[0, 1] = torch.nn.functional.one_hot(torch.tensor(DOWN), len(MOVES)).float()  # orange falls
    after = m.contacts(m.shifted(p), m.step(fall, m.shifted(p)))[0]
    assert after[0].tolist() == [0.0, 0.0, 0.0, 0.0]  # blue is free to fall in the next pass


@pytest.fixture(scope="module")
def train_rooms(tmp_path_factory):
    """Train-split rooms of both families: one or two blocks, so some colours are absent."""
    return generate_suite_data(tmp_path_factory, "blocks-train", "--split train --n 40 --families fall,push "
                                                                 "--corrupt-fraction 0 --first-seed 7000")


def test_training_computes_only_present_colours_fields_and_the_same_loss_and_gradients(train_rooms):
    """objects_flow_loss passes field(present=...): the fields of the colours a room lacks are left at zero
    instead of computed (nothing reads them). The loss and every gradient are those of all fields computed."""
    m = model_for(train_rooms)
    _, cells = gt(train_rooms, 12)
    moves, instr = object_moves_from_cells(cells, m), torch.randint(4, 40, (12, 40))
    present = m.starts(cells[:, 0]).sum(-1) > 0
    assert 0 < present.sum() < present.numel(), "some colours absent"
    assert (m.field(cells[:, 0], instr, present=present)[~present] == 0).all()

    def all_fields(model, mv, c0, ins):
        x_t, t = noised_latents(model.codes, mv)
        logits = model(x_t, t, c0, ins, teacher_moves=mv)
        weight = model.starts(c0).sum(-1)[:, None].expand_as(mv).reshape(-1)
        ce = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), mv.reshape(-1), reduction="none")
        return (ce * weight).sum() / weight.sum()

    runs = []
    for loss_fn in (objects_flow_loss, all_fields):
        torch.manual_seed(0)
        loss = loss_fn(m, moves, cells[:, 0], instr)
        runs.append((loss, torch.autograd.grad(loss, list(m.parameters()), allow_unused=True)))
    (a, ga), (b, gb) = runs
    torch.testing.assert_close(a, b)
    for x, y in zip(ga, gb):
        assert (x is None) == (y is None)
        if x is not None:
            torch.testing.assert_close(x, y)


def test_one_matmul_moves_positions_as_each_shift_matrix_does():
    """shifted (p @ shift_all, all moves at once) is p @ shift[k] for every k; step and contacts read it
    as their per-move definitions say (the forms of the rollout before 2026-12-03, ~2x the graph nodes)."""
    m = ObjectsReasoner(12, 50, [3, 4, 5], [6, 7, 8], [9, 10, 11], floor_id=1, iterations=2).double()
    g = torch.Generator().manual_seed(0)
    p = torch.softmax(torch.randn(2, len(OBJECT_COLOURS), m.C * m.C, generator=g, dtype=torch.float64), -1)
    probs = torch.softmax(torch.randn(2, len(OBJECT_COLOURS), len(MOVES), generator=g, dtype=torch.float64), -1)
    moved = torch.softmax(torch.randn(p.shape, generator=g, dtype=torch.float64), -1)
    shifted = m.shifted(p)
    for k in range(len(MOVES)):
        torch.testing.assert_close(shifted[:, :, k], p @ m.shift[k], rtol=0, atol=0)
    torch.testing.assert_close(m.step(probs, shifted), sum(probs[..., k:k + 1] * (p @ m.shift[k]) for k in range(len(MOVES))))
    others = moved.sum(1, keepdim=True) - moved
    torch.testing.assert_close(m.contacts(shifted, moved), torch.stack(
        [((p @ m.shift[k]) * others).sum(-1) for k in range(1, len(MOVES))], -1))


def test_samples_draw_each_block_once_with_small_steps(blocks_data):
    m = model_for(blocks_data)
    _, cells = gt(blocks_data, 8)
    instr = torch.zeros(8, 40, dtype=torch.long)
    present = m.starts(cells[:, 0]).sum(-1) > 0  # [B, O]
    videos = []  # the move logits of each noise seed
    for seed in (1, 2):
        z = torch.cat([m.noise(seed * 100 + i) for i in range(8)])
        with torch.no_grad():
            logits = m.sample_logits(z, cells[:, 0], instr)
        v = m.hard_cells(logits, cells[:, 0])
        videos.append(logits)
        moves = torch.nn.functional.one_hot(logits.argmax(-1), len(MOVES)).float()
        pos = m.positions(moves, cells[:, 0]).argmax(-1)  # [B, T, O]
        step = (pos[:, 1:] // m.C - pos[:, :-1] // m.C).abs() + (pos[:, 1:] % m.C - pos[:, :-1] % m.C).abs()
        assert (step <= 1).all()
        for o in range(len(m.object_ids)):
            drawn = ((v == m.object_ids[o]) | (v == m.placed_ids[o])).sum(-1)  # [B, T]
            assert (drawn <= 1).all()
            shared = torch.stack([(pos[:, :, o] == pos[:, :, j]) & present[:, None, j]
                                  for j in range(len(m.object_ids)) if j != o], -1).any(-1)
            want = present[:, o, None] & ~shared
            assert (drawn[want] == 1).all()  # a present block is drawn unless another shares its cell
            assert (drawn[~present[:, o]] == 0).all()
    assert not torch.allclose(videos[0], videos[1]), "the move logits depend on the noise"


def test_the_full_sampler_rolls_the_blocks_along_its_own_most_likely_moves(push_data):
    """hard=True (the sampler) moves the blocks between frames by each frame's most likely moves, the
    moves the full decoder draws: its logits are those of the same network fed those moves as if they
    were the ground truth, as in training. The soft rollout (the one-step preview, which keeps the
    gradients) reads other states once a move is uncertain."""
    m = model_for(push_data)
    _, cells = gt(push_data, 8)
    check_hard_rollout(m, cells[:, 0])


def test_push_oracle_loss_is_small_on_ground_truth_and_large_when_nothing_moves(push_data):
    from teacher_studio_modelkit.objects_experiment import push_oracle_loss
    m = model_for(push_data)
    _, cells = gt(push_data, 8)
    wall = {a["name"]: a["id"] for a in push_data.appearances}["wall"]
    moves = object_moves_from_cells(cells, m)
    good = push_oracle_loss(m, certain(moves), cells[:, 0], wall, 1.0)
    frozen = push_oracle_loss(m, certain(torch.zeros_like(moves)), cells[:, 0], wall, 1.0)
    assert (good < 1e-3).all() and (frozen > 5).all()
    spread = certain(moves).requires_grad_(True)
    push_oracle_loss(m, spread / 25.0, cells[:, 0], wall, 1.0).sum().backward()
    assert torch.isfinite(spread.grad).all() and spread.grad.abs().sum() > 0


def test_any_other_is_the_chance_that_another_slot_has_it():
    from teacher_studio_modelkit.objects import any_other
    got = any_other(torch.tensor([[0.5, 0.5, 0.0], [1.0, 0.0, 0.0]]))
    assert torch.allclose(got, torch.tensor([[0.5, 0.5, 0.75], [0.0, 1.0, 1.0]]))
    x = torch.rand(4, 3, 5, dtype=torch.float64)  # several features at once, each on its own
    torch.testing.assert_close(any_other(x), torch.stack([any_other(x[..., i]) for i in range(5)], -1), rtol=0, atol=0)
    for o in range(3):
        torch.testing.assert_close(any_other(x)[:, o], 1 - torch.prod(1 - x[:, [j for j in range(3) if j != o]], 1))


def test_fields_ignore_the_blocks_and_differ_by_outline(blocks_data):
    m = model_for(blocks_data)
    _, cells = gt(blocks_data, 4)
    c0 = cells[:, 0]
    moved = c0.clone()  # the same task with every block on another floor cell
    g = torch.Generator().manual_seed(0)
    for b in range(4):
        blocks = [int(i) for i in torch.nonzero((c0[b, :, None] == m.object_ids).any(-1))]
        floor = torch.nonzero(c0[b] == m.floor_id)[:, 0]
        for cell, new in zip(blocks, floor[torch.randperm(len(floor), generator=g)[:len(blocks)]]):
            moved[b, new], moved[b, cell] = c0[b, cell], m.floor_id
    assert not torch.equal(moved, c0)
    instr = torch.randint(4, 50, (4, 40))
    with torch.no_grad():
        f0, f1 = m.field(c0, instr), m.field(moved, instr)
    assert torch.allclose(f0, f1, atol=1e-5)
    has_outlines = m.outlines(c0).sum((1, 2)) > 0
    same = torch.tensor([torch.allclose(f0[b, 0], f0[b, 1], atol=1e-5) for b in range(4)])
    assert torch.equal(same, ~has_outlines)  # one field per colour where colours have outlines (push)


def test_the_teachers_tto_loop_runs_on_the_objects_reasoner(push_data):
    """tto.optimize, the loop the teacher drives (objects_teacher), on the objects reasoner: the
    first frame's cells are read back from its pixels, the loss is finite, the LoRA moves, and the
    final video keeps every block once."""
    m = model_for(push_data)
    res = run_tto_loop(m, push_data)
    for o in range(len(m.object_ids)):
        drawn = ((res["final_cells"] == m.object_ids[o]) | (res["final_cells"] == m.placed_ids[o])).sum(-1)
        assert (drawn <= 1).all()


def test_lora_probe_slots_start_from_the_same_sample_and_each_slot_steers(push_data):
    """objects_lora_probe compares LoRA placements from the same base videos: a fresh LoRA (B = 0)
    leaves the preview and the sampler unchanged in every placement, and a non-zero B on the mix
    slot (which the attention placement lacks) changes the logits of both."""
    from teacher_studio_modelkit.objects_lora_probe import SLOTS, SlotsProbe
    plain = model_for(push_data)
    probe = SlotsProbe(plain.A, 50, plain.object_ids.tolist(), plain.placed_ids.tolist(), plain.target_ids.tolist(),
                       plain.floor_id, plain.C, plain.T, plain.px, iterations=2)
    probe.load_state_dict(plain.state_dict())
    probe.sprites.copy_(plain.sprites)
    probe.eval()
    _, cells = gt(push_data, 4)
    cells0, instr = cells[:, 0], torch.ones(4, 6, dtype=torch.long)
    z1 = torch.cat([plain.noise(i) for i in range(4)])
    with torch.no_grad():
        ref = plain.one_step_logits(z1, cells0, instr), plain.sample_logits(z1, cells0, instr)
        for slots in SLOTS:
            probe.slots = slots
            lora = probe.lora_init(3)
            torch.testing.assert_close(probe.one_step_logits(z1, cells0, instr, lora), ref[0])
            torch.testing.assert_close(probe.sample_logits(z1, cells0, instr, lora), ref[1])
        probe.slots = "mix"
        a, b = probe.lora_init(3)
        moved = (a, torch.randn_like(b))
        assert (probe.one_step_logits(z1, cells0, instr, moved) - ref[0]).abs().max() > 1e-3
        assert (probe.sample_logits(z1, cells0, instr, moved) - ref[1]).abs().max() > 1e-3
