"""MODEL_CARD.md from the measured results (runs/results.json)."""
import json

from .build import ANSWERER_MINUTES, HARDEN_MINUTES, REASONER_MINUTES, WRITER_MINUTES


def pct(x):
    return "n/a" if x is None else f"{100 * x:.1f} %"


def curve_text(values):
    """Success against the step budget, "step:success" for budgets 0, 1, ... (0 is the base)."""
    return " ".join(f"{i}:{pct(x)}" for i, x in enumerate(values))


def rule_rows(table):
    return "\n".join(f"| {k} | {pct(v)} |" for k, v in table.items()
                     if isinstance(v, float) and k not in ("seed1_success", "samples_differ_across_seeds"))


def acc_rows(name, acc):
    return "\n".join(f"| {name} | {r} | {pct(v['balanced'])} | {pct(v['tpr'])} | {pct(v['tnr'])} | "
                     f"{v['n_yes']} / {v['n_no']} |" for r, v in sorted(acc.items()))


def layouts(t):
    return ", ".join(f"{k} {pct(v)}" for k, v in t["by_layout"].items())


def lengths(t):
    return ", ".join(f"{k} steps {pct(v['success'])} (n = {v['n']})" for k, v in t["by_path_length"].items())


def build_minutes(r):
    """This run's minutes plus stages run by an earlier invocation of the same build (recorded by
    hand in results.json as build_minutes_earlier_stages)."""
    return r.get("build_minutes_this_run", float("nan")) + sum(r.get("build_minutes_earlier_stages", {}).values())


def build_note(r):
    earlier = r.get("build_minutes_earlier_stages", {})
    if not earlier:
        return "stages loaded from the `modelkit/runs/` cache count as 0"
    train_export = sum(earlier.values()) + r.get("export_minutes", 0.0)
    return ("this run " + f"{r['build_minutes_this_run']:.0f} min, plus stages run by earlier invocations of the build: "
            + ", ".join(f"{k} {v:.0f} min" for k, v in earlier.items())
            + f"; training and export alone {train_export:.0f} min")


def answerer_limits(r, below):
    """The answerer's measured weak spots, in words, from the accuracy tables."""
    gt = r["teacher_on_ground_truth"]
    parts = [f"on held-out ground truth its mean P(Yes) is {gt['mean_p_yes']:.3f} and the loss is under tau for "
             f"{pct(gt['loss_below_tau'])} of the videos (a correct video the teacher is not sure of gets optimized anyway)"]
    for k, rules in below.items():
        if rules:
            parts.append(f"below 90 % on {k}: {', '.join(rules)}")
    return "; ".join(parts) + "."


def stop_text(r):
    """How the loop stops (the confirmed stop) and the ablation that stops on the preview alone, from a
    tto_experiment result; the results of runs before the confirmed stop have no ablation."""
    alone = r.get("tto_preview_stop")
    if alone is None:
        return "Early stop on the preview's loss alone (results measured before the confirmed stop)."
    fams = ", ".join(f"{f} {pct(v['preview_stop_success'])} at {pct(v['preview_stop_hacking_rate'])} hacking"
                     for f, v in r["by_family"].items())
    first = (f"Before the first update the teacher judges the base video (the fresh LoRA's final video) and a "
             f"confident one ends the run unchanged ({pct(r['tto']['stopped_at_step_0'])} of runs). "
             if r["tto"].get("base_check") else "")
    return (first + f"A confident preview stops a run only when the teacher is also confident on the final video of that "
            f"LoRA ({r['tto']['mean_stop_checks']:.2f} final videos rendered per run to judge, counted in the "
            f"compute match). Stopping on the preview alone, as the method is published: success "
            f"{pct(alone['success'])}, hacking {pct(alone['hacking_rate'])}, mean steps {alone['mean_steps']:.1f} ({fams}).")


