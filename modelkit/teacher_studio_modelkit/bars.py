"""A reasoner for the suite's sort family: bars on the ground row, sorted by swapping neighbours.

The same design as the agent and objects reasoners (reasoner.py, objects.py), with a latent that
fits the task: what happens between two frames is one choice among C classes, "nothing" or "swap
the contents of columns b-1 and b" (b = 1..C-1, C the canvas side).

Latent: for each of the T-1 transitions a LATENT-dim code of that choice; x_t = (1 - t) x0 + t z1.
State: where each first-frame column's contents are at frame f, a [C, C] matrix P_f (row j: which
first-frame column column j shows; P_0 = I). A choice's probabilities mix the swap permutations, so
P_f stays a (soft) permutation and every frame holds the first frame's bars, each once, at most one
column from where it was: intact and one-place steps hold by construction; which bars to swap and
when to stop are learned.
Network: the first frame without its bars plus the instruction goes through the agent reasoner's
iterated local-attention blocks (where the LoRA slots are); a head reads FEAT features per cell,
averaged per column: a learned description of where each column lies in the area. For each
boundary b at frame f a small MLP scores the swap from whether each of the two columns holds a bar
now, whether the two are out of order, whether any boundary is, the two columns' learned features,
the similarity of the noisy latent to the swap's code and the flow time; another scores "nothing".
No height, bar count or column index enters, so a row of five bars 9 cells tall (held-out) is read
as three bars 6 tall (training) are. The field never sees the bars, as the objects reasoner's never
sees the blocks: a field that read them (features travelling with each bar) learnt training's
leftmost-first order from them and sorted held-out rows worse (results/bars.md). Boundaries
outside the sorting area are masked.
Surrogate decoder: the first frame's cell sprites mixed by P_f; full decoder: argmax choice -> hard
permutation -> the first frame's columns copied."""
import math

import torch
import torch.nn as nn

from .layers import patches_to_frames
from .reasoner import CellFlow, ITERATIONS, LATENT, MIX, SAMPLER_STEPS, noised_latents, run_field, time_features
from .rules import BAR_COLOURS

FEAT = 4  # learned features per column
GAIN = 4.0  # out-of-order feature: sigmoid(GAIN * (left height - right height - 1/2)), heights in cells
MASKED = -30.0  # logit of a swap across the sorting area's edge


def swap_matrices(cells):
    """[C, C, C]: S_0 = I ("nothing"), S_b swaps rows b-1 and b (b = 1..C-1)."""
    out = torch.eye(cells).repeat(cells, 1, 1)
    for b in range(1, cells):
        out[b, b - 1, b - 1] = out[b, b, b] = 0
        out[b, b - 1, b] = out[b, b, b - 1] = 1
    return out


