"""The reasoner: few-step rectified flow over the agent's moves, rendered at the cell level.

Latent: for each of the T-1 transitions a D-dim code of the move (stay, up, down, left, right);
clean code x0 = E[move] (E fixed, random, unit variance). x_t = (1 - t) x0 + t z1.
Network (translation-equivariant and recurrent, so that nothing in it is tied to a grid size or a
path length): the first frame's cells without the agent, plus the instruction, go through two
local-attention blocks (each cell attends to itself and its four neighbours) iterated ITERATIONS
times with shared weights, so information travels 2 * ITERATIONS cells; a head reads per-cell move
logits from the result (a learned "which way from here" field). The moves are then rolled out in
time: the agent's position distribution at frame f picks the field's logits there, a small MLP
mixes them with the noisy latent x_t[f] and the flow time t into move logits f, and the position
is propagated through those moves (in training: through the ground-truth moves). x0_hat =
softmax(logits) @ E, velocity u = (x_t - x0_hat) / t.
Frames are built by construction: the background is frame 0 without the agent (walls, goal and
every static cell copied), the agent is placed where its moves lead, so every frame holds exactly
one agent and moves are at most one cell; staying off walls and reaching the goal are learned.
Surrogate decoder: the agent's position distribution propagated through the soft moves, rendered
as a soft sprite mix (p * agent sprite + (1 - p) * background sprite per cell). Full decoder: argmax
moves -> hard cells -> sprite copy, identical to the task-suite renderer.
Coins (collect): up to MAX_COINS coin cells of the first frame get a slot each (in cell order); a
coin disappears once the agent has stood on it. Its presence is tracked through the rollout (soft:
c <- c * (1 - P(agent on the coin)), hard: 0 once visited), the background of every frame shows the
coins still there, and the field is computed for each of the 2^MAX_COINS "which coins remain"
backgrounds and mixed by the probability of each (so the policy can head for the next coin, then the
exit). Families without coins see eight identical backgrounds.
LoRA slots: q and v projections of both local-attention blocks (shared by every iteration)."""
import math

import numpy as np
import torch
import torch.nn as nn

from .layers import LocalBlock, frame_to_cells, one_hot, patches_to_frames

D_MODEL = 48  # width of the cell field
HEADS = 4  # attention heads
BLOCKS = 2  # local-attention blocks, weights shared across iterations
ITERATIONS = 8  # each iteration runs every block once: 16 cells of reach
MIX = 64  # width of the per-frame mixing MLP (field logits + latent + time -> move logits)
LATENT = 8  # per-transition latent code size
MOVES = ((0, 0), (-1, 0), (1, 0), (0, -1), (0, 1))  # stay, up, down, left, right
LORA_RANK = 4  # LoRA rank of every slot
LORA_A_STD = 0.1  # LoRA A init std (B is zero, so a fresh LoRA leaves the reasoner unchanged)
SAMPLER_STEPS = 4  # Euler steps of the full sampler, t = 1 -> 0
SURROGATE_TEMP = 1.0  # softmax temperature of the surrogate's moves
MAX_COINS = 3  # coin slots (collect); further coins would be drawn as static cells
SUBSETS = 2 ** MAX_COINS  # "which coins remain" backgrounds the field is computed for


def neighbour(i, k, cells):
    """The cell MOVES[k] away from cell i on a cells x cells canvas, or None off the canvas."""
    r, c = divmod(i, cells)
    r2, c2 = r + MOVES[k][0], c + MOVES[k][1]
    return r2 * cells + c2 if 0 <= r2 < cells and 0 <= c2 < cells else None


def neighbour_gather(cells):
    """[len(MOVES), N, N + 1] one-hot: row i of slice k picks the cell MOVES[k] away from i, or the
    pad column N when that cell is outside the canvas."""
    N = cells * cells
    g = torch.zeros(len(MOVES), N, N + 1)
    for k in range(len(MOVES)):
        for i in range(N):
            j = neighbour(i, k, cells)
            g[k, i, N if j is None else j] = 1.0
    return g


def shift_matrices(cells):
    """[len(MOVES), N, N] one-hot: p @ shift[k] moves a position distribution p by MOVES[k] (a
    move off the canvas stays put)."""
    N = cells * cells
    shift = torch.zeros(len(MOVES), N, N)
    for k in range(len(MOVES)):
        for i in range(N):
            j = neighbour(i, k, cells)
            shift[k, i, i if j is None else j] = 1.0
    return shift


