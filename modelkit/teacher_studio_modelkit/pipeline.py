"""Stages after the reasoner: query writer, answerer (+ hardening round), export, experiment."""
import hashlib
import json
import os
import time

import numpy as np
import torch

from . import evaluate as ev
from .build import CHECKPOINT, PACKAGE, RUNS, log
from .data import MAX_INSTRUCTION, MAX_PLAN, MAX_QUERY, plan_text
from .rules import make_judges
from .teacher import Answerer
from .tto import TTO_LAMBDA, TTO_LR, TTO_MAX_STEPS, TTO_TAU, optimize, perturbed_lora
from .writer import QueryWriter

SAMPLE_TASKS = 1200  # train tasks whose reasoner samples (hard + one-step previews) train the answerer
HARDEN_TASKS = 128  # train tasks optimized against the round-0 answerer for the hardening round
HARDEN_LORA_STD = (0.3, 0.5, 0.7)  # hardening runs start from a LoRA with B of these stds (see perturbed_lora)
HARDEN_LR_SCALE = 0.5  # answerer learning-rate scale in the hardening round
TTO_TASKS = 128  # held-out tasks in the test-time optimization experiment
PREVIEW_EVERY = 3  # hardening: keep the previews of every n-th step
ROUND0_START_SEED = 1000  # stage_answerer's starts: round 0's k-th other initial weights from this seed + k
if os.environ.get("MODELKIT_SMOKE") == "1":
    SAMPLE_TASKS, HARDEN_TASKS, TTO_TASKS = 48, 32, 40


def rule_list(data):
    return sorted(data.rules)


def stage_writer(fresh, datasets, vocab, budget, name="writer"):
    """The query writer trained for `budget` (train.Budget or minutes) on every instruction of
    datasets (cached as runs/NAME.pt)."""
    from .train import load_stage, save_stage, train_writer
    path = os.path.join(RUNS, f"{name}.pt")
    w = QueryWriter(len(vocab), MAX_INSTRUCTION, MAX_PLAN)
    if os.path.exists(path) and not fresh:
        load_stage(w, path, log)  # the answerer's initial weights come next
        return w.eval()
    instr, plans = [], []
    for d in datasets:
        for inst in d.instances:
            instr.append(vocab.encode(inst["instruction"], MAX_INSTRUCTION))
            plans.append(vocab.encode(plan_text(d.rule_queries(inst)), MAX_PLAN, bos=True, eos=True))
    train_writer(w, torch.tensor(instr), torch.tensor(plans), budget, log)
    save_stage(w, path)
    return w.eval()


def labelled(judges, tb, cells, verdicts=None):
    """(the judges' verdicts on cells, or verdicts when given; their labels [B, 4] in tb's query slots, -1 unused)."""
    labels = ev.judge_all(judges, tb.families, cells) if verdicts is None else verdicts
    lab = np.array([[l[r] for r in rules] + [-1] * (4 - len(rules)) for l, rules in zip(labels, tb.rules)])
    return labels, lab


def relabeller(judges, rules_all):
    """cells [k, T, N], rule_idx [k, Q] (into rules_all, -1 unused) -> labels [k, Q] by the judges."""
    def relabel(cells, rule_idx):
        out = np.full(rule_idx.shape, -1)
        for b, (c, ri) in enumerate(zip(cells, rule_idx)):
            verdict = judges[rules_all[ri[0]].split(".")[0]](c)
            out[b] = [verdict[rules_all[r]] if r >= 0 else -1 for r in ri]
        return out

    return relabel


def rule_index(tb, rules_all):
    return np.array([[rules_all.index(r) for r in rules] + [-1] * (4 - len(rules)) for rules in tb.rules])


