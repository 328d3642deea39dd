"""answerer_pressure's command: on --split validation it pressures the validation split's tasks (where answerers
are chosen between), never the test split's, and prints its summary and per-rule tables for that split."""
import sys


def test_the_validation_split_is_pressured_without_the_test_split(blocks_package, monkeypatch, capsys):
    from teacher_studio_modelkit import answerer_pressure, base_check

    def no_test_split(*args):
        raise AssertionError("the test split was read")
    monkeypatch.setattr(base_check, "test_tasks", no_test_split)
    monkeypatch.setattr(sys, "argv", ["answerer_pressure", "--packages", "blocks", "--split", "validation", "--tasks",
                                      "8", "--lr-scales", "4", "--steps", "1"])
    answerer_pressure.main()
    out = capsys.readouterr().out
    assert "(held-out validation split; `python -m teacher_studio_modelkit.answerer_pressure --packages blocks " \
           "--tasks 8 --lr-scales 4 --steps 1 --split validation`" in out
    assert "| blocks | 8 | 0.04 (4x) |" in out
    rules = [line.split(" | ")[2] for line in out.splitlines() if line.startswith("| blocks | lr 0.04 |")]
    assert rules and set(rules) <= {"fall.intact", "fall.rest", "fall.straight", "push.intact", "push.no_wall",
                                    "push.on_target", "push.step"}

