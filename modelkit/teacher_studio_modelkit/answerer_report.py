"""How an answerer reads each kind of video: the share of right answers per (rule, video variant)
on the training videos it learnt from (first 1,500 of train_mix: does it fit them?), on the
validation split's ground truth + corruptions (heldout_val_mix, seeds 400000+: does it carry over
to larger grids and longer paths?) and on the committed reasoner's own samples of the validation
tasks (heldout_val, seeds 300000+, 8 sample seeds), where a broken rule is split by whether only the
last frame shows it (the suite's corruptions never break a rule there). Never the test split.
    cd modelkit && python -m teacher_studio_modelkit.answerer_report runs/answerer0.pt ...
--answerer-module FILE loads the Answerer class from another file (e.g. an earlier teacher.py from
git history), so answerers of different architectures can be compared."""
import argparse
import importlib.util
import os

import numpy as np
import torch

from . import build, evaluate as ev
from .data import MAX_QUERY, SuiteData
from .export import load_checkpoint
from .rules import make_judges
from .teacher import Answerer

SETS = (("train_mix", 1500), ("heldout_val_mix", 500))
SAMPLE_SEEDS = 8  # reasoner samples per validation task


def answerer_class(path):
    if not path:
        return Answerer
    spec = importlib.util.spec_from_file_location("teacher_studio_modelkit.answerer_under_test", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.Answerer


def right_by_variant(ans, vocab, data, n):
    """{(rule, variant, label): share of right answers at threshold 0.5, count}."""
    tb = ev.TaskBatch(data, vocab, range(min(n, len(data.instances))))
    p = ev.teacher_probs(ans, torch.from_numpy(np.array(data.frames[:len(tb)])).float(), tb.queries)
    out = {}
    for i, inst in enumerate(data.instances[:len(tb)]):
        for q, rule in enumerate(tb.rules[i]):
            y = inst["labels"][rule]
            out.setdefault((rule, inst["variant"], y), []).append((float(p[i, q]) >= 0.5) == bool(y))
    return {k: (float(np.mean(v)), len(v)) for k, v in out.items()}


def reasoner_samples(reasoner, vocab, data, judges):
    """The reasoner's samples of every task of data (SAMPLE_SEEDS seeds): [(cells, task batch, labels,
    {(video, rule): True when only the last frame breaks it})]."""
    tb = ev.TaskBatch(data, vocab, range(len(data.instances)))
    out = []
    for seed in range(SAMPLE_SEEDS):
        cells = ev.sample_cells(reasoner, tb, seed)
        labels = ev.judge_all(judges, tb.families, cells)
        last_only = {}
        for i, (l, fam) in enumerate(zip(labels, tb.families)):
            held = cells[i].clone()
            held[-1] = held[-2]  # the last frame replaced by the one before
            again = judges[fam](held.numpy())
            last_only.update({(i, r): again[r] == 1 for r, y in l.items() if y == 0})
        out.append((cells, tb, labels, last_only))
    return out


def right_on_samples(ans, reasoner, samples):
    """{(rule, 'sample' / 'broken, last frame only' / 'broken earlier', label): (share right, n)}."""
    out = {}
    for cells, tb, labels, last_only in samples:
        p = ev.teacher_probs(ans, reasoner.render(cells), tb.queries)
        for i, rules in enumerate(tb.rules):
            for q, rule in enumerate(rules):
                y = labels[i][rule]
                kind = "sample" if y else ("broken, last frame only" if last_only[(i, rule)] else "broken earlier")
                out.setdefault((rule, kind, y), []).append((float(p[i, q]) >= 0.5) == bool(y))
    return {k: (float(np.mean(v)), len(v)) for k, v in out.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("answerers", nargs="+", help="answerer state dicts (.pt)")
    ap.add_argument("--answerer-module", default="", help="file defining the Answerer class of these state dicts")
    a = ap.parse_args()
    torch.set_num_threads(int(os.environ.get("MODELKIT_THREADS", "2")))
    reasoner, _, _, vocab, _ = load_checkpoint(build.CHECKPOINT)
    cls = answerer_class(a.answerer_module)
    data = {name: SuiteData(os.path.join(build.DATA, name)) for name, _ in SETS}
    val = SuiteData(os.path.join(build.DATA, "heldout_val"))
    samples = reasoner_samples(reasoner, vocab, val, make_judges(val.appearances, reasoner.C))
    tables = []
    for path in a.answerers:
        ans = cls(reasoner.A, len(vocab), reasoner.C, reasoner.T, reasoner.px, MAX_QUERY)
        ans.load_state_dict(torch.load(path, weights_only=False))
        t = {name: right_by_variant(ans.eval(), vocab, data[name], n) for name, n in SETS}
        t["heldout_val reasoner samples"] = right_on_samples(ans, reasoner, samples)
        tables.append(t)
    for name in tables[0]:
        print(f"\n{name}: right answers per rule and video variant (label), n\n")
        print("| rule | variant (label) | n | " + " | ".join(a.answerers) + " |")
        print("|---|---|---|" + "---|" * len(a.answerers))
        for key in sorted(tables[0][name]):
            rule, variant, y = key
            if variant not in ("gt", "sample") and y == 1:
                continue  # a corruption that leaves this rule intact
            cells = " | ".join(f"{100 * t[name][key][0]:.0f} %" for t in tables)
            print(f"| {rule} | {variant} ({'yes' if y else 'no'}) | {tables[0][name][key][1]} | {cells} |")


if __name__ == "__main__":
    main()