def lora_specs():
    """[(name, shape)] of the LoRA slots in graph order: q and v of both local-attention blocks,
    per block q_A q_B v_A v_B."""
    d, r, out = D_MODEL, LORA_RANK, []
    for i in range(BLOCKS):
        for proj in ("q", "v"):
            out += [(f"lora.block{i}.{proj}.A", (r, d)), (f"lora.block{i}.{proj}.B", (d, r))]
    return out


def lora_init(seed=0, specs=None):
    """A fresh LoRA for specs (default: lora_specs()): A small random, B zero (so it leaves the
    reasoner unchanged)."""
    g = torch.Generator().manual_seed(seed)
    return tuple(torch.randn(s, generator=g) * LORA_A_STD if n.endswith(".A") else torch.zeros(s)
                 for n, s in (lora_specs() if specs is None else specs))


def repeat_lora(lora, B, n):
    """One LoRA per task ([B, ...] tensors) repeated for each of the task's n field inputs
    ([B * n, ...]); a shared LoRA (or None) is returned as it is."""
    if lora is None or lora[0].dim() != 3:
        return lora
    return tuple(w[:, None].expand(B, n, *w.shape[1:]).reshape(B * n, *w.shape[1:]) for w in lora)


def run_field(net, cells, instr, lora=None, emb=None):
    """Per-cell move logits [B, C*C, MOVES] of a field network (a Reasoner or ObjectsReasoner: cell
    and word embeddings, local-attention blocks iterated net.iterations times, a head) on cells
    [B, C*C] and instructions [B, L]. emb [B, C*C, D_MODEL]: cell embeddings to use instead of
    net.cell(cells) (a soft mix of appearances)."""
    wmask = (instr > 0).to(torch.float32)
    wmean = (net.words(instr) * wmask[..., None]).sum(1) / wmask.sum(1, keepdim=True).clamp(min=1)
    h = (net.cell(cells) if emb is None else emb) + net.instr(wmean)[:, None]
    for _ in range(net.iterations):
        for i, blk in enumerate(net.blocks):
            h = blk(h, None if lora is None else lora[4 * i:4 * i + 4])
    return net.field_head(net.ln(h))


def time_features(t, dtype):
    """Sinusoidal features [B, 16] of the flow time t [B]."""
    freqs = torch.exp(torch.arange(8, dtype=dtype) * -math.log(100.0) / 8)
    ang = t[:, None] * freqs * 50.0
    return torch.cat([ang.sin(), ang.cos()], -1)


class CellFlow:
    """What every reasoner (this agent one, objects.py, bars.py, connect.py) shares around its own
    forward: the latent codes and sprites, the local-attention field and its LoRA slots, the clean
    latent from choice logits, the few-step sampler, the sprite-copy decoder and the reading of a first
    frame into cells. Mixed into an nn.Module that sets C and px."""

    def add_codes_and_sprites(self, K, n_appearances, px):
        """codes [K, LATENT]: the latent code of each choice (fixed, seeded), and sprites [A, px*px*3]
        (copied from the data set's after construction)."""
        g = torch.Generator().manual_seed(1234)
        self.register_buffer("codes", torch.randn(K, LATENT, generator=g))
        self.register_buffer("sprites", torch.zeros(n_appearances, px * px * 3))

    def add_field(self, n_cell_kinds, vocab_size, cells, field_out):
        """The local-attention field every reasoner runs on a first frame, made in this order (one seed,
        the same initial weights): cell and word embeddings, the instruction's projection, BLOCKS
        local-attention blocks (where the LoRA slots are), a LayerNorm, the field head (field_out per
        cell) and the flow time's projection."""
        d = D_MODEL
        self.cell = nn.Embedding(n_cell_kinds, d)
        self.words = nn.Embedding(vocab_size, d)
        self.instr = nn.Linear(d, d)
        gather = neighbour_gather(cells)
        self.blocks = nn.ModuleList(LocalBlock(d, HEADS, gather) for _ in range(BLOCKS))
        self.ln = nn.LayerNorm(d)
        self.field_head = nn.Linear(d, field_out)
        self.time = nn.Linear(16, MIX)

    # ---- LoRA slots: q and v of both local-attention blocks ----------------------------------
    def lora_specs(self):
        return lora_specs()

    def lora_init(self, seed=0):
        return lora_init(seed)

    def x0_hat(self, logits):
        return torch.softmax(logits, -1) @ self.codes

    def euler_logits(self, z1, denoise, steps=SAMPLER_STEPS):
        """Euler steps t = 1 -> 0 from the fixed noise z1, denoise(x_t, t [B]) -> logits; the last
        step's logits."""
        x, B = z1, z1.shape[0]
        for i in range(steps):
            t, t_next = 1.0 - i / steps, 1.0 - (i + 1) / steps
            logits = denoise(x, torch.full((B,), t, dtype=z1.dtype))
            x0 = self.x0_hat(logits)
            x = x0 + (t_next / t) * (x - x0)
        return logits

    def render(self, cells):
        """Full decoder: sprite copy. cells [..., C*C] long -> float frames [..., H, W, 3]."""
        return patches_to_frames(self.sprites[cells], self.C, self.px)

    def encode_first_frame(self, frame):
        """Nearest-sprite cells of the first frame float [H, W, 3] -> [C*C] long."""
        return frame_to_cells(frame, self.sprites, self.C, self.px)


