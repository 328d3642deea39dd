"""The reasoner's weights chosen on the validation split (reasoner_choice): its training keeps the weights at the
chosen steps and their moving average; the stage goes on with the best-scored candidate (ties to the later one),
by default the base success on validation tasks from the first seed nothing else reads. connect's recipe does not
choose (tried, not adopted); its variant CHOSEN_REASONER does."""
import pytest
import torch

from conftest import generate_suite_data
from family_checks import appearance_ids
from family_checks import model_for as family_model
from teacher_studio_modelkit.connect import ConnectReasoner, connect_flow_loss, connect_ids, moves_from_cells
from teacher_studio_modelkit.data import Vocabulary
from teacher_studio_modelkit.objects_experiment import cells_of
from teacher_studio_modelkit.reasoner_choice import CHOICE_FIRST_SEED, ReasonerChoice, base_success, choice_tasks
from teacher_studio_modelkit.rules import make_judges
from teacher_studio_modelkit.train import Budget, train_reasoner


@pytest.fixture(scope="module")
def train(tmp_path_factory):
    return generate_suite_data(tmp_path_factory, "connect-choice", "--split train --n 24 --families connect "
                                                                   "--corrupt-fraction 0 --first-seed 7100")


def reasoner(data):
    ids = appearance_ids(data)
    return family_model(ConnectReasoner, data, *connect_ids(ids), ids["wall"], ids["floor"])


def trained(data, choice, steps=6):
    """A connect reasoner trained `steps` steps with choice's keeper, and every step's weights as it went."""
    model = reasoner(data)
    cells = cells_of(data)
    after_step, kept = choice.keeper(model)
    seen = {}

    def both(m, step):
        after_step(m, step)
        seen[step] = {k: v.clone() for k, v in m.state_dict().items()}

    train_reasoner(model, moves_from_cells(cells, model.dot_ids.tolist(), model.path_ids.tolist(), model.C),
                   cells[:, 0], torch.zeros(len(cells), 40, dtype=torch.long), Budget(steps=steps),
                   log=lambda *_: None, loss_fn=connect_flow_loss, after_step=both)
    return model, kept, seen


def same(a, b):
    return all(torch.equal(a[k], b[k]) for k in a)


def test_the_keeper_holds_the_weights_at_its_steps_and_their_moving_average(train):
    model, kept, seen = trained(train, ReasonerChoice(snapshots=(2, 4), average=0.5))
    assert sorted(kept) == ["average", "step 2", "step 4"]
    assert same(kept["step 2"].state_dict(), seen[2]) and same(kept["step 4"].state_dict(), seen[4])
    start = reasoner(train).state_dict()  # the same initial weights (family_model seeds them)
    average = {k: v.clone() for k, v in start.items()}
    for step in sorted(seen):
        for name, p in model.named_parameters():
            average[name] = average[name] + 0.5 * (seen[step][name] - average[name])
    got = dict(kept["average"].named_parameters())
    assert all(torch.allclose(got[n], average[n], atol=1e-6) for n, _ in model.named_parameters())
    assert not same(kept["average"].state_dict(), model.state_dict())


def test_the_stage_goes_on_with_the_best_scored_weights_ties_to_the_later(train):
    choice = ReasonerChoice(snapshots=(2, 4), average=0.9)
    model, kept, seen = trained(train, choice)
    last = {k: v.clone() for k, v in model.state_dict().items()}
    order = iter([0.5, 0.7, 0.7, 0.6])  # step 2, step 4, final, average
    out = choice.choose(model, kept, None, "connect", score=lambda m: next(order), log=lambda *_: None)
    assert out == {"chosen": "final", "scores": {"step 2": 0.5, "step 4": 0.7, "final": 0.7, "average": 0.6}}
    assert same(model.state_dict(), last)
    order = iter([0.9, 0.7, 0.7, 0.6])
    assert choice.choose(model, kept, None, "connect", score=lambda m: next(order), log=lambda *_: None)["chosen"] == "step 2"
    assert same(model.state_dict(), seen[2]) and not same(model.state_dict(), last)


def test_by_default_it_reads_base_success_on_validation_tasks_nothing_else_reads(train):
    choice = ReasonerChoice(snapshots=(3,), average=None, tasks=8)
    model, kept, _ = trained(train, choice, steps=4)
    data = choice_tasks("connect", 8)
    assert data.instances[0]["seed"] == CHOICE_FIRST_SEED and len(data.instances) == 8
    vocab = Vocabulary.build([i["instruction"] for i in data.instances])
    final = base_success(model, vocab, data, make_judges(data.appearances, model.C)["connect"])
    out = choice.choose(model, kept, vocab, "connect", log=lambda *_: None)
    assert set(out["scores"]) == {"step 3", "final"} and out["scores"]["final"] == final
    assert all(0 <= v <= 1 and v * 8 == int(v * 8) for v in out["scores"].values())


def test_connects_recipe_keeps_its_last_weights_and_the_variant_chooses():
    """The choice was tried on connect and not adopted (results/reasoner_draws_connect.md): the recipe trains its
    reasoner 16 minutes and keeps the last step's weights; CHOSEN_REASONER is the recipe it was tried on (PAIRS) with the
    choice."""
    from teacher_studio_modelkit.connect_package import CHOSEN_REASONER, PACKAGE, PAIRS
    assert PACKAGE.reasoner_choice is None and not isinstance(PACKAGE.reasoner_budget, Budget)
    assert CHOSEN_REASONER.reasoner_choice.snapshots and CHOSEN_REASONER.reasoner_budget.steps
    assert CHOSEN_REASONER.models == PAIRS.models and PACKAGE.reasoner_budget == PAIRS.reasoner_budget
