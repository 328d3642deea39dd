"""The full sampler's rollout, soft or hard (a package's validation split):
    cd modelkit && python -m teacher_studio_modelkit.sampler_rollout [--n 512] [--lrs 0.01,0.02]
    cd modelkit && python -m teacher_studio_modelkit.sampler_rollout --package gridworld --n 256 --lrs 0.02 \
        --tto-rollouts soft,hard
Within one forward pass the objects reasoner rolls its blocks through the frames (objects.py), and the agent
reasoner its agent (reasoner.py). Training rolls them along the ground-truth moves, so every frame starts from
crisp positions. The blocks sampler rolled them, until 2026-12-04, by each frame's move probabilities: once a
move was uncertain the next frames read blocks smeared over several cells, a state training never shows, and
pushes stalled (a block one cell from its outline waits for a block that waits for it). The hard rollout
(objects.forward's hard, the blocks sampler's since) moves them by each frame's most likely moves, which is what
the full decoder draws; the one-step preview the TTO loss reads stays soft, so its gradients are the true ones
(the parity test's finite differences check them). The gridworld package's sampler still rolls by the move
probabilities (Reasoner.sample_logits(hard=False)); --package gridworld measures what the hard rollout would do
there. Per rollout: base success of 4 noise seeds per task and the oracle pass@4; per TTO rollout and learning
rate, the packages' loop, a run's cost in candidates, best-of-N at that cost (with that rollout) and the exact
sign test against best-of-ceil(N) (paired.py). The validation split is the package's (seeds 300000+, never the
test seeds); for blocks 512 tasks (its first 128 are validate.py's set). Run it alone: N comes from timings."""
import argparse
import os
import time

import numpy as np
import torch

from . import build, evaluate as ev
from .base_check import pct
from .experiment import tto_and_matched_candidates
from .export import load_checkpoint
from .lr_sweep import by_family
from .paired import best_of_fractional, sign_test
from .rules import make_judges
from .validate import VALIDATION

SEEDS = 4
VALIDATION_512 = ("objects_heldout_val512", "--split heldout --n 512 --corrupt-fraction 0 --first-seed 300000")


def soft_sample_logits(r, z1, cells0, instr, lora=None):
    """The blocks sampler as it was before 2026-12-04: the blocks rolled by their move probabilities."""
    field = r.field(cells0, instr, lora)
    return r.euler_logits(z1, lambda x, t: r.forward(x, t, cells0, instr, field=field))


def sampler(r, package, hard):
    """The full sampler with the hard or the soft rollout: (z1, cells0, instr, lora=None) -> logits."""
    if package == "blocks":
        return r.sample_logits if hard else (lambda z1, cells0, instr, lora=None: soft_sample_logits(r, z1, cells0, instr, lora))
    return lambda z1, cells0, instr, lora=None: type(r).sample_logits(r, z1, cells0, instr, lora, hard=hard)


def tasks(package, n):
    """(reasoner, answerer, judges, tasks, data) of the package's validation split, made on first use."""
    checkpoint, name, args, families = VALIDATION[package]
    if package == "blocks":
        name, args = VALIDATION_512
    r, ans, _, vocab, _ = load_checkpoint(checkpoint)
    data = build.made_data(name, args, families)
    return r, ans, make_judges(data.appearances, r.C), ev.TaskBatch(data, vocab, range(min(n, len(data.instances)))), data


@torch.no_grad()
def seed_successes(r, judges, tb, sample):
    """[tasks, SEEDS] success of noise seeds 0..SEEDS-1 with the sampler `sample`."""
    out = []
    for seed in range(SEEDS):
        cells = []
        for s in range(0, len(tb), ev.CHUNK):
            b = tb.sub(slice(s, s + ev.CHUNK))
            cells.append(r.hard_cells(sample(ev.noise_for(r, b.idx, seed), b.cells0, b.instr), b.cells0))
        out.append(ev.successes(judges, tb.families, torch.cat(cells)))
    return np.stack(out, 1)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--package", choices=("blocks", "gridworld"), default="blocks")
    ap.add_argument("--n", type=int, default=512, help="validation tasks (blocks at most 512, gridworld 256)")
    ap.add_argument("--lrs", default="0.01,0.02", help="TTO learning rates")
    ap.add_argument("--tto-rollouts", default="hard", help="the samplers TTO runs with: soft, hard or both")
    a = ap.parse_args()
    torch.set_num_threads(int(os.environ.get("MODELKIT_THREADS", "2")))
    r, ans, judges, tb, data = tasks(a.package, a.n)
    fams = sorted(set(tb.families))
    fam = np.array(tb.families)
    extra = "" if a.package == "blocks" else f" --package {a.package}"
    print(f"# The full sampler's rollout, soft or hard, {a.package} package (validation split, {len(tb)} tasks, seeds "
          f"{data.instances[0]['seed']}+; `python -m teacher_studio_modelkit.sampler_rollout{extra} --n {a.n} --lrs {a.lrs}"
          f"{'' if a.tto_rollouts == 'hard' else ' --tto-rollouts ' + a.tto_rollouts}`, {time.strftime('%Y-%m-%d')})\n")
    print(f"Base success, {SEEDS} noise seeds per task (the rate over all samples), and the oracle pass@{SEEDS}:\n")
    print("| rollout | " + " | ".join(fams) + " | all | " + " | ".join(f"oracle pass@{SEEDS} {f}" for f in fams) + " |")
    print("|---|" + "---|" * (2 * len(fams) + 1))
    for hard in (False, True):
        s = seed_successes(r, judges, tb, sampler(r, a.package, hard))
        print(f"| {'hard (most likely moves)' if hard else 'soft (move probabilities)'} | "
              + " | ".join(pct(s[fam == f]) for f in fams) + f" | {pct(s)} | "
              + " | ".join(pct(s[fam == f].max(1)) for f in fams) + " |", flush=True)
    print("\nTTO with each full sampler (the packages' loop; the one-step preview soft):\n")
    print("| sampler | lr | base | TTO | mean steps | hacking | a run in candidates (N) | best-of-N at the run's cost "
          "(teacher) | oracle pass@ceil(N) | against best-of-ceil(N): won / lost, p | seconds |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for rollout in a.tto_rollouts.split(","):
        r.sample_logits = sampler(r, a.package, rollout == "hard")  # what tto.optimize and the candidates call
        for lr in (float(x) for x in a.lrs.split(",")):
            t0 = time.time()
            m = tto_and_matched_candidates(r, ans, judges, tb, lr)
            res, s, n, cands, picks = m["res"], m["success"], m["n"], m["cands"], m["picks"]
            won, lost, p = sign_test(s, picks[:, -1])
            print(f"| {rollout} | {lr} | {pct(cands[:, 0])} | {pct(s)}{by_family(s, tb.families)} | "
                  f"{res['stop_step'].float().mean():.1f} | {pct(res['confident'].numpy() & (s == 0))} | {n:.2f} | "
                  f"{pct(best_of_fractional(picks, n))} | {pct(cands.max(1))} | {won} / {lost}, p = {p:.2g} | "
                  f"{time.time() - t0:.0f} |", flush=True)
        del r.sample_logits


if __name__ == "__main__":
    main()
