"""The connect model package (resources/models/connect, for the suite's connect family), a
FamilyPackage (family_package.py).

One command makes it from scratch: `python -m teacher_studio_modelkit.build --package connect
--fresh`: gen-data -> the connect reasoner (connect_experiment.EXPERIMENT.stage_reasoner) -> query writer and
answerer -> the answerer's stroke-evidence stage (PACKAGE.pressure) -> graphs, manifest.json and
modelkit/checkpoints/connect.pt -> the evaluation
(runs/connect.json, results/connect.md, runs/connect_teacher.json, results/connect_teacher.md) ->
MODEL_CARD.md. `python -m teacher_studio_modelkit.connect_package --card-only` rewrites the card
from the cached results.
"""
import json
from dataclasses import replace

from . import connect_experiment
from .build import ANSWERER_MINUTES, REASONER_MINUTES, SMOKE
from .family_package import (PRESSURE_STAGE, FamilyPackage, accuracy_section, base_section, ceiling, misses,
                             package_section, reproduce_text, tto_section, verdict)
from .model_card import pct
from .pair_composites import COMPOSITE_MINUTES, composite_sources
from .pressure_stage import PressureRound
from .reasoner_choice import ReasonerChoice, choice_text
from .train import Budget, teacher_budget_texts, trained_text
from .tto import TTO_LR

HEADER = ["# The teacher on connect (the connect package)", "",
          "The package's query-writer and answerer recipes trained on the connect family, with the connect",
          "reasoner of `results/connect.md` as the video model, and the package's held-out experiment run on them.",
          "Produced by the connect package's build (`cd modelkit && python -m teacher_studio_modelkit.build --package"
          " connect`) "]


def weakest_text(teach):
    """The answerer's weakest rule on held-out reasoner videos and what it does to the loop, in words."""
    acc = teach["teacher_heldout_reasoner_samples"]
    worst = min(acc, key=lambda r: acc[r]["balanced"])
    t = teach["tto"]
    return (f"The answerer's weakest rule on held-out reasoner videos is {worst} ({pct(acc[worst]['balanced'])} balanced:"
            f" TPR {pct(acc[worst]['tpr'])}, TNR {pct(acc[worst]['tnr'])}); {pct(t['stopped_early'])} of held-out runs"
            f" stop early (mean {t['mean_steps']:.1f} of {teach['settings']['max_steps']} steps), and the runs that go on"
            f" break {t['broken']} right base videos while fixing {t['fixed']}.")


def optimized_text(teach):
    """The answerer on held-out optimized videos, per rule with broken ones, in words."""
    acc = teach["teacher_heldout_optimized_samples"]
    return ", ".join(f"{r} {pct(v['balanced'])} (catches {pct(v['tnr'])} of {v['n_no']} broken)"
                     for r, v in sorted(acc.items()) if v["n_no"])


def grow_text(base):
    m = base["splits"]["held-out test"]
    return f"connect.grow holds on {pct(m['rules']['connect.grow'])} of held-out test samples"


