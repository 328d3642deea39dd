"""Measurements on the held-out split: base success per rule, best-of-N (teacher-picked and oracle),
answerer balanced accuracy per rule, writer rule-set accuracy, and batched helpers they share."""
import numpy as np
import torch

from .data import MAX_INSTRUCTION, MAX_QUERIES, MAX_QUERY, parse_plan
from .rules import success
from .tto import optimize, query_weights

CHUNK = 32  # tasks per forward batch


class TaskBatch:
    """The inputs of a set of suite tasks: first-frame cells, instruction, the family's canonical
    queries (goal first) and their weights."""

    def __init__(self, data, vocab, idx):
        self.idx = list(idx)
        insts = [data.instances[i] for i in self.idx]
        C = data.cells.shape[-1]
        self.families = [i["family"] for i in insts]
        self.cells0 = torch.from_numpy(data.cells[self.idx, 0].reshape(len(self.idx), C * C).astype(np.int64))
        self.instr = torch.tensor([vocab.encode(i["instruction"], MAX_INSTRUCTION) for i in insts])
        self.rules, q, w = [], [], []
        for inst in insts:
            ids = sorted(inst["rules"], key=lambda r: data.rules[r]["kind"] != "goal")[:MAX_QUERIES]
            self.rules.append(ids)
            enc = [vocab.encode(data.rules[r]["query"], MAX_QUERY, bos=True) for r in ids]
            q.append(enc + [[0] * MAX_QUERY] * (MAX_QUERIES - len(enc)))
            w.append(query_weights([data.rules[r]["kind"] for r in ids]))
        self.queries, self.weights = torch.tensor(q), torch.stack(w)
        self.gt_cells = data.cells[self.idx].reshape(len(self.idx), data.cells.shape[1], C * C)

    def __len__(self):
        return len(self.idx)

    def sub(self, sl):
        """The tasks of the slice sl."""
        return self.take(range(len(self))[sl])

    def take(self, rows):
        """The tasks at the positions rows (a list of ints), in that order."""
        b = TaskBatch.__new__(TaskBatch)
        for k, v in self.__dict__.items():
            b.__dict__[k] = [v[i] for i in rows] if isinstance(v, list) else v[list(rows)]
        return b


def noise_for(reasoner, task_ids, sample_seed):
    """z1 per (task, sample seed): deterministic, so base / best-of-N / TTO share noises. sample_seed: one seed for
    every task, or a seed per task (aligned with task_ids: a run from the noise the teacher picked)."""
    seeds = np.broadcast_to(np.asarray(sample_seed), (len(task_ids),))
    return torch.cat([reasoner.noise(1_000_003 * int(s) + int(t)) for s, t in zip(seeds, task_ids)])


@torch.no_grad()
def sample_cells(reasoner, tb, sample_seed, lora=None):
    out = []
    for s in range(0, len(tb), CHUNK):
        b = tb.sub(slice(s, s + CHUNK))
        z1 = noise_for(reasoner, b.idx, sample_seed)
        out.append(reasoner.hard_cells(reasoner.sample_logits(z1, b.cells0, b.instr, lora), b.cells0))
    return torch.cat(out)


@torch.no_grad()
def one_step_previews(reasoner, tb, sample_seed):
    frames, cells = [], []
    for s in range(0, len(tb), CHUNK):
        b = tb.sub(slice(s, s + CHUNK))
        logits = reasoner.one_step_logits(noise_for(reasoner, b.idx, sample_seed), b.cells0, b.instr)
        frames.append(reasoner.surrogate_frames(logits, b.cells0).to(torch.float16))
        cells.append(reasoner.hard_cells(logits, b.cells0))
    return torch.cat(frames), torch.cat(cells)


