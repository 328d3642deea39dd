"""The blocks model package (resources/models/blocks, for the suite's fall and push families), a
FamilyPackage (family_package.py) whose experiment is objects_experiment and whose stages keep the
names they had before the package existed (runs/objects*.pt, results/objects*.md).

One command makes it from scratch: `python -m teacher_studio_modelkit.build --package blocks
--fresh`: gen-data -> the objects reasoner (objects_experiment.stage_reasoner) -> query writer and
answerer with its hardening round (each answerer training before the pressure round keeps its snapshot with the best
score on the validation split, each rule on each source apart: answerer_validation.py) -> the answerer refined with
simultaneous-move videos
(simultaneous_moves.py) and hardened again (runs/objects_answerer_refined1.pt) -> its pressure round
(pressure_stage.py, runs/objects_answerer_refined_pressure.pt) -> graphs, manifest.json and modelkit/checkpoints/blocks.pt ->
the evaluation (runs/objects.json, results/objects.md, runs/objects_teacher.json,
results/objects_teacher.md) -> MODEL_CARD.md. `python -m teacher_studio_modelkit.blocks_package
--card-only` rewrites the card from the cached results.
"""
import json
from dataclasses import replace

from . import objects_experiment
from .build import SMOKE
from .family_package import FamilyPackage, MoreCorruptions, Refinement, build_text, lowest, misses
from .late_faults import late_fault_sources
from .model_card import compute_match_text, curve_text, pct, stop_text
from .objects_teacher import BLOCKS_ANSWERER_BUDGET, BLOCKS_HEADER, BLOCKS_TTO_LR
from .pipeline import HARDEN_TASKS
from .pressure_stage import PressureRound
from .simultaneous_moves import SIMULTANEOUS_STEPS, simultaneous_sources
from .train import Budget, teacher_budget_texts, trained_text

# Step budgets (since 2026-12-02; results/blocks_rebuild.md): the wall-clock budgets they replace (reasoner 14 minutes,
# writer 3, hardening 4) gave 658, about 1,250 and about 720 steps on a normal day, and 370, 650 and 612 on a day the
# machine ran 1.6-1.8 times slower, whose models came out far worse. The committed package's reasoner had 615.
BLOCKS_REASONER_BUDGET = Budget(steps=10 if SMOKE else 650)
BLOCKS_WRITER_BUDGET = Budget(steps=20 if SMOKE else 1250)
BLOCKS_HARDEN_BUDGET = Budget(steps=10 if SMOKE else 720)
# Since 2026-12-03 (results/simultaneous_moves.md): the hardened answerer trains 1,000 steps more with push videos whose
# blocks move at the same time, which optimized pushes do and the suite's videos never do, then hardens again.
BLOCKS_REFINEMENT = Refinement(name="objects_answerer_refined", sources=simultaneous_sources(),
                               budget=Budget(steps=10 if SMOKE else SIMULTANEOUS_STEPS), key="simultaneous moves")
# Since 2026-12-04 (results/pressure_round_replay512_blocks.md): a pressure round after the refinement. The hardened
# answerer is optimized against on 512 train tasks of their own (16 updates from perturbed LoRAs at 1x and 4x the
# package's learning rate, no early stop), the final videos labelled by the evaluator, and trains 720 steps more on
# them with every video it trained on before. On the validation split, against videos optimized against each answerer
# at 4x and 16x, fall.straight went 65.0 -> 92.5 %, push.no_wall 87.6 -> 88.1 %, push.intact 99.0 -> 91.5 %, and TTO at
# the package's settings 87.1 -> 90.6 % (results/pressure_round_replay_blocks.md for the answerer before it).
# Since 2026-12-05 (results/pressure_second_round_blocks.md): two rounds. The second optimizes the same tasks from the
# same starts against the first round's answerer and trains it 720 steps more on both rounds' videos (and the
# replayed ones). On the validation split, under pressure push.no_wall went 70.6 -> 82.9 % and fall.straight stayed at
# 87.5 %; on its videos push.no_wall 87.4 -> 100 %, push.step 82.5 -> 87.5 %; on 1,024 tasks TTO - best-of-N at a
# run's cost +0.9 -> +1.2 points (TTO 90.6 -> 90.9 %). One second round without the first round's videos lifted the
# answerer as much and read 1.9 points lower TTO on 256 tasks: the rule it was held to read that as a failure.
BLOCKS_PRESSURE = PressureRound(tasks=8 if SMOKE else 512, scales=(1.0, 4.0), steps=2 if SMOKE else 16,
                                budget=Budget(steps=10 if SMOKE else 720), perturbed=True, rounds=2)
