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
census=True adds two pieces of bookkeeping evidence per frame, each blind to how many things there
are and how tall they stand. The census change: the sum over cells of phi(sprite) (phi an MLP of
one cell's sprite embedding alone) minus the same sum on the first frame and on the previous frame;
zero for any rearrangement of those frames' cells, not zero when a cell's appearance is added or
lost (the sort family's "intact": every bar keeps its colour and height). The farthest origin: the
largest distance from a cell's picture to the nearest picture on it or its four neighbours a frame
earlier; zero when every cell's content came from at most one cell away, large when a bar jumps two
columns (sort's "swap"). Their max over frames (through a ReLU layer) adds a term to each query's
logit, weighted by a projection of the query. Without them the bars answerer learnt intact from the
gated count of 3-4 bars up to 6 cells tall and misread 5 bars up to 9 tall; with the census alone it
read intact right and swap wrong (modelkit/results/answerer_census_bars.md).
change=True adds to each cell's token how far its picture moved since a frame earlier (the mean
squared pixel difference), blind to hue (a turn about the grey axis keeps distances), so that "a
painted cell changed colour" (connect.grow's overwrite: the second pen painting over the first path)
and "two cells changed in one frame" are one layer away for every pair colour. Not the change since
the first frame as well: that one fires on every cell painted so far, and through the gated count an
answerer trained on one-pair videos of 2-8 painted cells said No to connect.intact on most held-out
videos with 6 or more (modelkit/results/answerer_change_crossings_connect.md, "Earlier configurations").
history=True adds to each cell's token the embedding of what the cell showed before its latest change
(before_change): its first picture until it changes, floor once a pen has painted it, the first pair's path once
the second pen has painted over that. The picture change and the cell a frame earlier show an overwrite in the one
frame it happens in; this shows it in every frame after, as the first frame shows a wall that a path crosses
(connect.no_wall, which near misses taught and grow's overwrites did not: results/near_misses_connect.md). Its
layer starts at zero, so an answerer given it computes what it did before until it trains.
strokes=True adds two pieces of evidence about drawn strokes (stroke_evidence), read like the census: each
video's largest value over frames and cells, a term on each query's logit weighted by a projection of the query (at
zero until it trains). A cell painted over: a cell that had changed from its first picture changes again to a third
one (connect.grow's overwrite). A stray stroke: a cell changing from its first picture to a colour that none of its
four neighbours showed a frame earlier (connect.grow's pen that jumps, or walks on from a cell painted over); colour
here is the direction of a cell's mean colour away from grey, so a dot and its pen's path are one colour, two pairs
60 degrees apart are two, and the colour augmentation's turns about the grey axis change nothing. A change counts
from STROKE_SURE of a full one, so the one-step previews' blended paint seldom does; so counted, both are zero on the
reasoner's samples and on the optimized videos that keep connect.grow, and one on every one that breaks it (validation
split, 2026-12-06: modelkit/results/answerer_strokes_connect.md).
strokes is in the connect package's recipe since 2026-12-06 (connect_package.PACKAGE: its answerer's last stage,
modelkit/results/answerer_strokes_connect.md); change and history are in none (modelkit/results/answerer_change_connect.md,
modelkit/results/near_misses_connect.md).
Training-only auxiliary head: the appearance id of every cell (perception)."""
import copy

import torch
import torch.nn as nn

from .layers import MLP, Block, LocalBlock, cell_patches, gather_neighbours
from .reasoner import MOVES, neighbour_gather

T_D_MODEL = 64  # width
T_HEADS = 4  # attention heads
T_EMBED = 32  # per-cell sprite embedding width
T_LOCAL = 1  # local-attention blocks per frame
T_TEMPORAL = 2  # temporal blocks over the frame tokens
CHANGE_GATE = 0.02  # a picture change this large (half the closest two of the suite's sprites) is a change (before_change)
CHANGE_SCALE = 8.0  # picture changes (mean squared pixel differences, 0.04-0.55 between the suite's sprites) to O(1)
STROKE_CHROMA = 0.1  # a cell's mean colour this far from grey (0-1 RGB; the pens' paths 0.2, floor and wall 0.02-0.07) is coloured
STROKE_COS = 0.8  # colours whose directions from grey agree this well are one colour (a dot and its path 0.99)
STROKE_SURE = 0.9  # stroke evidence counts from this much of a full change (the previews' blends mostly stay below)
VIEWS = 3 + 2 * (len(MOVES) - 1)  # now, a frame earlier, first frame; 4 neighbours now and earlier


def a_frame_earlier(x):
    """x [B, T, ...] -> each frame's predecessor (the first frame its own)."""
    return torch.cat([x[:, :1], x[:, :-1]], 1)


def mean_sq(a, b):
    """Mean squared difference over the last dim."""
    return ((a - b) ** 2).mean(-1)


def stroke_evidence(patches, gather):
    """Per-cell pixel patches [B, T, N, S] (0-1, S = px * px * 3), gather (neighbour_gather) -> [B, 2]: the
    largest over frames and cells of (a cell painted over, a stray stroke), each 0 below STROKE_SURE of a full
    change and 1 at a full one (Answerer strokes=True)."""
    prev, first = a_frame_earlier(patches), patches[:, :1]
    now = (mean_sq(patches, prev) / CHANGE_GATE).clamp(max=1.0)  # changes this frame
    away = (mean_sq(patches, first) / CHANGE_GATE).clamp(max=1.0)  # differs from its first picture now
    was = a_frame_earlier(away)  # and had a frame earlier
    painted_over = now * was * away
    B, T, N, S = patches.shape
    mean = patches.reshape(B, T, N, -1, 3).mean(-2)
    chroma = mean - mean.mean(-1, keepdim=True)
    size = chroma.norm(dim=-1, keepdim=True)
    coloured = (size / STROKE_CHROMA).clamp(max=1.0)
    unit = chroma / size.clamp(min=1e-6)
    hue = torch.cat([unit * coloured, torch.zeros_like(chroma[:, :, :1])], 2)  # off the canvas: grey
    near = gather_neighbours(gather[1:], a_frame_earlier(hue), dim=2).reshape(B, T, N, -1, 3)  # [B, T, N, 4, 3]
    near_size = near.norm(dim=-1)  # a neighbour's colouredness (its unit hue scaled by it)
    agree = (near * unit[:, :, :, None]).sum(-1) / near_size.clamp(min=1e-6)
    same = (near_size * ((agree - STROKE_COS) / (1 - STROKE_COS)).clamp(0.0, 1.0)).amax(-1)
    stray = now * (1 - was) * coloured[..., 0] * (1 - same)
    ev = torch.stack([painted_over.amax(-1), stray.amax(-1)], -1)  # [B, T, 2]
    return ((ev - STROKE_SURE) / (1 - STROKE_SURE)).clamp(min=0.0).amax(1)


def before_change(patches):
    """Per-cell pixel patches [B, T, N, S] (0-1) -> [B, T, N, S]: at each frame, what each cell showed before its
    latest change up to that frame (its own first picture while it has not changed). Soft: a change counts in
    proportion to its size up to CHANGE_GATE, so the one-step previews' blended paint moves it smoothly."""
    out = [patches[:, 0]]
    for t in range(1, patches.shape[1]):
        prev = patches[:, t - 1]
        gate = (((patches[:, t] - prev) ** 2).mean(-1, keepdim=True) / CHANGE_GATE).clamp(max=1.0)
        out.append(gate * prev + (1 - gate) * out[-1])
    return torch.stack(out, 1)


class Answerer(nn.Module):
    def __init__(self, n_appearances, vocab_size, cells=10, frames=12, px=8, max_query=24, census=False,
                 change=False, history=False, strokes=False):
        super().__init__()
        self.C, self.T, self.px, self.A = cells, frames, px, n_appearances
        self.census, self.change, self.history, self.strokes = census, change, history, strokes
        d, E, S = T_D_MODEL, T_EMBED, px * px * 3
        self.register_buffer("gather", neighbour_gather(cells), persistent=False)  # [5, N, N + 1]
        self.embed = nn.Linear(S, E)
        self.cell_in = nn.Linear(VIEWS * E, d)
        if change:
            self.change_in = nn.Linear(1, d)
        if history:
            self.before_in = nn.Linear(E, d)
            nn.init.zeros_(self.before_in.weight), nn.init.zeros_(self.before_in.bias)
        self.cell_mlp = MLP(d, 2)
        self.cell_ln = nn.LayerNorm(d)
        self.local = nn.ModuleList(LocalBlock(d, T_HEADS, neighbour_gather(cells)) for _ in range(T_LOCAL))
        self.gate = nn.Linear(d, d)
        self.pool = nn.Linear(2 * d, d)
        if census:
            self.census_phi = nn.Sequential(nn.Linear(E, d), nn.ReLU(), nn.Linear(d, d))
            self.census_read, self.census_query = nn.Linear(2 * d + 1, d), nn.Linear(d, d)
        if strokes:
            self.stroke_query = nn.Linear(d, 2)
            nn.init.zeros_(self.stroke_query.weight), nn.init.zeros_(self.stroke_query.bias)
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
        """frames float [B, T, H, W, 3] in 0-255 -> (frame tokens [B, T, d], cell tokens, evidence: (the census
        evidence [B, T, 2d + 1] or None: the census changes and the farthest origin; the stroke evidence [B, 2] or
        None))."""
        patches = cell_patches(frames / 255.0, self.C, self.px)
        e = self.embed(patches)  # [B, T, N, E]
        prev = a_frame_earlier(e)
        first = e[:, :1].expand_as(e)
        x = torch.cat([e, prev, first, self.neighbours(e), self.neighbours(prev)], -1)
        h = self.cell_in(x)
        if self.change:
            h = h + self.change_in(CHANGE_SCALE * self.picture_change(patches))
        if self.history:
            h = h + self.before_in(self.embed(before_change(patches)))
        h = h + self.cell_mlp(self.cell_ln(h))
        B, T, N, d = h.shape
        h = h.reshape(B * T, N, d)
        for blk in self.local:
            h = blk(h)
        h = h.reshape(B, T, N, d)
        count = torch.relu(self.gate(h)).sum(2) * (1.0 / self.C)  # gated sum over cells
        pooled = self.pool(torch.cat([h.amax(2), count], -1))
        census = None
        if self.census:
            census = torch.cat([*self.census_change(e), self.farthest_origin(patches)[..., None]], -1)
        strokes = None
        if self.strokes:
            with torch.autocast(patches.device.type, enabled=False):  # thresholds on small differences: float32
                strokes = stroke_evidence(patches.float(), self.gather)
        return pooled + self.frame(torch.arange(T, device=h.device)), h, (census, strokes)

    @staticmethod
    def picture_change(patches):
        """Per-cell pixel patches [B, T, N, S] (0-1) -> [B, T, N, 1]: each cell's mean squared pixel
        difference from itself a frame earlier (zero for the first frame)."""
        return ((patches - a_frame_earlier(patches)) ** 2).mean(-1, keepdim=True)

    def census_change(self, e):
        """Sprite embeddings e [B, T, N, E] -> per frame, the census of its cells (sum over cells of
        census_phi) minus the first frame's and minus the previous frame's, each [B, T, d]: zero when
        the cells are a rearrangement of those frames' cells."""
        tally = self.census_phi(e).sum(2) * (1.0 / self.C)
        return tally - tally[:, :1], tally - a_frame_earlier(tally)

    def farthest_origin(self, patches):
        """Per-cell pixel patches [B, T, N, S] -> per frame [B, T], the largest over cells of how far a
        cell's picture is from the nearest of the pictures a frame earlier on that cell and its four
        neighbours (mean squared pixel difference; zero for the first frame). Zero whenever every
        cell's content was on it or next to it a frame earlier; a bar that jumps two columns makes it
        large, however many bars there are and however tall they stand."""
        prev = a_frame_earlier(patches)
        pad = torch.full_like(prev[:, :, :1], 2.0)  # off the canvas: unlike any picture (pixels are 0-1)
        B, T, N, S = patches.shape
        near = gather_neighbours(self.gather, torch.cat([prev, pad], 2), dim=2).reshape(B, T, N, -1, S)
        return ((patches[:, :, :, None] - near) ** 2).mean(-1).amin(-1).amax(-1)

    def query_vectors(self, queries):
        """queries [B, Q, Lq] long -> one vector per query [B, Q, d] (mean of its word embeddings)."""
        keep = (queries > 0).to(torch.float32)[..., None]
        w = (self.words(queries) * keep).sum(2) / keep.sum(2).clamp(min=1.0)
        return w + self.query_mlp(self.query_ln(w))

    def answer(self, frame_tokens, queries, evidence=(None, None), per_frame=False):
        """frame_tokens [B, T, d]; queries [B, Q, Lq] long -> yes logits [B, Q]. The frames see each
        other in temporal blocks; the query then scales and shifts every frame token (FiLM), an MLP
        reads each frame under that query, and the answer is read from the max over frames (did it
        ever happen), the mean, and the last frame (where goals are decided); evidence (encode_frames': the census,
        the strokes) adds their query-weighted terms. per_frame (training): (yes logits, each frame
        read under each query [B, Q, T, d]), for train.train_answerer's dense supervision."""
        x = frame_tokens
        for blk in self.temporal:
            x = blk(x)
        q = self.query_vectors(queries)
        gamma, beta = self.film(q)[:, :, None].chunk(2, -1)  # [B, Q, 1, d]
        y = x[:, None] * (1 + gamma) + beta  # [B, Q, T, d]
        y = y + self.read_mlp(self.read_ln(y))
        yes = self.yes(self.ln(torch.cat([y.amax(2), y.mean(2), y[:, :, -1]], -1)))[..., 0]
        census, strokes = evidence
        if strokes is not None:
            yes = yes + (self.stroke_query(q) * strokes[:, None]).sum(-1)
        if census is not None:
            seen = torch.relu(self.census_read(census)).amax(1)  # [B, d]: the largest change, over frames
            yes = yes + (self.census_query(q) * seen[:, None]).sum(-1) * (1.0 / T_D_MODEL ** 0.5)
        return (yes, y) if per_frame else yes

    def forward(self, frames, queries):
        ft, _, evidence = self.encode_frames(frames)
        return self.answer(ft, queries, evidence)


def answerer_like(answerer, change=None, history=None, strokes=None):
    """A copy of answerer (its weights, eval mode), with the picture-change evidence, the picture before the last
    change and the stroke evidence as given (None: as answerer has them); a layer answerer lacks starts as a fresh
    Answerer's (before_in, stroke_query: at zero, so the copy computes what answerer does)."""
    change = answerer.change if change is None else change
    history = answerer.history if history is None else history
    strokes = answerer.strokes if strokes is None else strokes
    if (change, history, strokes) == (answerer.change, answerer.history, answerer.strokes):
        return copy.deepcopy(answerer).eval()
    other = Answerer(answerer.A, answerer.words.num_embeddings, answerer.C, answerer.T, answerer.px,
                     census=answerer.census, change=change, history=history, strokes=strokes)
    other.load_state_dict(answerer.state_dict(), strict=False)
    return other.eval()
