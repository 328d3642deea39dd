"""The held-out experiment: base, best-of-N (teacher-picked, oracle pass@N) and test-time
optimization with the teacher; the answerer's balanced accuracy on reasoner and optimized samples;
the writer's rule-set accuracy. Returns a JSON-able dict that MODEL_CARD.md is written from."""
import math
import time

import numpy as np
import torch

from . import evaluate as ev
from .build import log
from .reasoner import moves_from_cells
from .rules import success
from .tto import TTO_LAMBDA, TTO_LR, TTO_MAX_STEPS, TTO_TAU, optimize

ACCURACY_SEEDS = 8  # sample seeds of every held-out task that measure the answerer on reasoner samples
# (the reasoner crosses a wall in ~2 % of its videos: two seeds leave ~12 negatives per wall rule)


def teacher_loss(answerer, reasoner, cells, tb):
    p = ev.teacher_probs(answerer, reasoner.render(cells), tb.queries).clamp(min=1e-6)
    return (tb.weights * -torch.log(p)).sum(-1), p


def time_per_task(fn, n):
    t = time.time()
    fn()
    return (time.time() - t) / n


def run(sets, vocab, reasoner, answerer, writer, judges, n_tto, lr=TTO_LR):
    H = sets["heldout_gt"]
    out = {"settings": {"lr": lr, "lambda": TTO_LAMBDA, "tau": TTO_TAU, "max_steps": TTO_MAX_STEPS}}
    all_tb = ev.TaskBatch(H, vocab, range(len(H.instances)))
    # base, every held-out task, two seeds
    c0, c1 = ev.sample_cells(reasoner, all_tb, 0), ev.sample_cells(reasoner, all_tb, 1)
    base_labels = ev.judge_all(judges, all_tb.families, c0)
    out["base_heldout"] = ev.rule_table(base_labels)
    out["base_heldout"]["n"] = len(base_labels)
    seed1_labels = ev.judge_all(judges, all_tb.families, c1)
    out["base_heldout"]["seed1_success"] = ev.rule_table(seed1_labels)["success"]
    out["samples_differ_across_seeds"] = float((c0 != c1).flatten(1).any(1).float().mean())
    lengths = (moves_from_cells(torch.from_numpy(all_tb.gt_cells.astype(np.int64)), reasoner.agent_id,
                                reasoner.C) > 0).sum(1).tolist()
    differ = (c0 != c1).flatten(1).any(1).numpy()
    out["base_heldout_by_family"] = {}
    for fam in sorted(set(all_tb.families)):
        k = [i for i, f in enumerate(all_tb.families) if f == fam]
        t = ev.rule_table([base_labels[i] for i in k]) | {"n": len(k)}
        t["seed1_success"] = ev.rule_table([seed1_labels[i] for i in k])["success"]
        t["samples_differ_across_seeds"] = float(differ[k].mean())
        by_layout, by_length = {}, {}
        for i in k:
            by_layout.setdefault(H.instances[i]["layout"], []).append(base_labels[i])
            by_length.setdefault(str(lengths[i]), []).append(base_labels[i])
        t["by_layout"] = {a: ev.rule_table(v)["success"] for a, v in by_layout.items()}
        t["by_path_length"] = {a: {"success": ev.rule_table(v)["success"], "n": len(v)} for a, v in sorted(by_length.items())}
        out["base_heldout_by_family"][fam] = t
    T = sets["train_mix"]
    tr_idx = [i for i, inst in enumerate(T.instances) if inst["variant"] == "gt"][-200:]
    tr_tb = ev.TaskBatch(T, vocab, tr_idx)
    tr_labels = ev.judge_all(judges, tr_tb.families, ev.sample_cells(reasoner, tr_tb, 0))
    out["base_train_split"] = ev.rule_table(tr_labels) | {"n": len(tr_labels)}
    out["base_train_split_by_family"] = {fam: ev.rule_table([l for l, f in zip(tr_labels, tr_tb.families) if f == fam])
                                         for fam in sorted(set(tr_tb.families))}
    log(f"base held-out {out['base_heldout']}  train-split {out['base_train_split']}")
    out.update(teacher_accuracy(answerer, reasoner, judges, sets["heldout_mix"], vocab, all_tb, [c0, c1],
                                base_labels + seed1_labels))
    # test-time optimization on the first n_tto held-out tasks (noise of sample seed 0 = the base sample)
    tb = ev.TaskBatch(H, vocab, range(min(n_tto, len(H.instances))))
    out.update(tto_experiment(reasoner, answerer, judges, tb, lr))
    tr_tb = ev.TaskBatch(T, vocab, tr_idx[-n_tto:])
    out["in_domain"] = tto_experiment(reasoner, answerer, judges, tr_tb, lr)
    out["writer"] = writer_accuracy(writer, vocab, H)
    log(f"tto {out['tto']}  best-of-n {out['best_of_n']}")
    return out