# Tried on 2026-12-03, not in the recipe (results/blocks_rare_corruptions.md): the suite's train mix breaks push.no_wall
# in 74 of its 4,000 videos, push.step in 151 and fall.straight in 240, and those rules were the last round 0 learnt,
# or never; these videos of the corruptions that break them (wall_clip: fall.straight, push.no_wall; teleport:
# push.step) lifted round 0 from one start (52.1 -> 90.3 % lowest rule) but not from the build's, and the package built
# with them came out below this one (TTO 74.2 % against 79.3 %). round0_probe --more-corruptions uses them.
BLOCKS_MORE_CORRUPTIONS = (MoreCorruptions("wallclip", "fall,push", "wall_clip", n=1600, first_seed=110000),
                           MoreCorruptions("teleport", "push", "teleport", n=400, first_seed=120000))


# the held-out videos the per-rule bar reads the answerer on (reasoner samples and optimized samples; ground
# truth + corruptions are reported beside, not part of the bar), as the teacher results key them
BAR_VIDEOS = (("teacher_heldout_reasoner_samples", "reasoner samples"),
              ("teacher_heldout_optimized_samples", "optimized samples"))


def weak(teach):
    """The rules under 90 % balanced accuracy on held-out reasoner samples or optimized samples (BAR_VIDEOS)."""
    rules = sorted({r for k, _ in BAR_VIDEOS for r, v in teach[k].items() if v["balanced"] < 0.9})
    return ", ".join(rules) if rules else "no rule"


def weak_detail(teach):
    """Each weak rule with its accuracy and how many broken videos it was measured on."""
    out = []
    for key, where in BAR_VIDEOS:
        for r, v in sorted(teach[key].items()):
            if v["balanced"] < 0.9:
                out.append(f"{r} on {where} {pct(v['balanced'])} ({pct(v['tnr'])} of {v['n_no']} broken videos caught)")
    return "; ".join(out)


def answerer_text(teach):
    """The answerer against the issue's 90 % balanced accuracy per rule, in words (one Limits item)."""
    if weak(teach) != "no rule":
        return (f"The answerer falls short of the issue's 90 % balanced accuracy on {weak(teach)}: {weak_detail(teach)}.\n"
                f"  {fit(teach)} {misses(teach)}{unsure(teach)}.{late_faults_text(teach)}")
    opt = teach["teacher_heldout_optimized_samples"]
    r = min(opt, key=lambda k: opt[k]["balanced"])
    return ("The answerer meets the issue's 90 % balanced accuracy on every rule: on held-out reasoner samples (lowest"
            f" {pct(min(v['balanced'] for v in teach['teacher_heldout_reasoner_samples'].values()))}), on held-out samples"
            f" optimized against it (lowest {r}, {pct(opt[r]['balanced'])}: {pct(opt[r]['tnr'])} of {opt[r]['n_no']} broken"
            " videos caught; the broken optimized videos are few, so these rates move by several points from one build to"
            " another); on held-out ground truth and corruptions, which the bar does not name, its lowest rule reads"
            f" {pct(min(v['balanced'] for v in teach['teacher_heldout_gt_and_corruptions'].values()))}.")


def fit(teach):
    """What the answerer's accuracy on its own training videos says about its misses, in words."""
    acc = teach["teacher_train_gt_and_corruptions"]
    low = min(v["balanced"] for v in acc.values())
    if low < 0.95:
        below = sorted((v["balanced"], r) for r, v in acc.items())[:3]
        return ("On its own training videos it reaches only " + ", ".join(f"{pct(b)} on {r}" for b, r in below)
                + f", so it is undertrained in {teacher_budget_texts(teach)['answerer']} +"
                f" {teacher_budget_texts(teach)['harden']},"
                " not only unsure out of distribution.")
    held = teach["teacher_heldout_gt_and_corruptions"]
    worst = min(held, key=lambda r: held[r]["balanced"])
    return (f"It fits its own training videos (every rule at {pct(low)}{' or above' if pct(low) != pct(1) else ''}), so these misses"
            " are out of distribution: the held-out rooms are larger and hold a third block, and even on held-out ground"
            f" truth and corruptions its weakest rule is {worst} at {pct(held[worst]['balanced'])}.")


