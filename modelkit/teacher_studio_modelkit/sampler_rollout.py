"""The full sampler's rollout, soft or hard (validation split of the blocks package):
    cd modelkit && python -m teacher_studio_modelkit.sampler_rollout [--n 512] [--lrs 0.01,0.02]
Within one forward pass the objects reasoner rolls its blocks through the frames (objects.py). Training
rolls them along the ground-truth moves, so every frame starts from crisp positions. The full sampler
rolled them, until 2026-12-04, by each frame's move probabilities: once a move was uncertain the next
frames read blocks smeared over several cells, a state training never shows, and pushes stalled (a block
one cell from its outline waits for a block that waits for it). The hard rollout (objects.forward's
hard, the sampler's since) moves them by each frame's most likely moves, which is what the full decoder
draws; the one-step preview the TTO loss reads stays soft, so its gradients are the true ones (the parity
test's finite differences check them). Per rollout: base success of 4 noise seeds per task and the
oracle pass@4; with the hard one, per TTO learning rate, the packages' loop, a run's cost in candidates,
best-of-N at that cost and the exact sign test against best-of-ceil(N) (paired.py). The validation split
is the package's (seeds 300000+, never the test seeds), 512 tasks here (its first 128 are validate.py's
set). Run it alone: N comes from timings."""
import argparse
import math
import os
import time

import numpy as np
import torch

from . import build, evaluate as ev
from .base_check import pct
from .data import SuiteData
from .experiment import candidates, matched_candidates, run_costs, teacher_pick
from .export import load_checkpoint
from .lr_sweep import by_family
from .paired import best_of_fractional, sign_test
from .rules import make_judges
from .validate import VALIDATION

SEEDS = 4
VALIDATION_512 = ("objects_heldout_val512", "--split heldout --n 512 --corrupt-fraction 0 --first-seed 300000")


def soft_sample_logits(r, z1, cells0, instr):
    """The full sampler as it was before 2026-12-04: the blocks rolled by their move probabilities."""
    field = r.field(cells0, instr)
    return r.euler_logits(z1, lambda x, t: r.forward(x, t, cells0, instr, field=field))


@torch.no_grad()
def seed_successes(r, judges, tb, hard):
    """[tasks, SEEDS] success of noise seeds 0..SEEDS-1 with the hard (the sampler's) or the soft rollout."""
    out = []
    for seed in range(SEEDS):
        cells = []
        for s in range(0, len(tb), ev.CHUNK):
            b = tb.sub(slice(s, s + ev.CHUNK))
            z1 = ev.noise_for(r, b.idx, seed)
            logits = r.sample_logits(z1, b.cells0, b.instr) if hard else soft_sample_logits(r, z1, b.cells0, b.instr)
            cells.append(r.hard_cells(logits, b.cells0))
        out.append(ev.successes(judges, tb.families, torch.cat(cells)))
    return np.stack(out, 1)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=512, help="validation tasks (at most 512)")
    ap.add_argument("--lrs", default="0.01,0.02", help="TTO learning rates with the hard sampler")
    a = ap.parse_args()
    torch.set_num_threads(int(os.environ.get("MODELKIT_THREADS", "2")))
    checkpoint, _, _, families = VALIDATION["blocks"]
    r, ans, _, vocab, _ = load_checkpoint(checkpoint)
    name, args = VALIDATION_512
    build.gen_data(build.REPO, datasets={name: args}, families=families)  # made on first use
    data = SuiteData(os.path.join(build.DATA, name))
    judges = make_judges(data.appearances, r.C)
    tb = ev.TaskBatch(data, vocab, range(min(a.n, len(data.instances))))
    fam = np.array(tb.families)
    print(f"# The full sampler's rollout, soft or hard, blocks package (validation split, {len(tb)} tasks, seeds "
          f"{data.instances[0]['seed']}+; `python -m teacher_studio_modelkit.sampler_rollout --n {a.n} --lrs {a.lrs}`, "
          f"{time.strftime('%Y-%m-%d')})\n")
    print(f"Base success, {SEEDS} noise seeds per task (the rate over all samples), and the oracle pass@{SEEDS}:\n")
    print(f"| rollout | fall | push | both | oracle pass@{SEEDS} fall | push |\n|---|---|---|---|---|---|")
    for hard in (False, True):
        s = seed_successes(r, judges, tb, hard)
        print(f"| {'hard (most likely moves)' if hard else 'soft (move probabilities)'} | {pct(s[fam == 'fall'])} | "
              f"{pct(s[fam == 'push'])} | {pct(s)} | {pct(s[fam == 'fall'].max(1))} | {pct(s[fam == 'push'].max(1))} |",
              flush=True)
    print("\nTTO with the hard sampler (the packages' loop; the one-step preview soft):\n")
    print("| lr | base | TTO | mean steps | hacking | a run in candidates (N) | best-of-N at the run's cost (teacher) "
          "| oracle pass@ceil(N) | against best-of-ceil(N): won / lost, p | seconds |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for lr in (float(x) for x in a.lrs.split(",")):
        t0 = time.time()
        res = ev.optimize_tasks(r, ans, tb, lr=lr, check_base=True)
        s = ev.successes(judges, tb.families, res["final_cells"])
        n = matched_candidates(res, run_costs(r, ans, tb))
        hi = max(2, math.ceil(n))
        cands, losses = candidates(r, ans, judges, tb, hi)
        picks = np.stack([teacher_pick(cands, losses, j) for j in range(1, hi + 1)], 1)
        won, lost, p = sign_test(s, picks[:, hi - 1])
        print(f"| {lr} | {pct(cands[:, 0])} | {pct(s)}{by_family(s, tb.families)} | {res['stop_step'].float().mean():.1f} | "
              f"{pct(res['confident'].numpy() & (s == 0))} | {n:.2f} | {pct(best_of_fractional(picks, n))} | "
              f"{pct(cands.max(1))} | {won} / {lost}, p = {p:.2g} | {time.time() - t0:.0f} |", flush=True)


if __name__ == "__main__":
    main()
