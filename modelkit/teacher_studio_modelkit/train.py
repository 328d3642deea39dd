"""Training loops. Each trains for a budget: a number of optimizer steps, or minutes of wall clock."""
import math
import os
import time
from dataclasses import dataclass

import numpy as np
import torch

from .reasoner import flow_training_loss

REASONER_LR = 2e-3  # AdamW peak learning rate (cosine over the budget)
REASONER_BATCH = 64  # tasks per step
WRITER_LR = 2e-3
WRITER_BATCH = 32
ANSWERER_LR = 1e-3
ANSWERER_BATCH = 16  # videos per step (every rule of the video's family is asked)
AUX_WEIGHT = 0.3  # weight of the answerer's per-cell appearance auxiliary loss
HUE_FRACTION = 0.5  # videos whose colours are turned, with hue (rotate_hue)
DELAY_FRACTION = 0.5  # share of the answerer's training videos started late (delay_in_time)
WEIGHT_DECAY = 0.01


@dataclass(frozen=True)
class Budget:
    """How long a training runs: `steps` optimizer steps, or `minutes` of wall clock (exactly one of
    them). The learning-rate schedule follows the budget's fraction spent. A step budget gives the
    same model on any machine, only sooner or later (same seed, same data); a minutes budget gives
    a machine that runs slower that day fewer steps, and a model whose learning rate decayed
    earlier (results/blocks_rebuild.md: 44 % fewer reasoner steps on a slow day, and much worse
    models). The packages built before step budgets keep their minutes, which their cards describe."""
    steps: int = None
    minutes: float = None

    def __post_init__(self):
        assert (self.steps is None) != (self.minutes is None), "a budget is steps or minutes"

    def spent(self, step, seconds):
        """How much of the budget is spent after `step` steps in `seconds`, in its own unit."""
        return step if self.steps is not None else seconds / 60

    @property
    def total(self):
        return self.steps if self.steps is not None else self.minutes

    def fraction(self, step, seconds):
        return self.spent(step, seconds) / self.total

    def to_json(self):
        """As the build records and results store it: minutes as a bare number (as before step
        budgets), steps as {"steps": n}."""
        return {"steps": self.steps} if self.steps is not None else self.minutes


def as_budget(b):
    """A Budget, or a number of minutes, or a stored budget (Budget.to_json) -> a Budget."""
    if isinstance(b, Budget):
        return b
    if isinstance(b, dict):
        return Budget(**b)
    return Budget(minutes=b)


def budget_text(b):
    """'650 steps' or '14 minutes' (from a Budget, a number of minutes or a stored budget)."""
    b = as_budget(b)
    return f"{b.steps:,} steps" if b.steps is not None else f"{b.minutes:g} minutes"


# the answerer's trainings after round 0 as the stored budgets name them, in words (others: their key)
TRAINING_NAMES = {"composites": "two-pair composites", "harden": "hardening", "harden again": "hardening"}


def answerer_chain_text(budgets):
    """The answerer's trainings in order, '5,200 steps + 720 steps hardening', from stored budgets (a build
    record's or a teacher result's, in the order they ran)."""
    return " + ".join([budget_text(budgets["answerer"])] + [f"{budget_text(b)} {TRAINING_NAMES.get(k, k)}"
                                                            for k, b in budgets.items() if k not in ("reasoner", "writer", "answerer")])


def budget_flag(b):
    """The experiment command line's option for this budget: '--steps 650' or '--minutes 14'."""
    b = as_budget(b)
    return f"--steps {b.steps}" if b.steps is not None else f"--minutes {b.minutes:g}"


def trained_text(res):
    """'615 steps in 14 minutes' from a reasoner's results (runs/NAME.json): the steps it trained and
    the minutes they took (results written before step budgets have only their minutes budget)."""
    return f"{res['train']['steps']} steps in {res['train'].get('minutes', res.get('minutes')):.0f} minutes"


def reasoner_budget(res):
    """The reasoner's budget from its results (before step budgets: 'minutes', a number)."""
    return as_budget(res["budget"] if "budget" in res else res["minutes"])