def oracle_steer(base, teach):
    """What TTO reaches on push with the evaluator's own reward (objects_experiment's steer
    diagnostic), against the teacher and best-of-N on push, in words."""
    if not base.get("steer"):
        return ""
    best = max(base["steer"], key=lambda s: s["final"])
    push = teach["by_family"]["push"]
    return (f" Even with the evaluator's own reward in place of the teacher (oracle TTO, {best['tasks']} push tasks of the"
            f" validation split, 16 updates at lr 0.02), push goes only from {pct(best['base'])} to {pct(best['final'])},"
            f" while best-of-{teach['best_of_n']['n']} reaches {pct(push['best_of_n_teacher_picked'])} on push: what limits"
            " TTO here is how far a few LoRA updates move this reasoner's sample, more than the teacher"
            f" (TTO with the teacher: {pct(push['base_success'])} -> {pct(push['success'])})."
            " LoRA slots in the per-frame mixing MLP as well as in attention, or three times the updates, move the"
            " oracle further but not past best-of-N (`modelkit/results/objects_lora_probe.md`, on the previous build's reasoner).")


def verdict(teach, base):
    t, b = teach["tto"], teach["best_of_n"]
    beats = [f"the base ({pct(t['base_success'])} -> {pct(t['success'])})" if t["success"] > t["base_success"] else None,
             f"best-of-{b['n']} ({pct(b['teacher_picked'])})" if t["success"] > b["teacher_picked"] else None]
    won = [x for x in beats if x]
    lost = "best-of-N" if t["success"] <= b["teacher_picked"] else None
    return (f"Held-out, both families: TTO with this teacher reaches {pct(t['success'])}"
            + (f", above {' and '.join(won)}" if won else "")
            + (f", but below best-of-{b['n']} ({pct(b['teacher_picked'])}, oracle pass@{b['n']} {pct(b['oracle_pass_at_n'])}):"
               " the reasoner's samples of a push task differ a lot, so picking among them finds a right one"
               " more often than optimizing one" if lost else "")
            + f"; hacking {pct(t['hacking_rate'])}. By these rates, unpaired, the issue's bar (beat base and best-of-N,"
            " hacking <= 10 %) reads " + ("met" if not lost and t["hacking_rate"] <= 0.1 and won else "**not met**")
            + "; the paired test on 1024 tasks decides ([`modelkit/results/compute_match.md`](../../../modelkit/results/compute_match.md))."
            + (oracle_steer(base, teach) if lost else ""))


def curves(teach):
    """Success against the step budget, held-out and in-domain, both families and each, as a list."""
    out = []
    for name, r in (("held-out test", teach), ("train split", teach["in_domain"])):
        out.append(f"- {name}, both: {curve_text(r['tto']['curve_success_vs_step_budget'])}")
        out += [f"- {name}, {fam}: {curve_text(v['curve_success_vs_step_budget'])}" for fam, v in r["by_family"].items()]
    return "\n".join(out)


def unsure(teach):
    """The right base videos TTO broke, per family, in words ("" when none)."""
    broken = {fam: v["broken"] for fam, v in teach["by_family"].items() if v["broken"]}
    if not broken:
        return ""
    return (" and keeps optimizing right ones it is unsure of (" + ", ".join(f"{f}: {n} right base video{'s' * (n != 1)} broken"
                                                                       for f, n in broken.items()) + ")")


def late_faults_text(teach):
    """Where fall.rest is weak: what training on videos that end with a block gone or doubled did."""
    if teach["teacher_heldout_reasoner_samples"]["fall.rest"]["balanced"] >= 0.9:
        return ""
    return ("\n  Training the answerer also on videos that end with a block gone or doubled taught fall.rest"
            " but cost other rules out of distribution and lowered TTO success"
            " ([`modelkit/results/late_faults.md`](../../../modelkit/results/late_faults.md)), so it is not in the recipe."
            " Nor is the census evidence that made the bars answerer read sort.intact right: with it fall.rest stayed at"
            " chance on the validation split's reasoner videos and push.step fell to 79.6 %"
            " ([`modelkit/results/answerer_census_blocks.md`](../../../modelkit/results/answerer_census_blocks.md)).")


