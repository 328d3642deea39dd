"""The reasoner: a cell-level latent video model, few-step rectified flow over per-cell codes.

Latent: for frames 1..T-1, every cell holds a D-dim code; clean code x0 = E[appearance id] (E fixed,
random, unit variance per dim). x_t = (1 - t) x0 + t z1. The network predicts per-cell appearance
logits (C x C x A per frame); x0_hat = softmax(logits) @ E, so the velocity is u = (x_t - x0_hat) / t.
Static appearances (learned from data: never change where they sit in frame 0) are copied from
frame 0 by construction. Surrogate decoder: softmax(logits / temp) @ sprites (soft sprite mix);
full decoder: argmax -> sprite copy (identical to the task-suite renderer).
Factorised space-time transformer: spatial attention within a frame, temporal attention per cell.
LoRA slots: q and v projections of every attention."""
import math

import torch
import torch.nn as nn

from .layers import Block, frame_to_cells, one_hot, patches_to_frames

D_MODEL = 64  # transformer width
HEADS = 4  # attention heads
BLOCKS = 4  # space-time blocks (each = spatial block + temporal block)
LATENT = 16  # per-cell latent code size
LORA_RANK = 4  # LoRA rank of every slot
LORA_A_STD = 0.1  # LoRA A init std (B is zero, so a fresh LoRA is the identity)
SAMPLER_STEPS = 4  # Euler steps of the full sampler, t = 1 -> 0
SURROGATE_TEMP = 1.0  # softmax temperature of the surrogate decoder
STATIC_LOGIT = 12.0  # logit margin used to copy static cells from frame 0