def stored_budgets(res):
    """The teacher's training budgets from its results (stored by Budget.to_json under "budgets"; results
    written before step budgets stored minutes under "minutes")."""
    return res["budgets"] if "budgets" in res else res["minutes"]


def teacher_budget_texts(res):
    """The teacher's training budgets in words ('5,200 steps', '3 minutes') from its results."""
    return {k: budget_text(b) for k, b in stored_budgets(res).items()}


def generator_file(model_path):
    """runs/NAME.pt -> runs/NAME_generator.pt: where a stage's cache keeps torch's generator state."""
    return os.path.splitext(model_path)[0] + "_generator.pt"


def keep_generator(model_path):
    """Stores the state torch's global generator is in now, as a stage's training left it, beside the
    stage's cached model (runs/NAME_generator.pt). The stage after it draws its model's random initial
    weights from that generator (the layers' default init), so a build that loads this stage from its
    cache puts it back (restore_generator) and draws the initial weights a fresh build draws: HF's
    Trainer keeps its checkpoints' generator states for the same reason."""
    torch.save(torch.get_rng_state(), generator_file(model_path))


def save_stage(model, path):
    """A trained stage's cache: the model's weights at path and the generator state its training left
    (keep_generator)."""
    torch.save(model.state_dict(), path)
    keep_generator(path)


def load_stage(model, path, log=print):
    """Loads a stage cached by save_stage into model, and puts the generator back where its training
    left it (restore_generator): the next stage then draws the initial weights a fresh build draws."""
    model.load_state_dict(torch.load(path))
    restore_generator(path, log)


def restore_generator(model_path, log=print):
    """Puts torch's global generator where the cached stage's training left it (keep_generator). A cache
    written before these files has none: the generator is left as it is, and the log says that the next
    stage's initial weights will differ from those a fresh build draws."""
    path = generator_file(model_path)
    if os.path.exists(path):
        torch.set_rng_state(torch.load(path))
    else:
        log(f"{os.path.basename(model_path)} is cached without its generator state ({os.path.basename(path)}):"
            " the next stage's random initial weights will differ from a fresh build's")


def _lr(peak, frac):
    warm = min(1.0, frac / 0.03)
    return peak * warm * 0.5 * (1 + math.cos(math.pi * min(frac, 1.0)))


def train_reasoner(model, moves, cells0, instr, budget, log=print, seed=0, save=None, loss_fn=flow_training_loss,
                   after_step=None):
    """moves [N, T-1] long (or [N, T-1, O] for the objects reasoner, with its loss_fn), cells0
    [N, C*C] long, instr [N, L] long; budget: a Budget or minutes; save(model) every 200 steps;
    after_step(model, step) after every optimizer step (it must not draw from torch's generator)."""
    budget = as_budget(budget)
    torch.manual_seed(seed)
    opt = torch.optim.AdamW(model.parameters(), REASONER_LR, weight_decay=WEIGHT_DECAY)
    model.train()
    start, step, ema = time.time(), 0, None
    while (frac := budget.fraction(step, time.time() - start)) < 1:
        for g in opt.param_groups:
            g["lr"] = _lr(REASONER_LR, frac)
        idx = torch.randint(0, len(moves), (REASONER_BATCH,))
        loss = loss_fn(model, moves[idx], cells0[idx], instr[idx])
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        ema = loss.item() if ema is None else 0.98 * ema + 0.02 * loss.item()
        step += 1
        if after_step is not None:
            after_step(model, step)
        if step % 100 == 0:
            log(f"reasoner step {step} loss {ema:.4f} ({time.time() - start:.0f}s)")
        if save is not None and step % 200 == 0:
            save(model)
    model.eval()
    return {"steps": step, "loss": ema, "minutes": round((time.time() - start) / 60, 3)}