def teacher_accuracy(answerer, reasoner, judges, mix, vocab, tb, samples, sample_labels, seeds=ACCURACY_SEEDS):
    """The answerer's balanced accuracy per rule on the ground truth and corruptions of mix and on
    reasoner samples of tb's tasks (samples: cells of the first seeds, labelled by sample_labels;
    drawn up to `seeds` seeds), and how sure it is of tb's ground truth."""
    out = {}
    mtb = ev.TaskBatch(mix, vocab, range(len(mix.instances)))
    pm = ev.teacher_probs(answerer, torch.from_numpy(np.asarray(mix.frames)).float(), mtb.queries)
    out["teacher_heldout_gt_and_corruptions"] = ev.balanced_accuracy(pm, [i["labels"] for i in mix.instances], mtb.rules)
    gt_loss, gt_p = teacher_loss(answerer, reasoner, torch.from_numpy(tb.gt_cells.astype(np.int64)), tb)
    out["teacher_on_ground_truth"] = {"mean_p_yes": float(gt_p[:, :4][tb.weights > 0].mean()),
                                      "loss_below_tau": float((gt_loss <= TTO_TAU).float().mean())}
    samples, sample_labels = list(samples), list(sample_labels)
    for seed in range(len(samples), seeds):
        samples.append(ev.sample_cells(reasoner, tb, seed))
        sample_labels += ev.judge_all(judges, tb.families, samples[-1])
    ps = torch.cat([teacher_loss(answerer, reasoner, c, tb)[1] for c in samples])
    out["teacher_heldout_reasoner_samples"] = ev.balanced_accuracy(ps, sample_labels, tb.rules * len(samples))
    out["teacher_heldout_reasoner_samples_seeds"] = len(samples)
    return out


def writer_accuracy(writer, vocab, data):
    """The writer's rule-set accuracy on every instruction of data, overall and per family."""
    acc, ex = ev.writer_rule_set_accuracy(writer, vocab, data, range(len(data.instances)))
    families = [i["family"] for i in data.instances]
    return {"heldout_rule_set_accuracy": acc, "examples": ex, "by_family": {
        fam: ev.writer_rule_set_accuracy(writer, vocab, data, [i for i, f in enumerate(families) if f == fam])[0]
        for fam in sorted(set(families))}}


COST_TASKS = 32  # tasks the run's pieces are timed on (one batch of the loop: evaluate.CHUNK)
COST_STEPS = 4  # updates of the longer timed run (the marginal step cost is its extra time over a run of none)


def run_costs(reasoner, answerer, tb, repeats=3):
    """Seconds per task of the pieces a TTO run and a best-of-N candidate are made of, on the first
    COST_TASKS tasks of tb (after one untimed warm-up; `repeats` rounds that time every piece in turn, each
    piece's fastest kept, so that a CPU slowing down over the rounds moves the pieces alike):
    first: the step-0 preview and its teacher score; step: one update (backward, Adam) and the next
    preview and score, the marginal cost of a step; sample: the full sampler's video; candidate: a video
    and its teacher score. tto.optimize(max_steps=K, tau=-1) runs K + 1 previews, K updates and one final
    video, so T(0) = first + sample and T(K) - T(0) = K * step."""
    sub = tb.sub(slice(0, min(COST_TASKS, len(tb))))
    z, n = ev.noise_for(reasoner, sub.idx, 0), len(sub.idx)
    run = lambda k: optimize(reasoner, answerer, z, sub.cells0, sub.instr, sub.queries, sub.weights, tau=-1, max_steps=k)
    sample = lambda: ev.sample_cells(reasoner, sub, 0)
    pieces = {"t0": lambda: run(0), "tk": lambda: run(COST_STEPS), "sample": sample,
              "candidate": lambda: teacher_loss(answerer, reasoner, sample(), sub)}
    run(1)  # warm-up: first calls allocate
    t = {k: float("inf") for k in pieces}
    for _ in range(repeats):
        for k, fn in pieces.items():
            t[k] = min(t[k], time_per_task(fn, n))
    return {"first": max(t["t0"] - t["sample"], 0.0), "step": max(t["tk"] - t["t0"], 0.0) / COST_STEPS,
            "sample": t["sample"], "candidate": t["candidate"]}


