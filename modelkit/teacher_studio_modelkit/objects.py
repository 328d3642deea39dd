"""A reasoner for several coloured blocks (the suite's fall and push families): the agent
reasoner's latent (reasoner.py) with one move slot per block colour.

Not yet in the built-in package: this is the multi-object latent the package's next families need,
measured on its own first (objects_experiment.py, results/objects.md). It keeps the agent
reasoner's design:

Latent: for each of the T-1 transitions and each of the OBJECTS colour slots (blue, orange, purple)
a LATENT-dim code of the slot's move (stay, up, down, left, right); x_t = (1 - t) x0 + t z1.
Network: for each colour, the first frame without blocks (walls, ledges, the void outside the
area, and the outlines: that colour's own read as "my outline", the others as "another outline")
plus the instruction goes through the same iterated local-attention blocks; a head reads that
colour's move field (push: which way to my outline, around walls and other outlines; fall: down
unless a ledge or the ground is below). The field never sees the blocks, so it is the same for one
block or three. The blocks are rolled out in time. At frame f each slot reads its colour's field
where its block is, four contact features (the probability that another block will be in the cell
above, below, left or right of it once this frame's moves are made) and five turn features (on my
outline; I moved last frame; is any other block not on its outline yet, on its way, moving now).
This frame's moves are not known yet, so they are settled in OBJECTS passes: pass 0 assumes every
other block stays, pass q reads the moves of pass q - 1 (a stack of three falling blocks is settled
after three passes, the lowest first, as the suite's simulation moves them). A small MLP mixes
field, contacts, turns, the noisy latent and the flow time into the slot's move logits; the last
pass's logits are the output. Between frames the full sampler moves the blocks by each frame's most
likely moves (hard, as training's ground truth moves them); the one-step preview moves them by the move
probabilities, so that the TTO gradients are exact (results/sampler_rollout.md).
Frames are built by construction: each block is drawn where its moves lead, in its colour (filled
on its own outline, as the suite draws a placed block), on the first frame without blocks, so every
frame holds each block at most once and moves are at most one cell; falling straight, landing,
reaching outlines and not colliding are learned.
Surrogate decoder: soft positions per slot rendered as a sprite mix; full decoder: argmax moves ->
hard cells -> sprite copy."""
import torch
import torch.nn as nn

from .layers import patches_to_frames
from .reasoner import (CellFlow, ITERATIONS, LATENT, MIX, MOVES, SAMPLER_STEPS, noised_latents, repeat_lora,
                       run_field, shift_matrices, time_features)
from .rules import OBJECT_COLOURS

OBJECTS = len(OBJECT_COLOURS)  # one slot per block colour (the suite draws each colour at most once)
CONTACTS = len(MOVES) - 1  # contact features: another block up, down, left, right after the move
TURNS = 5  # turn features: on my outline; I moved last frame; any other not on its outline / on its way / moving now


def any_other(x):
    """[B, O, ...] probabilities -> the same shape: for each slot o, P(at least one slot other than o
    has x), slots independent. The other slots' (1 - x) are the slots rolled by 1 .. O-1 places, so
    every slot's product is made at once (explicit products: prod's gradient divides by the factors;
    a handful of graph nodes for any number of features, where a loop over slots made ~30 each)."""
    none = 1 - x
    prod = torch.roll(none, 1, 1)
    for s in range(2, x.shape[1]):
        prod = prod * torch.roll(none, s, 1)
    return 1 - prod