def suite_videos(d, vocab, rules_all):
    """Every video of gen-data set d with the labels gen-data gave it, as an AnswerSet part: frames
    float16 [N, T, H, W, 3], cells [N, T, C*C], queries [N, Q, Lq], labels [N, Q] and rule ids [N, Q]
    (into rules_all; -1 for an unused slot)."""
    tb = ev.TaskBatch(d, vocab, range(len(d.instances)))
    lab = np.array([[inst["labels"][r] for r in rules] + [-1] * (4 - len(rules))
                    for inst, rules in zip(d.instances, tb.rules)])
    return (np.asarray(d.frames).astype(np.float16), d.cells.reshape(len(d.instances), d.cells.shape[1], -1),
            tb.queries.numpy(), lab, rule_index(tb, rules_all))


def add_cells_videos(aset, reasoner, judges, tb, cells, rules_all, source, frames=None, verdicts=None):
    """Videos of cells [B, T, N], hard-rendered unless frames [B, T, H, W, 3] are given, labelled by the judges
    (or by their verdicts on these cells, when the caller has them)."""
    frames = (reasoner.render(cells) if frames is None else torch.as_tensor(frames)).to(torch.float16).numpy()
    _, lab = labelled(judges, tb, cells, verdicts)
    aset.add(frames, cells.numpy().astype(np.uint8), tb.queries.numpy(), lab, rule_index(tb, rules_all), source)


def add_weighted_videos(aset, reasoner, judges, tb, cells, rules_all, source, again=(), verdicts=None):
    """add_cells_videos, then for each (rule, times) of again the videos that break the rule times - 1 more
    times, as one part (source "SOURCE, RULE broken, again"): a rule whose broken videos are few among its
    others (connect.grow's overwrites among the suite's teleports). The videos are judged once (or verdicts, the
    judges' verdicts on cells, are used). Returns {rule: the rows that break it}."""
    verdicts = ev.judge_all(judges, tb.families, cells) if verdicts is None else verdicts
    add_cells_videos(aset, reasoner, judges, tb, cells, rules_all, source, verdicts=verdicts)
    bad = {rule: [i for i, l in enumerate(verdicts) if l.get(rule) == 0] for rule in rules_all}
    for rule, times in again:
        if bad[rule] and times > 1:
            rows = bad[rule] * (times - 1)
            add_cells_videos(aset, reasoner, judges, tb.take(rows), cells[rows], rules_all, f"{source}, {rule} broken, again",
                             verdicts=[verdicts[i] for i in rows])
    return bad


class sprites_as:
    """Within the block the reasoner renders (hard and one-step previews) with sprites [A, S] in place
    of its own; they are restored after it."""

    def __init__(self, reasoner, sprites):
        self.reasoner, self.sprites = reasoner, sprites

    def __enter__(self):
        self.own = self.reasoner.sprites.clone()
        self.reasoner.sprites.copy_(torch.as_tensor(self.sprites, dtype=self.own.dtype))

    def __exit__(self, *exc):
        self.reasoner.sprites.copy_(self.own)


EXPORT_PROCESSES = 2  # export_package's graphs are exported by this many processes at once (export.export_all)

# round0_videos' last result and what it was made from: a build makes the same videos for round 0, the refinement and
# the pressure round (the reasoner's samples of 1,200 tasks: about a minute each time on this CPU)
_ROUND0 = {}


def _round0_key(d, vocab, reasoner, judges, rules_all, mixes):
    """What round 0's videos depend on: the data sets, vocabulary, reasoner and judges themselves (not equal copies),
    the reasoner's weights as they stand (a parameter trained in place bumps its version), its buffers' contents (the
    sprites the videos are drawn with: sprites_as swaps them and puts them back, which bumps their version, so a
    build's stages after connect's two-pair composites sampled the reasoner again, half a minute each time), and the
    rule list."""
    buffers = hashlib.sha256()
    for b in reasoner.buffers():
        buffers.update(b.detach().contiguous().numpy().tobytes())
    return ((d, vocab, reasoner, judges, *mixes), tuple(t._version for t in reasoner.parameters()),
            buffers.hexdigest(), tuple(rules_all))


