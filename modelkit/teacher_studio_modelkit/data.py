"""gen-data loading (format in the shared notes) and the word vocabulary shared by writer + teacher."""
import json
import os
import re

import numpy as np
import torch

PAD, UNK, BOS, EOS = "<pad>", "<unk>", "<bos>", "<eos>"
SPECIALS = [PAD, UNK, BOS, EOS]
TOKEN_PATTERN = r"[a-z0-9]+|[^\sa-z0-9]"  # lower-cased words and single punctuation marks
MAX_INSTRUCTION = 40  # instruction tokens fed to writer and reasoner (truncated / padded)
MAX_QUERY = 24  # tokens per query fed to the answerer
MAX_PLAN = 96  # tokens of the writer's output text "goal: ... | process: ..."
MAX_QUERIES = 4  # query slots per tto_step / vqa call (1 goal + up to 3 process)


def tokenize(text):
    return re.findall(TOKEN_PATTERN, text.lower())


def detokenize(tokens):
    text = " ".join(tokens)
    return re.sub(r" ([?.,!;:)'])", r"\1", text)


class Vocabulary:
    def __init__(self, words):
        self.words = list(words)
        self.index = {w: i for i, w in enumerate(self.words)}

    @classmethod
    def build(cls, texts, min_count=1):
        counts = {}
        for t in texts:
            for w in tokenize(t):
                counts[w] = counts.get(w, 0) + 1
        words = sorted(w for w, c in counts.items() if c >= min_count)
        return cls(SPECIALS + words)

    def encode(self, text, length, bos=False, eos=False):
        ids = [self.index.get(w, 1) for w in tokenize(text)]
        ids = ([2] if bos else []) + ids + ([3] if eos else [])
        ids = ids[:length]
        return ids + [0] * (length - len(ids))

    def decode(self, ids):
        words = []
        for i in ids:
            if i == 3:
                break
            if i > 3:
                words.append(self.words[i])
        return detokenize(words)

    def __len__(self):
        return len(self.words)

    def to_json(self):
        return {"schema": 1, "tokenPattern": TOKEN_PATTERN, "lowercase": True,
                "specials": {"pad": 0, "unk": 1, "bos": 2, "eos": 3}, "words": self.words}


def plan_text(queries_by_kind):
    """The writer's target: 'goal: <q> | process: <q> | process: <q>'."""
    goal = [q for k, q in queries_by_kind if k == "goal"]
    proc = [q for k, q in queries_by_kind if k == "process"]
    return " | ".join([f"goal: {q}" for q in goal] + [f"process: {q}" for q in proc])


def parse_plan(text):
    """Inverse of plan_text on decoded text -> list of (kind, query)."""
    out = []
    for part in text.split("|"):
        part = part.strip()
        for kind in ("goal", "process"):
            if part.startswith(kind + ":"):
                q = part[len(kind) + 1:].strip()
                if q:
                    out.append((kind, q))
    return out


class SuiteData:
    """One gen-data directory in memory."""

    def __init__(self, root):
        self.root = root
        with open(os.path.join(root, "index.json")) as f:
            self.index = json.load(f)
        self.frames = np.load(os.path.join(root, "frames.npy"), mmap_mode="r")
        self.cells = np.load(os.path.join(root, "cells.npy"))
        self.sprites = np.load(os.path.join(root, "sprites.npy"))
        self.instances = self.index["instances"]
        self.rules = {r["id"]: r for r in self.index["rules"]}
        self.geometry = self.index["geometry"]
        self.appearances = self.index["appearances"]

    def select(self, pred):
        return [k for k, inst in enumerate(self.instances) if pred(inst)]

    def rule_queries(self, inst):
        return [(self.rules[r]["kind"], self.rules[r]["query"]) for r in inst["rules"]]


def render_cells(cells, sprites):
    """cells uint8/long [..., C, C] -> uint8 frames [..., C*P, C*P, 3] (copy sprites)."""
    cells = np.asarray(cells)
    P = sprites.shape[1]
    img = sprites[cells]  # [..., C, C, P, P, 3]
    nd = cells.ndim
    perm = list(range(nd - 2)) + [nd - 2, nd, nd - 1, nd + 1, nd + 2]
    img = img.transpose(perm)
    C = cells.shape[-1]
    return img.reshape(cells.shape[:-2] + (C * P, C * P, 3))


def static_appearances(cells, n_appearances):
    """Appearance ids that never change where they sit in frame 0 (walls, void, goals...)."""
    first = cells[:, :1]
    changed = (cells != first)  # [N, T, C, C]
    moved = np.zeros(n_appearances, bool)
    present = np.zeros(n_appearances, bool)
    ids = first[:, 0]
    ch = changed.any(1)
    for a in range(n_appearances):
        m = ids == a
        present[a] = m.any()
        moved[a] = (ch & m).any()
    return [a for a in range(n_appearances) if present[a] and not moved[a]]


def to_tensor(x, dtype=torch.long):
    return torch.as_tensor(np.asarray(x), dtype=dtype)