def refinement_text(tb):
    """The answerer's refinement (BLOCKS_REFINEMENT) in words, from its budgets ("" for an answerer without one)."""
    if "harden again" not in tb:
        return ""
    return (f", then {tb['simultaneous moves']} more with push videos whose blocks move at the same time (optimized"
            " pushes often move two or three blocks in one frame, the suite's videos never do, and without them the"
            " answerer read such videos as broken; `simultaneous_moves.py`) and a second hardening round against itself"
            f" ({tb['harden again']}; [`modelkit/results/simultaneous_moves.md`](../../../modelkit/results/simultaneous_moves.md))"
            + pressure_text(tb))


def pressure_text(tb):
    """The answerer's pressure round (BLOCKS_PRESSURE) in words, from its budgets ("" for an answerer without one)."""
    if "pressure round" not in tb:
        return ""
    p = BLOCKS_PRESSURE
    several = p.rounds > 1
    again = ("; each round after the first is optimized against the answerer the round before made, on the same tasks, and trains on every round's videos so far"
             " ([`modelkit/results/pressure_second_round_blocks.md`](../../../modelkit/results/pressure_second_round_blocks.md))"
             if several else "")
    return (f"; last, {rounds_words(p.rounds)} ({tb['pressure round']}{' in all' if several else ''}):"
            f" it is optimized against on {p.tasks} train tasks of"
            f" their own, {p.steps} updates from perturbed LoRAs at {' and '.join(f'{s:g}x' for s in p.scales)} the"
            " package's learning rate with no early stop, and trains on their final videos, labelled by the evaluator,"
            f" beside every video it trained on before its hardening rounds; the hardening rounds' {HARDEN_TASKS} runs mostly stop"
            " with nothing broken, so it had seen few of the broken falls and pushes optimization makes"
            " (`pressure_stage.py`; chosen on the validation split:"
            " [`modelkit/results/pressure_round_replay512_blocks.md`](../../../modelkit/results/pressure_round_replay512_blocks.md))"
            + again)


def training_videos_text(tb):
    """Which trainings the card's training-video counts are those of."""
    if "pressure round" in tb:
        return (" of the last two trainings before the pressure round, and that round's pressured finals"
                if BLOCKS_PRESSURE.rounds == 1 else
                " of the last two trainings before the pressure rounds, and those rounds' pressured finals")
    return " of the last two trainings" if "harden again" in tb else ""


def rounds_words(n):
    """'a pressure round', 'two pressure rounds', ..."""
    return "a pressure round" if n == 1 else f"{({2: 'two', 3: 'three'}).get(n, n)} pressure rounds"


