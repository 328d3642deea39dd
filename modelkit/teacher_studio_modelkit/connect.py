"""A reasoner for the suite's connect family: for each colour pair a pen draws a path, one cell a frame.

The agent reasoner's design (reasoner.py) with a pen per colour pair in place of the agent.
Pairs: the two dots of each colour in the first frame (DOT_COLOURS order, the suite's drawing
order); a pair's pen starts on its first dot in cell order and heads for the other (the target).
Latent: for each of the T-1 transitions a LATENT-dim code of one move (stay, up, down, left, right)
of the pen drawing at that frame; x_t = (1 - t) x0 + t z1.
State per pair: the pen's position distribution q (the mass still drawing; q_0 = its first dot).
At each frame the first pair whose pen has not arrived draws: its q moves by the frame's move,
every cell it enters is painted in the pair's path colour (dots never are), and mass that enters a
cell next to its target has arrived and leaves q. So every frame adds at most one cell, attached
to the pen's last cell; a pair starts once the pairs before it have arrived, and the video holds
still once every pair has: order and stopping hold by construction, the route is learned.
Network: for each pair the agent reasoner's field (iterated local-attention blocks, where the LoRA
slots are; a head reads per-cell move logits) runs on the first frame seen from that pair: its
target drawn as the first colour's dot, its own first dot as floor, every other dot and the paths
of the pairs before it as walls. So the field only ever sees what training showed it (one pair of
the first colour) and a pair of an unseen colour is drawn as the first is. The pen's move logits
are the field's where the pen is, mixed with the noisy latent and the flow time by a small MLP (the
agent reasoner's). A frame's move distribution mixes the pairs' by the probability that each is
the one drawing (and "stay" once all have arrived); the decoders replay the pens from it.
Surrogate decoder: each pair's paint (the probability that its pen has entered a cell) blends the
path sprite over the first frame's; full decoder: argmax moves -> hard paint -> cells."""
import torch
import torch.nn as nn

from .layers import one_hot, patches_to_frames
from .reasoner import (ITERATIONS, LATENT, MIX, MOVES, SAMPLER_STEPS, CellFlow, noised_latents, run_field, shift_matrices,
                       time_features)
from .rules import DOT_COLOURS

STAY = 0  # MOVES[0]
EPS = 1e-6


def adjacency(cells):
    """[N, N] float: 1 where two cells are 4-neighbours on a cells x cells canvas."""
    shift = shift_matrices(cells)[1:]  # the four moves (a move off the canvas stays put: the diagonal)
    return (shift.sum(0) * (1 - torch.eye(cells * cells))).clamp(max=1)


