"""Where would LoRA slots make the objects reasoner steerable, and how much do more steps buy? A
probe of the blocks package's limit (TTO with its teacher stays below best-of-N on push): the
oracle-reward TTO of objects_experiment (the evaluator's own differentiable push reward, no early
stop) on push's validation split, with the LoRA in other places and other step budgets.

Slots: "attention" is the package's (q and v of the field's local-attention blocks: the LoRA can
only change each colour's move field); "mix" puts one rank-4 LoRA on the first layer of the
per-frame MLP that mixes field, contacts, turn features, the noise and the flow time into the move
logits (it sees the noise, frame by frame); "both" has both. A fresh LoRA (B = 0) leaves every
variant's sample unchanged, so each starts from the same base videos.

    cd modelkit && python -m teacher_studio_modelkit.objects_lora_probe > results/objects_lora_probe.md
"""
import argparse
import copy
import os
import time

import numpy as np
import torch

from .build import RUNS, encode_instructions
from .objects import ObjectsReasoner
from .objects_experiment import CHUNK, cells_of, data_and_vocab, make_objects_reasoner, push_oracle_loss
from .reasoner import LORA_RANK, lora_init
from .rules import make_judges, success
from .tto import adam_step, batched_lora

SLOTS = ("attention", "mix", "both")
# (slots, lr, max steps): the package's setting first, then placements, then budgets
VARIANTS = (("attention", 0.02, 16), ("mix", 0.02, 16), ("both", 0.02, 16), ("attention", 0.05, 16),
            ("mix", 0.05, 16), ("both", 0.05, 16), ("both", 0.02, 48))


class SlotsProbe(ObjectsReasoner):
    """The objects reasoner with LoRA slots in `slots` (one of SLOTS); the same weights."""
    slots = "attention"

    def lora_specs(self):
        lin = self.mix[0]
        mix = [("lora.mix.A", (LORA_RANK, lin.in_features)), ("lora.mix.B", (lin.out_features, LORA_RANK))]
        return {"attention": super().lora_specs(), "mix": mix, "both": super().lora_specs() + mix}[self.slots]

    def lora_init(self, seed=0):
        return lora_init(seed, self.lora_specs())

    def _split(self, lora):
        """(attention LoRA or None, mix LoRA or None)."""
        if lora is None:
            return None, None
        return (None if self.slots == "mix" else tuple(lora[:8]), tuple(lora[-2:]) if self.slots != "attention" else None)

    def field(self, cells0, instr, lora=None):
        return super().field(cells0, instr, self._split(lora)[0])

    def forward(self, x_t, t, cells0, instr, lora=None, teacher_moves=None, field=None, hard=False):
        mix_lora = self._split(lora)[1] if lora is not None else getattr(self, "_sampling_mix_lora", None)
        if mix_lora is None:
            return super().forward(x_t, t, cells0, instr, lora, teacher_moves, field, hard)
        plain = self.mix
        self.mix = LoraMix(plain, *mix_lora)
        try:
            return super().forward(x_t, t, cells0, instr, lora, teacher_moves, field, hard)
        finally:
            self.mix = plain

    def sample_logits(self, z1, cells0, instr, lora=None, steps=None):
        # the sampler computes the field once and calls forward without the LoRA: hand it the mix slots
        self._sampling_mix_lora = self._split(lora)[1]
        try:
            return super().sample_logits(z1, cells0, instr, lora) if steps is None else \
                super().sample_logits(z1, cells0, instr, lora, steps)
        finally:
            self._sampling_mix_lora = None


class LoraMix(torch.nn.Module):
    """mix with a LoRA on its first layer: W x + B A x, one (A, B) per task ([B, r, in], [B, out, r])
    or shared ([r, in], [out, r])."""

    def __init__(self, mix, A, B):
        super().__init__()
        self.mix, self.A, self.B = mix, A, B

    def forward(self, x):
        h = self.mix[0](x)
        if self.A.dim() == 3:  # x [B, O, in]
            h = h + torch.einsum("bor,bhr->boh", torch.einsum("boi,bri->bor", x, self.A), self.B)
        else:
            h = h + (x @ self.A.T) @ self.B.T
        return self.mix[1:](h)