def history_text(record):
    """Where the package's stages come from and what its build costs, in words."""
    return """- Its reasoner and query writer come from one from-scratch run of its command (`--fresh`) on 2026-12-04, the first
  with the pressure round ([`modelkit/results/blocks_pressure_rebuild.md`](../../../modelkit/results/blocks_pressure_rebuild.md));
  its answerer from the same command on 2026-12-05 with those two stages cached, the first whose snapshots before the
  pressure round are chosen on each rule's score on each validation source apart, ground truth + corruptions and the
  reasoner's samples, 8 per validation task
  ([`modelkit/results/blocks_val_seeds.md`](../../../modelkit/results/blocks_val_seeds.md)). The 2026-12-04 answerer,
  chosen on one score pooled over both sources with one sample per task, read fall.rest at 83.3 % on held-out reasoner
  samples: the validation mix's 47 broken corruptions outweighed its 3 broken samples, and read apart it caught 62 %
  of the 26 broken samples 8 seeds give (a third block gone mid-fall). On 256 validation tasks this answerer gave TTO
  90.6 % and best-of-N at a run's cost 87.5 % (+3.1 points, 0.0 to +6.2), the 2026-12-04 one 89.1 % and 87.9 %
  (+1.2). Its pressure round was first chosen too (step 360 of 720 kept); under pressure on the validation split that
  answerer caught 32 % of broken push.no_wall videos and the round's last step 44 %, so the round keeps its last step,
  as before (its run here is a second one, from the same videos: the first kept only its chosen step). A
  from-scratch build of the by-source recipe on 2026-12-05 (another reasoner: training is not bit-reproducible) read
  -0.7 on validation and -0.5 (-2.3 to +1.2) on the 1024 paired test tasks, and was not committed.
  Since later on 2026-12-05 the answerer goes through two pressure rounds, the second against the first's answerer on
  both rounds' videos ([`modelkit/results/pressure_second_round_blocks.md`](../../../modelkit/results/pressure_second_round_blocks.md)).
  Its stage is the run of `pressure_round --rounds 2 --start runs/objects_answerer_refined1.pt` that was measured on
  the validation split (the stage's computation from the same answerer and videos; its first round broke exactly the
  videos the one-round build's had); the build took it from that run's cache. The one-round answerer before it, on the
  test split: push.no_wall 75.0 % on held-out optimized samples (1 of 2 broken caught), 73.9 % under pressure (49 of
  100), fall.straight 79.9 % under pressure; TTO - best-of-N on the 1024 paired test tasks +1.2 (-0.7 to +3.1).
  The 2026-12-04 reasoner is not the package before's: the same budget and initial weights, but that one was trained on
  2026-12-02 by the code of that day. The package before it (reasoner and writer of 2026-12-02,
  answerer of 2026-12-03, no pressure round), measured on the same 256 validation tasks: base 78.5 %, TTO 87.1 %,
  best-of-N at a run's cost 88.3 % (TTO - best-of-N -1.2 points), against the 2026-12-04 build's 80.9 %, 89.1 % and
  87.9 % (+1.2); with its answerer through the pressure round alone (`pressure_round`, the same recipe) 90.6 % (+2.3).
  On the test split it read every rule of held-out reasoner samples at 93.7 % or above. In the 2026-12-04 build the
  refinement lowered its answerer's pooled validation score (lowest rule 91.4 % after hardening, 77.4 % after the
  simultaneous moves, 78.5 % hardened again: fall.intact and fall.straight on the validation videos) and the pressure
  round brought it back to 97.0 %.
  The package before that had the answerer of float32 trainings at gridworld's peak learning rate (1e-3; round 0 92.5 % /
  97.6 % on the validation split, shipped 97.5 % / 99.2 %): TTO 56.2 % -> 79.3 % on the held-out test split (push
  19.5 % -> 61.7 %), best-of-20 85.5 %, and push.intact on optimized samples 72.9 %, under the answerer's bar. It was
  the best of several builds compared on that test split, so its TTO overstated what its recipe gives. The 2026-12-03
  package's answerer scores higher on the validation split (round 0 97.3 % / 99.5 %, shipped 98.0 % / 99.5 %) and meets the
  answerer's bar, but TTO with it reaches 72.3 % (push 50.0 %)
  ([`modelkit/results/blocks_round0_starts.md`](../../../modelkit/results/blocks_round0_starts.md)). The two
  builds before the 2026-12-02 one, with
  wall-clock budgets, came out much worse than the package they rebuilt (built 2026-11-30: held-out fall / push
  92.7 % / 22.0 %, TTO 54.3 % -> 72.7 %, answerer validation score 95.0 % / 97.7 %) and were not committed: one
  answerer said No to fall.intact on most right held-out fall videos (TTO 52.0 % -> 43.8 %); on a day the machine ran
  1.6-1.8 times slower the other got 44 % fewer reasoner steps and 37 % fewer answerer steps (push held-out 3.9 %,
  validation score 50.0 % / 78.1 %). The 2026-12-02 build ran on a day the machine was 1.4-1.7 times slower and trained the
  steps a normal day gave the wall-clock budgets; with the refinement the command took 90 minutes (about 70 at
  a normal day's speed: over the issue's 60). Since 2026-12-03 the objects reasoner trains about twice as fast and
  exports in about a third of the time (the same models in exact arithmetic): the command from scratch took 50 minutes
  on this CPU (gen-data 1, reasoner 7.5, writer and answerer 28, refinement 9, export 4), within the issue's 60. That
  build's models came out worse than the package before this one (TTO 52.3 % -> 67.6 %, best-of-20 82.0 %) and were
  not committed. At gridworld's learning rate the answerer's first round lands where its initial weights and its
  training videos take it.
  Trained again on 2026-12-03 with the reasoner and writer cached, it started from other initial weights (a build with cached stages
  drew them from another state of torch's generator; fixed since: `train.restore_generator`) and scored 66.0 % / 93.0 %
  on the validation split instead of 92.5 % / 97.6 %, and after hardening gave TTO 69.5 % instead of 75.0 %; refined
  from that round 0 as here, TTO 67.6 %. Replayed from the build's initial weights on another machine it scored
  94.2 % / 96.8 %, and 94.6 % / 97.4 % after hardening
  ([`modelkit/results/blocks_rebuild.md`](../../../modelkit/results/blocks_rebuild.md),
  [`modelkit/results/simultaneous_moves.md`](../../../modelkit/results/simultaneous_moves.md)). A from-scratch build of
  2026-12-03, with the same initial weights but a reasoner 0.8 % away from this one's, ended round 0 at 57.0 % / 82.1 %:
  round 0 was sensitive to small changes in its start and its training videos. The rules it learnt last are those the
  suite's videos rarely break (push.no_wall in 74 of 4,000, push.step in 151, fall.straight in 240); 2,000 more videos
  of those corruptions lifted round 0 from another start (52.1 % -> 90.3 % lowest rule on the validation split), but
  from the build's start the package built with them came out below the one before this (TTO 74.2 %, fall.rest 78.7 %
  on held-out reasoner samples) and was not committed
  ([`modelkit/results/blocks_rare_corruptions.md`](../../../modelkit/results/blocks_rare_corruptions.md)). Round 0
  trained from two initial weights under bfloat16 autocast (1.6 times faster a step) at 1e-3 ended with a rule near
  chance in both (58.1 % / 81.1 % from the build's initial weights, 50.0 % / 83.0 % from seed 1001); at 2e-3, the rate
  this package's round 0 trained at, the same two starts learnt every rule (97.1 % / 99.0 % and 97.3 % / 99.5 %),
  so the recipe trains one start. Before step 3,000 every round 0 scored has a rule at chance, so starts cannot be raced
  early ([`modelkit/results/blocks_round0_starts.md`](../../../modelkit/results/blocks_round0_starts.md)).
  Every base and TTO number in this history was measured with the full sampler's soft rollout, before 2026-12-04."""