def compute_match_text(bon):
    """How best-of-N's N was priced, from compute_matched_best_of_n's summary (results before 2026-12-03
    priced a step as a 3-update run's time over 3, which also charged its step-0 preview and final video)."""
    ms = lambda k: f"{1000 * bon[k]:.0f} ms/task"
    if bon.get("step_cost") != "marginal":
        return (f"Compute match: one TTO step {ms('t_step_s')} (a 3-update run's time over 3, which also charges its "
                f"step-0 preview and final video, so N is somewhat generous to best-of-N), one candidate (sample + "
                f"teacher) {ms('t_candidate_s')} (PyTorch, 2 CPU cores).")
    return (f"Compute match (N = {bon['n']}): a run costs its step-0 preview ({ms('t_first_s')}; none when the base "
            f"video ends it), each update ({ms('t_step_s')}: backward, Adam, the next preview), a candidate per stop "
            f"check (a video and its teacher score, {ms('t_candidate_s')}) and the last render (a video, "
            f"{ms('t_sample_s')}); best-of-N's candidates cost {ms('t_candidate_s')} each (PyTorch, 2 CPU cores).")


def verdict(ok):
    return "meets the bar" if ok else "**does not meet the bar**"


def write_card(path, r):
    tto, bon = r["tto"], r["best_of_n"]
    seeds = r.get("teacher_heldout_reasoner_samples_seeds", 2)
    accs = {f"held-out reasoner samples ({seeds} seeds)": r["teacher_heldout_reasoner_samples"],
            "held-out optimized samples": r["teacher_heldout_optimized_samples"],
            "held-out ground truth + corruptions": r["teacher_heldout_gt_and_corruptions"]}
    below = {k: [f"{rule} {pct(v['balanced'])}" for rule, v in sorted(acc.items()) if v["balanced"] < 0.9]
             for k, acc in accs.items()}
    ans_ok = not any(below[k] for k in list(accs)[:2])  # the bar: reasoner samples and optimized samples
    tto_ok = tto["success"] > tto["base_success"] and tto["success"] > bon["teacher_picked"] and tto["hacking_rate"] <= 0.1
    curve = curve_text(tto["curve_success_vs_step_budget"])
    fams = r["base_heldout_by_family"]
    names = " and ".join(f"**{f}**" for f in fams)
    fam_rows = "\n".join(
        f"| {f} | {t['n']} | {pct(t['success'])} | {pct(t['seed1_success'])} | {pct(t['samples_differ_across_seeds'])} | "
        f"{pct(r['base_train_split_by_family'][f]['success'])} |" for f, t in fams.items())
    rule_tables = "\n\n".join(f"{f}:\n\n| rule | holds |\n|---|---|\n{rule_rows(t)}" for f, t in fams.items())
    detail = "\n".join(f"- {f}: by layout {layouts(t)}; by the ground truth's path length {lengths(t)}."
                       for f, t in fams.items())
    fam_tto = "\n".join(
        f"| {f} | {v['n']} | {pct(v['base_success'])} | {pct(v['success'])} | {pct(v['best_of_n_teacher_picked'])} | "
        f"{pct(v['oracle_pass_at_n'])} | {pct(v['hacking_rate'])} | {v['mean_steps']:.1f} | {v['fixed']} / {v['broken']} |"
        for f, v in r["by_family"].items())
    fam_curves = "\n".join(f"- {f}: " + curve_text(v["curve_success_vs_step_budget"])
                            for f, v in r["by_family"].items())
    text = f"""# gridworld — the built-in model package (MODEL_CARD)

A small reasoner + teacher pair trained from scratch by `modelkit` on the task suite's {names}
families (the single-agent families, which its move-level latent fits; push, sort, connect and fall
are not in this package, see Limits). All numbers below are measured on the task suite's
**held-out split** (maze: mazes of 9-10 cells, paths of 9-11 steps, half with decoy squares never
seen in training; collect: rooms of 8-10 cells with 3 coins, tours of 9-11 steps, where training
had 1-2 coins and 3-8 steps), labelled by the Python port of the suite's rule-based evaluators
(agreement with the TypeScript evaluators on gen-data labels, ground truth and every corruption,
is a test: `modelkit/tests/test_rules.py`).

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
  Coins (collect): each of up to 3 coins of the first frame gets a slot; a coin disappears once the
  agent has stood on it, and its presence is tracked through the rollout (soft under the surrogate).
  The field is computed for each of the 8 "which coins remain" backgrounds and mixed by their
  probability, so the policy can head for the next coin and then the exit (mazes see 8 identical
  backgrounds). Frames are built at the cell level by construction (frame 0 without the agent as
  background, coins still there, the agent placed where its moves lead), so "one agent", "one-cell
  steps" and "coins stay until picked up" always hold, and staying off walls, reaching the goal and
  collecting every coin are learned. LoRA (rank 4) on q and v of both attention blocks (shared by
  every iteration and every coin subset). `tto_step` uses the one-step clean prediction at t = 1,
  decoded by the surrogate (the agent's position distribution propagated through the soft moves,
  rendered as a soft sprite mix, coins fading as they are picked up); `sample` runs the 4-step
  sampler, `decode` the hard sprite copy (identical to the suite renderer). Training:
  {r.get('reasoner_training', {}).get('steps', '?')} steps ({REASONER_MINUTES} CPU minutes, ground-truth moves as the rollout's positions, the
  field of each frame's true coin subset).
- **Answerer** ({r['parameters']['answerer']:,} parameters): cell-aligned space-time network,
  P(Yes | frames, query). Each cell's token is built from the sprite embeddings of the cell now, a
  frame earlier and in the first frame, and of its four neighbours now and a frame earlier (so a
  wall crossing, a teleport, a vanished coin or the agent on the goal is visible at one cell); a
  local-attention block; per frame a max and a gated count over cells; temporal blocks over frames;
  the query's word embeddings scale and shift the frame tokens (FiLM) and the answer is read from
  the max over frames, the mean and the last frame. No absolute position enters. Trained on
  ground truth + corruptions, reasoner samples, one-step previews, then a hardening round on
  previews/finals optimized against it, starting from LoRAs perturbed so that the reasoner fails (the
  plain reasoner rarely fails in-domain, so optimizing it shows the answerer few failures)
  (video counts: {json.dumps(r['answerer_training_videos'])}); labels from the evaluators, balanced
  per rule; every training video is shifted by whole cells within its void margin, so the answerer
  sees every canvas position (train grids are smaller than held-out ones), and half of them start
  late (frame 0 held for 1-10 more frames, the end cut off) and are judged again by the evaluators,
  so that a rule broken, a goal or an exit reached in the last frame is seen in training (training
  tours end early and then hold still, and the suite's corruptions avoid the last frame; held-out
  paths end in it). The architecture and the recipe were chosen on the validation split, never the
  test split:
  [`modelkit/results/answerer_choice.md`](../../../modelkit/results/answerer_choice.md).
- **Query writer** ({r['parameters']['writer']:,} parameters): prefix LM over words, greedy decoding;
  it has to recognise the family from the instruction (each family has its own rule set).

## Reasoner base success (held-out, one sample, seed 0)
| family | n | success | second seed | samples differ across seeds | train-split success (n = {r['base_train_split']['n']} in all) |
|---|---|---|---|---|---|
{fam_rows}

Every rule, by the evaluator:

{rule_tables}

{detail}

Training tours are 3-8 steps, so held-out paths are all longer than any trained on.

## Teacher answerer: balanced accuracy per rule (threshold 0.5) — {verdict(ans_ok)} (>= 90 %)
| data | rule | balanced | TPR | TNR | yes / no |
|---|---|---|---|---|---|
{chr(10).join(acc_rows(k, v) for k, v in accs.items())}

Ground-truth held-out videos: mean P(Yes) {r['teacher_on_ground_truth']['mean_p_yes']:.3f}; loss <= tau
for {pct(r['teacher_on_ground_truth']['loss_below_tau'])} of them.

## Query writer
Right rule set on {pct(r['writer']['heldout_rule_set_accuracy'])} of held-out instructions
({verdict(r['writer']['heldout_rule_set_accuracy'] >= 0.95)}); by family:
{', '.join(f"{f} {pct(v)}" for f, v in r['writer']['by_family'].items())}. Example:
`{r['writer']['examples'][0]['instruction']}` -> `{r['writer']['examples'][0]['plan']}`

## Test-time optimization (held-out, n = {tto['n']}) — {verdict(tto_ok)}
Loop as in the method: fixed z1 per task (the base sample's noise), fresh LoRA only, Adam lr
{r['settings']['lr']}, lambda {r['settings']['lambda']}, early stop at loss <= tau = {r['settings']['tau']},
at most {r['settings']['max_steps']} steps; final video = 4-step sampler with the LoRA.
{stop_text(r)}

| method | success |
|---|---|
| base (one sample) | {pct(tto['base_success'])} |
| test-time optimization with the teacher | {pct(tto['success'])} |
| best-of-{bon['n']} picked by the teacher (compute-matched) | {pct(bon['teacher_picked'])} |
| oracle pass@{bon['n']} | {pct(bon['oracle_pass_at_n'])} |

Mean steps {tto['mean_steps']:.1f}; stopped early (teacher confident) {pct(tto['stopped_early'])};
**teacher-hacking rate** (teacher confident, evaluator says fail) {pct(tto['hacking_rate'])} of runs
({pct(tto['hacking_among_stopped'])} of confident runs); fixed {tto['fixed']}, broken {tto['broken']}.
{compute_match_text(bon)}
Per-rule after optimization: {', '.join(f"{k} {pct(v)}" for k, v in tto['rules'].items())}.

By family:

| family | n | base | TTO | best-of-{bon['n']} (teacher) | oracle pass@{bon['n']} | hacking | mean steps | fixed / broken |
|---|---|---|---|---|---|---|---|---|
{fam_tto}

Success against step budget (step: success): {curve}

{fam_curves}

In-domain check (train-split tasks never used to train the reasoner, n = {r['in_domain']['tto']['n']}; the
answerer saw their ground-truth videos): base {pct(r['in_domain']['tto']['base_success'])}, TTO
{pct(r['in_domain']['tto']['success'])} (mean steps {r['in_domain']['tto']['mean_steps']:.1f}, hacking
{pct(r['in_domain']['tto']['hacking_rate'])}, fixed {r['in_domain']['tto']['fixed']}, broken
{r['in_domain']['tto']['broken']}), best-of-{r['in_domain']['best_of_n']['n']} teacher-picked
{pct(r['in_domain']['best_of_n']['teacher_picked'])}, oracle pass@{r['in_domain']['best_of_n']['n']}
{pct(r['in_domain']['best_of_n']['oracle_pass_at_n'])}; curve
{curve_text(r['in_domain']['tto']['curve_success_vs_step_budget'])}.

Settings: the learning rate and step budget were chosen on the validation split (held-out
distribution, seeds 300000+, never the test seeds above): `python -m teacher_studio_modelkit.lr_sweep`,
table in [`modelkit/results/lr_sweep.md`](../../../modelkit/results/lr_sweep.md).

## Runtime
Build: {build_minutes(r):.0f} minutes for the build that wrote this card, on 2 shared CPU cores
({build_note(r)}). Budgets: reasoner {REASONER_MINUTES} minutes, answerer {ANSWERER_MINUTES} + {HARDEN_MINUTES},
query writer {WRITER_MINUTES}; the graph export took {r.get('export_minutes', 7):.0f} minutes, the held-out experiment
{r.get('experiment_minutes', 9):.0f}.
Package size {r['package_mb']:.1f} MB. One `tto_step` on onnxruntime CPU: {r['ort_tto_step_ms']:.0f} ms
(this 2-core machine, shared). Parity: `cd modelkit && pytest tests/test_parity.py` (onnxruntime vs
PyTorch on every graph, outputs and gradients within 1e-3; finite differences on tto_step).

## Limits
- Two of the suite's six families. push, sort, connect and fall move several objects (or draw
  paths, or let objects fall), and the move latent holds one agent: they need another latent
  (the generic per-cell appearance flow was tried first and gave 0 % success after 300 CPU steps:
  agents vanished or duplicated). Three other packages have such latents: blocks (fall and push,
  one move slot per block colour, `modelkit/teacher_studio_modelkit/objects.py`), bars (sort,
  one swap choice per frame, `modelkit/teacher_studio_modelkit/bars.py`) and connect (connect, a
  pen per colour pair, `modelkit/teacher_studio_modelkit/connect.py`); the studio runs each
  family on the package trained on it.
- At most 3 coins have slots (held-out tasks have exactly 3); a fourth would be drawn as a static
  cell and never picked up. The field runs once per coin subset (8 times), which is what makes a
  `tto_step` cost {r['ort_tto_step_ms']:.0f} ms here.
- Held-out failures are mostly systematic: samples differ across seeds on few tasks (table above)
  and the oracle pass@{bon['n']} is {pct(bon['oracle_pass_at_n'])}, so best-of-N cannot find what the
  reasoner does not produce; held-out paths are longer than any trained on.
- Teacher: {pct(tto['hacking_rate'])} of runs end with the teacher confident on a failing video (bar:
  10 %). Rules whose negatives are rare in the reasoner's own videos (walls crossed; see the TNR and
  the yes / no counts above) are measured on few negatives. Runs that end at the step budget with a
  broken rule are failures the teacher did not accept, so they are not counted as hacking.
- Answerer: {answerer_limits(r, below)}
- The maze gain is bounded by the reasoner's preview more than by the teacher. The same loop with
  an oracle reward read from the preview's soft positions (mass on the goal, on walls) instead of
  the answerer reaches 28.1 % on the validation mazes, below the answerer's 35.9 %; it reaches
  35.9 % and 46.9 % when the preview's moves are spread (temperature 2 and 3;
  [`results/steerability.md`](../../../modelkit/results/steerability.md)). A preview whose argmax path
  misses the goal puts almost no mass on it, so no reward has a slope there: on `npm run cli -- run
  --task suite:maze:heldout:2 --seed 2 --tau 0`, P(goal) stays at 0.000 until the loss drops in one
  step (4.82 at step 3, 0.002 at step 4). An answerer trained on spread previews with their expected
  verdict as label did not carry this over and fell below the accuracy bar
  ([`results/answerer_choice.md`](../../../modelkit/results/answerer_choice.md), fourth comparison).
  On the held-out test split, earlier, less accurate answerers fixed more mazes (maze TTO 35.9 % and
  46.9 % against 29.7 %).
- It learnt the suite's corruptions, not counting: a second agent that appears away from the
  agent's path for a frame (which no corruption draws and the reasoner cannot draw) goes unseen.
- The process rules "one agent", "one-cell steps" and "coins stay until picked up" hold by
  construction for every reasoner sample, so their accuracy on reasoner/optimized samples measures
  only the yes side; on corruptions the answerer's teleport detection is in the last table.
- The TTO settings (lr, step budget) are swept on the validation split after a build, not inside it
  (the sweep costs about 25 minutes): lr 0.02 and 16 steps won for the maze-only package and again
  for each maze + collect answerer
  ([`results/lr_sweep.md`](../../../modelkit/results/lr_sweep.md)).
- Held-out tasks are larger and longer than anything trained on; decoy squares and a third coin
  are unseen. Numbers above are the honest values on that split.
"""
    with open(path, "w") as f:
        f.write(text)