def write_card(path, base, teach, size_mb, step_ms, parameters, record=None):
    """MODEL_CARD.md of the connect package from connect_experiment's and the teacher experiment's results."""
    tb = teacher_budget_texts(teach)
    text = f"""# connect — the model package for the connect family (MODEL_CARD)

A small reasoner + teacher pair trained from scratch by `modelkit` on the task suite's **connect**
family (draw a path of their colour between the two dots of each colour, one cell a frame, around
the walls). gridworld covers maze and collect, blocks fall and push, bars sort. Numbers are
measured on the suite's **held-out split** (areas of 8-10 cells, a teal and a **magenta** pair, 6-11
path cells in 11 transitions, where training had 5-7 cells, one teal pair and 2-8 path cells:
magenta is never seen in training), labelled by the Python port of the suite's evaluator
(`rules.make_connect_judge`; its agreement with the suite's labels, corruptions included, is a
test: `modelkit/tests/test_connect.py`).

{reproduce_text("connect", record, teach)}

## Models
- **Reasoner** ({parameters['reasoner']:,} parameters, `connect.py`): per transition one move (stay, up,
  down, left, right) of the pen drawing at that frame (z1 is [11, 8]), a pen per colour pair starting
  on its first dot in cell order. The first pair whose pen has not reached the cell next to its other
  dot draws; every cell its pen enters is painted in the pair's colour. So every frame adds at most
  one cell, attached to its path, the pairs draw one after the other and the video holds still once
  every pair is joined, by construction; the route is learned: the gridworld reasoner's field
  (local-attention blocks, where the LoRA slots are, the same q and v slots) run on the first frame
  seen from each pair (its other dot drawn as a teal dot, every other dot and the paths drawn before
  as walls), so a magenta pair is read as the teal pairs of training. The full sampler moves each pen
  by its most likely move; the one-step preview the teacher reads blends the paint by the moves'
  probabilities. Trained {trained_text(base)} on this CPU.{choice_text(base)}
- **Answerer** ({parameters['answerer']:,} parameters) and **query writer** ({parameters['writer']:,}
  parameters): gridworld's architectures and recipe (ground truth + corruptions, reasoner samples,
  one-step previews, a hardening round on optimized videos; answerer {tb['answerer']} +
  {tb['composites']} + {tb['harden']} + {tb[PRESSURE_STAGE]}, writer {tb['writer']}),
  trained on the train split only (one teal pair), with three additions chosen on the validation split.
  Half its training videos have their colours turned by a random angle about the grey axis
  (`train.rotate_hue`: greys stay, each colour keeps its brightness and chroma), so a pair of a colour
  training never shows is no new input; connect's queries never name a colour. And once that round 0
  is trained, it trains {tb['composites']} more with **two-pair videos composed from the one-pair ones**
  (`pair_composites`): a second pair on a random walk over the cells that stay floor, drawn after the
  first, 40 % of them stopping short, in teal turned to a random hue 60-300 degrees away (never the
  suite's magenta sprites), plus the reasoner's samples on such first frames, all labelled by the
  evaluator. On the validation split's reasoner samples the two lifted connect.linked from 77.8 % (no addition) to 96.7 %,
  connect.intact from 77.1 % to 100 %, and kept connect.no_wall at 100 %
  ([`modelkit/results/answerer_pairs_connect.md`](../../../modelkit/results/answerer_pairs_connect.md),
  [`modelkit/results/answerer_hue_connect.md`](../../../modelkit/results/answerer_hue_connect.md)); composites
  from round 0's first step cost the answerer every process rule (same report, "Earlier configurations").
  Last, a **stroke-evidence stage** ({tb[PRESSURE_STAGE]}; a `FamilyPackage.pressure` stage that optimizes nothing):
  the answerer is given two numbers read from the pixels with no weights (`teacher.stroke_evidence`): a cell
  painted over (it had changed from its first picture and changes again to a third) and a stray stroke (a cell
  turns to a colour that none of its four neighbours showed a frame earlier; colour is the direction of a cell's
  mean colour from grey, so the hue turns change nothing), each video's largest, read as a term on each query's
  logit weighted by a projection of the query (zero until it trains). It trains on the replayed videos and the
  reasoner's samples of 512 two-pair train tasks with 8 near misses each (one move forced, the pens replanning:
  `near_misses.py`), those that break connect.grow four times. On the validation split's videos optimized against
  it (4x and 16x the package's learning rate, 16 updates) connect.grow went from 46.9 % to 93.2 % balanced (19 of
  22 broken caught; the answerer before it caught none of 28) and connect.no_wall from 93.5 % to 98.7 %
  ([`modelkit/results/answerer_strokes_connect.md`](../../../modelkit/results/answerer_strokes_connect.md)).
  Training videos: {json.dumps(teach['answerer_training_videos'])}.

{base_section(base)}

{tto_section(teach)}

{accuracy_section(teach)}

{package_section(size_mb, step_ms, "meaning")}

## Limits
- {verdict(teach)}
- **On 1,024 held-out test tasks, paired** (these 256 and 768 more; `cd modelkit && python -m
  teacher_studio_modelkit.compute_match --packages connect --tasks 1024`, 2026-12-06,
  [`modelkit/results/compute_match.md`](../../../modelkit/results/compute_match.md)): base 80.0 %, TTO 88.8 %, best-of-N at a run's cost
  (5.4 candidates) 83.7 % (oracle pass@6 84.6 %), hacking 1.1 %. TTO beats the base by 8.8 points (+7.1 to +10.5;
  90 won, 0 lost) and best-of-N by **5.1** (+3.5 to +6.7; 65 won, 10 lost against best-of-5, p = 5e-11).
- On held-out videos optimized under pressure (every run forced through 16 updates at 1, 4 and 16 times the
  package's learning rate, its final video judged; 512 test tasks, `cd modelkit && python -m
  teacher_studio_modelkit.answerer_pressure --packages connect --tasks 512`, 2026-12-06,
  [`modelkit/results/answerer_pressure.md`](../../../modelkit/results/answerer_pressure.md)), pooled: connect.grow 100 % balanced (19 of
  19 broken caught), intact 100 %, linked 90.7 % (192 of 235; 89.0 % at 4x), no_wall 99.1 % (113 of 115); the
  teacher was sure of a failing video in 1.2-2.0 % of those runs. The answerer before the stroke stage read grow
  48.0 % there (1 of 37 caught), linked 89.9 %, no_wall 92.8 %, at 1.0-1.6 %.
- {ceiling(teach)}
- {misses(teach)}. {weakest_text(teach)}
- The pens' order, at most one new cell a frame, each next to its pen's last cell, and the dots
  hold by construction; connect.grow still breaks when a pen paints over a painted cell or draws a cell with no
  cell of its colour beside it a frame earlier (walking on from a cell painted over, or past the other pair's dot)
  ({grow_text(base)}), and connect.intact never does. Optimization finds these videos: of the validation split's
  runs forced through 16 updates at 4x and 16x the learning rate against the answerer before this one, 26 of 1,024
  final videos broke grow, each in one of those two ways. The stroke evidence is a rule about pixels, not learnt:
  it also fires on the suite's "duplicate" dots (which break connect.intact, not grow), catches 24 of the suite's
  41 teleports on validation, and fires on 2 of 504 validation one-step previews, whose blended paint it counts
  only from 0.9 of a full change.
- On held-out optimized videos (the TTO runs above) the broken ones are few: {optimized_text(teach)}.
- Before the stroke evidence no answerer held grow under pressure, and none of these is in the recipe (each report
  has its numbers): composites whose second pair paints over the first's path
  ([`answerer_crossings_connect.md`](../../../modelkit/results/answerer_crossings_connect.md)), the picture change since a frame earlier
  ([`answerer_change_connect.md`](../../../modelkit/results/answerer_change_connect.md),
  [`answerer_change_crossings_connect.md`](../../../modelkit/results/answerer_change_crossings_connect.md)), a hardening round on
  two-pair first frames ([`answerer_hardening_connect.md`](../../../modelkit/results/answerer_hardening_connect.md)), pressure rounds on
  optimized final videos ([`pressure_rounds_connect.md`](../../../modelkit/results/pressure_rounds_connect.md),
  [`answerer_change_again_connect.md`](../../../modelkit/results/answerer_change_again_connect.md)), and near misses with four times the
  training and the picture before each cell's last change, at most 19 of 30 broken caught
  (`connect_package.NEAR_MISSES`: its builds took 63.6, 57.2 and 58.0 minutes and missed their rules;
  [`near_misses_connect.md`](../../../modelkit/results/near_misses_connect.md),
  [`connect_recipe_rebuild.md`](../../../modelkit/results/connect_recipe_rebuild.md)).
- Another build is another draw. On the first 1,024 validation tasks (`compute_match --split validation`) this
  package's build read base 79.9 %, TTO 89.1 %, hacking 1.2 % and TTO - best-of-N +6.3 points (+4.7 to +7.9);
  the package before it (`connect_package.PAIRS`: the same stages without the stroke stage) 82.9 %, 90.5 %, 1.0 %
  and +5.8. Six builds of connect's recipes read there span base 76.0-82.9 %, TTO 86.1-90.5 % and TTO - best-of-N
  +3.7 to +7.7 points, each beating best-of-N ([`connect_recipe_rebuild.md`](../../../modelkit/results/connect_recipe_rebuild.md),
  [`answerer_strokes_connect.md`](../../../modelkit/results/answerer_strokes_connect.md)).
- The reasoner is most of a build's draw: on those tasks the reasoners of eight trainings by the same stage code
  read 76.0-82.9 % base success (this package's 79.9 %), and within a training the held-out success falls over its
  last half (two seeds: 81.7 -> 77.0 % and 84.3 -> 80.3 % from step 1,500 to the end). Choosing the weights among
  snapshots on 512 other validation tasks (`reasoner_choice.py`, `connect_package.CHOSEN_REASONER`) lifted them 4.0
  and 4.7 points in those seeds, but the build made with it drew a weak reasoner (76.5 % with the choice) and its
  TTO, 86.1 %, fell under the 89.0 % its rule asked, so it is not the recipe
  ([`reasoner_draws_connect.md`](../../../modelkit/results/reasoner_draws_connect.md)).
- The answerer's second pairs in training are composed, not drawn by the suite. It reads both held-out pairs: on
  validation videos whose magenta pair alone is unfinished it says Yes to connect.linked for 13 % of them (6 of 46),
  and 9 % once the two colours are swapped (the package before's answerer, on its own reasoner's samples: 10 % and
  5 %; the colour augmentation alone: 69 % and 15 %; no augmentation: 100 % and 0 %, it read the teal pair only;
  [`modelkit/results/connect_linked_probe.md`](../../../modelkit/results/connect_linked_probe.md)).
- In the studio's own bench (onnxruntime, 100 other held-out tasks, [`bench/results/stroke-evidence/2026-12-06-connect-heldout.md`](../../../bench/results/stroke-evidence/2026-12-06-connect-heldout.md))
  the teacher method beats best-of-4: base 82 %, best-of-4 84 % (oracle pass@4 84 %), teacher 90 % after 1.4 steps
  on average (+6 points against best-of-4: 6 tasks won, 0 lost, p = 0.031), hacking 3 %; lambda = 1 89 %, stopping
  on the preview alone 91 %, generic queries 86 % at 10 % hacking.
- The answerer and writer know only connect's queries.
"""
    open(path, "w").write(text)


