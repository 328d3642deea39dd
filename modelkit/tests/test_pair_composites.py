"""Two-pair composites for the connect answerer (pair_composites): a composite of a ground-truth
video changes only floor cells, passes every rule of the evaluator once its second pair fits in the
frames, and ends where the connect reasoner's pens end when they make its moves; one that stops
short breaks connect.linked alone; in pixels only the second pair changes, to teal turned away from
teal, never the suite's magenta; the extra sources return rendered videos with their own first
frames; stage_answerer's extra_after trains round 0 without the extra videos first."""
import numpy as np
import pytest
import torch

from conftest import generate_suite_data
from family_checks import appearance_ids
from test_connect import certain, judge_of, model_for
from teacher_studio_modelkit.build import build_vocab
from teacher_studio_modelkit.connect import moves_from_cells
from teacher_studio_modelkit.connect_experiment import make_connect_reasoner
from teacher_studio_modelkit.pair_composites import (add_second_pair, composite_cells, composite_hardening,
                                                     composite_sources, pair_ids, second_pair_frames, turned_sprites)


def reasoner_with(vocab, data):
    """An untrained connect reasoner (2 field iterations) for a vocabulary of that size."""
    torch.manual_seed(0)
    return make_connect_reasoner(vocab, data, iterations=2).eval()


@pytest.fixture(scope="module")
def train(tmp_path_factory):
    return generate_suite_data(tmp_path_factory, "connect-composites", "--split train --n 120 --families connect "
                                                                       "--corrupt-fraction 0.6 --first-seed 9000")


def gt_videos(data):
    idx = [i for i, inst in enumerate(data.instances) if inst["variant"] == "gt"]
    return idx, data.cells[idx].reshape(len(idx), data.cells.shape[1], -1)


def test_a_ground_truth_composite_is_drawn_by_the_pens_and_passes_every_rule(train):
    m, judge, ids = model_for(train), judge_of(train), pair_ids(train.appearances)
    rng, checked = np.random.default_rng(0), 0
    for video in gt_videos(train)[1]:
        c = add_second_pair(video, ids, m.C, rng)
        if c is None:
            continue
        rest = ~np.isin(c, ids["dots"][1:] + ids["paths"][1:])
        assert np.array_equal(c[rest], video[rest]), "everything but the second pair is the video's own"
        assert (video[~rest] == ids["floor"]).all(), "the second pair only covers floor"
        assert (c[0] == ids["dots"][1]).sum() == 2 and not np.isin(c[0], ids["paths"]).any()
        verdict = judge(c)
        if not verdict["connect.linked"]:
            continue  # the second pair did not fit in the frames left
        assert all(v == 1 for v in verdict.values()), verdict
        # the reasoner's pens, given this video's moves, end on its last frame (as on the suite's
        # two-pair ground truth, test_connect): the second pair is a pair they can draw
        cells = torch.as_tensor(c)[None].long()
        moves = moves_from_cells(cells, m.dot_ids.tolist(), m.path_ids.tolist(), m.C)
        got = m.hard_cells(certain(moves), cells[:, 0])
        assert torch.equal(got[:, 0], cells[:, 0]) and torch.equal(got[:, -1], cells[:, -1])
        checked += 1
    assert checked >= 20


def test_a_composite_that_stops_short_breaks_linked_alone(train):
    judge, ids = judge_of(train), pair_ids(train.appearances)
    rng, seen = np.random.default_rng(1), 0
    for video in gt_videos(train)[1]:
        c = add_second_pair(video, ids, int(np.sqrt(video.shape[1])), rng, stop_short=True)
        if c is not None:
            assert judge(c) == {"connect.linked": 0, "connect.intact": 1, "connect.no_wall": 1, "connect.grow": 1}
            seen += 1
    assert seen >= 20


def test_a_crossing_composite_paints_over_the_first_path_and_breaks_grow(train):
    judge, ids = judge_of(train), pair_ids(train.appearances)
    rng, crossed = np.random.default_rng(4), 0
    first_path, path = ids["paths"][0], ids["paths"][1]
    for video in gt_videos(train)[1]:
        c = add_second_pair(video, ids, int(np.sqrt(video.shape[1])), rng, cross=True)
        if c is None:  # nothing to cross, or no walk found that crosses
            continue
        rest = ~np.isin(c, ids["dots"][1:] + ids["paths"][1:])
        assert np.array_equal(c[rest], video[rest]), "everything but the second pair is the video's own"
        assert (video[0][c[0] == ids["dots"][1]] == ids["floor"]).all(), "its dots sit on floor"
        assert np.isin(video[~rest], [ids["floor"], first_path]).all(), "it covers floor and the first path only"
        over = (video[-1] == first_path) & (c[-1] == path)
        if over.any():  # the pen reached the crossing within the frames
            assert judge(c)["connect.grow"] == 0 and judge(c)["connect.intact"] == 1
            crossed += 1
        else:
            assert judge(c)["connect.grow"] == 1
    assert crossed >= 10


