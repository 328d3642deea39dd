"""Trains the connect reasoner (connect.py) on the suite's connect family and measures its base
success by the rule-based evaluator on unseen train-split tasks, the validation split and the
held-out test split: per rule, per number of pairs, the oracle pass@N over N noise seeds, and how
often the N samples of a task differ. Writes runs/NAME.pt, runs/NAME.json and results/NAME.md
(NAME: --name, "connect" by default).

    cd modelkit && python -m teacher_studio_modelkit.connect_experiment --minutes 5
"""
from .connect import ConnectReasoner, connect_flow_loss, connect_ids, moves_from_cells
from .family_experiment import FamilyExperiment, main
from .reasoner import reasoner_on


def make_connect_reasoner(vocab, data, **kw):
    ids = {a["name"]: a["id"] for a in data.appearances}
    return reasoner_on(ConnectReasoner, data, len(vocab), *connect_ids(ids), ids["wall"], ids["floor"], **kw)


EXPERIMENT = FamilyExperiment(
    family="connect", name="connect", make_reasoner=make_connect_reasoner,
    targets=lambda cells, model: moves_from_cells(cells, model.dot_ids.tolist(), model.path_ids.tolist(), model.C),
    loss_fn=connect_flow_loss, count=lambda model: lambda cells0: model.pairs(cells0)[2].sum(-1), counted="pairs",
    title="Connect reasoner on the connect family",
    about=["The latent of `teacher_studio_modelkit/connect.py`: per transition one move of the pen drawing at",
           "that frame, a pen per colour pair, each starting once the pairs before it have arrived, so every",
           "frame adds at most one cell, attached to its path, and the video holds still once every pair is",
           "joined; the route is learned. Base success by the suite's rule-based evaluator",
           "(`rules.make_connect_judge`, checked against the suite's labels in tests/test_connect.py).", "",
           "- train split: areas of 5-7 cells, one teal pair, 2-8 path cells; held-out: 8-10 cells, a teal and a",
           "  magenta pair (magenta never seen in training), 6-11 path cells in 11 transitions."])

if __name__ == "__main__":
    main(__doc__, EXPERIMENT, minutes=5, name="connect")
