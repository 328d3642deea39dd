"""The teacher on fall and push, with the objects reasoner (objects_experiment, runs/objects.pt) as
the video model: the blocks package's query-writer and answerer stages (FamilyPackage.stage_teacher:
ground truth and corruptions, reasoner samples and one-step previews, a hardening round on
optimized videos) on both families together, then the package's held-out
experiment (experiment.py): the answerer's balanced accuracy per rule on ground truth and
corruptions, on reasoner samples and on optimized samples; test-time optimization with this teacher
against the base sample and compute-matched best-of-N (teacher-picked, and the oracle pass@N);
the hacking rate; the writer's rule-set accuracy (experiment(), which every FamilyPackage's
evaluation runs). blocks_package exports them. Writes runs/objects_writer.pt,
runs/objects_answerer{0,1}.pt, runs/objects_teacher.json and results/objects_teacher.md.

    cd modelkit && python -m teacher_studio_modelkit.objects_teacher     # after objects_experiment
"""
import argparse
import json
import os

import numpy as np
import torch

from . import evaluate as ev
from .answerer_validation import POOLED_SCORE_TEXT
from .build import MODELKIT, RUNS, SMOKE, log
from .experiment import teacher_accuracy, tto_experiment, writer_accuracy
from .late_faults import LATE_FAULTS, late_fault_sources
from .model_card import acc_rows, curve_text, pct, stop_text
from .objects_experiment import FAMILIES, data_and_vocab, make_objects_reasoner
from .train import Budget, answerer_chain_text, stored_budgets, teacher_budget_texts
from .tto import TTO_LAMBDA, TTO_MAX_STEPS, TTO_TAU

IN_DOMAIN_TASKS = 128  # the last ground-truth tasks of the train mix (no answerer trained on them)
# The blocks answerer needs twice gridworld's round 0: with 14 minutes it still fit only 60-72 % of its own
# training videos on push.step, fall.straight and push.no_wall; with 28 it fits every rule to >= 99.5 %. 24 since the
# local attention's fast form (a step costs about 10 % less), so that the one-command build fits 60 minutes.
# Since 2026-12-02 a step budget: the 24 minutes gave about 5,240 steps on a normal day and 3,323 on a slow one, whose
# answerer came out far worse (results/blocks_rebuild.md).
BLOCKS_ANSWERER_BUDGET = Budget(steps=20 if SMOKE else 5200)
# The blocks package's TTO learning rate, chosen with its teacher on its validation split (results/lr_sweep_blocks.md:
# 0.01 68.0 %, 0.02 64.8 %, 0.05 56.2 %, 0.02 with 32 steps 66.4 % at 10.9 % hacking); gridworld's 0.02 was chosen on
# gridworld's. The field the LoRA moves is shared by every frame and cell of a block's colour, so large steps scramble it.
# Checked again on the one-command build's models (results/lr_sweep_blocks_rebuild.md): 0.01 71.9 % at 5.5 % hacking,
# 0.02 69.5 % at 8.6 %. And with the answerer of 2026-12-03 and the base check (results/lr_sweep_blocks_base_check.md):
# 0.005 74.2 %, 0.01 75.0 %, 0.02 76.6 %, all without hacking, within a few of 128 tasks of each other.
BLOCKS_TTO_LR = 0.01


def experiment(sets, vocab, reasoner, answerer, writer, judges, tasks, prefix="objects", families=FAMILIES,
               lr=BLOCKS_TTO_LR):
    """The held-out measurements on the first `tasks` held-out tasks (and as many in-domain ones,
    at most IN_DOMAIN_TASKS), on the data sets PREFIX_heldout_gt, PREFIX_heldout_mix and
    PREFIX_train_mix, at TTO learning rate lr."""
    H, M, T = sets[f"{prefix}_heldout_gt"], sets[f"{prefix}_heldout_mix"], sets[f"{prefix}_train_mix"]
    tb = ev.TaskBatch(H, vocab, range(min(tasks, len(H.instances))))
    c0, c1 = ev.sample_cells(reasoner, tb, 0), ev.sample_cells(reasoner, tb, 1)
    l0, l1 = ev.judge_all(judges, tb.families, c0), ev.judge_all(judges, tb.families, c1)
    out = {"settings": {"lr": lr, "lambda": TTO_LAMBDA, "tau": TTO_TAU, "max_steps": TTO_MAX_STEPS},
           "base_heldout_by_family": {fam: ev.rule_table([l for l, f in zip(l0, tb.families) if f == fam])
                                      | {"n": tb.families.count(fam)} for fam in families}}
    log(f"base held-out {out['base_heldout_by_family']}")
    out.update(teacher_accuracy(answerer, reasoner, judges, M, vocab, tb, [c0, c1], l0 + l1))
    out.update(tto_experiment(reasoner, answerer, judges, tb, lr))
    log(f"tto {out['tto']}  best-of-n {out['best_of_n']}")
    gt = [i for i, inst in enumerate(T.instances) if inst["variant"] == "gt"][-min(tasks, IN_DOMAIN_TASKS):]
    out["in_domain"] = tto_experiment(reasoner, answerer, judges, ev.TaskBatch(T, vocab, gt), lr)
    out["writer"] = writer_accuracy(writer, vocab, H)
    out["teacher_train_gt_and_corruptions"] = fit_on_training_videos(answerer, vocab, T)
    return out


