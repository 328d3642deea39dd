"""Test-time optimization in PyTorch, the same loop the engine runs on the tto_step graph: fixed
noise z1 per task, a fresh LoRA (A random, B zero), Adam on the LoRA only, loss
L = lambda * L(goal) + (1 - lambda) / M * sum L(process), early stop when L <= tau on the preview and
the teacher agrees on the final video of that LoRA (confirm_stop: the one-step preview and the full
sampler can disagree; a stop on the preview alone then ends on a video the teacher rejects; with
check_base the base video is judged so before the first update), final
video from the full sampler with the same z1 and the best LoRA visited (the lowest loss, a rejected
state scored by its final video, as the engine keeps; with an early stop that is the last one). Batched over tasks: every task has its own
LoRA slice and its own Adam state (Adam is elementwise, so this equals separate runs)."""
import numpy as np
import torch

from .reasoner import LORA_A_STD

TTO_LR = 0.02  # Adam learning rate on the LoRA (engine default)
TTO_LAMBDA = 0.5  # goal weight lambda
TTO_TAU = 0.22  # early-stop threshold on the loss
TTO_MAX_STEPS = 16  # step budget
ADAM_BETAS = (0.9, 0.999)
ADAM_EPS = 1e-8


def query_weights(kinds, lam=TTO_LAMBDA, slots=4):
    """kinds: list of 'goal'/'process' -> weights [slots] (0 pads empty slots)."""
    m = sum(k == "process" for k in kinds)
    w = [lam if k == "goal" else (1 - lam) / max(m, 1) for k in kinds]
    return torch.tensor(w + [0.0] * (slots - len(w)))


def batched_lora(reasoner, n, seed0=0):
    per = [reasoner.lora_init(seed0 + i) for i in range(n)]
    return [torch.stack([p[k] for p in per]) for k in range(len(per[0]))]


def perturbed_lora(reasoner, n, sigmas, seed=0):
    """n LoRAs whose B is not zero (std sigmas[i % len(sigmas)]): a reasoner made to fail in varied
    ways, the start of the answerer's hardening runs (in-domain the plain reasoner rarely fails, so
    optimizing it would show the answerer no optimized failures)."""
    g = torch.Generator().manual_seed(seed)
    std = torch.tensor([sigmas[i % len(sigmas)] for i in range(n)])
    out = []
    for name, shape in reasoner.lora_specs():
        x = torch.randn(n, *shape, generator=g)
        scale = torch.full((n,), LORA_A_STD) if name.endswith(".A") else std
        out.append(x * scale.view(-1, *([1] * len(shape))))
    return out


def task_losses(yes_logits, weights):
    """The method's loss per task: [B, Q] answer logits and query weights -> [B]."""
    return (weights * torch.nn.functional.softplus(-yes_logits)).sum(-1)


@torch.no_grad()
def confirm_stop(reasoner, answerer, z1, cells0, instr, queries, weights, lora, which, tau):
    """For the tasks in `which` (their previews are confident): the teacher's loss on the final video
    (full sampler, hard rendering) of the current LoRA. Returns [B]: that loss where it is above tau (the
    stop is rejected), inf elsewhere."""
    i = which.nonzero()[:, 0]
    cells = reasoner.hard_cells(reasoner.sample_logits(z1[i], cells0[i], instr[i], [t.detach()[i] for t in lora]),
                                cells0[i])
    yes = answerer(reasoner.render(cells), queries[i])
    loss = task_losses(yes, weights[i])
    out = torch.full((len(which),), float("inf"))
    out[i] = torch.where(loss > tau, loss, torch.full_like(loss, float("inf")))
    return out


@torch.no_grad()
def adam_step(params, grads, m, v, step, lr, active=None):
    """One Adam update (bias-corrected, no weight decay) of batched LoRA tensors in place; m and v
    are the moment buffers, step counts from 0; active [B] bool: the tasks still optimizing."""
    for k, (p, g) in enumerate(zip(params, grads)):
        m[k].mul_(ADAM_BETAS[0]).add_((1 - ADAM_BETAS[0]) * g)
        v[k].mul_(ADAM_BETAS[1]).add_((1 - ADAM_BETAS[1]) * g * g)
        mh = m[k] / (1 - ADAM_BETAS[0] ** (step + 1))
        vh = v[k] / (1 - ADAM_BETAS[1] ** (step + 1))
        upd = lr * mh / (vh.sqrt() + ADAM_EPS)
        if active is not None:
            upd = upd * active.view(-1, *([1] * (p.dim() - 1))).float()
        p.sub_(upd)