class Reasoner(CellFlow, nn.Module):
    def __init__(self, n_appearances, vocab_size, agent_id, floor_id, cells=10, frames=12, px=8,
                 iterations=ITERATIONS, coin_id=-1):
        super().__init__()
        self.A, self.C, self.T, self.px = n_appearances, cells, frames, px
        self.iterations = iterations  # fewer only in tests of the export machinery (same weights)
        self.agent_id, self.floor_id, self.coin_id = int(agent_id), int(floor_id), int(coin_id)
        # bit k of subset s: coin slot k is still there
        self.register_buffer("subsets", torch.tensor([[(s >> k) & 1 for k in range(MAX_COINS)]
                                                      for s in range(SUBSETS)], dtype=torch.float32), persistent=False)
        K = len(MOVES)
        self.add_codes_and_sprites(K, n_appearances, px)
        self.register_buffer("shift", shift_matrices(cells))
        self.add_field(n_appearances, vocab_size, cells, K)
        self.mix = nn.Sequential(nn.Linear(K + LATENT + MIX, MIX), nn.GELU(), nn.Linear(MIX, K))

    # ---- network ----------------------------------------------------------------------------
    def fields(self, cells0, instr, lora=None):
        """Per-cell move logits [B, SUBSETS, C*C, MOVES], one field per "which coins remain"
        background (the first frame without the agent), given the instruction."""
        B, N = cells0.shape
        _, background = self._start_and_background(cells0)
        slots = self._coin_slots(cells0)  # [B, MAX_COINS, N]
        gone = ((1 - self.subsets)[None] @ slots) > 0.5  # [B, SUBSETS, N]: coin cells not in the subset
        bgs = torch.where(gone, torch.full_like(gone, self.floor_id, dtype=torch.long), background[:, None])
        lora = repeat_lora(lora, B, SUBSETS)  # one LoRA per task: the same for its subsets
        instr_s = instr[:, None].expand(B, SUBSETS, instr.shape[1]).reshape(B * SUBSETS, -1)
        return self.field(bgs.reshape(B * SUBSETS, N), instr_s, lora).reshape(B, SUBSETS, N, len(MOVES))

    def field(self, background, instr, lora=None):
        """Per-cell move logits [B, C*C, MOVES] of backgrounds [B, C*C] (no agent) and instructions."""
        return run_field(self, background, instr, lora)

    def subset_probs(self, coins):
        """P(exactly the coins of subset s remain) [B, SUBSETS] from per-slot presence [B, MAX_COINS]
        (slots independent)."""
        c = coins[:, None]
        term = self.subsets * c + (1 - self.subsets) * (1 - c)  # [B, SUBSETS, MAX_COINS]
        out = term[..., 0]
        for k in range(1, MAX_COINS):  # explicit products: prod's gradient divides by the factors
            out = out * term[..., k]
        return out

    def forward(self, x_t, t, cells0, instr, lora=None, teacher_moves=None, fields=None, frame_fields=None, hard=False):
        """x_t [B, T-1, LATENT], t [B], cells0 [B, C*C] long, instr [B, L] long -> move logits
        [B, T-1, MOVES]. teacher_moves [B, T-1] (training): propagate the position through the
        ground-truth moves instead of the predicted ones. fields: self.fields(cells0, instr, lora)
        when the caller already has them (they do not depend on x_t or t); frame_fields
        [B, T-1, C*C, MOVES] (training): the field each frame reads, already picked. hard: propagate it
        through each frame's most likely move (the blocks sampler's rollout; the package's sampler still
        rolls by the move probabilities: results/sampler_rollout_gridworld.md)."""
        if fields is None and frame_fields is None:
            fields = self.fields(cells0, instr, lora)
        temb = self.time(time_features(t, x_t.dtype))
        p, _ = self._start_and_background(cells0)
        slots = self._coin_slots(cells0)
        coins = slots.sum(-1)  # [B, MAX_COINS] presence of each slot's coin
        out = []
        for f in range(x_t.shape[1]):
            if frame_fields is not None:
                field = frame_fields[:, f]
            else:
                field = (self.subset_probs(coins)[:, :, None, None] * fields).sum(1)
            here = (p[:, :, None] * field).sum(1)  # the field's logits where the agent is
            logits = here + self.mix(torch.cat([here, x_t[:, f], temb], -1))
            out.append(logits)
            if teacher_moves is not None:
                probs = one_hot(teacher_moves[:, f], len(MOVES))
            else:
                probs = one_hot(logits.argmax(-1), len(MOVES)) if hard else torch.softmax(logits, -1)
            p = sum(probs[:, k:k + 1] * (p @ self.shift[k]) for k in range(len(MOVES)))
            coins = coins * (1 - (slots @ p[:, :, None])[..., 0])
        return torch.stack(out, 1)

    def sample_logits(self, z1, cells0, instr, lora=None, steps=SAMPLER_STEPS, hard=False):
        """Full few-step sampler from fixed noise z1; returns the last step's move logits (hard: forward's)."""
        fields = self.fields(cells0, instr, lora)  # the same at every step
        return self.euler_logits(z1, lambda x, t: self.forward(x, t, cells0, instr, lora, fields=fields, hard=hard), steps)

    def one_step_logits(self, z1, cells0, instr, lora=None):
        """The teacher's view: clean prediction from t = 1 in one step."""
        return self.forward(z1, torch.ones(z1.shape[0], dtype=z1.dtype), cells0, instr, lora)

    # ---- decoders ---------------------------------------------------------------------------
    def _start_and_background(self, cells0):
        is_agent = (cells0 == self.agent_id).to(torch.float32)  # [B, N]
        start = is_agent / is_agent.sum(-1, keepdim=True).clamp(min=1)
        background = torch.where(cells0 == self.agent_id, torch.full_like(cells0, self.floor_id), cells0)
        return start, background

    def _coin_slots(self, cells0):
        """[B, MAX_COINS, N] one-hot: slot k marks the (k+1)-th coin cell of the first frame."""
        is_coin = (cells0 == self.coin_id).to(torch.float32)
        rank = torch.cumsum(is_coin, -1) * is_coin
        return torch.stack([is_coin * (rank == k + 1).to(torch.float32) for k in range(MAX_COINS)], 1)

    def positions(self, move_probs, cells0):
        """Agent position distribution per frame [B, T, N], frame 0 included."""
        p, _ = self._start_and_background(cells0)
        out = [p]
        for f in range(move_probs.shape[1]):
            p = sum(move_probs[:, f, k:k + 1] * (p @ self.shift[k]) for k in range(len(MOVES)))
            out.append(p)
        return torch.stack(out, 1)

    def coin_maps(self, positions, cells0):
        """Per frame and cell, the presence of a coin still to be picked up [B, T, N]: a slot's coin
        stays until the agent has stood on it (soft positions give soft presence)."""
        slots = self._coin_slots(cells0)  # [B, K, N]
        visit = positions @ slots.transpose(1, 2)  # [B, T, K]: P(agent on slot k's coin at frame t)
        coins, out = slots.sum(-1), []
        for f in range(positions.shape[1]):
            coins = coins * (1 - visit[:, f])
            out.append(coins)
        return torch.stack(out, 1) @ slots  # [B, T, N]

    def _backgrounds(self, p, cells0):
        """Background appearance mix per frame [B, T, N, S] pixels: the first frame without the
        agent, coins faded out by their presence."""
        _, bg = self._start_and_background(cells0)
        slotted = self._coin_slots(cells0).sum(1) > 0.5  # coins beyond MAX_COINS stay as drawn
        plain = torch.where(slotted, torch.full_like(bg, self.floor_id), bg)
        plain_px = (one_hot(plain, self.A) @ self.sprites)[:, None]  # [B, 1, N, S]
        if self.coin_id < 0:
            return plain_px
        c = self.coin_maps(p, cells0)[..., None]
        return plain_px + c * (self.sprites[self.coin_id] - self.sprites[self.floor_id])

    def surrogate_frames(self, logits, cells0):
        """Soft frames [B, T, H, W, 3] (0-255): p * agent sprite + (1 - p) * background sprite,
        where a coin's sprite fades into floor as the agent picks it up."""
        p = self.positions(torch.softmax(logits / SURROGATE_TEMP, -1), cells0)  # [B, T, N]
        bg_px = self._backgrounds(p, cells0)
        patches = p[..., None] * self.sprites[self.agent_id] + (1 - p[..., None]) * bg_px
        return patches_to_frames(patches, self.C, self.px)

    def hard_cells(self, logits, cells0):
        """argmax moves -> cells of every frame [B, T, C*C] long (frame 0 = cells0)."""
        moves = one_hot(logits.argmax(-1), len(MOVES))
        p = self.positions(moves, cells0)  # one-hot positions
        _, bg = self._start_and_background(cells0)
        bg = bg[:, None].expand_as(p)
        if self.coin_id >= 0:
            slotted = (self._coin_slots(cells0).sum(1) > 0.5)[:, None]  # coins beyond MAX_COINS stay
            picked = (self.coin_maps(p, cells0) < 0.5) & slotted
            bg = torch.where(picked, torch.full_like(bg, self.floor_id), bg)
        has = p > 0.5
        cells = torch.where(has, torch.full_like(has, self.agent_id, dtype=torch.long), bg)
        return torch.cat([cells0[:, None], cells[:, 1:]], 1)

    def noise(self, seed, batch=1):
        g = torch.Generator().manual_seed(int(seed))
        return torch.randn(batch, self.T - 1, LATENT, generator=g)