def fit_on_training_videos(answerer, vocab, train):
    """Balanced accuracy per rule on the answerer's own ground-truth and corruption training
    videos: low values mean it is undertrained, not only unsure out of distribution."""
    tb = ev.TaskBatch(train, vocab, range(len(train.instances)))
    p = ev.teacher_probs(answerer, torch.from_numpy(np.asarray(train.frames)).float(), tb.queries)
    return ev.balanced_accuracy(p, [i["labels"] for i in train.instances], tb.rules)


def tto_rows(name, r):
    """Table rows per family, then all families together (one row when there is one family)."""
    rows = []
    if len(r["by_family"]) == 1:
        return [f"| {name} | {next(iter(r['by_family']))} | {r['tto']['n']} | {pct(r['tto']['base_success'])} | "
                f"{pct(r['tto']['success'])} | {r['tto']['fixed']} / {r['tto']['broken']} | "
                f"{pct(r['best_of_n']['teacher_picked'])} | {pct(r['best_of_n']['oracle_pass_at_n'])} | "
                f"{pct(r['tto']['hacking_rate'])} | {r['tto']['mean_steps']:.1f} |"]
    for fam, f in r["by_family"].items():
        rows.append(f"| {name} | {fam} | {f['n']} | {pct(f['base_success'])} | {pct(f['success'])} | "
                    f"{f['fixed']} / {f['broken']} | {pct(f['best_of_n_teacher_picked'])} | {pct(f['oracle_pass_at_n'])} | "
                    f"{pct(f['hacking_rate'])} | {f['mean_steps']:.1f} |")
    t, b = r["tto"], r["best_of_n"]
    rows.append(f"| {name} | **both** | {t['n']} | {pct(t['base_success'])} | {pct(t['success'])} | "
                f"{t['fixed']} / {t['broken']} | {pct(b['teacher_picked'])} | {pct(b['oracle_pass_at_n'])} | "
                f"{pct(t['hacking_rate'])} | {t['mean_steps']:.1f} |")
    return rows


BLOCKS_HEADER = ["# The teacher on fall and push (the blocks package)", "",
                 "The package's query-writer and answerer recipes trained on the fall and push families, with the",
                 "objects reasoner of `results/objects.md` as the video model, and the package's held-out experiment",
                 "run on them. Produced by the blocks package's build (`cd modelkit && python -m teacher_studio_modelkit.build "
                 "--package blocks`; on its own, after the reasoner: `python -m teacher_studio_modelkit.objects_teacher`) "]


def choice_text(res):
    """How the answerer's snapshots were chosen on the validation split, in words ("" when they were not)."""
    if "answerer_choice" not in res:
        return ""
    c = res["answerer_choice"]
    return (f" Each answerer training kept its best snapshot on {c['videos']} held-out validation videos"
            f" ({c.get('score', POOLED_SCORE_TEXT)}; answerer_validation.py): "
            + "; ".join(f"{part} step {t['chosen_step']} of {t['steps']} ("
                        + ", ".join(f"{x['step']}: {pct(x['score'][0])}" for x in t["checks"]) + ")"
                        for part, t in c["trainings"].items()) + ".")


