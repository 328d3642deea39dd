"""The answerer reads cells, not canvas positions: the same video drawn elsewhere on the canvas gets
the same answers. The trained answerer sees a change at one cell in one frame: a copy of the agent
left behind on the cell it just left (the suite's duplicate), or the agent stepping onto a wall,
turns its answer to the rule that breaks into No."""
import numpy as np
import pytest
import torch

from teacher_studio_modelkit.layers import cell_patches, patches_to_frames
from teacher_studio_modelkit.teacher import Answerer
from test_reasoner import gt_batch


def test_a_video_drawn_one_cell_away_gets_the_same_answers(suite_data):
    torch.manual_seed(0)
    C, px = 16, suite_data.geometry["cellPx"]
    a = Answerer(len(suite_data.sprites), 50, cells=C).eval()
    _, cells = gt_batch(suite_data, 8)
    n, T = cells.shape[:2]
    c = int(round(cells.shape[-1] ** 0.5))
    # a 6 x 6 piece of each video in the middle of a larger void canvas: 5 void cells on every side,
    # 4 after moving one cell right, more than the answerer's 2-cell reach from the canvas edge
    grid = torch.zeros(n, T, C, C, dtype=torch.long)
    grid[:, :, 5:11, 5:11] = cells.reshape(n, T, c, c)[:, :, 2:8, 2:8]
    sprites = torch.from_numpy(suite_data.sprites.reshape(len(suite_data.sprites), -1).astype(np.float32))
    frames = patches_to_frames(sprites[grid.reshape(n, T, C * C)], C, px)
    moved = torch.roll(frames, px, dims=3)
    q = torch.randint(4, 50, (n, 4, 24))
    with torch.no_grad():
        assert torch.allclose(a(frames, q), a(moved, q), atol=1e-4)
        assert not torch.allclose(a(frames, q), a(frames.flip(2), q), atol=1e-3)  # not blind to the layout


def edits(cells, ids, canvas, t=6):
    """Per ground-truth video (cells [T, N]): a copy of the agent on the cell it left, in frame t
    (None where it did not move into frame t), and the agent moved onto a wall next to it in frame t
    (None where it has no wall beside it)."""
    a = int(torch.nonzero(cells[t] == ids["agent"])[0, 0])
    before = int(torch.nonzero(cells[t - 1] == ids["agent"])[0, 0])
    second = None
    if before != a:
        second = cells.clone()
        second[t, before] = ids["agent"]
    r, c = divmod(a, canvas)
    walls = [(r + dr) * canvas + c + dc for dr, dc in ((-1, 0), (1, 0), (0, -1), (0, 1))
             if 0 <= r + dr < canvas and 0 <= c + dc < canvas and cells[0, (r + dr) * canvas + c + dc] == ids["wall"]]
    if not walls:
        return second, None
    crossed = cells.clone()
    crossed[t, a] = cells[0, a] if cells[0, a] != ids["agent"] else ids["floor"]
    crossed[t, walls[0]] = ids["agent"]
    return second, crossed


def test_the_trained_answerer_says_no_to_a_copy_left_behind_and_to_a_wall_crossing(package, suite_data):
    from teacher_studio_modelkit import evaluate as ev
    from teacher_studio_modelkit.export import load_checkpoint
    from teacher_studio_modelkit.rules import make_judges
    from conftest import CHECKPOINT
    _, r, a, _ = package
    vocab = load_checkpoint(CHECKPOINT)[3]
    judges = make_judges(suite_data.appearances, r.C)
    ids = {x["name"]: x["id"] for x in suite_data.appearances}
    idx, cells = gt_batch(suite_data, 32)
    tb = ev.TaskBatch(suite_data, vocab, idx)
    wall_rule = {"maze": "maze.no_wall", "collect": "collect.legal_move"}
    said = {"gt": [], "copy left behind": [], "wall crossing": []}
    for k, fam in enumerate(tb.families):
        second, crossed = edits(cells[k], ids, r.C)
        for name, video, rule in (("gt", cells[k], f"{fam}.one_agent"), ("gt", cells[k], wall_rule[fam]),
                                  ("copy left behind", second, f"{fam}.one_agent"),
                                  ("wall crossing", crossed, wall_rule[fam])):
            if video is None:
                continue
            assert judges[fam](video.numpy())[rule] == (name == "gt")
            p = ev.teacher_probs(a, r.render(video[None]), tb.queries[k:k + 1])[0, tb.rules[k].index(rule)]
            said[name].append(float(p) >= 0.5)
    assert len(said["wall crossing"]) >= 8 and len(said["copy left behind"]) >= 8
    assert np.mean(said["gt"]) >= 0.9
    assert np.mean(said["copy left behind"]) <= 0.1
    assert np.mean(said["wall crossing"]) <= 0.1