def push_text(base):
    """Push on the held-out split, the reasoner's hard case, and what the full sampler's rollout did to it, in words."""
    push = base["splits"]["push"]
    return ("Push with three blocks in a held-out room is this reasoner's hard case"
            f" (base {pct(push['held-out test']['success'])}, {pct(push['train (unseen tasks)']['success'])} on unseen"
            " train-split rooms): its pushes are learnt from rooms with one or two blocks and leave little to spare in"
            " 11 transitions. Until 2026-12-04 the full sampler rolled the blocks through the frames by their move"
            " probabilities, and the same weights succeeded on 23.5 % of held-out push samples: training rolls the"
            " blocks along the ground truth's moves, so a block smeared over two cells after an uncertain move was a"
            " state the network had never read, and pushes stalled. It now rolls them along its most likely moves, the"
            " moves the full decoder draws ([`modelkit/results/sampler_rollout.md`](../../../modelkit/results/sampler_rollout.md)).")


def write_card(path, base, teach, size_mb, step_ms, parameters, record=None):
    """MODEL_CARD.md of the blocks package from objects_experiment's and objects_teacher's results
    and the build's record."""
    tb = teacher_budget_texts(teach)
    splits = base["splits"]
    fam_rows = "\n".join(
        f"| {fam} | {pct(s['held-out test']['success'])} | {pct(s['held-out test']['pass_at_n'])} | "
        f"{pct(s['held-out validation']['success'])} | {pct(s['train (unseen tasks)']['success'])} |"
        for fam, s in splits.items())
    tto_rows = "\n".join(
        f"| {name} | {fam} | {v['n']} | {pct(v['base_success'])} | {pct(v['success'])} | {v['fixed']} / {v['broken']} | "
        f"{pct(v['best_of_n_teacher_picked'])} | {pct(v['oracle_pass_at_n'])} | {pct(v['hacking_rate'])} | {v['mean_steps']:.1f} |"
        for name, r in (("held-out test", teach), ("train split", teach["in_domain"])) for fam, v in r["by_family"].items())
    n_match = teach["best_of_n"]["n"]
    text = f"""# blocks — the model package for the fall and push families (MODEL_CARD)

A small reasoner + teacher pair trained from scratch by `modelkit` on the task suite's **fall** and
**push** families (several coloured blocks). The gridworld package covers maze and collect, bars
sort, connect connect. Numbers are measured on the suite's **held-out split** (fall: areas of
8-10 cells, 3 blocks, 2-3 ledges, where training had 5-7 cells and 1-2 blocks; push: rooms of 8-10
cells, 3 blocks, 8-11 moves, where training had 5-7 cells, 1-2 blocks and 2-7 moves), labelled by
the Python port of the suite's evaluators (`rules.make_fall_judge`, `rules.make_push_judge`; their
agreement with the suite's labels is a test, `modelkit/tests/test_objects.py`).

Reproduce from scratch in one command: `cd modelkit && python -m teacher_studio_modelkit.build --package blocks --fresh`
(gen-data, training, export, then the evaluation below and this card). {build_text(record, teach)}
Details: [`modelkit/results/objects.md`](../../../modelkit/results/objects.md) (reasoner),
[`modelkit/results/objects_teacher.md`](../../../modelkit/results/objects_teacher.md) (teacher, TTO).

## Models
- **Reasoner** ({parameters['reasoner']:,} parameters, `objects.py`): the gridworld reasoner's design
  with one move slot per block colour (blue, orange, purple; z1 is [11, 3, 8]). Each colour's move
  field is computed on the first frame without the blocks, where only that colour's outline reads
  as "my outline"; blocks meet through contact features and take turns through turn features; a
  frame's moves are settled in 3 passes. Frames are built by construction (each block drawn once,
  steps of at most one cell, a block on its own outline drawn "placed"). The same LoRA slots,
  few-step sampler, surrogate and full decoders as gridworld's. Trained {trained_text(base)}
  on this CPU, on both families.
- **Answerer** ({parameters['answerer']:,} parameters) and **query writer** ({parameters['writer']:,}
  parameters): gridworld's architectures and recipe (ground truth + corruptions, reasoner samples,
  one-step previews, a hardening round on optimized videos; {tb['answerer']} + {tb['harden']};
  writer {tb['writer']}){refinement_text(tb)}. Round 0 trains at a peak learning rate of {BLOCKS_ROUND0_LR:g}, twice
  gridworld's, at which some of its rules sat at chance for most of its steps; every answerer training runs under
  bfloat16 autocast (1.6 times faster a step on this CPU;
  [`modelkit/results/blocks_round0_starts.md`](../../../modelkit/results/blocks_round0_starts.md)). Training videos{training_videos_text(tb)}: {json.dumps(teach['answerer_training_videos'])}.

## Base success (the reasoner alone, 4 noise seeds per task)

| family | held-out test | oracle pass@4 | held-out validation | train split (unseen tasks) |
|---|---|---|---|---|
{fam_rows}

## Test-time optimization with the teacher

Settings as the package's manifest defaults: Adam lr {teach['settings']['lr']} (chosen on the validation split with the
package's previous build, [`modelkit/results/lr_sweep_blocks.md`](../../../modelkit/results/lr_sweep_blocks.md); checked again
with the 2026-11-30 build's models against 0.02, [`modelkit/results/lr_sweep_blocks_rebuild.md`](../../../modelkit/results/lr_sweep_blocks_rebuild.md)), lambda {teach['settings']['lambda']}, tau {teach['settings']['tau']},
at most {teach['settings']['max_steps']} steps; best-of-N compute-matched (N = {n_match} held-out), picked by the teacher;
oracle pass@N: the evaluator picking among the same candidates. Hacking: the teacher stopped early
on a video the evaluator fails. {stop_text(teach)} {compute_match_text(teach['best_of_n'])}

| tasks | family | n | base | TTO | fixed / broken | best-of-N (teacher) | oracle pass@N | hacking | mean steps |
|---|---|---|---|---|---|---|---|---|---|
{tto_rows}

Success against the step budget (step: success; 0 is the base sample, a run stopped early keeps its
video at larger budgets):
{curves(teach)}

## Teacher accuracy (balanced, per rule)
- held-out reasoner samples: {lowest(teach['teacher_heldout_reasoner_samples'])}
- held-out optimized samples: {lowest(teach['teacher_heldout_optimized_samples'])}
- held-out ground truth + corruptions: {lowest(teach['teacher_heldout_gt_and_corruptions'])}
- query writer, held-out rule-set accuracy: {pct(teach['writer']['heldout_rule_set_accuracy'])}

## Package
{size_mb:.1f} MB; one `tto_step` call takes {step_ms:.0f} ms in onnxruntime (CPU, this 2-core machine). Its gradients are the same on every call: the ScatterND adds that the gathers' backward exported to, which onnxruntime adds racily across threads, are gathers and sums (`export.deterministic_scatter_adds`).
Graphs, inputs and outputs as gridworld's (`docs/model-package.md`); only the latent's shape differs.

## Limits
- {verdict(teach, base)}
- {answerer_text(teach)}
{history_text(record)}
- {push_text(base)}
- The answerer and writer know only fall's and push's queries; the studio runs the other families on
  the packages trained on them (gridworld: maze, collect; bars: sort; connect: connect).
"""
    open(path, "w").write(text)


