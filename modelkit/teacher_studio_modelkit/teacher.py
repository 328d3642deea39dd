"""The teacher's answerer: P(Yes | frames, query text), a cell-aligned space-time transformer.

Every rule of the suite is decided by what happens at a cell and its neighbours between two frames
(a wall crossing: the agent on a cell that was a wall in the first frame; a teleport: the agent
appears where neither that cell nor its four neighbours held it a frame earlier; a coin that
vanishes: coin, then floor, with no agent in between; the goal: the agent, in the last frame, on
the first frame's goal cell), plus counts (exactly one agent). So each cell's token is built from
the sprite embeddings of that cell now, a frame earlier and in the first frame, and of its four
neighbours now and a frame earlier; a local-attention block mixes neighbouring tokens; each frame
is pooled into one token by a max and by a gated sum (a count of the cells that fire, independent
of how much floor the canvas holds); temporal blocks run over the frame tokens. The query (the mean
of its word embeddings, through an MLP) then scales and shifts every frame token (FiLM), and the
yes/no logit is read from the max over frames, the mean and the last frame. This direct path from
the query to the frame features ends the loss plateau that an answerer reading the answer from a
query token attending to frame tokens sat on for ~1,500 steps (modelkit/results/answerer_choice.md).
No absolute cell position enters, so a rule learnt on small training grids reads the same on larger
held-out ones.
Training-only auxiliary head: the appearance id of every cell (perception)."""
import torch
import torch.nn as nn

from .layers import MLP, Block, LocalBlock, cell_patches, gather_neighbours
from .reasoner import MOVES, neighbour_gather

T_D_MODEL = 64  # width
T_HEADS = 4  # attention heads
T_EMBED = 32  # per-cell sprite embedding width
T_LOCAL = 1  # local-attention blocks per frame
T_TEMPORAL = 2  # temporal blocks over the frame tokens
VIEWS = 3 + 2 * (len(MOVES) - 1)  # now, a frame earlier, first frame; 4 neighbours now and earlier


class Answerer(nn.Module):
    def __init__(self, n_appearances, vocab_size, cells=10, frames=12, px=8, max_query=24):
        super().__init__()
        self.C, self.T, self.px, self.A = cells, frames, px, n_appearances
        d, E, S = T_D_MODEL, T_EMBED, px * px * 3
        self.register_buffer("gather", neighbour_gather(cells), persistent=False)  # [5, N, N + 1]
        self.embed = nn.Linear(S, E)
        self.cell_in = nn.Linear(VIEWS * E, d)
        self.cell_mlp = MLP(d, 2)
        self.cell_ln = nn.LayerNorm(d)
        self.local = nn.ModuleList(LocalBlock(d, T_HEADS, neighbour_gather(cells)) for _ in range(T_LOCAL))
        self.gate = nn.Linear(d, d)
        self.pool = nn.Linear(2 * d, d)
        self.frame = nn.Embedding(frames, d)
        self.words = nn.Embedding(vocab_size, d)
        self.query_ln, self.query_mlp = nn.LayerNorm(d), MLP(d, 2)
        self.temporal = nn.ModuleList(Block(d, T_HEADS) for _ in range(T_TEMPORAL))
        self.film = nn.Linear(d, 2 * d)
        self.read_ln, self.read_mlp = nn.LayerNorm(d), MLP(d)
        self.ln = nn.LayerNorm(3 * d)
        self.yes = nn.Linear(3 * d, 1)
        self.aux_cell = nn.Linear(d, n_appearances)  # training only

    def neighbours(self, e):
        """e [B, T, N, E] -> the four neighbours' embeddings [B, T, N, 4E] (zeros off the canvas)."""
        ep = torch.cat([e, torch.zeros_like(e[:, :, :1])], 2)  # [B, T, N + 1, E]
        B, T, N, E = e.shape
        return gather_neighbours(self.gather[1:], ep).reshape(B, T, N, -1)

    def encode_frames(self, frames):
        """frames float [B, T, H, W, 3] in 0-255 -> (frame tokens [B, T, d], cell tokens)."""
        e = self.embed(cell_patches(frames / 255.0, self.C, self.px))  # [B, T, N, E]
        prev = torch.cat([e[:, :1], e[:, :-1]], 1)
        first = e[:, :1].expand_as(e)
        x = torch.cat([e, prev, first, self.neighbours(e), self.neighbours(prev)], -1)
        h = self.cell_in(x)
        h = h + self.cell_mlp(self.cell_ln(h))
        B, T, N, d = h.shape
        h = h.reshape(B * T, N, d)
        for blk in self.local:
            h = blk(h)
        h = h.reshape(B, T, N, d)
        count = torch.relu(self.gate(h)).sum(2) * (1.0 / self.C)  # gated sum over cells
        pooled = self.pool(torch.cat([h.amax(2), count], -1))
        return pooled + self.frame(torch.arange(T, device=h.device)), h

    def query_vectors(self, queries):
        """queries [B, Q, Lq] long -> one vector per query [B, Q, d] (mean of its word embeddings)."""
        keep = (queries > 0).to(torch.float32)[..., None]
        w = (self.words(queries) * keep).sum(2) / keep.sum(2).clamp(min=1.0)
        return w + self.query_mlp(self.query_ln(w))

    def answer(self, frame_tokens, queries):
        """frame_tokens [B, T, d]; queries [B, Q, Lq] long -> yes logits [B, Q]. The frames see each
        other in temporal blocks; the query then scales and shifts every frame token (FiLM), an MLP
        reads each frame under that query, and the answer is read from the max over frames (did it
        ever happen), the mean, and the last frame (where goals are decided)."""
        x = frame_tokens
        for blk in self.temporal:
            x = blk(x)
        gamma, beta = self.film(self.query_vectors(queries))[:, :, None].chunk(2, -1)  # [B, Q, 1, d]
        y = x[:, None] * (1 + gamma) + beta  # [B, Q, T, d]
        y = y + self.read_mlp(self.read_ln(y))
        return self.yes(self.ln(torch.cat([y.amax(2), y.mean(2), y[:, :, -1]], -1)))[..., 0]

    def forward(self, frames, queries):
        ft, _ = self.encode_frames(frames)
        return self.answer(ft, queries)