def train_writer(model, instr, plans, budget, log=print, seed=0):
    """instr [N, Li] long; plans [N, Lp] long (BOS, tokens, EOS, pad); budget: a Budget or minutes."""
    budget = as_budget(budget)
    from .writer import WORD_DROPOUT
    torch.manual_seed(seed)
    opt = torch.optim.AdamW(model.parameters(), WRITER_LR, weight_decay=WEIGHT_DECAY)
    model.train()
    start, step = time.time(), 0
    while (frac := budget.fraction(step, time.time() - start)) < 1:
        for g in opt.param_groups:
            g["lr"] = _lr(WRITER_LR, frac)
        idx = torch.randint(0, len(instr), (WRITER_BATCH,))
        x, y = instr[idx].clone(), plans[idx]
        drop = (torch.rand(x.shape) < WORD_DROPOUT) & (x > 3)
        x[drop] = 1
        inp = y.clone()
        target = torch.cat([y[:, 1:], torch.zeros_like(y[:, :1])], 1)
        logits = model(x, inp)
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), target.reshape(-1),
                                                 ignore_index=0)
        opt.zero_grad()
        loss.backward()
        opt.step()
        step += 1
        if step % 100 == 0:
            log(f"writer step {step} loss {loss.item():.4f}")
    model.eval()
    return {"steps": step, "loss": loss.item(), "minutes": round((time.time() - start) / 60, 3)}


class AnswerSet:
    """Videos with per-rule labels for the answerer. frames float [N, T, H, W, 3] (0-255, uint8 or
    float16 storage), cells [N, T, C*C] (for the auxiliary head), queries [N, Q, Lq], labels [N, Q]
    (-1 = slot unused), rule ids [N, Q] (index into the rule list, -1 unused)."""

    def __init__(self):
        self.parts = []

    def add(self, frames, cells, queries, labels, rule_idx, source):
        self.parts.append((frames, cells, queries, labels, rule_idx, source))

    def copy(self):
        """Another AnswerSet of the same videos (the arrays are shared; adding to one does not add to the other)."""
        out = AnswerSet()
        out.parts = list(self.parts)
        return out

    def counts(self):
        """{source: videos}, in the order the sources were first added (a source added twice counts both)."""
        out = {}
        for p in self.parts:
            out[p[5]] = out.get(p[5], 0) + int(len(p[0]))
        return out

    def cat(self):
        f = [p[0] for p in self.parts]
        frames = np.concatenate([x.astype(np.float16) if x.dtype != np.float16 else x for x in f])
        return (frames, *(np.concatenate([p[k] for p in self.parts]) for k in (1, 2, 3, 4)),
                np.concatenate([np.full(len(p[0]), i) for i, p in enumerate(self.parts)]))


def balance_weights(labels, rule_idx, n_rules):
    """Per (rule, label) weights so every rule's yes and no carry equal total weight."""
    w = np.zeros(labels.shape, np.float32)
    for r in range(n_rules):
        for y in (0, 1):
            m = (rule_idx == r) & (labels == y)
            if m.sum():
                w[m] = 0.5 / m.sum()
    return w / w[w > 0].mean()


def shift_within_void(frames, cells, rng, px, void_id=0):
    """Translation augmentation: moves each video by whole cells inside the canvas, only as far as
    its void margin allows, so the cells that wrap around are void and the result is exactly the
    video of the same task drawn elsewhere. Lets the answerer see every canvas position (train
    grids are smaller than held-out ones). frames [B, T, H, W, 3], cells [B, T, C*C]."""
    frames, cells = frames.copy(), cells.copy()
    B, T, N = cells.shape
    C = int(round(N ** 0.5))
    for b in range(B):
        grid = (cells[b] != void_id).any(0).reshape(C, C)
        rows, cols = np.nonzero(grid.any(1))[0], np.nonzero(grid.any(0))[0]
        if not len(rows):
            continue
        dr = rng.integers(-rows[0], C - rows[-1])
        dc = rng.integers(-cols[0], C - cols[-1])
        frames[b] = np.roll(frames[b], (dr * px, dc * px), axis=(1, 2))
        cells[b] = np.roll(cells[b].reshape(T, C, C), (dr, dc), axis=(1, 2)).reshape(T, N)
    return frames, cells


