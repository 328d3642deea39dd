"""Rule-based evaluators on cell grids, a Python port of the task suite's frame-only judges (checked
for agreement with gen-data's labels in tests/test_rules.py). Factories return judge functions:
judge(cells [T, C*C] int) -> {ruleId: 0|1}. Frames are read into cells by nearest sprite."""
import numpy as np

UNKNOWN = 255  # a cell that matches no sprite within tolerance
TOLERANCE = 48.0  # mean absolute RGB difference under which a cell reads as a sprite


def cells_from_frames(frames, sprites):
    """frames [..., H, W, 3] -> appearance ids [..., C*C] (UNKNOWN where nothing matches)."""
    if np.ndim(frames) == 5 and len(frames) > 16:
        return np.concatenate([cells_from_frames(frames[i:i + 16], sprites) for i in range(0, len(frames), 16)])
    f = np.asarray(frames, dtype=np.float32)
    A, P = sprites.shape[0], sprites.shape[1]
    C = f.shape[-2] // P
    lead = f.shape[:-3]
    p = f.reshape(*lead, C, P, C, P, 3)
    nd = len(lead)
    p = p.transpose(list(range(nd)) + [nd, nd + 2, nd + 1, nd + 3, nd + 4]).reshape(*lead, C * C, P * P * 3)
    s = sprites.reshape(A, -1).astype(np.float32)
    dist = np.stack([np.abs(p - s[a]).mean(-1) for a in range(A)], -1)  # [..., N, A]
    ids = dist.argmin(-1)
    ids[dist.min(-1) > TOLERANCE] = UNKNOWN
    return ids


def read_agent(cells, ids, canvas):
    """The single red agent's reading (the suite's readAgent): agent cells per frame, exactly one
    agent everywhere, never on a first-frame wall, at most one cell per frame."""
    agent = ids["agent"]
    agents = [np.flatnonzero(f == agent) for f in cells]
    one = all(len(a) == 1 for a in agents) and not (cells == ids["agent-bent"]).any() and not (cells == UNKNOWN).any()
    off_walls = all((cells[0][a] != ids["wall"]).all() for a in agents)
    step = True
    for t in range(1, len(cells)):
        if len(agents[t - 1]) == 1 and len(agents[t]) == 1:
            a, b = agents[t - 1][0], agents[t][0]
            if abs(a // canvas - b // canvas) + abs(a % canvas - b % canvas) > 1:
                step = False
    return agents, one, off_walls, step


def make_maze_judge(ids, canvas):
    def judge(cells):
        cells = np.asarray(cells)
        agents, one, off_walls, step = read_agent(cells, ids, canvas)
        goals = np.flatnonzero(cells[0] == ids["goal"])
        last = agents[-1]
        reach = len(goals) == 1 and len(last) == 1 and last[0] == goals[0]
        return {"maze.reach_goal": int(reach), "maze.one_agent": int(one),
                "maze.no_wall": int(off_walls), "maze.step": int(step)}

    return judge


def make_collect_judge(ids, canvas):
    coin = ids["coin"]

    def judge(cells):
        cells = np.asarray(cells)
        agents, one, off_walls, step = read_agent(cells, ids, canvas)
        exits = np.flatnonzero(cells[0] == ids["exit"])
        coins = np.flatnonzero(cells[0] == coin)
        last = agents[-1]
        done = len(exits) == 1 and not (cells[-1] == coin).any() and len(last) == 1 and last[0] == exits[0]
        # no coin appears where there was none; each coin stays until the agent stands on it, then
        # never comes back
        kept = not np.isin(np.flatnonzero((cells == coin).any(0)), coins, invert=True).any()
        for c in coins:
            gone = np.flatnonzero(cells[:, c] != coin)
            if not len(gone):
                continue
            g = gone[0]
            if cells[g, c] != ids["agent"] or (cells[g + 1:, c] == coin).any():
                kept = False
        return {"collect.done": int(done), "collect.one_agent": int(one),
                "collect.legal_move": int(off_walls and step), "collect.coins_kept": int(kept)}

    return judge


JUDGES = {"maze": make_maze_judge, "collect": make_collect_judge}


def make_judges(appearances, canvas):
    ids = {a["name"]: a["id"] for a in appearances}
    return {fam: f(ids, canvas) for fam, f in JUDGES.items()}


def score(labels):
    return float(np.mean(list(labels.values()))) if labels else 0.0


def success(labels):
    """A video succeeds when every rule holds (goal and all process rules)."""
    return int(all(v == 1 for v in labels.values()))
