"""validate.another_answerer: another answerer of a package, loaded in the shipped one's place; teacher.answerer_like:
the same answerer given the picture before the last change answers as before until it trains."""
import torch

from teacher_studio_modelkit.data import MAX_QUERY
from teacher_studio_modelkit.teacher import Answerer, answerer_like
from teacher_studio_modelkit.validate import another_answerer


def small_answerer(change=False, seed=0, history=False):
    torch.manual_seed(seed)
    return Answerer(6, 30, cells=4, frames=3, px=2, max_query=MAX_QUERY, change=change, history=history).eval()


def answers(ans):
    g = torch.Generator().manual_seed(1)
    frames = torch.rand(2, 3, 8, 8, 3, generator=g) * 255
    queries = torch.randint(1, 30, (2, 2, 5), generator=g)
    with torch.no_grad():
        return ans(frames, queries)


def test_a_state_with_the_picture_change_gets_that_architecture_and_a_plain_one_the_shipped_ones(tmp_path):
    shipped = small_answerer()
    changed = small_answerer(change=True, seed=1)
    torch.save(changed.state_dict(), tmp_path / "change.pt")
    loaded = another_answerer(shipped, tmp_path / "change.pt")
    assert loaded.change and not shipped.change and not loaded.training
    assert torch.equal(answers(loaded), answers(changed))

    plain = small_answerer(seed=2)
    torch.save({"answerer": plain.state_dict()}, tmp_path / "checkpoint.pt")  # a whole checkpoint's answerer
    back = another_answerer(changed, tmp_path / "checkpoint.pt")
    assert not back.change
    assert torch.equal(answers(back), answers(plain))
    assert not torch.equal(answers(back), answers(shipped))


def test_given_the_picture_before_the_last_change_it_answers_as_before_until_it_trains(tmp_path):
    shipped = small_answerer()
    given = answerer_like(shipped, history=True)
    assert given.history and not shipped.history and not given.training
    assert torch.equal(answers(given), answers(shipped)), "the new layer starts at zero"
    with torch.no_grad():
        given.before_in.weight.normal_()
    assert not torch.equal(answers(given), answers(shipped)), "and it reads the new evidence once it has weights"
    torch.save(given.state_dict(), tmp_path / "history.pt")
    loaded = another_answerer(shipped, tmp_path / "history.pt")
    assert loaded.history and torch.equal(answers(loaded), answers(given))
    assert answerer_like(shipped) is not shipped and torch.equal(answers(answerer_like(shipped)), answers(shipped))