def delay_in_time(frames, cells, rng, fraction=DELAY_FRACTION):
    """Temporal augmentation: a share of the videos start d frames late (frame 0 held d frames
    longer, the last d frames dropped, d uniform in 1..T-2), so what happened in the middle now
    happens in the last frame. Training tasks are short (the agent arrives early, then holds still)
    and the suite's corruptions avoid the last frame, so without it the answerer never sees a rule
    broken, or a goal or an exit reached, in the last frame, where the held-out split's long paths
    end. frames [B, T, H, W, 3], cells [B, T, C*C] -> (frames, cells, which videos were delayed:
    their labels must be judged again)."""
    frames, cells = frames.copy(), cells.copy()
    T = cells.shape[1]
    delayed = rng.random(len(cells)) < fraction
    for b in np.flatnonzero(delayed):
        d = rng.integers(1, T - 1)
        frames[b] = np.concatenate([np.repeat(frames[b][:1], d, 0), frames[b][:T - d]])
        cells[b] = np.concatenate([np.repeat(cells[b][:1], d, 0), cells[b][:T - d]])
    return frames, cells, delayed


def rotate_hue(frames, rng, fraction=HUE_FRACTION):
    """Colour augmentation: a share of the videos have their pixels turned by a random angle about
    the grey axis of RGB space (a hue rotation: greys stay grey, each colour keeps its brightness and
    chroma, the colours of a video stay apart), so the answerer learns rules of shape and place rather
    than of one hue, and a colour the train split never shows (connect's held-out magenta pair) is not
    a new input to it. Only for families whose rules never name a colour. frames float [B, T, H, W, 3]
    0-255 -> a rotated copy."""
    frames = frames.copy()
    for b in np.flatnonzero(rng.random(len(frames)) < fraction):
        frames[b] = turn_hue(frames[b], rng.uniform(0, 2 * np.pi))
    return frames


def turn_hue(rgb, angle):
    """rgb [..., 3] 0-255 turned by angle (radians) about the grey axis of RGB space (Rodrigues' rotation)."""
    k = np.array([[0, -1, 1], [1, 0, -1], [-1, 1, 0]]) / np.sqrt(3)  # cross product with the grey axis
    rot = np.cos(angle) * np.eye(3) + (1 - np.cos(angle)) / 3 * np.ones((3, 3)) + np.sin(angle) * k
    return np.clip(rgb @ rot.T.astype(np.float32), 0, 255)


def prefix_labels(relabel, cells, rule_idx):
    """The evaluator's verdict on every prefix of each video: [k, T, Q], at t the labels of cells[:, :t + 1] (frames 0
    to t; -1 for an unused slot). A process rule holds on a prefix until the frame that breaks it, and a goal holds at t
    when frame t reaches it, so these say where in the video each answer is decided (train_answerer's dense)."""
    return np.stack([relabel(cells[:, :t + 1], rule_idx) for t in range(cells.shape[1])], 1)


def bf16_supported():
    """Whether this CPU multiplies bfloat16 natively (AVX512-BF16 or AMX, through oneDNN)."""
    return torch.backends.mkldnn.is_available() and torch.ops.mkldnn._is_mkldnn_bf16_supported()


