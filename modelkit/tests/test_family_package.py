"""Each FamilyPackage (blocks, bars, connect) wires its build's teacher stage the way the build runs
it: FamilyPackage.stage_teacher on a small gen-data mix of the package's families, with the
committed package's reasoner and budgets of seconds, trains the query writer, the answerer's round
0 (with the package's extra videos, after a first round of its own when it has one) and its
hardening round, and counts the training videos per source (with a package's more-corruption sets,
made by gen-data --corruptions, among them). The blocks build once failed right
here, after its gen-data and reasoner: a package without extra videos handed the answerer None.
A package that chooses its answerer on the validation split (blocks) scores every answerer training
on it; blocks trains its round 0 at a peak learning rate of its own and every training under bfloat16
autocast; with two round-0 starts the better-scored one goes on. The names of a package's stages and results come from its run name. The build record gives
the card its budgets, in steps (blocks) or minutes (the packages built before step budgets), and says when the
package's models were evaluated again without training (--reevaluate), which needs that record; a build stopped before
its evaluation gets its own evaluation from reevaluate."""
import json
import os
from dataclasses import replace
from importlib import import_module

import pytest
import torch

from conftest import committed, generate_suite_data
from teacher_studio_modelkit import family_package
from teacher_studio_modelkit.answerer_validation import BY_SOURCE_SCORE_TEXT, POOLED_SCORE_TEXT
from teacher_studio_modelkit.train import bf16_supported

SCRIPTED = [(0.2, 0.6), (0.7, 0.8), (0.5, 0.5)]  # Scripted's scores, in turn (then the last one)


class Scripted:
    """A validation score (answerer_validation.ValidationVideos' stand-in) that gives SCRIPTED's scores in turn and
    keeps each snapshot it scored."""

    score_text = POOLED_SCORE_TEXT

    def __init__(self):
        self.seen = []

    def __len__(self):
        return 1

    def __call__(self, model):
        self.seen.append({k: v.clone() for k, v in model.state_dict().items()})
        return SCRIPTED[min(len(self.seen), len(SCRIPTED)) - 1]


def same(a, b):
    return all(torch.equal(a[k], b[k]) for k in a)

PACKAGES = ("blocks", "bars", "connect")


def package_of(name):
    """The package NAME; "blocks+tried": blocks with the recipe options it tried and did not adopt: the more-corruption
    videos (BLOCKS_MORE_CORRUPTIONS) and round 0 from two initial weights (results/blocks_rare_corruptions.md,
    results/blocks_round0_starts.md), without its pressure round; "blocks-pressure": blocks as it was built before its
    pressure round (pressure_stage, results/pressure_round_replay512_blocks.md), the refinement its last stage;
    "blocks+pooled": blocks with its answerer chosen on one score pooled over the validation sources, the recipe before
    2026-12-05 (BLOCKS_POOLED); "blocks+chosen-pressure": blocks whose pressure round keeps its best snapshot by that
    score too (BLOCKS_PRESSURE_CHOSEN; results/blocks_val_seeds.md)."""
    if name == "blocks+tried":
        from teacher_studio_modelkit.blocks_package import BLOCKS_MORE_CORRUPTIONS
        return replace(package_of("blocks"), more_corruptions=BLOCKS_MORE_CORRUPTIONS, round0_starts=2, pressure=None)
    if name == "blocks-pressure":
        return replace(package_of("blocks"), pressure=None)
    if name == "blocks+pooled":
        from teacher_studio_modelkit.blocks_package import BLOCKS_POOLED
        return BLOCKS_POOLED
    if name == "blocks+chosen-pressure":
        from teacher_studio_modelkit.blocks_package import BLOCKS_PRESSURE_CHOSEN
        return BLOCKS_PRESSURE_CHOSEN
    return import_module(f"teacher_studio_modelkit.{name}_package").PACKAGE


def test_run_names_name_every_stage_and_result():
    blocks, bars = package_of("blocks"), package_of("bars")
    assert blocks.families == ("fall", "push") and bars.families == ("sort",)
    assert blocks.models == {"reasoner": "objects.pt", "answerer": "objects_answerer_refined_pressure.pt",
                             "writer": "objects_writer.pt"}, "blocks ships the answerer its pressure round makes"
    assert replace(blocks, pressure=None).models["answerer"] == "objects_answerer_refined1.pt", \
        "without the round: its refined answerer"
    assert bars.models["answerer"] == "bars_census_answerer1.pt"
    assert blocks.results == ("objects.json", "objects_teacher.json") and blocks.train_mix == "objects_train_mix"
    assert blocks.checkpoint.endswith(os.path.join("checkpoints", "blocks.pt"))
    assert bars.models["reasoner"] == "bars.pt" and bars.train_mix == "bars_train_mix"