class ObjectsReasoner(CellFlow, nn.Module):
    def __init__(self, n_appearances, vocab_size, object_ids, placed_ids, target_ids, floor_id, cells=10,
                 frames=12, px=8, iterations=ITERATIONS):
        """object_ids / placed_ids / target_ids: per colour, the appearance of its block, of its
        block on its outline (push) and of its empty outline."""
        super().__init__()
        self.A, self.C, self.T, self.px = n_appearances, cells, frames, px
        self.iterations = iterations
        self.floor_id = int(floor_id)
        for name, ids in (("object_ids", object_ids), ("placed_ids", placed_ids), ("target_ids", target_ids)):
            self.register_buffer(name, torch.tensor(ids, dtype=torch.long), persistent=False)
        K = len(MOVES)
        self.add_codes_and_sprites(K, n_appearances, px)
        self.register_buffer("shift", shift_matrices(cells))
        # [N, MOVES * N]: p @ shift_all moves p every way at once (the shift matrices side by side)
        self.register_buffer("shift_all", self.shift.permute(1, 0, 2).reshape(cells * cells, -1), persistent=False)
        self.add_field(n_appearances + 2, vocab_size, cells, K)  # + "my outline", "another outline" (see field)
        self.mix = nn.Sequential(nn.Linear(K + CONTACTS + TURNS + LATENT + MIX, MIX), nn.GELU(), nn.Linear(MIX, K))

    # ---- network ----------------------------------------------------------------------------
    def starts(self, cells0):
        """[B, OBJECTS, N] one-hot start of each colour's block (all zero when that colour is absent)."""
        return (cells0[:, None] == self.object_ids[None, :, None]).to(self.shift_all.dtype)  # the model's float type

    def outlines(self, cells0):
        """[B, OBJECTS, N] one-hot outline of each colour (push; all zero in fall)."""
        return (cells0[:, None] == self.target_ids[None, :, None]).to(self.shift_all.dtype)

    def background(self, cells0):
        """The first frame with every block replaced by floor."""
        is_block = (cells0[..., None] == self.object_ids).any(-1)
        return torch.where(is_block, torch.full_like(cells0, self.floor_id), cells0)

    def field(self, cells0, instr, lora=None, present=None):
        """Per-cell move logits [B, OBJECTS, N, MOVES], one field per block colour. Slot o's field is
        computed on the first frame without blocks (so that it does not change with the number of
        blocks; blocks meet each other through the contact features) in which its own outline reads
        as "my outline" and the other colours' outlines as "another outline": one target per field,
        as in the agent reasoner's maze. present [B, OBJECTS] bool (training: objects_flow_loss): only
        the fields of the colours present are computed, the others left at zero. Nothing reads an absent
        colour's field (its block is nowhere, so the field is read with weight zero), and training rooms
        hold one or two of the three colours: it saves about half a training step. The shapes then
        depend on the data, so the graphs (which take any room) never pass it."""
        B, N = cells0.shape
        bg = self.background(cells0)
        mine = bg[:, None] == self.target_ids[None, :, None]  # [B, O, N]
        other = (bg[..., None] == self.target_ids).any(-1)[:, None] & ~mine
        inp = torch.where(mine, torch.full_like(mine, self.A, dtype=torch.long),
                          torch.where(other, torch.full_like(mine, self.A + 1, dtype=torch.long), bg[:, None]))
        lora = repeat_lora(lora, B, OBJECTS)  # one LoRA per task: the same for its slots
        instr = instr[:, None].expand(B, OBJECTS, instr.shape[1]).reshape(B * OBJECTS, -1)
        inp = inp.reshape(B * OBJECTS, N)
        if present is None:
            return run_field(self, inp, instr, lora).reshape(B, OBJECTS, N, len(MOVES))
        assert lora is None, "present: training only"
        rows = present.reshape(-1).nonzero()[:, 0]
        out = torch.zeros(B * OBJECTS, N, len(MOVES), dtype=self.codes.dtype)
        return out.index_copy(0, rows, run_field(self, inp[rows], instr[rows])).reshape(B, OBJECTS, N, len(MOVES))

    def shifted(self, p):
        """Positions [B, O, N] -> [B, O, MOVES, N]: moved by each of MOVES (p @ shift[k], one MatMul
        for all k; a frame's passes, contacts and step share it)."""
        return (p @ self.shift_all).reshape(*p.shape[:-1], len(MOVES), p.shape[-1])

    @staticmethod
    def step(probs, shifted):
        """Positions [B, O, N] after moves probs [B, O, MOVES], from the positions moved each way
        (shifted)."""
        return (probs[..., None] * shifted).sum(-2)

    @staticmethod
    def contacts(shifted, moved):
        """[B, O, CONTACTS]: P(another block is in the cell up / down / left / right of slot o's
        current cell once the moves are made), from the current positions moved each way (shifted)
        and the positions after the moves `moved`."""
        others = moved.sum(1, keepdim=True) - moved  # [B, O, N] every block but the slot's own
        return (shifted[:, :, 1:] * others[:, :, None]).sum(-1)

    def turns(self, p, moved_before, moving, outlines, present):
        """[B, O, TURNS]: P(my block is on my outline), P(I moved last frame), and P(any other block
        is not on its outline yet / is on its way (moved last frame, not arrived) / moves in this
        frame, from the previous pass): what one-after-another pushing needs to know whose turn it
        is. "Any other" rather than "how many others", so that three blocks (held-out) give values
        two blocks (training) give too."""
        arrived = (p * outlines).sum(-1) * (outlines.sum(-1) > 0)  # [B, O]
        others = any_other(torch.stack([present * (1 - arrived), moved_before * (1 - arrived), moving], -1))
        return torch.cat([arrived[..., None], moved_before[..., None], others], -1)

    def forward(self, x_t, t, cells0, instr, lora=None, teacher_moves=None, field=None, hard=False):
        """x_t [B, T-1, O, LATENT], t [B], cells0 [B, N], instr [B, L] -> move logits
        [B, T-1, O, MOVES]. teacher_moves [B, T-1, O] (training): propagate the positions through
        the ground-truth moves between frames (the passes within a frame always use the predicted
        ones, as at sampling time). hard (the full sampler): between frames the blocks take each
        frame's most likely moves, as the full decoder draws them, so every frame starts from
        positions as crisp as training's; the soft default (the one-step preview) keeps the
        gradients."""
        if field is None:
            field = self.field(cells0, instr, lora)
        temb = self.time(time_features(t, x_t.dtype))[:, None].expand(-1, OBJECTS, -1)
        p = self.starts(cells0)
        present, outlines = p.sum(-1), self.outlines(cells0)
        K = len(MOVES)
        moved_before = torch.zeros_like(present)
        out = []
        for f in range(x_t.shape[1]):
            here = (p[..., None] * field).sum(2)  # [B, O, K] each colour's field where its block is
            shifted = self.shifted(p)
            moved, moving = p, torch.zeros_like(present)  # pass 0: every other block stays
            for _ in range(OBJECTS):
                feats = [here, self.contacts(shifted, moved), self.turns(p, moved_before, moving, outlines, present)]
                logits = here + self.mix(torch.cat(feats + [x_t[:, f], temb], -1))
                probs = torch.softmax(logits, -1)
                moved, moving = self.step(probs, shifted), (1 - probs[..., 0]) * present
            out.append(logits)
            if teacher_moves is not None:
                probs = (teacher_moves[:, f, :, None] == torch.arange(K)).to(torch.float32)
            elif hard:
                probs = (logits.argmax(-1)[..., None] == torch.arange(K)).to(torch.float32)
            moved_before = (1 - probs[..., 0]) * present
            p = self.step(probs, shifted)
        return torch.stack(out, 1)

    def sample_logits(self, z1, cells0, instr, lora=None, steps=SAMPLER_STEPS):
        """Full few-step sampler from fixed noise z1 [B, T-1, O, LATENT]; the last step's logits. The
        blocks follow each frame's most likely moves, as the full decoder draws them."""
        field = self.field(cells0, instr, lora)
        return self.euler_logits(z1, lambda x, t: self.forward(x, t, cells0, instr, field=field, hard=True), steps)

    def one_step_logits(self, z1, cells0, instr, lora=None):
        return self.forward(z1, torch.ones(z1.shape[0], dtype=z1.dtype), cells0, instr, lora)

    # ---- decoders ---------------------------------------------------------------------------
    def positions(self, move_probs, cells0):
        """Per slot position distribution per frame [B, T, O, N], frame 0 included."""
        p = self.starts(cells0)
        out = [p]
        for f in range(move_probs.shape[1]):
            p = self.step(move_probs[:, f], self.shifted(p))
            out.append(p)
        return torch.stack(out, 1)

    def looks(self, p, cells0):
        """Per slot and cell, P(the block is drawn placed) [B, T, O, N]: on its own outline (push)."""
        return p * self.outlines(cells0)[:, None]

    def surrogate_frames(self, logits, cells0):
        """Soft frames [B, T, H, W, 3]: each slot's block sprite (placed sprite on its outline)
        weighted by its position probability, over the blocks-free background."""
        p = self.positions(torch.softmax(logits, -1), cells0)  # [B, T, O, N]
        placed = self.looks(p, cells0)
        bg = self.sprites[self.background(cells0)][:, None]  # [B, 1, N, S]
        occupied = p.sum(2)[..., None]
        blocks = torch.einsum("bton,os->btns", p - placed, self.sprites[self.object_ids]) + \
            torch.einsum("bton,os->btns", placed, self.sprites[self.placed_ids])
        return patches_to_frames(blocks + (1 - occupied) * bg, self.C, self.px)

    def hard_cells(self, logits, cells0):
        """argmax moves -> cells of every frame [B, T, N] long (frame 0 = cells0); a block drawn
        later (higher slot) covers an earlier one on the same cell."""
        moves = (logits.argmax(-1)[..., None] == torch.arange(len(MOVES))).to(torch.float32)
        p = self.positions(moves, cells0)  # [B, T, O, N] one-hot
        placed = self.looks(p, cells0) > 0.5
        cells = self.background(cells0)[:, None].expand(-1, p.shape[1], -1).clone()
        for o in range(OBJECTS):
            cells = torch.where(p[:, :, o] > 0.5, self.object_ids[o], cells)
            cells = torch.where(placed[:, :, o], self.placed_ids[o], cells)
        return torch.cat([cells0[:, None], cells[:, 1:]], 1)

    def noise(self, seed, batch=1):
        g = torch.Generator().manual_seed(int(seed))
        return torch.randn(batch, self.T - 1, OBJECTS, LATENT, generator=g)