# Round 0's peak learning rate: at train.ANSWERER_LR (1e-3) some of its rules sat at chance for most of its 5,200 steps,
# and which ones, and whether they were learnt at all, changed from one start to another (results/blocks_round0_starts.md)
BLOCKS_ROUND0_LR = 2e-3
PACKAGE = FamilyPackage(
    name="blocks", run_name="objects", experiment=objects_experiment,
    reasoner_budget=BLOCKS_REASONER_BUDGET, answerer_budget=BLOCKS_ANSWERER_BUDGET,
    writer_budget=BLOCKS_WRITER_BUDGET, harden_budget=BLOCKS_HARDEN_BUDGET,
    answerer_name="objects_answerer", census=False, tto_lr=BLOCKS_TTO_LR,
    # videos that end with a block gone or doubled: not in the recipe (LATE_FAULTS = 0, results/late_faults.md)
    sources=late_fault_sources(),
    # the answerer's reading of held-out rooms differed from build to build (results/blocks_rebuild.md)
    choose=True, refine=BLOCKS_REFINEMENT, pressure=BLOCKS_PRESSURE,
    # since 2026-12-05 (results/blocks_val_seeds.md): every answerer training before the pressure round is chosen on
    # each rule's score on each validation source apart, with 8 reasoner samples per validation task; the pressure
    # round keeps its last step (BLOCKS_PRESSURE_CHOSEN below)
    val_seeds=(5, 6) if SMOKE else tuple(range(5, 13)), val_by_source=True,
    bf16=True, round0_lr=BLOCKS_ROUND0_LR,
    header=BLOCKS_HEADER, write_card=write_card)