def round0_videos(d, vocab, reasoner, judges, rules_all, mixes=()):
    """Round 0's training videos (an AnswerSet) and the ground-truth tasks of d they sample: d's ground truth
    and corruptions, those of mixes ("more corruptions"), and the reasoner's samples and one-step previews of
    d's first SAMPLE_TASKS ground-truth tasks, labelled by the judges. The same arguments again (the same objects,
    the reasoner's weights untouched) give a copy of the last result without sampling again: the copy's videos are
    the same arrays, and what the caller adds to it stays out of the next copy."""
    key = _round0_key(d, vocab, reasoner, judges, rules_all, mixes)
    last = _ROUND0.get("key")
    if last is not None and len(last[0]) == len(key[0]) and all(a is b for a, b in zip(last[0], key[0])) \
            and last[1:] == key[1:]:
        log("answerer: round 0's videos as this process made them before")
        aset, gt_idx = _ROUND0["videos"]
        return aset.copy(), list(gt_idx)
    aset, gt_idx = _sample_round0(d, vocab, reasoner, judges, rules_all, mixes)
    _ROUND0.update(key=key, videos=(aset.copy(), list(gt_idx)))
    return aset, gt_idx


def _sample_round0(d, vocab, reasoner, judges, rules_all, mixes):
    from .train import AnswerSet
    aset = AnswerSet()
    aset.add(*suite_videos(d, vocab, rules_all), "gt+corruptions")
    for m in mixes:
        aset.add(*suite_videos(m, vocab, rules_all), "more corruptions")
    gt_idx = [i for i, inst in enumerate(d.instances) if inst["variant"] == "gt"][:SAMPLE_TASKS]
    tb = ev.TaskBatch(d, vocab, gt_idx)
    log(f"answerer: sampling the reasoner on {len(gt_idx)} train tasks")
    add_cells_videos(aset, reasoner, judges, tb, ev.sample_cells(reasoner, tb, 101), rules_all, "reasoner samples")
    pf, pc = ev.one_step_previews(reasoner, tb, 102)
    _, lab = labelled(judges, tb, pc)
    aset.add(pf.numpy(), pc.numpy().astype(np.uint8), tb.queries.numpy(), lab, rule_index(tb, rules_all),
             "one-step previews")
    return aset, gt_idx


def add_extra_videos(aset, extra, d, gt_idx, vocab, reasoner, judges, rules_all):
    """stage_answerer's extra videos into aset: [(source, f)] with f(d, gt_idx) -> (instance indices,
    cells [B, T, N][, frames]), labelled by the judges, hard-rendered unless f gives their frames."""
    for source, make in extra:
        kept, cells, *frames = make(d, gt_idx)
        if kept:
            add_cells_videos(aset, reasoner, judges, ev.TaskBatch(d, vocab, kept), torch.as_tensor(cells).long(),
                             rules_all, source, *frames)


