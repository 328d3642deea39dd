"""Small transformer pieces written with plain ops (MatMul, Softmax, LayerNorm) so that traced
gradients export to standard ONNX operators. LoRA is functional: tensors are passed in, never
stored, so tto_step can take them as graph inputs and return their gradients."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class Attention(nn.Module):
    """Multi-head self-attention; optional LoRA (A [r, d], B [d, r]) on the q and v projections."""

    def __init__(self, d, heads):
        super().__init__()
        self.d, self.heads = d, heads
        self.q, self.k, self.v, self.o = (nn.Linear(d, d) for _ in range(4))

    def forward(self, x, lora=None, mask=None):
        q, k, v = self.q(x), self.k(x), self.v(x)
        if lora is not None:
            qa, qb, va, vb = (w.transpose(-1, -2) for w in lora)
            if qa.dim() == 3:  # one LoRA per batch item: [B, d, r] against x [B, ..., n, d]
                extra = x.dim() - 3
                qa, qb, va, vb = (w.reshape(w.shape[0], *([1] * extra), *w.shape[1:]) for w in (qa, qb, va, vb))
            q = q + (x @ qa) @ qb
            v = v + (x @ va) @ vb
        *lead, n, d = x.shape
        h = self.heads
        q = q.reshape(*lead, n, h, d // h).transpose(-2, -3)
        k = k.reshape(*lead, n, h, d // h).transpose(-2, -3)
        v = v.reshape(*lead, n, h, d // h).transpose(-2, -3)
        att = (q @ k.transpose(-1, -2)) * (1.0 / math.sqrt(d // h))
        if mask is not None:
            att = att + mask
        att = torch.softmax(att, dim=-1)
        y = (att @ v).transpose(-2, -3).reshape(*lead, n, d)
        return self.o(y)


def gather_neighbours(gather, y, dim=-2):
    """gather [K, N, M] one-hot rows, y with M rows along dim -> y with N * K rows there, cell-major
    (for each cell, the rows its K one-hot rows pick), as an index gather: a MatMul with the one-hot
    matrix would broadcast it over the batch, most of a training step's time (gathering along the
    first dim is fastest: whole rows are copied)."""
    return y.index_select(dim, gather.argmax(-1).t().reshape(-1))


class MLP(nn.Module):
    def __init__(self, d, mult=4):
        super().__init__()
        self.fc, self.proj = nn.Linear(d, mult * d), nn.Linear(mult * d, d)

    def forward(self, x):
        return self.proj(F.gelu(self.fc(x), approximate="tanh"))


class Block(nn.Module):
    """Pre-norm transformer block."""

    def __init__(self, d, heads):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.attn, self.mlp = Attention(d, heads), MLP(d)

    def forward(self, x, lora=None, mask=None):
        x = x + self.attn(self.ln1(x), lora, mask)
        return x + self.mlp(self.ln2(x))


class LocalAttention(nn.Module):
    """Each cell attends to itself and its four neighbours (the order of MOVES: stay, up, down,
    left, right), each plus a learned embedding of its direction; a neighbour outside the canvas
    is a learned pad token. The fixed one-hot matrix `gather` says which cell is which neighbour
    (gather_neighbours). Optional LoRA (A [r, d], B [d, r], or per batch item [B, r, d] /
    [B, d, r]) on the q and v projections. tests/test_layers.py checks this form against the
    definition written out directly."""

    def __init__(self, d, heads, gather):
        super().__init__()
        self.d, self.heads = d, heads
        self.q, self.k, self.v, self.o = (nn.Linear(d, d) for _ in range(4))
        self.direction = nn.Parameter(torch.randn(gather.shape[0], d) * 0.02)
        self.pad = nn.Parameter(torch.zeros(d))
        self.register_buffer("gather", gather)  # [K, N, N + 1] one-hot rows

    def forward(self, x, lora=None):
        B, N, d = x.shape
        h, K = self.heads, self.gather.shape[0]
        # cells first ([N, B, d]): the gather then copies whole rows
        xp = torch.cat([x.transpose(0, 1), self.pad.expand(1, B, d)], 0)  # [N + 1, B, d]
        # k and v of a neighbour are linear in (its cell + the direction's embedding), and each one-hot
        # row picks one cell: project the N + 1 cells once, then gather (K times fewer projections)
        q, kx, vx = self.q(xp[:N]), self.k(xp), self.v(xp)
        kd, vd = self.direction @ self.k.weight.t(), self.direction @ self.v.weight.t()  # [K, d]
        if lora is not None:
            qa, qb, va, vb = (w.transpose(-1, -2) for w in lora)  # [d, r] / [r, d], or [B, d, r] / [B, r, d]
            if qa.dim() == 3:  # one LoRA per batch item: x [B, n, d] against [B, d, r]
                xb = xp.transpose(0, 1)
                q = q + ((xb[:, :N] @ qa) @ qb).transpose(0, 1)
                vx = vx + ((xb @ va) @ vb).transpose(0, 1)
                vd = ((self.direction @ va) @ vb).transpose(0, 1) + vd[:, None]  # [K, B, d]
            else:
                q = q + (xp[:N] @ qa) @ qb
                vx = vx + (xp @ va) @ vb
                vd = vd + (self.direction @ va) @ vb
        if vd.dim() == 2:
            vd = vd[:, None]  # [K, 1, d]
        k = gather_neighbours(self.gather, kx, 0).reshape(N, K, B, d) + kd[:, None]  # [N, K, B, d]
        v = gather_neighbours(self.gather, vx, 0).reshape(N, K, B, d) + vd
        # each cell attends over its K neighbours: per-head scores as an elementwise product summed by
        # a MatMul with the head-membership matrix (a batched MatMul of 1 x d/h by d/h x K matrices is
        # mostly overhead)
        heads = (torch.arange(d, device=x.device)[:, None] // (d // h) == torch.arange(h, device=x.device)).to(x.dtype)
        att = torch.softmax(((q[:, None] * k) @ heads) * (1.0 / math.sqrt(d // h)), dim=1)  # [N, K, B, h]
        return self.o(((att @ heads.t()) * v).sum(1).transpose(0, 1))


class LocalBlock(nn.Module):
    """Pre-norm block of local attention and an MLP."""

    def __init__(self, d, heads, gather):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.attn, self.mlp = LocalAttention(d, heads, gather), MLP(d, 2)

    def forward(self, x, lora=None):
        x = x + self.attn(self.ln1(x), lora)
        return x + self.mlp(self.ln2(x))


def cell_patches(frames, cells, px):
    """frames float [..., H, W, 3] -> per-cell patches [..., C*C, px*px*3]."""
    lead = frames.shape[:-3]
    x = frames.reshape(*lead, cells, px, cells, px, 3)
    nd = len(lead)
    perm = list(range(nd)) + [nd, nd + 2, nd + 1, nd + 3, nd + 4]
    return x.permute(perm).reshape(*lead, cells * cells, px * px * 3)


def patches_to_frames(patches, cells, px):
    """[..., C*C, px*px*3] -> [..., H, W, 3]."""
    lead = patches.shape[:-2]
    x = patches.reshape(*lead, cells, cells, px, px, 3)
    nd = len(lead)
    perm = list(range(nd)) + [nd, nd + 2, nd + 1, nd + 3, nd + 4]
    return x.permute(perm).reshape(*lead, cells * px, cells * px, 3)


def frame_to_cells(frame, sprites_flat, cells, px):
    """Nearest-sprite segmentation of one frame float [H, W, 3] (0-255) -> appearance ids [C*C]."""
    p = cell_patches(frame, cells, px)  # [N, S]
    d = (p * p).sum(-1, keepdim=True) - 2 * p @ sprites_flat.t() + (sprites_flat * sprites_flat).sum(-1)
    return torch.argmin(d, dim=-1)


def one_hot(ids, n):
    """Trace-safe one-hot (no data-dependent size check) -> float32 [..., n]."""
    return (ids[..., None] == torch.arange(n, device=ids.device)).to(torch.float32)