def test_the_census_and_origin_see_cells_added_lost_or_jumping_but_not_moving_one_cell(suite_data):
    """Answerer(census=True): the census changes are zero for a frame whose cells are a rearrangement
    of the first frame's, not zero when one cell's appearance changes; the farthest origin is zero when
    every cell moved at most one cell, not zero when one jumps two cells."""
    torch.manual_seed(0)
    C, px = 10, suite_data.geometry["cellPx"]
    a = Answerer(len(suite_data.sprites), 50, cells=C, census=True).eval()
    sprites = torch.from_numpy(suite_data.sprites.reshape(len(suite_data.sprites), -1).astype(np.float32))
    first = torch.randperm(len(sprites)).repeat(C * C // len(sprites) + 1)[:C * C]
    shuffled = first[torch.randperm(C * C)]
    changed = first.clone()
    changed[17] = (first[17] + 1) % len(sprites)
    step = first.reshape(C, C).roll(1, 1).reshape(-1)  # every column one place right (wrapping: one jumps)
    step[::C] = first.reshape(C, C)[:, 0]  # column 0 keeps its content: no wrap
    jump = first.reshape(C, C).roll(2, 1).reshape(-1)
    with torch.no_grad():
        def evidence(*videos):
            frames = patches_to_frames(sprites[torch.stack(videos)[None]], C, px)
            p = cell_patches(frames / 255.0, C, px)
            since_first, since_prev = a.census_change(a.embed(p))
            return since_first[0].abs().amax(-1), since_prev[0].abs().amax(-1), a.farthest_origin(p)[0]
        since_first, since_prev, _ = evidence(first, shuffled, changed)
        _, _, origin = evidence(first, step, jump)
    assert since_first[0] == 0 and since_first[1] < 1e-5 and since_first[2] > 1e-3
    assert since_prev[1] < 1e-5 and since_prev[2] > 1e-3
    assert origin[0] == 0 and origin[1] == 0 and origin[2] > 1e-3
    plain = Answerer(len(suite_data.sprites), 50, cells=C).eval()
    assert not hasattr(plain, "census_phi") and plain.state_dict().keys() < a.state_dict().keys()


def test_the_picture_change_fires_on_the_changed_cell_alone_and_is_blind_to_hue(suite_data):
    """Answerer(change=True): each cell's change since a frame earlier is zero where nothing changed
    and not zero on the one cell whose appearance changed, in the frame it changed only; a hue turn of
    the whole video leaves it as it was, so a path painted over in a colour training never shows reads
    as in training."""
    from teacher_studio_modelkit.train import turn_hue
    torch.manual_seed(0)
    C, px = 10, suite_data.geometry["cellPx"]
    sprites = torch.from_numpy(suite_data.sprites.reshape(len(suite_data.sprites), -1).astype(np.float32))
    first = torch.randperm(len(sprites)).repeat(C * C // len(sprites) + 1)[:C * C]
    changed = first.clone()
    changed[17] = (first[17] + 1) % len(sprites)
    frames = patches_to_frames(sprites[torch.stack([first, first, changed, changed])[None]], C, px)
    change = Answerer.picture_change(cell_patches(frames / 255.0, C, px))[0]  # [T, N, 1]
    assert change.shape == (4, C * C, 1) and change[2, 17, 0] > 1e-3
    assert change[3, 17, 0] == 0 and change[:2].abs().max() == 0
    others = torch.ones(C * C, dtype=torch.bool)
    others[17] = False
    assert change[:, others].abs().max() == 0
    turned = torch.from_numpy(turn_hue(frames.numpy(), 2.0))
    assert torch.allclose(Answerer.picture_change(cell_patches(turned / 255.0, C, px))[0], change, atol=2e-3)
    a, plain = Answerer(len(sprites), 50, cells=C, change=True).eval(), Answerer(len(sprites), 50, cells=C).eval()
    assert not hasattr(plain, "change_in") and plain.state_dict().keys() < a.state_dict().keys()
    q = torch.randint(4, 50, (1, 4, 24))
    with torch.no_grad():
        assert a(frames, q).shape == (1, 4)


def test_the_picture_before_the_last_change_holds_what_a_cell_showed_until_it_changed():
    """teacher.before_change: a cell's own picture until it changes, then what it showed just before, kept in every
    later frame (floor for a painted cell, the first colour for a cell painted over); a small change (the previews'
    blend) moves it in proportion."""
    from teacher_studio_modelkit.teacher import CHANGE_GATE, before_change
    floor, a, b = torch.full((3,), 0.5), torch.tensor([1.0, 0.0, 0.0]), torch.tensor([0.0, 1.0, 0.0])
    cell = torch.stack([floor, a, a, b, b])  # floor, painted a, held, painted over with b, held
    still = torch.stack([floor] * 5)
    before = before_change(torch.stack([cell, still], 1)[None])[0]  # [T, N = 2, S = 3]
    assert torch.equal(before[:, 1], still), "a cell that never changes: its own picture"
    assert torch.equal(before[0, 0], floor) and torch.equal(before[1, 0], floor) and torch.equal(before[2, 0], floor)
    assert torch.equal(before[3, 0], a) and torch.equal(before[4, 0], a), "painted over: the first colour, kept"
    nudged = a - (CHANGE_GATE / 4) ** 0.5  # a change a quarter of the gate, after a full one
    blended = before_change(torch.stack([floor, a, nudged])[None, :, None])[0, :, 0]
    assert torch.allclose(blended[1], floor) and torch.allclose(blended[2], 0.25 * a + 0.75 * floor)


def test_the_stroke_evidence_sees_a_cell_painted_over_and_a_stray_stroke_but_not_a_pen_drawing():
    """teacher.stroke_evidence: zero for a pen drawing from its dot cell by cell; one for a painted cell painted again in
    another colour, and for a cell painted with no neighbour of its colour (dot or path) a frame earlier; zero for a
    change short of STROKE_SURE of a full one (the previews' blends); blind to a hue turn of the whole video. An
    answerer given it answers as before until its stroke_query trains."""
    from teacher_studio_modelkit.reasoner import neighbour_gather
    from teacher_studio_modelkit.teacher import answerer_like, stroke_evidence
    from teacher_studio_modelkit.train import turn_hue
    C, px = 4, 2
    floor, dot = torch.tensor([0.85, 0.85, 0.85]), torch.tensor([0.58, 0.81, 0.78])
    path, other = torch.tensor([0.52, 0.79, 0.77]), torch.tensor([0.88, 0.60, 0.75])  # a dot's path; another pair's
    gather = neighbour_gather(C)

    def video(*frames):
        """frames: {cell: colour} painted on a floor canvas with the dot on cell 0 -> patches [1, T, N, S]."""
        out = []
        for painted in frames:
            canvas = floor.repeat(C * C, 1)
            canvas[0] = dot
            for cell, colour in painted.items():
                canvas[cell] = colour
            out.append(canvas.repeat(1, px * px))
        return torch.stack(out)[None]

    def evidence(patches):
        return stroke_evidence(patches, gather)[0].tolist()

    drawn = video({}, {1: path}, {1: path, 2: path}, {1: path, 2: path, 6: path})
    assert evidence(drawn) == [0.0, 0.0], "a pen drawing from its dot, a cell a frame"
    over = video({}, {1: path}, {1: path, 2: path}, {1: other, 2: path})
    assert evidence(over)[0] == pytest.approx(1.0) and evidence(over)[1] == 0.0, "the painted cell 1 painted over"
    stray = video({}, {1: path}, {1: path, 11: path})
    assert evidence(stray) == [0.0, pytest.approx(1.0)], "cell 11 painted with no cell of its colour beside it"
    after_over = video({}, {1: path}, {1: other}, {1: other, 2: path})
    assert evidence(after_over) == [pytest.approx(1.0), pytest.approx(1.0)], "the pen walks on from a cell painted over"
    half = video({}, {1: path}, {1: 0.5 * path + 0.5 * other})
    assert evidence(half)[0] == 0.0, "a change short of STROKE_SURE of a full one does not count"
    for patches in (over, stray):
        frames = patches_to_frames(255.0 * patches, C, px)
        turned = torch.from_numpy(turn_hue(frames.numpy(), 2.0)).float()
        assert torch.allclose(stroke_evidence(cell_patches(turned / 255.0, C, px), gather),
                              stroke_evidence(patches, gather), atol=1e-3)
    plain = Answerer(6, 50, cells=C, px=px, frames=4).eval()
    given = answerer_like(plain, strokes=True)
    assert given.strokes and not hasattr(plain, "stroke_query")
    frames, q = patches_to_frames(255.0 * over, C, px), torch.randint(4, 50, (1, 4, 24))
    with torch.no_grad():
        assert torch.equal(given(frames, q), plain(frames, q))
        given.stroke_query.bias.fill_(-1.0)
        assert torch.allclose(given(frames, q), plain(frames, q) - 1.0, atol=1e-5), "read once the layer trains"