def test_a_build_on_a_clean_checkout_makes_the_runs_folder_first(tmp_path, monkeypatch):
    """The stages cache their models in modelkit/runs, which a clean checkout lacks: a variant built by calling its
    build directly (as the package modules' comments say) stopped after its reasoner stage there."""
    class Stop(Exception):
        pass

    def stop(*_, **__):
        raise Stop
    runs = tmp_path / "runs"
    monkeypatch.setattr(family_package, "RUNS", str(runs))
    package = package_of("connect")
    monkeypatch.setattr(type(package.experiment), "data_and_vocab", stop)  # the class: an instance's would outlive the test
    with pytest.raises(Stop):
        package.build(fresh=True, evaluate=False)
    assert runs.is_dir()


def test_build_record_holds_the_budgets_and_the_card_prints_them():
    from teacher_studio_modelkit.family_package import build_text
    blocks, bars = package_of("blocks"), package_of("bars")
    assert blocks.teacher_budgets() == {"writer": {"steps": 1250}, "answerer": {"steps": 5200}, "harden": {"steps": 720},
                                        "simultaneous moves": {"steps": 1000}, "harden again": {"steps": 720},
                                        "pressure round": {"steps": 1440}}, "two rounds of 720 steps"
    assert bars.teacher_budgets() == {"writer": 3, "answerer": 14, "harden": 4}, "the bars weights were built in minutes"
    stages = {k: {"minutes": 10.0, "ran": True} for k in ("gen-data", "reasoner", "writer and answerer", "export",
                                                          "evaluation: reasoner")}
    record = {"stages": stages, "date": "2026-12-02", "budgets": {"reasoner": {"steps": 650}} | blocks.teacher_budgets()}
    text = build_text(record, {"experiment_minutes": 5.0})
    assert "in **40 minutes**" in text
    assert ("reasoner 650 steps, query writer 1,250 steps, answerer 5,200 steps + 720 steps hardening"
            " + 1,000 steps simultaneous moves + 720 steps hardening + 1,440 steps pressure round." in text)
    record["stages"]["answerer refinement"] = {"minutes": 9.0, "ran": True}
    assert "in **49 minutes**" in build_text(record, {"experiment_minutes": 5.0}), "the refinement is a build stage"
    record["stages"]["pressure round"] = {"minutes": 7.0, "ran": True}
    text = build_text(record, {"experiment_minutes": 5.0})
    assert "in **56 minutes**" in text and "answerer refinement 9, pressure round 7, export 10 minutes" in text, \
        "so is the pressure round, after the refinement"
    record["budgets"] = {"reasoner": {"steps": 650}} | replace(blocks, refine=None, pressure=None).teacher_budgets()
    assert "answerer 5,200 steps + 720 steps hardening. " in build_text(record, {"experiment_minutes": 5.0}), \
        "the records of builds before the refinement read as before"
    record["budgets"] = {"reasoner": 5} | bars.teacher_budgets()
    assert "reasoner 5 minutes, query writer 3 minutes, answerer 14 minutes + 4 minutes hardening" in build_text(
        record, {"experiment_minutes": 5.0})
    record["budgets"] = {"reasoner": 5} | package_of("connect").teacher_budgets()
    assert " two-pair composites + " in build_text(record, {"experiment_minutes": 5.0})
    record["budgets"] = {"reasoner": 5} | replace(bars, extra_after=("first", 2), extra_key="more videos").teacher_budgets()
    assert "answerer 14 minutes + 2 minutes more videos + 4 minutes hardening" in build_text(record, {"experiment_minutes": 5.0})