class ConnectReasoner(CellFlow, nn.Module):
    def __init__(self, n_appearances, vocab_size, dot_ids, path_ids, wall_id, floor_id, cells=10, frames=12, px=8,
                 iterations=ITERATIONS):
        super().__init__()
        self.A, self.C, self.T, self.px = n_appearances, cells, frames, px
        self.iterations = iterations
        self.register_buffer("dot_ids", torch.tensor(dot_ids, dtype=torch.long), persistent=False)
        self.register_buffer("path_ids", torch.tensor(path_ids, dtype=torch.long), persistent=False)
        self.dot_list, self.path_list = [int(i) for i in dot_ids], [int(i) for i in path_ids]  # trace-time constants
        self.wall_id, self.floor_id = int(wall_id), int(floor_id)
        K = len(MOVES)
        self.add_codes_and_sprites(K, n_appearances, px)
        self.register_buffer("shift", shift_matrices(cells))
        self.register_buffer("adj", adjacency(cells), persistent=False)
        self.add_field(n_appearances, vocab_size, cells, K)
        self.mix = nn.Sequential(nn.Linear(K + LATENT + MIX, MIX), nn.GELU(), nn.Linear(MIX, K))

    # ---- first-frame reading ----------------------------------------------------------------
    def pairs(self, cells0):
        """start, target [B, P, N] one-hot (each colour's first and second dot in cell order) and
        present [B, P] (both dots there)."""
        is_dot = (cells0[:, None, :] == self.dot_ids[None, :, None]).to(self.codes.dtype)
        rank = torch.cumsum(is_dot, -1) * is_dot
        start, target = is_dot * (rank == 1), is_dot * (rank == 2)
        return start, target, start.sum(-1) * target.sum(-1)

    def backgrounds(self, cells0):
        """[B, P, N] long: the first frame seen from each pair (its target as the first colour's dot,
        its first dot as floor, every other dot as a wall)."""
        start, target, _ = self.pairs(cells0)
        is_dot = (cells0[..., None] == self.dot_ids).any(-1)
        base = torch.where(is_dot, torch.full_like(cells0, self.wall_id), cells0)
        bg = base[:, None].expand(-1, len(DOT_COLOURS), -1)
        bg = torch.where(target > 0.5, torch.full_like(bg, self.dot_list[0]), bg)
        return torch.where(start > 0.5, torch.full_like(bg, self.floor_id), bg)

    def field(self, background, instr, lora=None, blocked=None):
        """Per-cell move logits [B, N, MOVES] on a pair's background [B, N]; blocked [B, N] in [0, 1]:
        cells drawn as walls with that weight (the paths of the pairs before it)."""
        emb = self.cell(background)
        if blocked is not None:
            emb = emb + blocked[..., None] * (self.cell.weight[self.wall_id] - emb)
        return run_field(self, None, instr, lora, emb=emb)

    def _reading(self, cells0, dtype):
        """What the pens need of the first frame: each pair's first dot [B, P, N], whether the pair is
        there [B, P], the cells next to its target [B, P, N], and the cells a pen may paint (not a dot)."""
        start, target, present = self.pairs(cells0)
        drawable = 1 - (cells0[..., None] == self.dot_ids).any(-1).to(dtype)
        return start, present, target @ self.adj, drawable

    # ---- the pens -----------------------------------------------------------------------------
    def _pen_step(self, q, probs, gate, near):
        """One frame of a pen: q [B, N] moves by probs [B, MOVES] with probability gate [B] (the
        pairs before it have arrived). Returns (q still drawing, mass entering each cell [B, N])."""
        moved = sum(probs[:, m:m + 1] * (q @ self.shift[m]) for m in range(len(MOVES)))
        entered = gate[:, None] * moved
        q = entered + (1 - gate[:, None]) * q
        return q - q * near, entered

    def replay(self, move_probs, cells0):
        """Each pair's paint per frame [B, T, P, N] (frame 0 included: none) when the drawing pen
        moves by move_probs [B, T-1, MOVES] (the frames' move distributions)."""
        start, present, near, drawable = self._reading(cells0, move_probs.dtype)
        B, N = cells0.shape
        q = start * present[..., None]
        keep = torch.ones(B, len(DOT_COLOURS), N, dtype=move_probs.dtype)
        out = [1 - keep]
        for f in range(move_probs.shape[1]):
            gate, qs, ks = torch.ones(B, dtype=move_probs.dtype), [], []
            for k in range(len(DOT_COLOURS)):
                mass = q[:, k].sum(-1)  # before this frame's move: the next pair waits for it
                qk, entered = self._pen_step(q[:, k], move_probs[:, f], gate, near[:, k])
                gate = gate * (1 - mass)
                qs.append(qk)
                ks.append(keep[:, k] * (1 - entered * drawable))
            q, keep = torch.stack(qs, 1), torch.stack(ks, 1)
            out.append(1 - keep)
        return torch.stack(out, 1)

    # ---- network ----------------------------------------------------------------------------
    def forward(self, x_t, t, cells0, instr, lora=None, teacher_moves=None, hard=False, first_field=None, forced=None):
        """x_t [B, T-1, LATENT], t [B] -> log move probabilities [B, T-1, MOVES] of the pen drawing
        at each frame (stay once every pen has arrived). teacher_moves [B, T-1] (training): the pens
        follow the ground-truth moves; hard (the full sampler): each frame's most likely move.
        first_field: the first pair's field when the caller has it (it does not depend on x_t or t;
        the later pairs' fields do, through the paths drawn before them). forced [B, T-1] long (with
        hard): where not -1, the pen drawing at that frame makes this move instead of its most likely
        one, and the pens go on from where it took them (near_miss_cells)."""
        B, N = cells0.shape
        start, present, near, drawable = self._reading(cells0, x_t.dtype)
        bgs = self.backgrounds(cells0)
        temb = self.time(time_features(t, x_t.dtype))
        T1, K = x_t.shape[1], len(MOVES)
        gates = torch.ones(B, T1, dtype=x_t.dtype)  # every pair before this one has arrived, per frame
        frame_probs = torch.zeros(B, T1, K, dtype=x_t.dtype)
        blocked = None
        for k in range(len(DOT_COLOURS)):
            if self.training and not bool(present[:, k].any()):  # training has one pair: skip the field
                continue
            field = first_field if k == 0 and first_field is not None else self.field(bgs[:, k], instr, lora, blocked)
            q, keep, next_gates, probs_k = start[:, k] * present[:, k, None], torch.ones(B, N, dtype=x_t.dtype), [], []
            for f in range(T1):
                mass = q.sum(-1)
                here = ((q / mass.clamp(min=EPS)[:, None])[..., None] * field).sum(1)
                logits = here + self.mix(torch.cat([here, x_t[:, f], temb], -1))
                probs = torch.softmax(logits, -1)
                probs_k.append(gates[:, f, None] * mass[:, None] * probs)
                if teacher_moves is not None:
                    probs = one_hot(teacher_moves[:, f], K)
                elif hard:
                    move = logits.argmax(-1)
                    if forced is not None:
                        move = torch.where(forced[:, f] >= 0, forced[:, f], move)
                    probs = one_hot(move, K)
                q, entered = self._pen_step(q, probs, gates[:, f], near[:, k])
                keep = keep * (1 - entered * drawable)
                next_gates.append(gates[:, f] * (1 - mass))  # mass before this frame's move
            frame_probs = frame_probs + torch.stack(probs_k, 1)
            gates = torch.stack(next_gates, 1)
            painted = 1 - keep
            blocked = painted if blocked is None else 1 - (1 - blocked) * (1 - painted)
        frame_probs = frame_probs + gates[..., None] * one_hot(torch.zeros(B, T1, dtype=torch.long), K)
        return torch.log(frame_probs + EPS)

    def sample_logits(self, z1, cells0, instr, lora=None, steps=SAMPLER_STEPS):
        """Full few-step sampler from fixed noise z1 [B, T-1, LATENT]; the last step's logits. The
        pens follow each frame's most likely move, as the full decoder does."""
        first = self.field(self.backgrounds(cells0)[:, 0], instr, lora)  # the same at every step
        return self.euler_logits(z1, lambda x, t: self.forward(x, t, cells0, instr, lora, hard=True, first_field=first),
                                 steps)

    def near_miss_cells(self, z1, cells0, instr, forced, steps=SAMPLER_STEPS):
        """The full sampler's video [B, T, N] with the moves forced [B, T-1] (-1: free) made instead of the
        pens' most likely ones, the pens replanning from where each forced move took them: a reasoner sample
        that goes wrong in a few moves, as an optimized one can (near_misses.py)."""
        first = self.field(self.backgrounds(cells0)[:, 0], instr)
        logits = self.euler_logits(z1, lambda x, t: self.forward(x, t, cells0, instr, hard=True, first_field=first,
                                                                  forced=forced), steps)
        moves = torch.where(forced >= 0, forced, logits.argmax(-1))
        return self.hard_cells(one_hot(moves, len(MOVES)), cells0)

    def one_step_logits(self, z1, cells0, instr, lora=None):
        return self.forward(z1, torch.ones(z1.shape[0], dtype=z1.dtype), cells0, instr, lora)

    # ---- decoders ---------------------------------------------------------------------------
    def _paint_frames(self, paint, cells0):
        """Patches [B, T, N, S]: each pair's path sprite blended over the first frame by its paint."""
        patches = self.sprites[cells0][:, None].expand(-1, paint.shape[1], -1, -1)
        for k in range(len(DOT_COLOURS)):
            patches = patches + paint[:, :, k, :, None] * (self.sprites[self.path_list[k]] - patches)
        return patches

    def surrogate_frames(self, logits, cells0):
        """Soft frames [B, T, H, W, 3]: every pair's paint blended over the first frame."""
        paint = self.replay(torch.softmax(logits, -1), cells0)
        return patches_to_frames(self._paint_frames(paint, cells0), self.C, self.px)

    def hard_cells(self, logits, cells0):
        """argmax moves -> cells of every frame [B, T, N] long (frame 0 = cells0)."""
        paint = self.replay(one_hot(logits.argmax(-1), len(MOVES)), cells0) > 0.5  # [B, T, P, N]
        cells = cells0[:, None].expand(-1, paint.shape[1], -1)
        for k in range(len(DOT_COLOURS)):
            cells = torch.where(paint[:, :, k], torch.full_like(cells, self.path_list[k]), cells)
        return cells

    def noise(self, seed, batch=1):
        g = torch.Generator().manual_seed(int(seed))
        return torch.randn(batch, self.T - 1, LATENT, generator=g)