# The recipe of the package shipped from 2026-12-03 to 2026-12-06 (its answerer the last of the answerer's stages,
# runs/connect_pairs_answerer1.pt); the recipe (PACKAGE) is this one with the stroke evidence's stage after them.
PAIRS = FamilyPackage(
    name="connect", experiment=connect_experiment.EXPERIMENT,
    reasoner_budget=0.1 if SMOKE else REASONER_MINUTES, answerer_budget=0.1 if SMOKE else ANSWERER_MINUTES,
    # The answerer's colour augmentation (train.rotate_hue): on the validation split's reasoner samples it
    # lifted connect.intact from 77.1 % to 100 % and connect.linked from 77.8 % to 83.6 %, and cost no_wall
    # (100 % -> 90.6 %); the census evidence lifted intact to 83.4 % only (results/answerer_hue_connect.md,
    # results/answerer_census_connect.md)
    answerer_name="connect_pairs_answerer", census=False, hue=True,
    # two-pair videos composed from the one-pair train videos (pair_composites), joining after the colour
    # augmentation's round 0 (runs/connect_hue_answerer0.pt): on the validation split's reasoner samples
    # connect.linked 83.6 % -> 96.7 %, no_wall 90.6 % -> 100 %, intact stays 100 % (results/answerer_pairs_connect.md)
    sources=composite_sources, extra_after=("connect_hue_answerer", COMPOSITE_MINUTES),
    tto_lr=TTO_LR, header=HEADER, write_card=write_card)