class BarsReasoner(CellFlow, nn.Module):
    def __init__(self, n_appearances, vocab_size, bar_ids, floor_id, cells=10, frames=12, px=8,
                 iterations=ITERATIONS):
        super().__init__()
        self.A, self.C, self.T, self.px = n_appearances, cells, frames, px
        self.iterations = iterations
        self.register_buffer("bar_ids", torch.tensor(bar_ids, dtype=torch.long), persistent=False)
        self.floor_id = int(floor_id)
        self.add_codes_and_sprites(cells, n_appearances, px)
        self.register_buffer("swaps", swap_matrices(cells))
        self.add_field(n_appearances, vocab_size, cells, FEAT)
        self.swap_mlp = nn.Sequential(nn.Linear(4 + 2 * FEAT + 1 + MIX, MIX), nn.GELU(), nn.Linear(MIX, 1))
        self.stay_mlp = nn.Sequential(nn.Linear(2 + MIX, MIX), nn.GELU(), nn.Linear(MIX, 1))

    # ---- first-frame reading ----------------------------------------------------------------
    def columns(self, cells0):
        """Per first-frame column [B, C]: bar height in cells, holds a bar, lies in the sorting area
        (any floor or bar cell)."""
        grid = cells0.reshape(-1, self.C, self.C)
        dtype = self.codes.dtype
        bar = (grid[..., None] == self.bar_ids).any(-1).to(dtype)
        height = bar.sum(1)
        area = ((grid == self.floor_id).to(dtype) + bar).amax(1)
        return height, (height > 0).to(dtype), area

    def background(self, cells0):
        """The first frame with every bar replaced by floor."""
        is_bar = (cells0[..., None] == self.bar_ids).any(-1)
        return torch.where(is_bar, torch.full_like(cells0, self.floor_id), cells0)

    def features(self, cells0, instr, lora=None):
        """Learned per-column features [B, C, FEAT]: the field on the first frame without its bars,
        averaged over each column's cells (where a column lies in the area, not what it holds)."""
        f = run_field(self, self.background(cells0), instr, lora)  # [B, N, FEAT]
        return f.reshape(-1, self.C, self.C, FEAT).mean(1)

    # ---- network ----------------------------------------------------------------------------
    def forward(self, x_t, t, cells0, instr, lora=None, teacher_choices=None, feats=None, hard=False):
        """x_t [B, T-1, LATENT], t [B] -> choice logits [B, T-1, C] (0: nothing, b: swap columns
        b-1 and b). teacher_choices [B, T-1] (training): propagate the state through the
        ground-truth choices. hard (the full sampler): propagate it through each frame's most likely
        choice, so that later frames read a permutation, as in training, and not a blend of
        several (a blend of [3, 2] and [2, 3] reads as two bars of 2.5, in order)."""
        if feats is None:
            feats = self.features(cells0, instr, lora)
        B, C = cells0.shape[0], self.C
        height, has, area = self.columns(cells0)
        col = torch.stack([height, has], -1)  # [B, C, 2] contents that travel
        valid = area[:, :-1] * area[:, 1:]  # [B, C-1] boundary inside the area
        temb = self.time(time_features(t, x_t.dtype))  # [B, MIX]
        P = torch.eye(C, dtype=x_t.dtype).expand(B, C, C)
        out = []
        for f in range(x_t.shape[1]):
            c, u = P @ col, feats  # [B, C, 2] contents moved by the swaps so far; [B, C, FEAT] positions
            h, pres = c[..., 0], c[..., 1]
            left, right = slice(0, C - 1), slice(1, C)
            inv = pres[:, left] * pres[:, right] * torch.sigmoid(GAIN * (h[:, left] - h[:, right] - 0.5))
            none = torch.ones_like(inv[:, 0])
            for b in range(C - 1):  # explicit product (prod's gradient divides by the factors)
                none = none * (1 - inv[:, b])
            any_inv = (1 - none)[:, None].expand(B, C - 1)
            sim = (x_t[:, f] @ self.codes.t()) / math.sqrt(LATENT)  # [B, C]
            swap_in = torch.cat([torch.stack([pres[:, left], pres[:, right], inv, any_inv], -1),
                                 u[:, left], u[:, right], sim[:, 1:, None], temb[:, None].expand(B, C - 1, MIX)], -1)
            swap = self.swap_mlp(swap_in)[..., 0] + MASKED * (1 - valid)
            stay = self.stay_mlp(torch.cat([1 - none[:, None], sim[:, :1], temb], -1))
            logits = torch.cat([stay, swap], -1)
            out.append(logits)
            if teacher_choices is not None:
                probs = (teacher_choices[:, f, None] == torch.arange(C)).to(x_t.dtype)
            elif hard:
                probs = (logits.argmax(-1, keepdim=True) == torch.arange(C)).to(x_t.dtype)
            else:
                probs = torch.softmax(logits, -1)
            P = torch.einsum("bk,kij->bij", probs, self.swaps) @ P
        return torch.stack(out, 1)

    def sample_logits(self, z1, cells0, instr, lora=None, steps=SAMPLER_STEPS):
        """Full few-step sampler from fixed noise z1 [B, T-1, LATENT]; the last step's logits."""
        feats = self.features(cells0, instr, lora)
        return self.euler_logits(z1, lambda x, t: self.forward(x, t, cells0, instr, feats=feats, hard=True), steps)

    def one_step_logits(self, z1, cells0, instr, lora=None):
        return self.forward(z1, torch.ones(z1.shape[0], dtype=z1.dtype), cells0, instr, lora)

    # ---- decoders ---------------------------------------------------------------------------
    def placements(self, choice_probs):
        """P_f for every frame [B, T, C, C], frame 0 included, from choice probabilities [B, T-1, C]."""
        B, C = choice_probs.shape[0], self.C
        P = torch.eye(C, dtype=choice_probs.dtype).expand(B, C, C)
        out = [P]
        for f in range(choice_probs.shape[1]):
            P = torch.einsum("bk,kij->bij", choice_probs[:, f], self.swaps) @ P
            out.append(P)
        return torch.stack(out, 1)

    def surrogate_frames(self, logits, cells0):
        """Soft frames [B, T, H, W, 3]: every column's sprites mixed by where its contents are."""
        P = self.placements(torch.softmax(logits, -1))  # [B, T, C, C]
        sprites = self.sprites[cells0].reshape(cells0.shape[0], self.C, self.C, -1)  # [B, row, col, S]
        cells = torch.einsum("btjc,brcs->btrjs", P, sprites)
        return patches_to_frames(cells.reshape(*P.shape[:2], self.C * self.C, -1), self.C, self.px)

    def hard_cells(self, logits, cells0):
        """argmax choices -> cells of every frame [B, T, N] long (frame 0 = cells0)."""
        choices = (logits.argmax(-1)[..., None] == torch.arange(self.C)).to(torch.float32)
        src = self.placements(choices).argmax(-1)  # [B, T, C]: first-frame column shown in column j
        grid = cells0.reshape(-1, 1, self.C, self.C).expand(-1, src.shape[1], -1, -1)
        index = src[:, :, None, :].expand(-1, -1, self.C, -1)
        return torch.gather(grid, 3, index).reshape(cells0.shape[0], src.shape[1], -1)

    def noise(self, seed, batch=1):
        g = torch.Generator().manual_seed(int(seed))
        return torch.randn(batch, self.T - 1, LATENT, generator=g)


def bar_ids(ids):
    """The bar appearance ids per colour, from the suite's name -> id map."""
    return [ids[f"bar-{c}"] for c in BAR_COLOURS]


def choices_from_cells(cells, canvas):
    """Ground-truth choices [B, T-1] from cells [B, T, N]: 0 when no column changes, b when columns
    b-1 and b trade contents (the suite's sort makes one swap per frame at most)."""
    grid = cells.reshape(*cells.shape[:2], canvas, canvas)
    changed = (grid[:, 1:] != grid[:, :-1]).any(2)  # [B, T-1, C]
    first = changed.to(torch.float32).argmax(-1)
    return torch.where(changed.any(-1), first + 1, torch.zeros_like(first))


def bars_flow_loss(model, choices, cells0, instr):
    """Cross-entropy of the choice logits at random t (a quarter at t = 1)."""
    x_t, t = noised_latents(model.codes, choices)
    logits = model(x_t, t, cells0, instr, teacher_choices=choices)
    return torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), choices.reshape(-1))
