"""The teacher's answerer: P(Yes | frames, query text), a factorised space-time transformer.

Per frame, every cell is a token built from its pixels and from its difference with the same cell in
the previous frame (so motion rules are visible cell by cell); spatial blocks run within each frame;
each frame is pooled (mean + max over cells) into one token; temporal blocks run over the query's
word tokens followed by the frame tokens; a yes/no logit is read from the first query token.
Training-only auxiliary head: the appearance id of every cell (perception)."""
import torch
import torch.nn as nn

from .layers import Block, cell_patches

T_D_MODEL = 64  # width
T_HEADS = 4  # attention heads
T_SPATIAL = 2  # spatial blocks per frame
T_TEMPORAL = 3  # temporal blocks over [query tokens, frame tokens]


class Answerer(nn.Module):
    def __init__(self, n_appearances, vocab_size, cells=10, frames=12, px=8, max_query=24):
        super().__init__()
        self.C, self.T, self.px, self.A = cells, frames, px, n_appearances
        d, S = T_D_MODEL, px * px * 3
        self.pix, self.diff = nn.Linear(S, d), nn.Linear(S, d)
        self.row, self.col = nn.Embedding(cells, d), nn.Embedding(cells, d)
        self.spatial = nn.ModuleList(Block(d, T_HEADS) for _ in range(T_SPATIAL))
        self.pool = nn.Linear(2 * d, d)
        self.frame = nn.Embedding(frames, d)
        self.words = nn.Embedding(vocab_size, d)
        self.wpos = nn.Embedding(max_query, d)
        self.temporal = nn.ModuleList(Block(d, T_HEADS) for _ in range(T_TEMPORAL))
        self.ln = nn.LayerNorm(d)
        self.yes = nn.Linear(d, 1)
        self.aux_cell = nn.Linear(d, n_appearances)  # training only

    def encode_frames(self, frames):
        """frames float [B, T, H, W, 3] in 0-255 -> (frame tokens [B, T, d], cell tokens)."""
        p = cell_patches(frames / 255.0, self.C, self.px)  # [B, T, N, S]
        prev = torch.cat([p[:, :1], p[:, :-1]], 1)
        N = p.shape[2]
        pos = torch.arange(N, device=p.device)
        h = self.pix(p) + self.diff(p - prev) + self.row(pos // self.C) + self.col(pos % self.C)
        for blk in self.spatial:
            h = blk(h)
        pooled = self.pool(torch.cat([h.mean(2), h.amax(2)], -1))
        return pooled + self.frame(torch.arange(p.shape[1], device=p.device)), h

    def answer(self, frame_tokens, queries):
        """frame_tokens [B, T, d]; queries [B, Q, Lq] long -> yes logits [B, Q]."""
        B, Q, L = queries.shape
        w = self.words(queries) + self.wpos(torch.arange(L, device=queries.device))
        ft = frame_tokens[:, None].expand(B, Q, *frame_tokens.shape[1:])
        x = torch.cat([w, ft], 2)  # [B, Q, L + T, d]
        pad = torch.cat([(queries == 0), torch.zeros(B, Q, ft.shape[2], dtype=torch.bool,
                                                      device=queries.device)], 2)
        mask = (pad.to(x.dtype) * -1e4)[:, :, None, None, :]  # keys only
        for blk in self.temporal:
            x = blk(x, mask=mask)
        return self.yes(self.ln(x[:, :, 0]))[..., 0]

    def forward(self, frames, queries):
        ft, _ = self.encode_frames(frames)
        return self.answer(ft, queries)