def with_slots(reasoner, slots):
    """A copy of an objects reasoner (the same weights) whose LoRA sits in `slots` (one of SLOTS): the loop, the
    candidates and the costs of compute_match --slots read it as they read the package's."""
    assert isinstance(reasoner, ObjectsReasoner) and slots in SLOTS, (type(reasoner).__name__, slots)
    probe = copy.deepcopy(reasoner)
    probe.__class__, probe.slots = SlotsProbe, slots
    return probe


def probe_model(vocab, data, state):
    base = make_objects_reasoner(vocab, data)
    m = SlotsProbe(base.A, len(vocab), base.object_ids.tolist(), base.placed_ids.tolist(), base.target_ids.tolist(),
                   base.floor_id, base.C, base.T, base.px)
    m.sprites.copy_(base.sprites)
    m.load_state_dict(state)
    return m.eval()


def steer(model, cells0, instr, wall_id, lr, max_steps):
    """objects_experiment's oracle TTO (fresh LoRA per task, Adam, max_steps updates, no early stop),
    the noise of the base sample (seed 0). Returns (base, one-step preview after TTO, final) cells."""
    base, preview, final = [], [], []
    for s in range(0, len(cells0), CHUNK):
        c0, ins = cells0[s:s + CHUNK], instr[s:s + CHUNK]
        z1 = torch.cat([model.noise(s + i) for i in range(len(c0))])
        lora = [t.clone().requires_grad_(True) for t in batched_lora(model, len(c0))]
        m, v = [torch.zeros_like(t) for t in lora], [torch.zeros_like(t) for t in lora]
        for step in range(max_steps):
            loss = push_oracle_loss(model, model.one_step_logits(z1, c0, ins, lora), c0, wall_id, 1.0)
            adam_step(lora, torch.autograd.grad(loss.sum(), lora), m, v, step, lr)
        with torch.no_grad():
            done = [t.detach() for t in lora]
            base.append(model.hard_cells(model.sample_logits(z1, c0, ins), c0))
            preview.append(model.hard_cells(model.one_step_logits(z1, c0, ins, done), c0))
            final.append(model.hard_cells(model.sample_logits(z1, c0, ins, done), c0))
    return tuple(torch.cat(x) for x in (base, preview, final))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=128, help="push validation tasks")
    a = ap.parse_args()
    torch.set_num_threads(int(os.environ.get("MODELKIT_THREADS", "2")))
    sets, vocab = data_and_vocab()
    train, val = sets["fall_train_gt"], sets["push_heldout_val"]
    model = probe_model(vocab, train, torch.load(os.path.join(RUNS, "objects.pt")))
    judge = make_judges(train.appearances, model.C)["push"]
    wall_id = {x["name"]: x["id"] for x in train.appearances}["wall"]
    idx = list(range(min(a.n, len(val.instances))))
    cells0 = cells_of(val, idx)[:, 0]
    instr = encode_instructions(vocab, val, idx)
    ok = lambda cells: np.array([success(judge(v)) for v in cells.numpy()])
    print(f"# LoRA placement and step budget, oracle-reward TTO on push (validation split, {len(idx)} tasks; "
          f"`python -m teacher_studio_modelkit.objects_lora_probe --n {a.n}`, {time.strftime('%Y-%m-%d')})\n")
    print("The reasoner of runs/objects.pt (the blocks package's). Preview: the one-step clean prediction the loss "
          "reads, after the last update; final: the 4-step sampler with that LoRA (what the evaluator judges).\n")
    print("| LoRA slots | LoRA parameters | lr | updates | base | preview after TTO | final | fixed | broken | "
          "final when the preview passes | seconds |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for slots, lr, steps in VARIANTS:
        model.slots = slots
        t0 = time.time()
        base, preview, final = (ok(c) for c in steer(model, cells0, instr, wall_id, lr, steps))
        params = sum(int(np.prod(s)) for _, s in model.lora_specs())
        print(f"| {slots} | {params} | {lr} | {steps} | {100 * base.mean():.1f} % | {100 * preview.mean():.1f} % | "
              f"{100 * final.mean():.1f} % | {((final == 1) & (base == 0)).sum()} | {((final == 0) & (base == 1)).sum()} | "
              f"{100 * final[preview == 1].mean():.1f} % | {time.time() - t0:.0f} |", flush=True)


if __name__ == "__main__":
    main()