def test_a_reevaluated_card_says_so_and_reevaluate_needs_the_builds_records(tmp_path, monkeypatch):
    """--reevaluate (the package's models exported and evaluated again, not trained) keeps the build's record and
    says on the card that its numbers come from the later evaluation; without the build's records it stops
    before any work, naming what is missing and the command that makes them."""
    from teacher_studio_modelkit.family_package import build_text
    stages = {k: {"minutes": 10.0, "ran": True} for k in ("gen-data", "reasoner", "writer and answerer", "export",
                                                          "evaluation: reasoner")}
    record = {"stages": stages, "date": "2026-12-03", "budgets": {"reasoner": {"steps": 650}} | package_of("blocks").teacher_budgets()}
    assert "evaluated again" not in build_text(record, {"experiment_minutes": 5.0})
    text = build_text(record | {"reevaluated": "2026-12-04"}, {"experiment_minutes": 5.0})
    assert "Built by that command on 2026-12-03 in **40 minutes**" in text
    assert "On 2026-12-04 the same models were exported and evaluated again, not trained" in text
    monkeypatch.setattr(family_package, "RUNS", str(tmp_path))
    (tmp_path / "objects_train.json").write_text("{}")
    with pytest.raises(SystemExit, match="objects_teacher.json, blocks_build.json: .*build --package blocks"):
        package_of("blocks").reevaluate()


def test_a_build_stopped_before_its_evaluation_is_evaluated_by_reevaluate_as_its_own(tmp_path, monkeypatch):
    """build(evaluate=False) keeps the answerer's training videos in its record (no RUN_teacher.json yet);
    reevaluate then evaluates the package with them, does not export its graphs again, and the card does not call
    the evaluation a later one."""
    from teacher_studio_modelkit import export
    pkg = package_of("connect")
    record = {"stages": {"gen-data": {"minutes": 1.0, "ran": True}}, "date": "2026-12-05", "budgets": {},
              "answerer_training_videos": {"gt+corruptions": 7}}
    (tmp_path / "connect_train.json").write_text("{}")
    (tmp_path / "connect_build.json").write_text(json.dumps(record))
    monkeypatch.setattr(family_package, "RUNS", str(tmp_path))
    vocab = type("Vocab", (), {"words": ["x"]})()
    monkeypatch.setattr(export, "load_checkpoint", lambda path: ("r", "a", "w", vocab, {}))
    monkeypatch.setattr(type(pkg.experiment), "data_and_vocab", lambda self: ({}, vocab))
    seen = {}
    monkeypatch.setattr(type(pkg), "teacher_data", lambda self, sets: sets)
    monkeypatch.setattr(type(pkg), "export", lambda self, *a, force=False: seen.update(force=force))
    monkeypatch.setattr(type(pkg), "evaluate", lambda self, sets, vocab, r, w, a, counts, stats, lap:
                        seen.update(counts=counts) or lap("evaluation: teacher"))
    monkeypatch.setattr(type(pkg), "card", lambda self, *models: seen.update(card=True))
    pkg.reevaluate()
    after = json.loads((tmp_path / "connect_build.json").read_text())
    assert seen == {"force": False, "counts": {"gt+corruptions": 7}, "card": True}
    assert "reevaluated" not in after and "answerer_training_videos" not in after
    assert list(after["stages"]) == ["gen-data", "evaluation: teacher"]


@pytest.mark.parametrize("name", PACKAGES + ("blocks+tried", "blocks-pressure", "blocks+pooled",
                                           "blocks+chosen-pressure"))