def connect_ids(ids):
    """(dot ids, path ids) per colour of DOT_COLOURS, from the suite's name -> id map."""
    return [ids[f"dot-{c}"] for c in DOT_COLOURS], [ids[f"path-{c}"] for c in DOT_COLOURS]


def moves_from_cells(cells, dot_ids, path_ids, canvas):
    """Ground-truth pen moves [B, T-1] from videos [B, T, N]: pair by pair in DOT_COLOURS order,
    from the pair's first dot in cell order along its path in the last frame to the path's cell
    next to the other dot, one move a frame, then stay. (The suite draws each path from a random
    one of its dots; drawn from the other end it is as right, and it is the video the pens make.)"""
    cells = torch.as_tensor(cells).numpy()
    B, T, _ = cells.shape
    out = torch.zeros(B, T - 1, dtype=torch.long)
    step = {(dr, dc): m for m, (dr, dc) in enumerate(MOVES)}
    for b in range(B):
        first, last, f = cells[b, 0], cells[b, -1], 0
        for dot, path in zip(dot_ids, path_ids):
            dots = [int(i) for i in (first == dot).nonzero()[0]]
            if len(dots) != 2:
                continue
            cur, target = dots
            todo = {int(i) for i in (last == path).nonzero()[0]}
            while abs(cur // canvas - target // canvas) + abs(cur % canvas - target % canvas) > 1:
                nxt = [n for n in todo if abs(n // canvas - cur // canvas) + abs(n % canvas - cur % canvas) == 1]
                if len(nxt) != 1 or f >= T - 1:
                    raise ValueError(f"video {b}: the {len(dots)} dots' path does not run as one line from cell {cur}")
                out[b, f] = step[(nxt[0] // canvas - cur // canvas, nxt[0] % canvas - cur % canvas)]
                todo.discard(nxt[0])
                cur, f = nxt[0], f + 1
    return out


def connect_flow_loss(model, moves, cells0, instr):
    """Cross-entropy of the move logits at random t (a quarter of the batch at t = 1)."""
    x_t, t = noised_latents(model.codes, moves)
    logits = model(x_t, t, cells0, instr, teacher_moves=moves)
    return torch.nn.functional.nll_loss(logits.reshape(-1, logits.shape[-1]), moves.reshape(-1))