def reasoner_on(cls, data, vocab_size, *ids, **kw):
    """cls(appearances, vocab_size, *ids, the canvas, frames and cell size of gen-data set `data`, **kw)
    with the data set's sprites: a reasoner of any family for that data."""
    g, A = data.geometry, len(data.appearances)
    r = cls(A, vocab_size, *ids, g["canvasCells"], g["frames"], g["cellPx"], **kw)
    r.sprites.copy_(torch.from_numpy(np.asarray(data.sprites).reshape(A, -1).astype(np.float32)))
    return r


def moves_from_cells(cells, agent_id, canvas):
    """Ground-truth moves [B, T-1] from cells [B, T, N] (one agent per frame, steps <= 1)."""
    pos = (cells == agent_id).float().argmax(-1)  # [B, T]
    dr = pos[:, 1:] // canvas - pos[:, :-1] // canvas
    dc = pos[:, 1:] % canvas - pos[:, :-1] % canvas
    moves = torch.zeros_like(dr)
    for k, (a, b) in enumerate(MOVES):
        moves[(dr == a) & (dc == b)] = k
    return moves


def frame_fields_of(model, moves, cells0, instr):
    """The field each frame reads when the agent follows moves [B, T-1] exactly: the ground truth's
    "which coins remain" subset per frame, computed once per distinct (task, subset) pair (a task
    without coins has one), so training pays for the subsets it visits, not all SUBSETS."""
    B, N = cells0.shape
    p = model.positions(one_hot(moves, len(MOVES)), cells0)[:, :-1]  # position before each move
    slots = model._coin_slots(cells0)
    present = slots.sum(-1)  # [B, K]
    visited = torch.cummax(p @ slots.transpose(1, 2), 1).values  # [B, T-1, K]
    state = present[:, None] * (1 - visited)  # coins still there when frame f's move is chosen
    code = (state * (2 ** torch.arange(MAX_COINS, dtype=torch.float32))).sum(-1).long()  # subset index
    key = torch.arange(B)[:, None] * SUBSETS + code
    uniq, inv = torch.unique(key, return_inverse=True)
    b, s = uniq // SUBSETS, uniq % SUBSETS
    _, background = model._start_and_background(cells0)
    gone = ((1 - model.subsets[s])[:, None, :] @ slots[b])[:, 0] > 0.5  # [U, N]
    bgs = torch.where(gone, torch.full_like(gone, model.floor_id, dtype=torch.long), background[b])
    return model.field(bgs, instr[b])[inv]  # [B, T-1, N, MOVES]


def noised_latents(codes, choices):
    """A flow-matching training input: the choices' codes x0 carried toward fresh noise z1 to a random
    time t per task, a quarter of the batch at t = 1 (pure noise, where sampling starts), the rest at
    least 0.02: (x_t, t [B])."""
    x0 = codes[choices]
    z1 = torch.randn_like(x0)
    B = choices.shape[0]
    t = torch.rand(B)
    t = torch.where(torch.rand(B) < 0.25, torch.ones_like(t), t.clamp(min=0.02))
    tb = t.reshape(B, *[1] * (x0.dim() - 1))
    return (1 - tb) * x0 + tb * z1, t


def flow_training_loss(model, moves, cells0, instr):
    """Cross-entropy of the move logits at random t (a quarter of the batch at t = 1)."""
    x_t, t = noised_latents(model.codes, moves)
    logits = model(x_t, t, cells0, instr, teacher_moves=moves,
                   frame_fields=frame_fields_of(model, moves, cells0, instr))
    return torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), moves.reshape(-1))