def optimize(reasoner, answerer, z1, cells0, instr, queries, weights, lr=TTO_LR, tau=TTO_TAU,
             max_steps=TTO_MAX_STEPS, judge_fn=None, keep_previews=False, seed0=0, init_lora=None, confirm=True,
             check_base=False):
    """Runs the loop for a batch of tasks. z1 [B, F, N, D]; cells0 [B, N]; instr [B, L];
    queries [B, Q, Lq]; weights [B, Q]; init_lora: the starting LoRA (default: fresh). judge_fn(cells [B, T, N]) -> success [B] (optional: the
    success curve of the final video at every step budget). confirm: a confident preview stops the run only
    when the teacher is also confident on the final video of that LoRA (confirm_stop); otherwise the run goes
    on and that state scores its final video's loss. check_base (with confirm): before the first update the
    teacher also scores the final video of every task whose preview is not confident (the fresh LoRA's B is
    zero, so that video is the base sample): a confident one ends the run there, unchanged; the others score
    that loss as their step-0 state (the engine judges the base video before the step-0 preview and spends no
    preview on a run it ends; batched here, every task's preview is computed, with the same outcome).
    Returns a dict of per-task results."""
    B = z1.shape[0]
    start = batched_lora(reasoner, B, seed0) if init_lora is None else init_lora
    lora = [t.clone().requires_grad_(True) for t in start]
    m = [torch.zeros_like(t) for t in lora]
    v = [torch.zeros_like(t) for t in lora]
    active = torch.ones(B, dtype=torch.bool)
    stop_step = torch.full((B,), max_steps)
    best_loss = torch.full((B,), float("inf"))
    best = [t.detach().clone() for t in lora]
    losses, previews, preview_cells, curve = [], [], [], []
    final_cells = None
    checks = torch.zeros(B, dtype=torch.long)  # final videos rendered and scored to confirm a stop
    stopped = torch.zeros(B, dtype=torch.bool)
    for step in range(max_steps + 1):
        logits = reasoner.one_step_logits(z1, cells0, instr, lora)
        frames = reasoner.surrogate_frames(logits, cells0)
        yes = answerer(frames, queries)
        per_task = task_losses(yes, weights)
        losses.append(per_task.detach())
        improved = active & (per_task.detach() < best_loss)
        best_loss = torch.where(improved, per_task.detach(), best_loss)
        for b, t in zip(best, lora):
            b[improved] = t.detach()[improved]
        if keep_previews:
            previews.append(frames.detach().to(torch.float16))
            preview_cells.append(reasoner.hard_cells(logits.detach(), cells0))
        if judge_fn is not None or step == max_steps:
            with torch.no_grad():
                cur = reasoner.hard_cells(reasoner.sample_logits(z1, cells0, instr, best), cells0)
            final_cells = cur if final_cells is None else torch.where(active[:, None, None], cur, final_cells)
            if judge_fn is not None:
                curve.append(judge_fn(final_cells))
        newly = active & (per_task.detach() <= tau)
        if check_base and confirm and step == 0:
            newly = active.clone()
        if confirm and newly.any():
            rejected = confirm_stop(reasoner, answerer, z1, cells0, instr, queries, weights, lora, newly, tau)
            checks += newly.long()
            # a rejected state scores its final video's loss (>= tau), so that a later state can replace it
            best_loss = torch.where(rejected.isfinite() & improved, rejected, best_loss)
            newly &= ~rejected.isfinite()
        stop_step[newly] = step
        stopped |= newly
        active &= ~newly
        if step == max_steps or not active.any():
            break
        adam_step(lora, torch.autograd.grad(per_task.sum(), lora), m, v, step, lr, active)
    if final_cells is None:  # the runs ended before the last step's render
        with torch.no_grad():
            final_cells = reasoner.hard_cells(reasoner.sample_logits(z1, cells0, instr, best), cells0)
    # steps past the early stop keep the stopped video
    while judge_fn is not None and len(curve) < max_steps + 1:
        curve.append(curve[-1])
    L = torch.stack(losses, 1)  # [B, steps run]
    out = {"final_cells": final_cells, "stop_step": stop_step, "losses": L, "best_lora": best, "best_loss": best_loss,
           "confident": stopped, "checks": checks, "curve": np.stack(curve, 1) if curve else None}
    if keep_previews:
        out["previews"], out["preview_cells"] = previews, preview_cells
    return out
