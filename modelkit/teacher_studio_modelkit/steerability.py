"""How far can test-time optimization steer the reasoner at all? The TTO loop of tto.py with the
teacher replaced by an oracle: a differentiable reward read straight from the surrogate's soft
positions (mass on the goal, or on the exit with every coin picked up, in the last frame; the most
mass on a wall in any frame), weighted like the teacher's queries (lambda on the goal). What the
oracle cannot fix within the step budget, no teacher can; what it fixes and the teacher does not is
the teacher's share of the gap. The temperature spreads the preview's moves (softmax(logits / T)), so
a goal the argmax path misses still receives some mass. Validation split only (seeds 300000+):
    cd modelkit && python -m teacher_studio_modelkit.steerability [--n 128] > results/steerability.md"""
import argparse
import os
import time

import numpy as np
import torch

from . import evaluate as ev
from .tto import TTO_LAMBDA, TTO_LR, TTO_MAX_STEPS, adam_step, batched_lora
from .validate import validation_tasks

TEMPERATURES = (1.0, 2.0, 3.0)  # preview temperatures measured; 1 is what tto_step uses
EPS = 1e-6


def oracle_loss(reasoner, logits, cells0, ids, temp=1.0, lam=TTO_LAMBDA):
    """Per-task loss [B]: lam * -log P(goal) + (1 - lam) * -log(1 - max wall mass), where the agent's
    soft positions come from softmax(logits / temp). P(goal): the last frame's mass on the goal
    (maze) or on the exit times the chance that no coin is left (collect, coins independent)."""
    p = reasoner.positions(torch.softmax(logits / temp, -1), cells0)  # [B, T, N]
    target = ((cells0 == ids["goal"]) | (cells0 == ids["exit"])).float()
    goal = (p[:, -1] * target).sum(-1)
    if reasoner.coin_id >= 0:
        left = reasoner.coin_maps(p, cells0)[:, -1]  # [B, N] presence of each coin in the last frame
        goal = goal * torch.exp(torch.log1p(-left.clamp(max=1 - EPS)).sum(-1))
    wall = (p * (cells0 == ids["wall"]).float()[:, None]).sum(-1).max(1).values
    return lam * -torch.log(goal + EPS) + (1 - lam) * -torch.log1p(-wall.clamp(max=1 - EPS))


def oracle_tto(reasoner, z1, cells0, instr, loss_fn, lr=TTO_LR, max_steps=TTO_MAX_STEPS):
    """The engine's loop on a batch of tasks (a fresh LoRA each, Adam, max_steps updates of
    loss_fn(logits) -> [B], no early stop: an oracle has no confidence threshold); the final video's
    cells from the full sampler with the last LoRA."""
    lora = [t.clone().requires_grad_(True) for t in batched_lora(reasoner, len(cells0))]
    m = [torch.zeros_like(t) for t in lora]
    v = [torch.zeros_like(t) for t in lora]
    for step in range(max_steps):
        loss = loss_fn(reasoner.one_step_logits(z1, cells0, instr, lora))
        adam_step(lora, torch.autograd.grad(loss.sum(), lora), m, v, step, lr)
    with torch.no_grad():
        return reasoner.hard_cells(reasoner.sample_logits(z1, cells0, instr, [t.detach() for t in lora]), cells0)


def optimize_oracle(reasoner, tb, ids, temp, lr=TTO_LR, max_steps=TTO_MAX_STEPS, sample_seed=0):
    """oracle_tto on the oracle loss, the tasks in chunks, the base sample's noise."""
    finals = []
    for s in range(0, len(tb), ev.CHUNK):
        b = tb.sub(slice(s, s + ev.CHUNK))
        z1 = ev.noise_for(reasoner, b.idx, sample_seed)
        finals.append(oracle_tto(reasoner, z1, b.cells0, b.instr,
                                 lambda logits: oracle_loss(reasoner, logits, b.cells0, ids, temp), lr, max_steps))
    return torch.cat(finals)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=128, help="validation tasks")
    a = ap.parse_args()
    torch.set_num_threads(int(os.environ.get("MODELKIT_THREADS", "2")))
    r, _, _, data, judges, tb = validation_tasks(a.n)
    ids = {x["name"]: x["id"] for x in data.appearances}
    fam = np.array(tb.families)
    names = sorted(set(tb.families))
    base = ev.successes(judges, tb.families, ev.sample_cells(r, tb, 0))
    print(f"# Oracle-reward TTO on the validation split ({len(tb)} tasks, seeds {data.instances[0]['seed']}+; "
          f"`python -m teacher_studio_modelkit.steerability --n {a.n}`, {time.strftime('%Y-%m-%d')})\n")
    print(f"lr {TTO_LR}, {TTO_MAX_STEPS} updates, lambda {TTO_LAMBDA}, the committed reasoner. Base (one sample, "
          f"the same noise): {100 * base.mean():.1f} % (" + ", ".join(f"{f} {100 * base[fam == f].mean():.1f} %"
                                                                      for f in names) + ")\n")
    print(f"| preview temperature | success | {' | '.join(names)} | fixed | broken |")
    print("|---" * (4 + len(names)) + "|")
    for temp in TEMPERATURES:
        fin = optimize_oracle(r, tb, ids, temp)
        s = ev.successes(judges, tb.families, fin)
        per = " | ".join(f"{100 * s[fam == f].mean():.1f} %" for f in names)
        print(f"| {temp:g} | {100 * s.mean():.1f} % | {per} | {((s == 1) & (base == 0)).sum()} | "
              f"{((s == 0) & (base == 1)).sum()} |", flush=True)


if __name__ == "__main__":
    main()