def matched_n(res, costs, check_base=True):
    """N of the best-of-N that costs what the mean TTO run of res costs (matched_candidates, rounded), at least 2."""
    return max(2, int(round(matched_candidates(res, costs, check_base))))


def matched_candidates(res, costs, check_base=True):
    """The mean TTO run of res (optimize_tasks' result) in candidates (a video and its teacher score): per
    run the step-0 preview, stop_step updates, a final video and teacher score per stop check (the base
    video judged, each confirmation), and the last render (a video, unscored) unless a check confirmed.
    With check_base (and the confirmed stop) the base video is judged before the step-0 preview, as the
    engine's loop does: a run it ends costs that one judged video (the batched loop here computes every
    task's preview anyway, but a run on its own needs none)."""
    ended_on_base = res["confident"] & (res["stop_step"] == 0) if check_base else torch.zeros_like(res["confident"])
    run = (costs["first"] * float((~ended_on_base).float().mean()) + costs["step"] * float(res["stop_step"].float().mean())
           + costs["candidate"] * float(res["checks"].float().mean())
           + costs["sample"] * float((~res["confident"]).float().mean()))
    return run / costs["candidate"]


def candidates(reasoner, answerer, judges, tb, n, first=0):
    """n - first candidates per task (sample seeds first..n-1; seed 0 is the base sample, the TTO runs' noise):
    their success by the evaluator and the teacher's loss, both [tasks, n - first]."""
    cands, losses = [], []
    for k in range(first, n):
        c = ev.sample_cells(reasoner, tb, k)
        cands.append(ev.successes(judges, tb.families, c))
        losses.append(teacher_loss(answerer, reasoner, c, tb)[0].numpy())
    return np.stack(cands, 1), np.stack(losses, 1)


def teacher_pick(cands, losses, n):
    """Success of the teacher's pick (the lowest loss) among each task's first n candidates [tasks]."""
    return cands[np.arange(len(cands)), losses[:, :n].argmin(1)]


def tto_and_matched_candidates(reasoner, answerer, judges, tb, lr, max_steps=TTO_MAX_STEPS, pick=1):
    """The packages' loop (the base video judged first) at lr, at most max_steps updates, on every task of tb, a
    run's cost in candidates (N, fractional) and the teacher's pick among the first 1..ceil(N) candidates: what a
    comparison of TTO against best-of-N at a run's cost needs (compute_match, preview_steps, sampler_rollout).
    pick: the run starts from the noise of the teacher's pick among each task's first `pick` candidates (seeds
    0..pick-1; 1: the base sample's noise, the method's loop), the best-of-k then optimize that
    shared/reference/small-model-lessons.md suggests measuring. The loop's base check then judges the picked video
    (a confident one ends the run with it), so a run costs its `pick` candidates and the loop's cost after that
    check: pick - 1 + matched_candidates."""
    pool = candidates(reasoner, answerer, judges, tb, pick)  # best-of-N's first candidates
    seeds = pool[1].argmin(1)
    t0 = time.time()
    res = ev.optimize_tasks(reasoner, answerer, tb, sample_seed=seeds, lr=lr, check_base=True, max_steps=max_steps)
    seconds = time.time() - t0
    costs = run_costs(reasoner, answerer, tb)
    n = pick - 1 + matched_candidates(res, costs)
    hi = max(2, math.ceil(n))
    if hi > pick:  # n >= pick (a run's base check is a candidate), so hi >= pick
        pool = tuple(np.concatenate(pair, 1) for pair in zip(pool, candidates(reasoner, answerer, judges, tb, hi, pick)))
    cands, losses = pool
    picks = np.stack([teacher_pick(cands, losses, k) for k in range(1, hi + 1)], 1)  # [tasks, best-of-1..hi]
    return {"res": res, "success": ev.successes(judges, tb.families, res["final_cells"]), "tto_seconds": seconds,
            "costs": costs, "n": n, "cands": cands, "picks": picks, "seeds": seeds}