class Reasoner(nn.Module):
    def __init__(self, n_appearances, vocab_size, static_ids, cells=10, frames=12, px=8):
        super().__init__()
        self.A, self.C, self.T, self.px = n_appearances, cells, frames, px
        g = torch.Generator().manual_seed(1234)
        self.register_buffer("codes", torch.randn(n_appearances, LATENT, generator=g))
        static = torch.zeros(n_appearances)
        static[list(static_ids)] = 1.0
        self.register_buffer("static", static)
        self.register_buffer("sprites", torch.zeros(n_appearances, px * px * 3))
        d = D_MODEL
        self.inp = nn.Linear(LATENT, d)
        self.cell0 = nn.Embedding(n_appearances, d)
        self.row, self.col = nn.Embedding(cells, d), nn.Embedding(cells, d)
        self.frame = nn.Embedding(frames, d)
        self.time = nn.Linear(16, d)
        self.words = nn.Embedding(vocab_size, d)
        self.instr = nn.Linear(d, d)
        self.space = nn.ModuleList(Block(d, HEADS) for _ in range(BLOCKS))
        self.tempo = nn.ModuleList(Block(d, HEADS) for _ in range(BLOCKS))
        self.ln = nn.LayerNorm(d)
        self.head = nn.Linear(d, n_appearances)
        self.copy_bias = nn.Parameter(torch.tensor(2.0))

    # ---- LoRA slots -------------------------------------------------------------------------
    def lora_specs(self):
        """[(name, shape)] in graph order: per block, spatial then temporal, q_A q_B v_A v_B."""
        d, r, out = D_MODEL, LORA_RANK, []
        for i in range(BLOCKS):
            for kind in ("space", "tempo"):
                for proj in ("q", "v"):
                    out += [(f"lora.{kind}{i}.{proj}.A", (r, d)), (f"lora.{kind}{i}.{proj}.B", (d, r))]
        return out

    def lora_init(self, seed=0):
        g = torch.Generator().manual_seed(seed)
        return tuple(torch.randn(s, generator=g) * LORA_A_STD if n.endswith(".A") else torch.zeros(s)
                     for n, s in self.lora_specs())

    def _slot(self, lora, i, kind):
        if lora is None:
            return None
        k = (2 * i + (0 if kind == "space" else 1)) * 4
        return lora[k:k + 4]

    # ---- network ----------------------------------------------------------------------------
    def forward(self, x_t, t, cells0, instr, lora=None):
        """x_t [B, T-1, C*C, LATENT], t [B], cells0 [B, C*C] long, instr [B, L] long -> logits
        [B, T-1, C*C, A]."""
        B, F, N, _ = x_t.shape
        C = self.C
        pos = torch.arange(N, device=x_t.device)
        h = self.inp(x_t) + self.cell0(cells0)[:, None] + (self.row(pos // C) + self.col(pos % C))
        h = h + self.frame(torch.arange(1, F + 1, device=x_t.device))[None, :, None]
        freqs = torch.exp(torch.arange(8, device=x_t.device, dtype=x_t.dtype) * -math.log(100.0) / 8)
        ang = t[:, None] * freqs * 50.0
        h = h + self.time(torch.cat([ang.sin(), ang.cos()], -1))[:, None, None]
        wmask = (instr > 0).to(x_t.dtype)
        wmean = (self.words(instr) * wmask[..., None]).sum(1) / wmask.sum(1, keepdim=True).clamp(min=1)
        h = h + self.instr(wmean)[:, None, None]
        for i in range(BLOCKS):
            h = self.space[i](h, self._slot(lora, i, "space"))  # [B, F, N, d]
            h = self.tempo[i](h.transpose(1, 2), self._slot(lora, i, "tempo")).transpose(1, 2)
        logits = self.head(self.ln(h))
        one0 = one_hot(cells0, self.A).to(x_t.dtype)[:, None]  # [B,1,N,A]
        logits = logits + self.copy_bias * one0
        is_static = (one0 * self.static).sum(-1, keepdim=True)  # [B,1,N,1]
        return is_static * (2 * one0 - 1) * STATIC_LOGIT + (1 - is_static) * logits

    def x0_hat(self, logits):
        return torch.softmax(logits, -1) @ self.codes

    def sample_logits(self, z1, cells0, instr, lora=None, steps=SAMPLER_STEPS):
        """Full few-step sampler from fixed noise z1; returns the last step's logits."""
        x = z1
        B = z1.shape[0]
        for i in range(steps):
            t, t_next = 1.0 - i / steps, 1.0 - (i + 1) / steps
            logits = self.forward(x, torch.full((B,), t, dtype=z1.dtype), cells0, instr, lora)
            x0 = self.x0_hat(logits)
            x = x0 + (t_next / t) * (x - x0)
        return logits

    def one_step_logits(self, z1, cells0, instr, lora=None):
        """The teacher's view: clean prediction from t = 1 in one step."""
        return self.forward(z1, torch.ones(z1.shape[0], dtype=z1.dtype), cells0, instr, lora)

    def surrogate_frames(self, logits, cells0):
        """Soft sprite mix of the predicted frames, frame 0 prepended -> [B, T, H, W, 3] (0-255)."""
        p = torch.softmax(logits / SURROGATE_TEMP, -1) @ self.sprites  # [B, F, N, S]
        p0 = (one_hot(cells0, self.A).to(p.dtype) @ self.sprites)[:, None]
        return patches_to_frames(torch.cat([p0, p], 1), self.C, self.px)

    def hard_cells(self, logits, cells0):
        """argmax cells of every frame, frame 0 prepended -> [B, T, C*C] long."""
        return torch.cat([cells0[:, None], logits.argmax(-1)], 1)

    def render(self, cells):
        """Full decoder: sprite copy. cells [..., C*C] long -> float frames [..., H, W, 3]."""
        return patches_to_frames(self.sprites[cells], self.C, self.px)

    def encode_first_frame(self, frame):
        """Nearest-sprite cells of the first frame float [H, W, 3] -> [C*C] long."""
        return frame_to_cells(frame, self.sprites, self.C, self.px)

    def noise(self, seed, batch=1):
        g = torch.Generator().manual_seed(int(seed))
        return torch.randn(batch, self.T - 1, self.C * self.C, LATENT, generator=g)


def flow_training_loss(model, cells, instr):
    """Cross-entropy of x0 logits at random t (a quarter of the batch at t = 1, the teacher's view).
    cells [B, T, C*C] long."""
    B = cells.shape[0]
    cells0, target = cells[:, 0], cells[:, 1:]
    x0 = model.codes[target]
    z1 = torch.randn_like(x0)
    t = torch.rand(B)
    t = torch.where(torch.rand(B) < 0.25, torch.ones_like(t), t.clamp(min=0.02))
    x_t = (1 - t)[:, None, None, None] * x0 + t[:, None, None, None] * z1
    logits = model(x_t, t, cells0, instr)
    ce = torch.nn.functional.cross_entropy(logits.reshape(-1, model.A), target.reshape(-1), reduction="none")
    dynamic = (1 - model.static[cells0])[:, None].expand_as(target).reshape(-1)
    return (ce * dynamic).sum() / dynamic.sum().clamp(min=1)