def train_answerer(model, data, n_rules, budget, log=print, seed=0, lr=ANSWERER_LR, relabel=None, hue=False,
                   choose=None, choose_every=3.0, bf16=False, dense=0.0):
    """relabel(cells [k, T, C*C], rule_idx [k, Q]) -> labels [k, Q] (the rule-based evaluators):
    with it, a share of the videos are delayed in time (delay_in_time) and judged again. hue: a share
    of the videos' colours turned (rotate_hue). choose(model in eval mode) -> a score (larger is
    better; answerer_validation.ValidationVideos): with it the model is scored every choose_every
    of the budget's unit (steps, or minutes: then the scoring counts in them) and at the end, and the
    best-scored snapshot is the one kept (the later one on a tie); the scores are returned as
    "checks". budget: a Budget or minutes. bf16: the forward pass under bfloat16 autocast (mixed
    precision: the weights, their gradients, the optimizer and the loss stay float32; 1.6 times fewer
    seconds a step for the blocks answerer on this CPU: bench/answerer_train_speed.py), where the CPU has native bfloat16 (bf16_supported; elsewhere
    float32, logged); the precision that ran is returned as "precision", the learning rate as "peak_lr". dense
    (with relabel): a training-only linear head reads each frame under each query (Answerer.answer's per_frame) and
    learns the evaluator's verdict on the video up to that frame (prefix_labels), with this weight: one label per
    frame instead of one per video, so a fault is pinned to the frame where it happens; the head is discarded."""
    budget = as_budget(budget)
    if bf16 and not bf16_supported():
        log("answerer: this CPU has no native bfloat16; training in float32")
        bf16 = False
    frames, cells, queries, labels, rule_idx, _ = data
    w = torch.from_numpy(balance_weights(labels, rule_idx, n_rules))
    torch.manual_seed(seed)
    assert not dense or relabel is not None, "dense supervision needs the evaluator (relabel)"
    head = torch.nn.Linear(model.read_ln.normalized_shape[0], 1) if dense else None
    opt = torch.optim.AdamW(list(model.parameters()) + (list(head.parameters()) if dense else []), lr,
                            weight_decay=WEIGHT_DECAY)
    model.train()
    # sample videos proportionally to their total balanced weight
    p = w.clamp(min=0).sum(1).numpy().astype(np.float64)
    p /= p.sum()
    rng = np.random.default_rng(seed)
    start, step, ema = time.time(), 0, None
    checks, best, next_check = [], None, choose_every

    def check():
        nonlocal best
        model.eval()
        score = choose(model)
        model.train()
        checks.append({"step": step, "minute": round((time.time() - start) / 60, 2), "score": score})
        log(f"answerer step {step}: validation score {score}")
        if best is None or score >= best[0]:
            best = (score, step, {k: v.detach().clone() for k, v in model.state_dict().items()})

    while (frac := budget.fraction(step, time.time() - start)) < 1:
        if choose is not None and budget.spent(step, time.time() - start) >= next_check:
            check()
            next_check += choose_every
        for g in opt.param_groups:
            g["lr"] = _lr(lr, frac)
        idx = rng.choice(len(frames), ANSWERER_BATCH, p=p)
        fr, cl = shift_within_void(frames[idx], cells[idx], rng, model.px)
        lab = labels[idx]
        if relabel is not None:
            fr, cl, delayed = delay_in_time(fr, cl, rng)
            if delayed.any():
                lab = lab.copy()
                lab[delayed] = relabel(cl[delayed], rule_idx[idx][delayed])
        fr = fr.astype(np.float32)
        if hue:
            fr = rotate_hue(fr, rng)
        fr = torch.from_numpy(fr)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            ft, h, evidence = model.encode_frames(fr)
            yes, per_frame = model.answer(ft, torch.from_numpy(queries[idx]).long(), evidence, per_frame=True)
            cell_logits = model.aux_cell(h)
            frame_logits = head(per_frame)[..., 0] if dense else None  # [B, Q, T]
        yes, cell_logits = yes.float(), cell_logits.float()
        lab = torch.from_numpy(lab).float()
        m = (lab >= 0).float()
        bce = torch.nn.functional.binary_cross_entropy_with_logits(yes, lab.clamp(min=0), reduction="none")
        loss = (bce * m).sum() / m.sum()
        aux = torch.nn.functional.cross_entropy(cell_logits.reshape(-1, model.A),
                                                torch.from_numpy(cl).long().reshape(-1))
        total = loss + AUX_WEIGHT * aux
        if dense:
            held = torch.from_numpy(prefix_labels(relabel, cl, rule_idx[idx])).float().transpose(1, 2)  # [B, Q, T]
            mf = (held >= 0).float()
            per = torch.nn.functional.binary_cross_entropy_with_logits(frame_logits.float(), held.clamp(min=0),
                                                                       reduction="none")
            total = total + dense * (per * mf).sum() / mf.sum()
        opt.zero_grad()
        total.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        ema = loss.item() if ema is None else 0.98 * ema + 0.02 * loss.item()
        step += 1
        if step % 100 == 0:
            log(f"answerer step {step} loss {ema:.4f} aux {aux.item():.3f} ({time.time() - start:.0f}s)")
    out = {"steps": step, "loss": ema, "minutes": round((time.time() - start) / 60, 3),
           "precision": "bfloat16 autocast" if bf16 else "float32", "peak_lr": lr}
    if choose is not None:
        check()
        model.load_state_dict(best[2])
        out |= {"checks": checks, "chosen_step": best[1]}
    model.eval()
    return out