def write_report(res, path, header=BLOCKS_HEADER):
    """results/*_teacher.md from experiment()'s results; header: the title and the first lines,
    ending where the training minutes follow."""
    a = teacher_budget_texts(res)
    lines = header[:-1] + [header[-1] + f"(writer {a['writer']}, answerer {answerer_chain_text(stored_budgets(res))},",
             f"experiment {res['experiment_minutes']:.0f} min, on this 2-core CPU). Answerer training videos: "
             + ", ".join(f"{k} {v}" for k, v in res["answerer_training_videos"].items()) + "." + choice_text(res), "",
             "## Test-time optimization with this teacher", "",
             f"Settings as the package's: Adam lr {res['settings']['lr']}, lambda {TTO_LAMBDA}, tau {TTO_TAU}, at most {TTO_MAX_STEPS} steps,",
             "one noise per task (the base sample's). Best-of-N is compute-matched (N candidates cost what the mean",
             f"TTO run costs; N = {res['best_of_n']['n']} held-out, {res['in_domain']['best_of_n']['n']} in-domain), "
             "picked by the teacher's loss; the oracle pass@N is the evaluator picking among",
             "the same candidates. Hacking: the teacher stopped early (confident) on a video the evaluator fails.",
             "A stop needs a confident preview and a confident final video (tto.confirm_stop).", "",
             "| tasks | family | n | base | TTO | fixed / broken | best-of-N (teacher) | oracle pass@N | hacking | mean steps |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    lines += tto_rows("held-out test", res) + tto_rows("train split (in-domain)", res["in_domain"])
    lines += ["", "Held-out test: " + stop_text(res), "Train split: " + stop_text(res["in_domain"])]
    lines += ["", "Success against the step budget (step: success; 0 is the base sample):", ""]
    lines += [f"- {name}, {fam}: {curve_text(v['curve_success_vs_step_budget'])}"
              for name, r in (("held-out test", res), ("train split", res["in_domain"]))
              for fam, v in ([("both", r["tto"])] if len(r["by_family"]) > 1 else []) + list(r["by_family"].items())]
    lines += ["", "## Answerer: balanced accuracy per rule", "",
              f"On held-out reasoner samples ({res['teacher_heldout_reasoner_samples_seeds']} seeds per task), on the videos",
              "TTO produced (held-out and in-domain), and on the held-out ground truth with the suite's corruptions.", "",
              "| videos | rule | balanced | TPR | TNR | yes / no |", "|---|---|---|---|---|---|",
              acc_rows("reasoner samples", res["teacher_heldout_reasoner_samples"]),
              acc_rows("optimized (held-out)", res["teacher_heldout_optimized_samples"]),
              acc_rows("optimized (in-domain)", res["in_domain"]["teacher_heldout_optimized_samples"]),
              acc_rows("ground truth + corruptions", res["teacher_heldout_gt_and_corruptions"]),
              acc_rows("its training videos (ground truth + corruptions)", res["teacher_train_gt_and_corruptions"]), "",
              f"On held-out ground truth its mean P(Yes) is {res['teacher_on_ground_truth']['mean_p_yes']:.3f}; the loss is",
              f"under tau for {pct(res['teacher_on_ground_truth']['loss_below_tau'])} of the videos.", "",
              "## Query writer", "",
              f"Rule-set accuracy on the held-out instructions: {pct(res['writer']['heldout_rule_set_accuracy'])} ("
              + ", ".join(f"{k} {pct(v)}" for k, v in res["writer"]["by_family"].items()) + ").", ""]
    open(path, "w").write("\n".join(lines))


def main():
    from dataclasses import replace
    from .blocks_package import PACKAGE  # it imports this module
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--answerer-steps", type=int, default=BLOCKS_ANSWERER_BUDGET.steps, help="round 0's budget")
    ap.add_argument("--late-faults", type=int, default=LATE_FAULTS, help="answerer training videos given a late fault "
                    "(results/late_faults.md compares 0, 400 and 1200; an answerer already in runs/ is kept: use --fresh)")
    ap.add_argument("--fresh", action="store_true", help="retrain the writer and the answerer")
    ap.add_argument("--tasks", type=int, default=256, help="held-out tasks measured (all 256 by default)")
    ap.add_argument("--fit-only", action="store_true", help="add the answerer's accuracy on its training videos "
                    "to runs/objects_teacher.json (from an earlier run) and rewrite the report")
    a = ap.parse_args()
    torch.set_num_threads(int(os.environ.get("MODELKIT_THREADS", "2")))
    package = replace(PACKAGE, answerer_budget=Budget(steps=a.answerer_steps), sources=late_fault_sources(a.late_faults))
    path = os.path.join(RUNS, package.models["reasoner"])
    if not os.path.exists(path):
        raise SystemExit(f"{path} is missing: train the objects reasoner first "
                         "(python -m teacher_studio_modelkit.objects_experiment)")
    sets, vocab = data_and_vocab()
    sets = package.teacher_data(sets)
    reasoner = make_objects_reasoner(vocab, sets["fall_train_gt"])
    reasoner.load_state_dict(torch.load(path))
    reasoner.eval()
    writer, answerer, counts = package.stage_teacher(a.fresh, sets, vocab, reasoner)
    results = os.path.join(RUNS, package.results[1])
    if a.fit_only:
        res = json.load(open(results))
        res["teacher_train_gt_and_corruptions"] = fit_on_training_videos(answerer, vocab, sets[package.train_mix])
    else:
        res = package.measure_teacher(sets, vocab, reasoner, writer, answerer, counts, a.tasks)
    json.dump(res, open(results, "w"), indent=1)
    write_report(res, os.path.join(MODELKIT, "results", "objects_teacher.md"))
    log("results/objects_teacher.md written")


if __name__ == "__main__":
    main()