CHECKPOINT = PACKAGE.checkpoint
build = PACKAGE.build

# The recipe before 2026-12-05 (results/blocks_val_seeds.md): the answerer's snapshots chosen on one score pooled over
# the validation mix and one reasoner sample per validation task. Its 128 validation falls held 3 broken samples, and
# an answerer that caught 62 % of the 26 broken ones 8 seeds give (a block gone mid-fall) scored 99.0 % on fall.rest,
# carried by the mix's 47 corruptions. Chosen by source on the same reasoner, validation TTO - best-of-N went +1.2 ->
# +3.1 points and the answerer score by source 80.8 -> 82.5 %; a fresh build of the by-source recipe (another
# reasoner, its pressure round choosing too) read -0.7.
BLOCKS_POOLED = replace(PACKAGE, val_seeds=FamilyPackage.val_seeds, val_by_source=False)
# Tried on 2026-12-05, not in the recipe: the pressure round too keeps its best of 4 snapshots by that validation
# score (PressureRound.choose). On the shipped reasoner it kept step 360 of 720, and under pressure on the validation
# split (4x and 16x, 16 updates) that answerer caught 32 % of broken push.no_wall videos, the round's last step 44 %:
# the validation videos hold no pressured video, so the choice could not see what the round teaches.
BLOCKS_PRESSURE_CHOSEN = replace(PACKAGE, pressure=replace(BLOCKS_PRESSURE, choose=True))


if __name__ == "__main__":
    PACKAGE.main(__doc__)