def optimize_tasks(reasoner, answerer, tb, judges=None, sample_seed=0, progress=None, **settings):
    """tto.optimize over every task of tb, CHUNK tasks at a time, from the noise of sample_seed (the
    base sample's for 0; or a seed per task of tb). With judges, also the success curve per step budget. progress(done, total)
    after each chunk. Returns final_cells, stop_step, confident, checks, losses (per task, the teacher's loss on
    the preview at each step its chunk ran: chunks that stop early run fewer) and, with judges, curve [n, steps + 1]."""
    parts = []
    for s in range(0, len(tb), CHUNK):
        b = tb.sub(slice(s, s + CHUNK))
        jf = None if judges is None else (
            lambda cells, b=b: successes(judges, b.families, cells))
        seed = sample_seed if np.ndim(sample_seed) == 0 else sample_seed[s:s + CHUNK]
        parts.append(optimize(reasoner, answerer, noise_for(reasoner, b.idx, seed), b.cells0, b.instr,
                              b.queries, b.weights, judge_fn=jf, **settings))
        if progress is not None:
            progress(s + len(b.idx), len(tb))
    out = {k: torch.cat([p[k] for p in parts]) for k in ("final_cells", "stop_step", "confident", "checks")}
    out["losses"] = [row for p in parts for row in p["losses"]]
    if judges is not None:
        out["curve"] = np.concatenate([p["curve"] for p in parts])
    return out


@torch.no_grad()
def teacher_probs(answerer, frames, queries):
    """frames [B, T, H, W, 3] (any float dtype, 0-255); queries [B, Q, Lq] -> P(Yes) [B, Q]."""
    out = []
    for s in range(0, len(frames), CHUNK):
        out.append(torch.sigmoid(answerer(frames[s:s + CHUNK].float(), queries[s:s + CHUNK])))
    return torch.cat(out)


def judge_all(judges, families, cells):
    cells = cells.numpy() if torch.is_tensor(cells) else cells
    return [judges[f](c) for f, c in zip(families, cells)]


def successes(judges, families, cells):
    """1 where the evaluator passes every rule of the video, else 0: [B] int array."""
    return np.array([success(l) for l in judge_all(judges, families, cells)])


def rule_table(labels_list):
    """Mean of each rule's verdict and of full success."""
    rules = sorted({r for l in labels_list for r in l})
    t = {r: float(np.mean([l[r] for l in labels_list if r in l])) for r in rules}
    t["success"] = float(np.mean([success(l) for l in labels_list]))
    return t


def balanced_accuracy(probs, labels_list, rules_list, threshold=0.5):
    """Per rule: mean of the true-positive and true-negative rates (a class that is absent is
    reported as None and the rule's value is the one rate that exists)."""
    per = {}
    for p, labels, rules in zip(probs, labels_list, rules_list):
        for q, r in enumerate(rules):
            per.setdefault(r, []).append((float(p[q]) >= threshold, labels[r]))
    out = {}
    for r, xs in per.items():
        xs = np.array(xs, dtype=int)
        pos, neg = xs[xs[:, 1] == 1], xs[xs[:, 1] == 0]
        tpr = float(pos[:, 0].mean()) if len(pos) else None
        tnr = float(1 - neg[:, 0].mean()) if len(neg) else None
        vals = [v for v in (tpr, tnr) if v is not None]
        out[r] = {"balanced": float(np.mean(vals)), "tpr": tpr, "tnr": tnr, "n_yes": int(len(pos)),
                  "n_no": int(len(neg))}
    return out


def writer_rule_set_accuracy(writer, vocab, data, idx):
    """Fraction of instructions whose decoded plan names exactly the family's canonical queries."""
    insts = [data.instances[i] for i in idx]
    instr = torch.tensor([vocab.encode(i["instruction"], MAX_INSTRUCTION) for i in insts])
    outs = torch.cat([writer.greedy(instr[s:s + 64]) for s in range(0, len(instr), 64)])
    ok, examples = 0, []
    for inst, ids in zip(insts, outs.tolist()):
        text = vocab.decode(ids)
        got = sorted(parse_plan(text))
        want = sorted((data.rules[r]["kind"], vocab.decode(vocab.encode(data.rules[r]["query"], 64)))
                      for r in inst["rules"])
        ok += int(got == want)
        if len(examples) < 3:
            examples.append({"instruction": inst["instruction"], "plan": text})
    return ok / max(len(insts), 1), examples