def stage_answerer(fresh, d, vocab, reasoner, judges, budget, harden_budget, name="answerer", extra=(),
                   census=False, hue=False, extra_after=None, harden_source=None, change=False, choose=None, start=None,
                   mixes=(), bf16=False, starts=1, round0_lr=None):
    """The answerer trained on d's ground truth and corruptions and on the reasoner's samples and
    one-step previews of d's ground-truth tasks for `budget` (train.Budget or minutes; round 0, cached
    as runs/NAME0.pt), then for `harden_budget` with the previews and finals of optimizations against
    it (hardening round, runs/NAME1.pt; the video counts per source in runs/NAME_data.json). extra: [(source, f)] with f(d, gt_idx) -> (instance
    indices, cells [B, T, N][, frames]): more videos with those tasks' queries for round 0, labelled
    by the judges (their first frame is their own), hard-rendered unless f gives their frames.
    census, change: the answerer's census and picture-change evidence (teacher.Answerer); hue: the
    colour augmentation of both rounds (train.rotate_hue). extra_after: (first, budget): the extra
    videos join round 0 only after it has trained without them, as runs/FIRST0.pt (loaded when cached:
    the same recipe's round 0), then it trains that budget more with them at the hardening round's learning rate. harden_source:
    (reasoner, d, idx) -> [(instance indices, first cells [B, N], sprites [A, S])]: the second half of
    the hardening tasks start from those first frames instead of their own, rendered with those sprites
    (their videos count as "optimized previews, SOURCE" and "optimized finals, SOURCE"), given as
    (SOURCE, f). choose: every training of the stage keeps its best snapshot by this validation score
    (answerer_validation.ValidationVideos, whose len is its number of videos and score_text its score in
    words; train.train_answerer), the scores in runs/NAME_choice.json. start: with extra_after, the path of a trained answerer (a state
    dict) that stands in for round 0 without the extra videos, loaded even when fresh (an earlier stage of
    the same build made it: FamilyPackage.refine); extra_after's first is then unused. mixes: more gen-data sets
    of the same families (FamilyPackage.more_corruptions) whose videos train every round beside d's, as
    "more corruptions". bf16: every training under bfloat16 autocast (train.train_answerer). starts (with
    choose): round 0 is trained from that many initial weights (the first where torch's generator
    stands, as with one; start k from torch.manual_seed(ROUND0_START_SEED + k)), each keeping its best
    snapshot, and the best of them by validation score goes on (their scores under "round 0, start K").
    round0_lr: round 0's peak learning rate (default train.ANSWERER_LR; the later trainings keep theirs)."""
    from .answerer_validation import choose_every
    from .train import ANSWERER_LR
    from .train import train_answerer as train_one
    choices = {}

    assert starts == 1 or choose is not None, "several round-0 starts need a validation score to pick one"

    def train_answerer(model, data, n_rules, budget, *args, part, **kw):
        """train.train_answerer, with the stage's choice and precision; its scores are kept under `part`."""
        out = train_one(model, data, n_rules, budget, *args, choose=choose, choose_every=choose_every(budget), bf16=bf16,
                        **kw)
        if choose is not None:
            choices[part] = {k: out[k] for k in ("steps", "chosen_step", "checks", "precision", "peak_lr")}
        return out

    def new_answerer():
        return Answerer(reasoner.A, len(vocab), C, reasoner.T, reasoner.px, MAX_QUERY, census=census, change=change)

    def round0(data, budget):
        """Round 0 into ans, from `starts` initial weights; the best by its chosen snapshot's score is kept."""
        lr = ANSWERER_LR if round0_lr is None else round0_lr
        train_answerer(ans, data, len(rules_all), budget, log, relabel=relabel, hue=hue, lr=lr, part="round 0")
        if starts > 1:
            choices["round 0, start 1"] = choices["round 0"]
        for k in range(1, starts):
            torch.manual_seed(ROUND0_START_SEED + k)
            other = new_answerer()
            train_answerer(other, data, len(rules_all), budget, log, relabel=relabel, hue=hue, lr=lr,
                           part=f"round 0, start {k + 1}")
            best = lambda c: max(x["score"] for x in c["checks"])
            log(f"round 0, start {k + 1}: validation score {best(choices[f'round 0, start {k + 1}'])} against "
                f"{best(choices['round 0'])}")
            if best(choices[f"round 0, start {k + 1}"]) > best(choices["round 0"]):
                ans.load_state_dict(other.state_dict())
                choices["round 0"] = choices[f"round 0, start {k + 1}"] | {"start": k + 1}

    rules_all = rule_list(d)
    relabel = relabeller(judges, rules_all)  # late-started training videos are judged again
    C = reasoner.C
    path0, path1 = os.path.join(RUNS, f"{name}0.pt"), os.path.join(RUNS, f"{name}1.pt")
    counts_path = os.path.join(RUNS, f"{name}_data.json")
    ans = new_answerer()
    if os.path.exists(path1) and not fresh:
        ans.load_state_dict(torch.load(path1))
        return ans.eval(), json.load(open(counts_path))
    aset, gt_idx = round0_videos(d, vocab, reasoner, judges, rules_all, mixes)

    def add_extra():
        add_extra_videos(aset, extra, d, gt_idx, vocab, reasoner, judges, rules_all)

    if os.path.exists(path0) and not fresh:
        add_extra()
        ans.load_state_dict(torch.load(path0))
    elif extra_after is None:
        add_extra()
        round0(aset.cat(), budget)
        torch.save(ans.state_dict(), path0)
    else:
        first, extra_budget = extra_after
        first_path = start or os.path.join(RUNS, f"{first}0.pt")
        if start or (os.path.exists(first_path) and not fresh):
            ans.load_state_dict(torch.load(first_path))
        else:
            round0(aset.cat(), budget)
            torch.save(ans.state_dict(), first_path)
        add_extra()
        train_answerer(ans, aset.cat(), len(rules_all), extra_budget, log, seed=2, lr=ANSWERER_LR * HARDEN_LR_SCALE,
                       relabel=relabel, hue=hue, part="refinement, extra videos" if start else "round 0, extra videos")
        torch.save(ans.state_dict(), path0)
    counts = aset.counts()
    ans.eval()
    # hardening round: optimize train tasks against this answerer from perturbed LoRAs (so that there
    # are failures to optimize), label what comes out with the evaluator, retrain
    h_idx = [i for i, inst in enumerate(d.instances) if inst["variant"] == "gt"][SAMPLE_TASKS:][:HARDEN_TASKS]
    if len(h_idx) < HARDEN_TASKS:
        h_idx = gt_idx[:HARDEN_TASKS]
    log(f"hardening: optimizing {len(h_idx)} train tasks against the round-0 answerer")

    def harden(hb, seed, suffix=""):
        start = perturbed_lora(reasoner, len(hb.idx), HARDEN_LORA_STD, seed=seed)
        # confirm=False: the round learns from the previews it optimizes, as the packages were built
        res = optimize(reasoner, ans, ev.noise_for(reasoner, hb.idx, 7), hb.cells0, hb.instr, hb.queries,
                       hb.weights, keep_previews=True, init_lora=start, confirm=False)
        for k in range(0, len(res["previews"]), PREVIEW_EVERY):
            _, lab = labelled(judges, hb, res["preview_cells"][k])
            aset.add(res["previews"][k].numpy(), res["preview_cells"][k].numpy().astype(np.uint8),
                     hb.queries.numpy(), lab, rule_index(hb, rules_all), "optimized previews" + suffix)
        add_cells_videos(aset, reasoner, judges, hb, res["final_cells"], rules_all, "optimized finals" + suffix)

    own = len(h_idx) // 2 if harden_source else len(h_idx)
    for s in range(0, own, ev.CHUNK):
        harden(ev.TaskBatch(d, vocab, h_idx[s:min(s + ev.CHUNK, own)]), s)
    if harden_source:
        source, make = harden_source
        for k, (kept, cells0, sprites) in enumerate(make(reasoner, d, h_idx[own:])):
            hb = ev.TaskBatch(d, vocab, kept)
            hb.cells0 = torch.as_tensor(cells0).long()
            with sprites_as(reasoner, sprites):
                harden(hb, own + k, f", {source}")
    every = aset.counts()
    counts.update({k: every[k] for k in sorted(every) if k.startswith("optimized ")})
    train_answerer(ans, aset.cat(), len(rules_all), harden_budget, log, seed=1, lr=ANSWERER_LR * HARDEN_LR_SCALE,
                   relabel=relabel, hue=hue, part="hardening again" if start else "hardening")
    torch.save(ans.state_dict(), path1)
    json.dump(counts, open(counts_path, "w"))
    if choose is not None:
        json.dump({"videos": len(choose), "score": choose.score_text, "trainings": choices},
                  open(os.path.join(RUNS, f"{name}_choice.json"), "w"), indent=1)
    return ans.eval(), counts