# The recipe since 2026-12-06 (results/answerer_strokes_connect.md): after the answerer's stages, a pressure stage
# that optimizes nothing (rounds=0): the answerer they made given the stroke evidence (teacher.Answerer strokes=True: a
# cell painted over, a stray stroke) and trained 720 steps on the replayed videos, the reasoner's samples of 512
# two-pair train tasks and 8 near misses per task, those that break connect.grow four times. Against the package before
# (PAIRS) on the validation split: connect.grow under pressure 46.9 -> 93.2 %, no_wall 93.5 -> 98.7 %. Its build of
# 2026-12-06 (51.1 minutes) read TTO 89.1 %, TTO - best-of-N +6.3 points and hacking 1.2 % on the 1,024 validation
# tasks compute_match reads, and passed the rule to ship written before it ran.
CONNECT_STROKES_PRESSURE = PressureRound(tasks=8 if SMOKE else 512, scales=(4.0, 16.0), steps=2 if SMOKE else 16,
                                         budget=Budget(steps=10 if SMOKE else 720), two_pairs=True, rounds=0,
                                         near=2 if SMOKE else 8, again=(("connect.grow", 4),), strokes=True)
PACKAGE = replace(PAIRS, pressure=CONNECT_STROKES_PRESSURE)
CHECKPOINT = PACKAGE.checkpoint
build = PACKAGE.build

