"""MODEL_CARD.md from the measured results (runs/results.json)."""
import json

from .build import ANSWERER_MINUTES, HARDEN_MINUTES, REASONER_MINUTES


def pct(x):
    return "n/a" if x is None else f"{100 * x:.1f} %"


def rule_rows(table):
    return "\n".join(f"| {k} | {pct(v)} |" for k, v in table.items() if k not in ("n", "seed1_success"))


def acc_rows(name, acc):
    return "\n".join(f"| {name} | {r} | {pct(v['balanced'])} | {pct(v['tpr'])} | {pct(v['tnr'])} | "
                     f"{v['n_yes']} / {v['n_no']} |" for r, v in sorted(acc.items()))


def verdict(ok):
    return "meets the bar" if ok else "**does not meet the bar**"


def write_card(path, r):
    tto, bon = r["tto"], r["best_of_n"]
    accs = {"held-out reasoner samples": r["teacher_heldout_reasoner_samples"],
            "held-out optimized samples": r["teacher_heldout_optimized_samples"],
            "held-out ground truth + corruptions": r["teacher_heldout_gt_and_corruptions"]}
    ans_ok = all(v["balanced"] >= 0.9 for k in ("held-out reasoner samples", "held-out optimized samples")
                 for v in accs[k].values())
    tto_ok = tto["success"] > tto["base_success"] and tto["success"] > bon["teacher_picked"] and tto["hacking_rate"] <= 0.1
    curve = " ".join(f"{i}:{pct(x)}" for i, x in enumerate(tto["curve_success_vs_step_budget"]))
    text = f"""# gridworld — the built-in model package (MODEL_CARD)

A small reasoner + teacher pair trained from scratch by `modelkit` on the task suite's **maze**
family only (its move-level latent fits single-agent families, and the CPU budget went to one). All numbers below
are measured on the task suite's **held-out split** (mazes of 9-10 cells, paths of 9-11 steps,
half with decoy squares never seen in training), labelled by the Python port of the suite's
rule-based evaluator (agreement with the TypeScript evaluator on gen-data labels is a test:
`modelkit/tests/test_rules.py`).

Reproduce: `cd modelkit && python -m teacher_studio_modelkit.build --fresh` (gen-data via
`npm run cli -- gen-data`, training, export, this card; numbers in `modelkit/runs/results.json`).

## Models
- **Reasoner** ({r['parameters']['reasoner']:,} parameters): few-step rectified flow over the agent's
  moves (per transition an 8-d code of stay/up/down/left/right; z1 is [11, 8]), x0 (categorical)
  prediction. The network is translation-equivariant and recurrent, so nothing in it is tied to a
  grid size or a path length: the first frame's cells (agent removed) and the instruction go through
  two local-attention blocks (each cell attends to itself and its four neighbours) iterated 8 times
  with shared weights (16 cells of reach), which leaves a per-cell "which way from here" field of
  move logits; the moves are rolled out in time, each frame reading the field where the agent's
  position distribution is and mixing it with the noisy latent and the flow time in a small MLP.
  Frames are built at the cell level by construction (frame 0 without the agent as background, the
  agent placed where its moves lead), so "one agent" and "one-cell steps" always hold and staying off
  walls and reaching the goal are learned. LoRA (rank 4) on q and v of both attention blocks (shared
  by every iteration). `tto_step` uses the one-step clean prediction at t = 1, decoded by the
  surrogate (the agent's position distribution propagated through the soft moves, rendered as a soft
  sprite mix); `sample` runs the 4-step sampler, `decode` the hard sprite copy (identical to the
  suite renderer). Training: {r.get('reasoner_training', {}).get('steps', '?')} steps ({REASONER_MINUTES} CPU minutes, ground-truth moves as the
  rollout's positions).
- **Answerer** ({r['parameters']['answerer']:,} parameters): factorised space-time transformer over
  cell patches + frame differences, query words and frame tokens; P(Yes | frames, query). Trained on
  ground truth + corruptions, reasoner samples, one-step previews, then a hardening round on
  previews/finals optimized against it, starting from LoRAs perturbed so that the reasoner fails (the
  plain reasoner almost never fails in-domain, so optimizing it shows the answerer no failures)
  (video counts: {json.dumps(r['answerer_training_videos'])}); labels from the evaluator, balanced
  per rule; every training video is shifted by whole cells within its void margin, so the answerer
  sees every canvas position (train grids are smaller than held-out ones). This recipe was kept over
  one that also balanced the reasoner's outputs against the suite's videos, by the measurements on the
  validation split, never the test split: [`modelkit/results/answerer_choice.md`](../../../modelkit/results/answerer_choice.md).
- **Query writer** ({r['parameters']['writer']:,} parameters): prefix LM over words, greedy decoding.

## Reasoner base success (held-out, one sample, seed 0, n = {r['base_heldout']['n']})
| rule | holds |
|---|---|
{rule_rows(r['base_heldout'])}

Second seed: success {pct(r['base_heldout']['seed1_success'])}. Samples differ across seeds on
{pct(r['samples_differ_across_seeds'])} of tasks. By layout: {', '.join(f"{k} {pct(v['success'])}" for k, v in r['base_heldout_by_layout'].items())}.
By the ground truth's path length: {', '.join(f"{k} steps {pct(v['success'])} (n = {v['n']})" for k, v in r.get('base_heldout_by_path_length', {}).items())}
(training paths are 3-8 steps).
On train-split tasks not used for training (n = 200): success {pct(r['base_train_split']['success'])}.

## Teacher answerer: balanced accuracy per rule (threshold 0.5) — {verdict(ans_ok)} (>= 90 %)
| data | rule | balanced | TPR | TNR | yes / no |
|---|---|---|---|---|---|
{chr(10).join(acc_rows(k, v) for k, v in accs.items())}

Ground-truth held-out videos: mean P(Yes) {r['teacher_on_ground_truth']['mean_p_yes']:.3f}; loss <= tau
for {pct(r['teacher_on_ground_truth']['loss_below_tau'])} of them.

## Query writer
Right rule set on {pct(r['writer']['heldout_rule_set_accuracy'])} of held-out instructions
({verdict(r['writer']['heldout_rule_set_accuracy'] >= 0.95)}; with one family the rule set is the
same for every instruction, so this tests decoding, not family recognition). Example:
`{r['writer']['examples'][0]['instruction']}` -> `{r['writer']['examples'][0]['plan']}`

## Test-time optimization (held-out, n = {tto['n']}) — {verdict(tto_ok)}
Loop as in the method: fixed z1 per task (the base sample's noise), fresh LoRA only, Adam lr
{r['settings']['lr']}, lambda {r['settings']['lambda']}, early stop at loss <= tau = {r['settings']['tau']},
at most {r['settings']['max_steps']} steps; final video = 4-step sampler with the LoRA.

| method | success |
|---|---|
| base (one sample) | {pct(tto['base_success'])} |
| test-time optimization with the teacher | {pct(tto['success'])} |
| best-of-{bon['n']} picked by the teacher (compute-matched) | {pct(bon['teacher_picked'])} |
| oracle pass@{bon['n']} | {pct(bon['oracle_pass_at_n'])} |

Mean steps {tto['mean_steps']:.1f}; stopped early (teacher confident) {pct(tto['stopped_early'])};
**teacher-hacking rate** (teacher confident, evaluator says fail) {pct(tto['hacking_rate'])} of runs
({pct(tto['hacking_among_stopped'])} of confident runs); fixed {tto['fixed']}, broken {tto['broken']}.
Compute match: one TTO step {1000 * bon['t_step_s']:.0f} ms/task, one candidate (sample + teacher)
{1000 * bon['t_candidate_s']:.0f} ms/task (PyTorch, 2 CPU cores).
Per-rule after optimization: {', '.join(f"{k} {pct(v)}" for k, v in tto['rules'].items())}.

Success against step budget (step: success): {curve}

In-domain check (train-split tasks never used to train the reasoner, n = {r['in_domain']['tto']['n']}; the
answerer saw their ground-truth videos): base {pct(r['in_domain']['tto']['base_success'])}, TTO
{pct(r['in_domain']['tto']['success'])} (mean steps {r['in_domain']['tto']['mean_steps']:.1f}, hacking
{pct(r['in_domain']['tto']['hacking_rate'])}, fixed {r['in_domain']['tto']['fixed']}, broken
{r['in_domain']['tto']['broken']}), best-of-{r['in_domain']['best_of_n']['n']} teacher-picked
{pct(r['in_domain']['best_of_n']['teacher_picked'])}, oracle pass@{r['in_domain']['best_of_n']['n']}
{pct(r['in_domain']['best_of_n']['oracle_pass_at_n'])}; curve
{" ".join(f"{i}:{pct(x)}" for i, x in enumerate(r['in_domain']['tto']['curve_success_vs_step_budget']))}.

Settings: the learning rate and step budget were chosen on the validation split (held-out
distribution, seeds 300000+, never the test seeds above): `python -m teacher_studio_modelkit.lr_sweep`,
table in [`modelkit/results/lr_sweep.md`](../../../modelkit/results/lr_sweep.md).

## Runtime
Build: {r.get('build_minutes_this_run', float('nan')):.0f} minutes for the run that wrote this card, on 2 shared CPU cores
(stages loaded from the `modelkit/runs/` cache count as 0; the last build from scratch,
`--fresh`, took 36 minutes on 2026-11-25). The reasoner has a {REASONER_MINUTES}-minute budget, the answerer
{ANSWERER_MINUTES} + {HARDEN_MINUTES}; the graph export takes about 4 minutes.
Package size {r['package_mb']:.1f} MB. One `tto_step` on onnxruntime CPU: {r['ort_tto_step_ms']:.0f} ms
(this 2-core machine, shared). Parity: `cd modelkit && pytest tests/test_parity.py` (onnxruntime vs
PyTorch on every graph, outputs and gradients within 1e-3; finite differences on tto_step).

## Limits
- Maze only; other families are not in this package. The move latent fits single-agent families
  (maze, collect); push/sort/connect/fall need another latent (the generic per-cell appearance
  flow was tried first and gave 0 % success after 300 CPU steps: agents vanished or duplicated).
- In-domain the reasoner is solved (train-split success {pct(r['base_train_split']['success'])}), so
  the in-domain check has nothing to fix; the held-out split is where the method is measured.
- Held-out failures are systematic: samples differ across seeds on only
  {pct(r['samples_differ_across_seeds'])} of tasks and the oracle pass@{bon['n']} is
  {pct(bon['oracle_pass_at_n'])}, so best-of-N cannot find what the reasoner does not produce;
  success falls with path length (paths longer than any trained on).
- Teacher: {pct(tto['hacking_rate'])} of runs end with the teacher confident on a failing video
  (bar: 10 %), but "off walls" misses wall crossings in the reasoner's own videos (TNR
  {pct(accs['held-out reasoner samples'].get('maze.no_wall', {}).get('tnr'))} on samples,
  {pct(accs['held-out optimized samples'].get('maze.no_wall', {}).get('tnr'))} on optimized ones; few
  negatives). It was never trained on a held-out-sized maze. Runs that end at the step budget
  with a wall crossing are failures the teacher did not accept, so they are not counted as hacking.
- The process rules "one agent" and "one-cell steps" hold by construction for every reasoner
  sample, so their accuracy on reasoner/optimized samples measures only the yes side; on
  corruptions the answerer misses teleports (step rule TNR above).
- Held-out mazes are larger and longer than anything trained on; decoy squares are unseen
  appearances. Numbers above are the honest values on that split.
"""
    with open(path, "w") as f:
        f.write(text)