def same_weights(path, package, reasoner, answerer, writer):
    """True when the checkpoint at path holds exactly these models (the graphs of the package
    beside it were exported from them, so the slow graph export can be skipped)."""
    if not (os.path.exists(path) and os.path.exists(os.path.join(package, "manifest.json"))):
        return False
    ck = torch.load(path, weights_only=False)
    for key, m in (("reasoner", reasoner), ("answerer", answerer), ("writer", writer)):
        sd = m.state_dict()
        if sd.keys() != ck[key].keys() or not all(torch.equal(sd[k], ck[key][k]) for k in sd):
            return False
    return True


def package_defaults(reasoner, lr=TTO_LR):
    """manifest.defaults: the engine's TTO settings (those of tto.py; a package may have its own
    learning rate, chosen on its validation split) and the preview / sampler shape."""
    from .reasoner import SAMPLER_STEPS
    return {"learningRate": lr, "lambda": TTO_LAMBDA, "tau": TTO_TAU, "maxSteps": TTO_MAX_STEPS,
            "previewFrames": reasoner.T, "samplerSteps": SAMPLER_STEPS, "optimizer": "adam",
            "adamBetas": [0.9, 0.999], "adamEps": 1e-8}


def export_package(d, vocab, reasoner, answerer, writer, defaults, package=PACKAGE, checkpoint=CHECKPOINT,
                   name="gridworld", force=False):
    """Graphs (skipped when the checkpoint already holds these weights, unless force: the graphs also change
    with the code that runs the models), manifest.json with d's appearances, rules and families, and the
    PyTorch checkpoint. Returns whether the graphs were written."""
    from .export import export_all, save_checkpoint, write_manifest
    exported = force or not same_weights(checkpoint, package, reasoner, answerer, writer)
    if not exported:
        log("export: the graphs already hold these weights; rewriting the manifest only")
    else:
        os.makedirs(package, exist_ok=True)
        os.makedirs(os.path.dirname(checkpoint), exist_ok=True)
        export_all(reasoner, answerer, writer, package, processes=EXPORT_PROCESSES)
    fams = [{"name": f["name"], "rules": f["rules"]} for f in d.index["families"]]
    write_manifest(package, reasoner, vocab, d.appearances, list(d.rules.values()), fams, defaults, name)
    save_checkpoint(checkpoint, reasoner, answerer, writer, vocab, {"defaults": defaults})
    return exported