# Passed its tests on the validation split on 2026-12-05, not in the recipe until a build of it fits 60 minutes
# (results/near_misses_connect.md): a pressure round after the answerer's stages, the answerer they made given the
# picture before each cell's last change (teacher.Answerer history=True) and trained 2,880 steps on the replayed videos,
# 8 near misses per task (near_misses: the reasoner's samples with one move forced) and the finals of 512 two-pair
# train tasks optimized against it at 4x and 16x, those that break connect.grow four times. Against the answerer PAIRS
# shipped, on the validation split: connect.grow under pressure 46.9 -> 81.3 %, no_wall 93.5 -> 99.5 %; on 1,024 tasks
# TTO 90.5 -> 92.1 %, TTO - best-of-N at a run's cost +5.8 -> +6.9 points, hacking 1.0 % both. Built from scratch
# on 2026-12-05 it took 63.6 minutes, its pressure round 15.6 of them: 3.6 over the 60 the recipe must fit. With the
# round under bfloat16 and the writer in 1,000 steps (and round 0's videos sampled once, the export in two processes)
# the next build took 57.2 minutes, but its package's TTO - best-of-N on the 1,024 validation tasks was +4.9 points
# (the package PAIRS shipped: +5.8), below the +5.3 its rule asked, so it is not the recipe either. A fresh build of
# PAIRS read +3.7 there (2026-12-06), so the variant was built once more and two builds a side compared: the
# variant's averaged +6.3 against +4.75 at the same hacking, but its second build's reasoner was weak (base 76.0 %)
# and its TTO 87.3 %, under the 89.0 % the rule asked; so, as that rule said, it is not built again
# (results/connect_recipe_rebuild.md). Built with
#     python -c "from teacher_studio_modelkit.connect_package import NEAR_MISSES; NEAR_MISSES.build(fresh=True, evaluate=False)"
# (it writes the connect package in place of this recipe's, stopping before the evaluation reads the test split).
CONNECT_PRESSURE = PressureRound(tasks=8 if SMOKE else 512, scales=(4.0, 16.0), steps=2 if SMOKE else 16,
                                 budget=Budget(steps=10 if SMOKE else 2880), two_pairs=True, rounds=1,
                                 near=2 if SMOKE else 8, again=(("connect.grow", 4),), history=True, bf16=True)
# The query writer in 1,000 steps (about 1.9 minutes; the 3-minute budget gave about 1,500): its loss was flat from
# step 1,000 (0.0005) in the build of 2026-12-05, and a writer of 1,000 steps wrote the rule set of every one of the 128
# validation instructions, as the shipped writer does
CONNECT_WRITER_BUDGET = Budget(steps=20 if SMOKE else 1000)
NEAR_MISSES = replace(PAIRS, pressure=CONNECT_PRESSURE, writer_budget=CONNECT_WRITER_BUDGET)

# Adopted on the reasoner's evidence on 2026-12-06 and taken back the same day by the rule its build was held to
# (results/reasoner_draws_connect.md): the reasoner trained 2,900 steps (the 16-minute budget gave 2,900-3,000 here)
# with its weights chosen on 512 validation tasks nothing else reads, among steps 1,500, 2,000, 2,500, the last and the
# moving average (reasoner_choice). On two seeds the chosen weights read 4.0 and 4.7 points above the last step's on
# the 1,024 validation tasks compute_match reads; the build of the recipe with it (47.4 minutes) drew a weak
# reasoner (its chosen weights, the moving average, read 76.5 % there), and its TTO (86.1 %) fell under the 89.0 % floor
# its rule asked, though it beat best-of-N by 6.4 points at 0.8 % hacking, so it did not ship and the recipe stayed
# PAIRS. Built with
#     python -c "from teacher_studio_modelkit.connect_package import CHOSEN_REASONER; CHOSEN_REASONER.build(fresh=True, evaluate=False)"
# (it writes the connect package in place of this recipe's, stopping before the evaluation reads the test split).
CONNECT_REASONER_BUDGET = Budget(steps=10 if SMOKE else 2900)
CONNECT_REASONER_CHOICE = ReasonerChoice(snapshots=(4, 6, 8), tasks=16) if SMOKE else ReasonerChoice()
CHOSEN_REASONER = replace(PAIRS, reasoner_budget=CONNECT_REASONER_BUDGET, reasoner_choice=CONNECT_REASONER_CHOICE)

if __name__ == "__main__":
    PACKAGE.main(__doc__)