def test_composite_cells_cross_a_share_and_keep_every_video(train):
    ids, (idx, videos) = pair_ids(train.appearances), gt_videos(train)
    C = int(np.sqrt(videos.shape[2]))
    plain_kept, plain = composite_cells(train, idx, ids, C, np.random.default_rng(5))
    kept, cells = composite_cells(train, idx, ids, C, np.random.default_rng(5), crossing=1.0)
    assert len(kept) >= len(plain_kept), "a video with nothing to cross still gets a plain walk"
    video = train.cells[kept].reshape(cells.shape)
    over = ((video == ids["paths"][0]) & (cells == ids["paths"][1])).any((1, 2))
    assert over.mean() > 0.3
    assert not ((plain == ids["paths"][1]) & (train.cells[plain_kept].reshape(plain.shape) != ids["floor"])).any()


def test_no_room_gives_none():
    ids = {"floor": 1, "dots": [27, 28], "paths": [29, 30]}
    video = np.full((12, 16), 2)  # walls only
    assert add_second_pair(video, ids, 4, np.random.default_rng(0)) is None


def test_only_the_second_pairs_pixels_change_to_a_turned_teal(train):
    m, ids = model_for(train), pair_ids(train.appearances)
    kept, cells = composite_cells(train, range(60), ids, m.C, np.random.default_rng(2))
    assert len(kept) > 30
    frames = second_pair_frames(m, cells, ids, np.random.default_rng(3))
    plain = m.render(torch.as_tensor(cells).long()).numpy()
    second = np.isin(cells, ids["dots"][1:] + ids["paths"][1:])
    px = m.px
    mask = second.reshape(*cells.shape[:2], m.C, 1, m.C, 1).repeat(px, 3).repeat(px, 5).reshape(plain.shape[:-1])
    assert np.allclose(frames[~mask], plain[~mask]), "every other pixel is the hard render"
    colours = appearance_ids(train)
    rgb = {a["name"]: np.array(a["rgb"], np.float32) for a in train.appearances}
    dot_px = frames[mask & np.isin(cells, [ids["dots"][1]]).reshape(*cells.shape[:2], m.C, 1, m.C, 1)
                    .repeat(px, 3).repeat(px, 5).reshape(plain.shape[:-1])]
    centre = dot_px[np.abs(dot_px - dot_px.mean(-1, keepdims=True)).sum(-1) > 30]  # the dot's coloured pixels
    assert len(centre) and "dot-magenta" in colours
    assert np.abs(centre - rgb["dot-magenta"]).sum(-1).min() > 1, "never the suite's magenta"
    assert np.abs(centre - rgb["dot-teal"]).sum(-1).min() > 40, "turned away from teal"
    assert np.allclose(centre.mean(-1), rgb["dot-teal"].mean(), atol=2), "teal's brightness"


def test_the_sources_return_labelled_shapes_with_their_own_first_frames(train):
    vocab, ids = build_vocab([train]), pair_ids(train.appearances)
    m = reasoner_with(vocab, train)
    gt_idx = gt_videos(train)[0]
    (_, of_videos), (_, of_samples) = composite_sources(m, vocab, samples=16)
    for make in (of_videos, of_samples):
        kept, cells, frames = make(train, gt_idx)
        cells = np.asarray(cells)
        assert len(kept) == len(cells) == len(frames) > 8
        assert frames.shape[1:] == (cells.shape[1], m.C * m.px, m.C * m.px, 3)
        assert all((c[0] == ids["dots"][1]).sum() == 2 for c in cells), "each has a second pair"


def test_extra_after_trains_round_zero_without_the_extra_videos_first(train, tmp_path, monkeypatch):
    """stage_answerer's extra_after: round 0 without the extra videos (saved as FIRST0.pt, loaded when
    there), then `minutes` more with them at the hardening learning rate, then the hardening round."""
    import teacher_studio_modelkit.pipeline as pipeline
    import teacher_studio_modelkit.train as train_module
    from teacher_studio_modelkit.rules import make_judges
    monkeypatch.setattr(pipeline, "RUNS", str(tmp_path))
    monkeypatch.setattr(pipeline, "SAMPLE_TASKS", 8)
    monkeypatch.setattr(pipeline, "HARDEN_TASKS", 4)
    real, calls = train_module.train_answerer, []

    def spy(model, data, n_rules, minutes, *args, **kw):
        calls.append((len(data[0]), minutes, kw.get("lr", train_module.ANSWERER_LR)))
        return real(model, data, n_rules, 0.002, *args, **kw)

    monkeypatch.setattr(train_module, "train_answerer", spy)
    vocab = build_vocab([train])
    m = reasoner_with(vocab, train)
    judges = make_judges(train.appearances, m.C)
    (_, of_videos), _ = composite_sources(m, vocab)
    args = (train, vocab, m, judges, 1.0, 3.0)
    _, counts = pipeline.stage_answerer(False, *args, name="x", extra=[("composites", of_videos)],
                                        extra_after=("first", 2.0))
    n0 = len(train.instances) + 2 * 8  # ground truth + corruptions, reasoner samples, one-step previews
    assert counts["composites"] > 4 and [c[:2] for c in calls] == [
        (n0, 1.0), (n0 + counts["composites"], 2.0), (n0 + counts["composites"] + 4 + counts["optimized previews"], 3.0)]
    assert calls[1][2] == calls[2][2] < calls[0][2], "the extra minutes at the hardening learning rate"
    assert all((tmp_path / f).exists() for f in ("first0.pt", "x0.pt", "x1.pt"))
    first = torch.load(tmp_path / "first0.pt")
    assert any(not torch.equal(first[k], v) for k, v in torch.load(tmp_path / "x0.pt").items())
    calls.clear()  # a second recipe on the same round 0 loads it
    pipeline.stage_answerer(False, *args, name="y", extra=[("composites", of_videos)], extra_after=("first", 2.0))
    assert [c[1] for c in calls] == [2.0, 3.0]