def ort_step_ms(reasoner, package=PACKAGE, repeats=20):
    """Milliseconds per call of the package's tto_step graph in onnxruntime (CPU)."""
    import onnxruntime as ort
    from .export import example_inputs, graph_args, graph_specs
    s = ort.InferenceSession(os.path.join(package, "tto_step.onnx"), providers=["CPUExecutionProvider"])
    ins, _ = graph_specs(reasoner)["tto_step"]
    feed = {n: x.numpy() for n, x in zip(ins, graph_args("tto_step", reasoner, example_inputs(reasoner),
                                                            reasoner.lora_init()))}
    s.run(None, feed)
    t = time.time()
    for _ in range(repeats):
        s.run(None, feed)
    return 1000 * (time.time() - t) / repeats


def package_mb(package):
    return sum(os.path.getsize(os.path.join(package, f)) for f in os.listdir(package)) / 2 ** 20


def stage_clock(record=None):
    """(minutes, lap) for a one-command build: lap(stage, ran=True) stores the minutes since the
    previous lap (or the clock's start) under minutes[stage], with whether the stage ran or was cached.
    A cached stage keeps the minutes it took when it last ran, from the earlier build's record (the
    JSON file `record`, when there is one), marked "earlier": a card then tells the build's real cost."""
    minutes, start = {}, [time.time()]
    earlier = json.load(open(record))["stages"] if record and os.path.exists(record) else {}

    def lap(stage, ran=True):
        minutes[stage] = {"minutes": (time.time() - start[0]) / 60, "ran": ran}
        if not ran and stage in earlier and (earlier[stage]["ran"] or earlier[stage].get("earlier")):
            minutes[stage] = {"minutes": earlier[stage]["minutes"], "ran": False, "earlier": True}
        log(f"build: {stage} {minutes[stage]['minutes']:.1f} min" + (" (an earlier run's)" if minutes[stage].get("earlier") else ""))
        start[0] = time.time()

    return minutes, lap