def appearance_ids(ids):
    """(block, placed block, outline) appearance ids per colour, from the suite's name -> id map."""
    return tuple([ids[f"{kind}-{c}"] for c in OBJECT_COLOURS] for kind in ("object", "placed", "target"))


def object_moves_from_cells(cells, model):
    """Ground-truth moves [B, T-1, O] from cells [B, T, N] (each present block once per frame, as a
    block or placed on its outline; steps <= 1); an absent colour gets "stay"."""
    canvas = model.C
    here = (cells[..., None] == model.object_ids) | (cells[..., None] == model.placed_ids)  # [B, T, N, O]
    pos = here.float().argmax(2)  # [B, T, O]
    dr = pos[:, 1:] // canvas - pos[:, :-1] // canvas
    dc = pos[:, 1:] % canvas - pos[:, :-1] % canvas
    moves = torch.zeros_like(dr)
    for k, (a, b) in enumerate(MOVES):
        moves[(dr == a) & (dc == b)] = k
    return moves


def objects_flow_loss(model, moves, cells0, instr):
    """Cross-entropy of the move logits of the blocks present, at random t (a quarter at t = 1)."""
    x_t, t = noised_latents(model.codes, moves)
    blocks = model.starts(cells0).sum(-1)  # [B, O]: 1 for each colour the room holds
    field = model.field(cells0, instr, present=blocks > 0)  # absent colours' fields: zero, not computed
    logits = model(x_t, t, cells0, instr, teacher_moves=moves, field=field)
    present = blocks[:, None].expand_as(moves).reshape(-1)  # [B * (T-1) * O]
    ce = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), moves.reshape(-1), reduction="none")
    return (ce * present).sum() / present.sum().clamp(min=1)
