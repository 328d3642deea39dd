"""Shared fixtures: the committed packages + checkpoints when present, else a tiny random package
exported on the fly (so the export machinery itself is always exercised)."""
import os

import pytest
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PACKAGE = os.path.join(ROOT, "resources", "models", "gridworld")
CHECKPOINT = os.path.join(ROOT, "modelkit", "checkpoints", "gridworld.pt")
BLOCKS_PACKAGE = os.path.join(ROOT, "resources", "models", "blocks")
BLOCKS_CHECKPOINT = os.path.join(ROOT, "modelkit", "checkpoints", "blocks.pt")
BARS_PACKAGE = os.path.join(ROOT, "resources", "models", "bars")
BARS_CHECKPOINT = os.path.join(ROOT, "modelkit", "checkpoints", "bars.pt")
CONNECT_PACKAGE = os.path.join(ROOT, "resources", "models", "connect")
CONNECT_CHECKPOINT = os.path.join(ROOT, "modelkit", "checkpoints", "connect.pt")

torch.set_num_threads(2)


@pytest.fixture(scope="session")
def package():
    """(package dir, reasoner, answerer, writer) for the trained, committed package."""
    from teacher_studio_modelkit.export import load_checkpoint
    if not (os.path.exists(CHECKPOINT) and os.path.exists(os.path.join(PACKAGE, "manifest.json"))):
        pytest.skip("no committed package: run python -m teacher_studio_modelkit.build")
    r, a, w, vocab, _ = load_checkpoint(CHECKPOINT)
    return PACKAGE, r, a, w


def committed(package_dir, checkpoint, build):
    """(package dir, reasoner, answerer, writer, vocabulary) of a committed package; the test is
    skipped, naming the command that builds it (`build`), when its files are missing."""
    from teacher_studio_modelkit.export import load_checkpoint
    if not (os.path.exists(checkpoint) and os.path.exists(os.path.join(package_dir, "manifest.json"))):
        pytest.skip(f"no committed {os.path.basename(package_dir)} package: run {build}")
    r, a, w, vocab, _ = load_checkpoint(checkpoint)
    return package_dir, r, a, w, vocab


@pytest.fixture(scope="session")
def blocks_package():
    """The committed blocks package (fall, push), as committed() gives it."""
    return committed(BLOCKS_PACKAGE, BLOCKS_CHECKPOINT, "python -m teacher_studio_modelkit.blocks_package")


@pytest.fixture(scope="session")
def bars_package():
    """The committed bars package (sort), as committed() gives it."""
    return committed(BARS_PACKAGE, BARS_CHECKPOINT, "python -m teacher_studio_modelkit.build --package bars")


@pytest.fixture(scope="session")
def connect_package():
    """The committed connect package, as committed() gives it."""
    return committed(CONNECT_PACKAGE, CONNECT_CHECKPOINT, "python -m teacher_studio_modelkit.build --package connect")


@pytest.fixture(scope="session")
def random_package(tmp_path_factory):
    """A small random-weight package exported now (tests the tracer/exporter on this torch), two graphs at once in
    two processes as a build exports them (export_all's processes)."""
    from teacher_studio_modelkit.export import export_all
    from teacher_studio_modelkit.reasoner import Reasoner
    from teacher_studio_modelkit.teacher import Answerer
    from teacher_studio_modelkit.writer import QueryWriter
    from teacher_studio_modelkit.data import MAX_INSTRUCTION, MAX_PLAN, MAX_QUERY
    torch.manual_seed(0)
    A, V = 12, 60
    r = Reasoner(A, V, agent_id=3, floor_id=1, iterations=2, coin_id=8)  # the same graph, unrolled less: a faster export
    r.sprites.copy_(torch.rand(A, r.px * r.px * 3) * 255)
    a, w = Answerer(A, V, max_query=MAX_QUERY), QueryWriter(V, MAX_INSTRUCTION, MAX_PLAN)
    out = str(tmp_path_factory.mktemp("pkg"))
    export_all(r, a, w, out, names=["tto_step", "vqa"], processes=2)
    return out, r, a, w


@pytest.fixture(scope="session")
def suite_data(tmp_path_factory):
    """A gen-data set: modelkit/data/heldout_mix when a build made it, else a small one generated
    now with the task suite's CLI (`npm run cli -- gen-data` at the repository root)."""
    from teacher_studio_modelkit.data import SuiteData
    built = os.path.join(ROOT, "modelkit", "data", "heldout_mix")
    if os.path.exists(os.path.join(built, "index.json")):
        return SuiteData(built)
    return generate_suite_data(tmp_path_factory, "gen", "--split heldout --n 120 --families maze,collect "
                                                       "--corrupt-fraction 0.7")


def generate_suite_data(tmp_path_factory, name, args):
    """A gen-data set made now with the task suite's CLI (`npm run cli -- gen-data ARGS` at the
    repository root, or $MODELKIT_TASKS_ROOT); the test is skipped where the CLI cannot run."""
    import subprocess
    from teacher_studio_modelkit.data import SuiteData
    out = str(tmp_path_factory.mktemp(name))
    r = subprocess.run(f"npm run --silent cli -- gen-data {args} --out {out} --force", shell=True,
                       cwd=os.environ.get("MODELKIT_TASKS_ROOT", ROOT), capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"gen-data is not available here ({r.stderr.strip()[:200]})")
    return SuiteData(out)


@pytest.fixture
def small_test_split(blocks_package, tmp_path_factory, monkeypatch):
    """blocks' test split made 8 tasks at a time (gen-data into a temporary folder, each set once), so that a
    reading of more than 8 tasks makes the larger set from the same first seed, as 1,024 or 4,096 do."""
    from teacher_studio_modelkit import base_check, build
    name, args, families, _ = base_check.TEST["blocks"]
    monkeypatch.setitem(base_check.TEST, "blocks", (name, args.replace("--n 256", "--n 8"), families, 8))
    made = {}

    def made_data(name, args, families):
        if name not in made:
            made[name] = generate_suite_data(tmp_path_factory, name, f"{args} --families {families}")
        return made[name]
    monkeypatch.setattr(build, "made_data", made_data)
    return base_check, made