def test_teacher_stage_trains_writer_and_answerer_for_every_package(name, tmp_path, tmp_path_factory, monkeypatch):
    from teacher_studio_modelkit import evaluate as ev
    from teacher_studio_modelkit import pipeline
    from teacher_studio_modelkit.train import Budget
    package = package_of(name)
    if package.pressure:  # a small round: 8 tasks (one chunk), 2 updates each, 4 training steps
        package = replace(package, pressure=replace(package.pressure, tasks=8, steps=2, budget=Budget(steps=4)))
    _, reasoner, _, _, vocab = committed(package.package_dir, package.checkpoint,
                                         f"python -m teacher_studio_modelkit.build --package {name}")
    mix = generate_suite_data(tmp_path_factory, f"{name}_mix", f"--split train --n 96 --corrupt-fraction 0.6 "
                                                               f"--families {','.join(package.families)} --first-seed 9000")
    sets = {package.train_mix: mix} | {f"{f}_train_gt": mix for f in package.families}
    for m in package.more_corruptions:  # a small set of each, made by gen-data --corruptions as the build makes it
        sets[m.dataset(package.run)] = generate_suite_data(
            tmp_path_factory, m.dataset(package.run), replace(m, n=24).args() + f" --families {m.families}")
    if package.pressure:  # the pressure round's own train tasks, made by gen-data as the build makes them
        sets[package.pressure.dataset(package.run)] = generate_suite_data(
            tmp_path_factory, "pressure", package.pressure.args() + f" --families {','.join(package.families)}")
    if package.choose:  # the validation videos the answerer is chosen on (here the same small mix)
        sets |= {f"{package.run}_val_mix": mix} | {f"{f}_heldout_val": mix for f in package.families}
    for module, constant, value in ((pipeline, "RUNS", str(tmp_path)), (pipeline, "SAMPLE_TASKS", 16),
                                    (pipeline, "HARDEN_TASKS", 8)):
        monkeypatch.setattr(module, constant, value)
    quick = replace(package, val_seeds=package.val_seeds[:2], answerer_budget=Budget(steps=4), writer_budget=Budget(steps=4), harden_budget=Budget(steps=4),
                    extra_after=(package.extra_after[0], Budget(steps=4)) if package.extra_after else None,
                    refine=replace(package.refine, budget=Budget(steps=4)) if package.refine else None)

    if quick.round0_starts > 1:  # a scorer whose scores are known: the second start's is the better one
        scorer = Scripted()
        monkeypatch.setattr(family_package, "ValidationVideos", lambda *args: scorer)
    laps = []
    writer, answerer, counts = quick.stage_teacher(True, sets, vocab, reasoner, lambda stage, ran: laps.append((stage, ran)))

    def rerun():
        """The stage called again, on its cache: (its laps, its answerer)."""
        again_laps = []
        again = quick.stage_teacher(False, sets, vocab, reasoner, lambda stage, ran: again_laps.append((stage, ran)))[1]
        return again_laps, again

    made = set(os.listdir(tmp_path))
    assert {quick.models["writer"], quick.models["answerer"], f"{quick.answerer_name}0.pt", f"{quick.answerer_name}1.pt"} <= made
    assert laps == [("writer and answerer", True)] + ([("answerer refinement", True)] if quick.refine else []) + (
        [("pressure round", True)] if quick.pressure else [])
    if quick.pressure and not quick.pressure.rounds:  # connect: nothing optimized; the answerer given the stroke
        # evidence, trained on the replayed videos and the near misses, those that break connect.grow four times
        assert quick.pressure.strokes and answerer.strokes and not answerer.history
        assert not any(k.startswith("pressured finals") for k in counts), "no round optimizes"
        record = json.load(open(tmp_path / f"{quick.shipped_answerer}_pressure.json"))
        grow = record["broken"]["near misses"]["connect.grow"]
        assert record["rounds"] == 0 and set(record["broken"]) == {"near misses"} and counts["near misses"] > grow > 0
        assert counts["near misses, connect.grow broken, again"] == 3 * grow
        assert record["videos"]["two-pair composites"] > 0, "the stage replays the composites"
        before = torch.load(tmp_path / f"{quick.answerer_name}1.pt")
        assert any(not torch.equal(v, before[k]) for k, v in answerer.state_dict().items() if k in before), "it trained"
        assert answerer.state_dict()["stroke_query.weight"].abs().sum() > 0, "the evidence's weights, zero at start"
        again_laps, again = rerun()
        assert again_laps[-1] == ("pressure round", False), "cached"
        assert same(again.state_dict(), answerer.state_dict())
    elif quick.pressure:  # blocks: the refined answerer optimized against, its finals labelled, trained on
        assert counts["pressured finals, 1x"] == 8 and "pressured finals, 4x" not in counts, "one chunk, the first scale"
        refined = torch.load(tmp_path / f"{quick.refine.name}1.pt")
        assert any(not torch.equal(v, refined[k]) for k, v in answerer.state_dict().items()), "the round trained"
        record = json.load(open(tmp_path / f"{quick.refine.name}_pressure.json"))
        assert record["videos"]["simultaneous moves"] > 0, "the round replays the refinement's videos"
        rounds = ["", "round 2, "][:quick.pressure.rounds]  # blocks: two rounds, the second against the first's answerer
        assert quick.pressure.rounds == 2 and record["rounds"] == 2
        assert set(record["broken"]) == {f"{r}{s}x" for r in rounds for s in (1, 4)}
        assert not any(record["broken"]["4x"].values())
        assert all(counts[f"pressured finals, {r}1x"] == 8 for r in rounds), "each round's finals are trained on"
        trainings = quick.answerer_choice()["answerer_choice"]["trainings"]
        if quick.pressure.choose:  # blocks+chosen-pressure: its 4 steps scored on the validation videos, the best kept
            choice = record["choice"]
            assert [c["step"] for c in choice["checks"]] == [1, 2, 3, 4] and choice["steps"] == 4
            assert trainings["pressure round"] == choice, "the card names it"
            assert quick.answerer_choice()["answerer_choice"]["score"] == BY_SOURCE_SCORE_TEXT, "each source apart"
        else:  # its last step kept
            assert "choice" not in record and "pressure round" not in trainings
            assert quick.answerer_choice()["answerer_choice"]["score"] == (
                BY_SOURCE_SCORE_TEXT if quick.val_by_source else POOLED_SCORE_TEXT), "blocks: by source; blocks+pooled"
        again_laps, again = rerun()
        assert again_laps[-1] == ("pressure round", False), "cached"
        assert same(again.state_dict(), answerer.state_dict())
        json.dump(record | {"rounds": 1}, open(tmp_path / f"{quick.refine.name}_pressure.json", "w"))
        assert rerun()[0][-1] == ("pressure round", True), "a cached stage of other rounds is run again"
        return
    if quick.refine:  # blocks-pressure, blocks+tried: the hardened answerer trained on with simultaneous moves and hardened again
        assert counts["simultaneous moves"] > 0 and counts["optimized finals"] == 8
        hardened = torch.load(tmp_path / f"{quick.answerer_name}1.pt")
        assert any(not torch.equal(v, hardened[k]) for k, v in answerer.state_dict().items()), "the refinement trained"
        choice = json.load(open(tmp_path / f"{quick.refine.name}_choice.json"))
        assert set(choice["trainings"]) == {"refinement, extra videos", "hardening again"}
        again_laps, again = rerun()
        assert again_laps == [("writer and answerer", False), ("answerer refinement", False)], "both cached"
        assert same(answerer.state_dict(), again.state_dict())
    if quick.round0_starts > 1:  # blocks+tried: round 0 from two initial weights, the better-scored one goes on
        trainings = json.load(open(tmp_path / f"{quick.answerer_name}_choice.json"))["trainings"]
        assert [t["checks"][-1]["score"] for t in (trainings["round 0, start 1"], trainings["round 0, start 2"])] == \
            [list(s) for s in SCRIPTED[:2]]
        assert trainings["round 0"]["start"] == 2 and trainings["round 0"]["checks"] == trainings["round 0, start 2"]["checks"]
        round0 = torch.load(tmp_path / f"{quick.answerer_name}0.pt")
        assert same(round0, scorer.seen[1]) and not same(round0, scorer.seen[0]), "start 2's snapshot is round 0"
    if quick.extra_after:
        assert f"{quick.extra_after[0]}0.pt" in made, "the round without the extra videos is kept for the variants"
    assert counts["gt+corruptions"] == len(mix.instances)
    assert counts.get("more corruptions", 0) == 24 * len(package.more_corruptions), "every more-corruptions set joins"
    assert counts["reasoner samples"] == counts["one-step previews"] == 16
    assert counts["optimized finals"] == 8 and counts["optimized previews"] > 0
    if quick.sources:
        assert set(counts) - {"gt+corruptions", "reasoner samples", "one-step previews", "optimized finals",
                              "optimized previews"}, "the package's extra videos join round 0"
    assert not answerer.training and not writer.training
    if quick.round0_lr:  # blocks: round 0 at its own peak learning rate, the later trainings at theirs
        from teacher_studio_modelkit.pipeline import HARDEN_LR_SCALE
        from teacher_studio_modelkit.train import ANSWERER_LR
        trainings = json.load(open(tmp_path / f"{quick.answerer_name}_choice.json"))["trainings"]
        assert {k: t["peak_lr"] for k, t in trainings.items() if not k.startswith("round 0, start")} == {
            "round 0": quick.round0_lr, "hardening": ANSWERER_LR * HARDEN_LR_SCALE} and quick.round0_lr != ANSWERER_LR
        assert all(t["precision"] == ("bfloat16 autocast" if bf16_supported() and quick.bf16 else "float32")
                   for t in trainings.values())
    if package.choose and not quick.refine:
        choice = json.load(open(tmp_path / f"{quick.answerer_name}_choice.json"))
        assert choice["videos"] == (1 + len(package.families)) * len(mix.instances)
        assert set(choice["trainings"]) == {"round 0", "hardening"}
        assert all(t["checks"] and t["chosen_step"] <= t["steps"] for t in choice["trainings"].values())
        assert all(t["steps"] == 4 for t in choice["trainings"].values()), "a step budget trains exactly its steps"
    frames = torch.from_numpy(mix.frames[:2].astype("float32"))
    p = ev.teacher_probs(answerer, frames, ev.TaskBatch(mix, vocab, [0, 1]).queries)
    assert torch.isfinite(p).all() and ((p >= 0) & (p <= 1)).all()