def test_turned_sprites_recolour_the_second_pair_only_and_sprites_as_restores(train):
    from teacher_studio_modelkit.pipeline import sprites_as
    from teacher_studio_modelkit.train import turn_hue
    m, ids = model_for(train), pair_ids(train.appearances)
    own = m.sprites.clone()
    turned = turned_sprites(own.numpy(), ids, 2.0)
    second = ids["dots"][1:] + ids["paths"][1:]
    rest = [a for a in range(len(own)) if a not in second]
    assert np.array_equal(turned[rest], own.numpy()[rest])
    for mine, teal in zip(second, ids["dots"][:1] + ids["paths"][:1]):
        assert np.allclose(turned[mine], turn_hue(own.numpy()[teal].reshape(-1, 3), 2.0).reshape(-1))
    cells = torch.as_tensor(composite_cells(train, range(20), ids, m.C, np.random.default_rng(0))[1]).long()
    with sprites_as(m, turned):
        frames = m.render(cells).numpy()
    drawn = second_pair_frames(m, cells.numpy(), ids, FixedAngle(2.0))
    assert np.allclose(frames, drawn, atol=1e-3), "the same pictures as the composites' second pair"
    assert torch.equal(m.sprites, own), "restored after the block"


class FixedAngle:
    def __init__(self, angle):
        self.angle = angle

    def uniform(self, *_):
        return self.angle


def test_composite_hardening_gives_two_pair_first_frames_in_chunks(train):
    m, ids = model_for(train), pair_ids(train.appearances)
    idx = gt_videos(train)[0]
    source, make = composite_hardening(chunk=8)
    batches = make(m, train, idx)
    assert source == "two pairs" and len(batches) >= 2
    for kept, cells0, sprites in batches:
        assert 0 < len(kept) <= 8 and set(kept) <= set(idx) and len(cells0) == len(kept)
        assert all((c == ids["dots"][1]).sum() == 2 and not np.isin(c, ids["paths"]).any() for c in cells0)
        assert all(np.array_equal(c[c != ids["dots"][1]], train.cells[i, 0].reshape(-1)[c != ids["dots"][1]])
                   for i, c in zip(kept, cells0)), "the task's own first frame, plus the second dots"
    assert not np.allclose(batches[0][2], batches[1][2]), "an angle per chunk"


def test_harden_source_optimizes_half_the_hardening_tasks_from_two_pair_first_frames(train, tmp_path, monkeypatch):
    """stage_answerer's harden_source: the second half of the hardening tasks start from its first
    frames, rendered (previews and finals) with its sprites, never the suite's magenta; the
    reasoner's own sprites are back afterwards."""
    import teacher_studio_modelkit.pipeline as pipeline
    import teacher_studio_modelkit.train as train_module
    from teacher_studio_modelkit.rules import make_judges
    monkeypatch.setattr(pipeline, "RUNS", str(tmp_path))
    monkeypatch.setattr(pipeline, "SAMPLE_TASKS", 8)
    monkeypatch.setattr(pipeline, "HARDEN_TASKS", 4)
    real, seen = train_module.train_answerer, []

    def spy(model, data, n_rules, minutes, *args, **kw):
        seen.append(data)
        return real(model, data, n_rules, 0.002, *args, **kw)

    monkeypatch.setattr(train_module, "train_answerer", spy)
    vocab, ids = build_vocab([train]), pair_ids(train.appearances)
    m = reasoner_with(vocab, train)
    own = m.sprites.clone()
    _, counts = pipeline.stage_answerer(False, train, vocab, m, make_judges(train.appearances, m.C), 1.0, 1.0,
                                        name="h", harden_source=composite_hardening(chunk=1))
    assert torch.equal(m.sprites, own)
    assert counts["optimized finals"] == counts["optimized finals, two pairs"] == 2
    assert counts["optimized previews"] == counts["optimized previews, two pairs"] > 0
    frames, cells = seen[-1][0], seen[-1][1]
    two = np.isin(cells, ids["dots"][1:]).any((1, 2))
    assert two.sum() == counts["optimized finals, two pairs"] + counts["optimized previews, two pairs"]
    magenta = np.array([a["rgb"] for a in train.appearances if a["name"] == "dot-magenta"][0], np.float32)
    assert np.abs(frames[two].astype(np.float32) - magenta).sum(-1).min() > 1, "never the suite's magenta"
