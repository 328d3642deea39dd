"""The teacher's query writer: a prefix language model. Input: the instruction's word tokens
(fully visible); output: 'goal: ... | process: ... | process: ...' decoded token by token with a
causal mask. The exported `plan` graph takes the instruction, the whole output prefix padded to
MAX_PLAN and a position, and returns next-token logits there (KV-free full recompute)."""
import torch
import torch.nn as nn

from .layers import Block

W_D_MODEL = 96  # width
W_HEADS = 4  # attention heads
W_BLOCKS = 3  # transformer blocks
WORD_DROPOUT = 0.15  # training: instruction words replaced by <unk> (robustness to unseen words)


class QueryWriter(nn.Module):
    def __init__(self, vocab_size, max_instruction, max_plan):
        super().__init__()
        d = W_D_MODEL
        self.Li, self.Lp = max_instruction, max_plan
        self.words = nn.Embedding(vocab_size, d)
        self.pos = nn.Embedding(max_instruction + max_plan, d)
        self.segment = nn.Embedding(2, d)
        self.blocks = nn.ModuleList(Block(d, W_HEADS) for _ in range(W_BLOCKS))
        self.ln = nn.LayerNorm(d)
        self.out = nn.Linear(d, vocab_size)
        n = max_instruction + max_plan
        allow = torch.ones(n, n).tril()
        allow[:, :max_instruction] = 1.0  # every position sees the whole instruction
        self.register_buffer("mask", (1.0 - allow) * -1e4)

    def forward(self, instr, prefix):
        """instr [B, Li] long, prefix [B, Lp] long (BOS + tokens so far) -> logits [B, Lp, V]."""
        x = torch.cat([instr, prefix], 1)
        seg = torch.cat([torch.zeros_like(instr), torch.ones_like(prefix)], 1)
        pad = (instr == 0).to(torch.float32)
        keymask = torch.cat([pad * -1e4, torch.zeros_like(prefix, dtype=torch.float32)], 1)
        h = self.words(x) + self.pos(torch.arange(x.shape[1])) + self.segment(seg)
        m = self.mask[None, None] + keymask[:, None, None, :]
        for blk in self.blocks:
            h = blk(h, mask=m)
        return self.out(self.ln(h[:, self.Li:]))

    def next_token_logits(self, instr, prefix, position):
        """Graph form: instr [Li], prefix [Lp], position [] long -> logits [V] at `position`."""
        logits = self.forward(instr[None], prefix[None])[0]
        return torch.index_select(logits, 0, position.reshape(1))[0]

    @torch.no_grad()
    def greedy(self, instr):
        """instr [B, Li] -> generated token ids [B, Lp] (without BOS)."""
        B = instr.shape[0]
        prefix = torch.zeros(B, self.Lp, dtype=torch.long)
        prefix[:, 0] = 2
        out = torch.zeros(B, self.Lp, dtype=torch.long)
        done = torch.zeros(B, dtype=torch.bool)
        for i in range(self.Lp - 1):
            nxt = self.forward(instr, prefix)[:, i].argmax(-1)
            nxt = torch.where(done, torch.zeros_like(nxt), nxt)
            out[:, i] = nxt
            prefix[:, i + 1] = nxt
            done |= nxt == 3
            if done.all():
                break
        return out