def compute_matched_best_of_n(reasoner, answerer, judges, tb, res, check_base=True):
    """Best-of-N at the compute of the TTO runs res (optimize_tasks' result, with or without check_base):
    the pieces of a run and a candidate are timed (run_costs) and N candidates cost what the mean run costs
    (matched_n). Returns (success of the teacher's pick [n], candidates' success [n, N], the summary dict)."""
    costs = run_costs(reasoner, answerer, tb)
    n_match = matched_n(res, costs, check_base)
    cands, losses = candidates(reasoner, answerer, judges, tb, n_match)
    picked = teacher_pick(cands, losses, n_match)
    renders = (res["checks"] + (~res["confident"]).long()).float().mean()
    return picked, cands, {"n": n_match, "t_step_s": costs["step"], "t_first_s": costs["first"],
                           "t_sample_s": costs["sample"], "t_candidate_s": costs["candidate"],
                           "step_cost": "marginal", "tto_renders_per_run": float(renders),
                           "teacher_picked": float(picked.mean()), "oracle_pass_at_n": float(cands.max(1).mean())}


def tto_experiment(reasoner, answerer, judges, tb, lr):
    """Base (seed 0), TTO from the same noise (the engine's loop: the base video looked at first, a confident
    preview confirmed on its final video), compute-matched best-of-N, oracle pass@N."""
    out = {}
    base_labels = ev.judge_all(judges, tb.families, ev.sample_cells(reasoner, tb, 0))
    t0 = time.time()
    res = ev.optimize_tasks(reasoner, answerer, tb, judges, lr=lr, check_base=True,
                            progress=lambda done, n: log(f"tto {done}/{n} ({time.time() - t0:.0f}s)"))
    final, stop, confident, checks = res["final_cells"], res["stop_step"].float(), res["confident"], res["checks"]
    curve = res["curve"].mean(0)
    tto_labels = ev.judge_all(judges, tb.families, final)
    tto_success = np.array([success(l) for l in tto_labels])
    base_success = np.array([success(l) for l in base_labels])
    _, pt = teacher_loss(answerer, reasoner, final, tb)
    out["teacher_heldout_optimized_samples"] = ev.balanced_accuracy(pt, tto_labels, tb.rules)
    out["tto"] = {"n": len(tb), "base_success": float(base_success.mean()), "success": float(tto_success.mean()),
                  "rules": ev.rule_table(tto_labels), "mean_steps": float(stop.mean()),
                  "stopped_early": float(confident.float().mean()),
                  "mean_stop_checks": float(checks.float().mean()),
                  "base_check": True, "stopped_at_step_0": float((confident & (stop == 0)).float().mean()),
                  "hacking_rate": float((confident.numpy() & (tto_success == 0)).mean()),
                  "hacking_among_stopped": float((tto_success[confident.numpy()] == 0).mean()) if confident.any() else None,
                  "fixed": int(((tto_success == 1) & (base_success == 0)).sum()),
                  "broken": int(((tto_success == 0) & (base_success == 1)).sum()),
                  "curve_success_vs_step_budget": [float(x) for x in curve]}
    picked, cands, out["best_of_n"] = compute_matched_best_of_n(reasoner, answerer, judges, tb, res)
    hacked = confident.numpy() & (tto_success == 0)
    # ablation: the method's stop on the preview alone (no final video rendered to confirm it)
    alone = ev.optimize_tasks(reasoner, answerer, tb, lr=lr, confirm=False)
    alone_success = ev.successes(judges, tb.families, alone["final_cells"])
    out["tto_preview_stop"] = {"success": float(alone_success.mean()), "mean_steps": float(alone["stop_step"].float().mean()),
                               "hacking_rate": float((alone["confident"].numpy() & (alone_success == 0)).mean())}
    out["by_family"] = {}
    for fam in sorted(set(tb.families)):
        k = np.array([f == fam for f in tb.families])
        out["by_family"][fam] = {"n": int(k.sum()), "base_success": float(base_success[k].mean()),
                                 "success": float(tto_success[k].mean()), "hacking_rate": float(hacked[k].mean()),
                                 "mean_steps": float(stop.numpy()[k].mean()),
                                 "fixed": int(((tto_success == 1) & (base_success == 0) & k).sum()),
                                 "broken": int(((tto_success == 0) & (base_success == 1) & k).sum()),
                                 "best_of_n_teacher_picked": float(picked[k].mean()),
                                 "oracle_pass_at_n": float(cands[k].max(1).mean()),
                                 "curve_success_vs_step_budget": [float(x) for x in res["curve"][k].mean(0)],
                                 "preview_stop_success": float(alone_success[k].mean()),
                                 "preview_stop_hacking_rate": float((alone["confident"].numpy() & (alone_success == 0))[k].mean())}
    return out