def load_run_models(reasoner, vocab, files, needed, hint, census=False, history=False, strokes=False):
    """(reasoner, answerer, writer) with the weights of runs/FILES[role] for each role, the answerer (census and
    history, strokes: teacher.Answerer's) and writer built for the reasoner and vocab; stops with `hint` when any of those or
    of `needed` (the results a card is written from) is missing."""
    missing = [f for f in list(files.values()) + list(needed) if not os.path.exists(os.path.join(RUNS, f))]
    if missing:
        raise SystemExit(f"missing in {RUNS}: {', '.join(missing)}; {hint}")
    a = Answerer(reasoner.A, len(vocab), reasoner.C, reasoner.T, reasoner.px, MAX_QUERY, census=census, history=history,
                 strokes=strokes)
    w = QueryWriter(len(vocab), MAX_INSTRUCTION, MAX_PLAN)
    for m, role in ((reasoner, "reasoner"), (a, "answerer"), (w, "writer")):
        m.load_state_dict(torch.load(os.path.join(RUNS, files[role])))
        m.eval()
    return reasoner, a, w


def parameter_counts(reasoner, answerer, writer):
    return {k: sum(p.numel() for p in m.parameters()) for k, m in
            (("reasoner", reasoner), ("answerer", answerer), ("writer", writer))}


def run_rest(a, sets, vocab, reasoner):
    from .build import ANSWERER_MINUTES, HARDEN_MINUTES, WRITER_MINUTES
    from .experiment import run as run_experiment
    from .model_card import write_card
    t0 = time.time()
    judges = make_judges(sets["train_gt"].appearances, reasoner.C)
    writer = stage_writer(a.fresh, (sets["train_gt"], sets["train_mix"]), vocab, WRITER_MINUTES)
    if a.until == "writer":
        return
    answerer, counts = stage_answerer(a.fresh, sets["train_mix"], vocab, reasoner, judges, ANSWERER_MINUTES,
                                      HARDEN_MINUTES)
    if a.until == "answerer":
        return
    defaults = package_defaults(reasoner)
    t_export = time.time()
    export_package(sets["train_mix"], vocab, reasoner, answerer, writer, defaults)
    log("exported " + PACKAGE)
    if a.until == "export":
        return
    t_experiment = time.time()
    results = run_experiment(sets, vocab, reasoner, answerer, writer, judges, TTO_TASKS)
    results["export_minutes"] = (t_experiment - t_export) / 60
    results["experiment_minutes"] = (time.time() - t_experiment) / 60
    results["answerer_training_videos"] = counts
    results["ort_tto_step_ms"] = ort_step_ms(reasoner)
    results["package_mb"] = package_mb(PACKAGE)
    results["parameters"] = {n: sum(p.numel() for p in m.parameters()) for n, m in
                             (("reasoner", reasoner), ("answerer", answerer), ("writer", writer))}
    for k in ("reasoner",):
        p = os.path.join(RUNS, f"{k}.json")
        if os.path.exists(p):
            results[f"{k}_training"] = json.load(open(p))
    results["build_minutes_this_run"] = (time.time() - a.t_start) / 60  # excludes stages loaded from cache
    json.dump(results, open(os.path.join(RUNS, "results.json"), "w"), indent=1)
    write_card(os.path.join(PACKAGE, "MODEL_CARD.md"), results)
    log(f"MODEL_CARD.md written; stages after the reasoner took {time.time() - t0:.0f}s")
