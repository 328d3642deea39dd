"""Rule-based evaluators on cell grids, a Python port of the task suite's frame-only judges (checked
for agreement with gen-data's labels in tests/test_rules.py and, for fall and push, in
tests/test_objects.py). Factories return judge functions: judge(cells [T, C*C] int) ->
{ruleId: 0|1}. Frames are read into cells by nearest sprite."""
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


OBJECT_COLOURS = ("blue", "orange", "purple")  # the suite's coloured blocks (one of each at most)


def read_objects(cells, ids):
    """The suite's readObjects: per colour, the cells of its block (or placed block) per frame; the
    colours present in frame 0; intact (every frame shows exactly one block per first-frame colour,
    none of another colour, no cross, nothing unreadable); off_walls (no block ever on a cell that is
    a wall in frame 0)."""
    shown = [[np.flatnonzero((f == ids[f"object-{c}"]) | (f == ids[f"placed-{c}"])) for f in cells]
             for c in OBJECT_COLOURS]
    colours = [k for k in range(len(OBJECT_COLOURS)) if len(shown[k][0])]
    bent = np.isin(cells, [ids[f"object-bent-{c}"] for c in OBJECT_COLOURS]).any()
    intact = bool(colours) and not bent and not (cells == UNKNOWN).any() and all(
        len(shown[k][t]) == (1 if k in colours else 0) for k in range(len(OBJECT_COLOURS)) for t in range(len(cells)))
    off_walls = all((cells[0][c] != ids["wall"]).all() for per_frame in shown for c in per_frame)
    return shown, colours, intact, off_walls


def every_move(shown, colours, ok):
    """For every colour, consecutive frames that each show it once: ok(from, to) holds."""
    for k in colours:
        track = shown[k]
        for t in range(1, len(track)):
            if len(track[t - 1]) == 1 and len(track[t]) == 1 and not ok(track[t - 1][0], track[t][0]):
                return False
    return True


def make_fall_judge(ids, canvas):
    below_stops = {ids["void"], ids["wall"]}
    blocks = {ids[f"object-{c}"] for c in OBJECT_COLOURS}

    def judge(cells):
        cells = np.asarray(cells)
        shown, colours, intact, off_walls = read_objects(cells, ids)
        last = cells[-1]

        def rests(k):
            at = shown[k][-1]
            if len(at) != 1:
                return False
            below = at[0] + canvas
            return at[0] // canvas == canvas - 1 or last[below] in below_stops or last[below] in blocks

        rest = bool(colours) and all(rests(k) for k in colours)
        straight = off_walls and every_move(shown, colours, lambda a, b: a % canvas == b % canvas and b - a in (0, canvas))
        return {"fall.rest": int(rest), "fall.intact": int(intact), "fall.straight": int(straight)}

    return judge


def make_push_judge(ids, canvas):
    def judge(cells):
        cells = np.asarray(cells)
        shown, colours, intact, off_walls = read_objects(cells, ids)
        first, last = cells[0], cells[-1]

        def on_target(k):
            c = OBJECT_COLOURS[k]
            outline = np.flatnonzero((first == ids[f"target-{c}"]) | (first == ids[f"placed-{c}"]))
            at = shown[k][-1]
            return len(outline) == 1 and len(at) == 1 and at[0] == outline[0] and last[outline[0]] == ids[f"placed-{c}"]

        step = every_move(shown, colours, lambda a, b: abs(a // canvas - b // canvas) + abs(a % canvas - b % canvas) <= 1)
        return {"push.on_target": int(bool(colours) and all(on_target(k) for k in colours)),
                "push.intact": int(intact), "push.no_wall": int(off_walls), "push.step": int(step)}

    return judge


BAR_COLOURS = ("coral", "gold", "lime", "sky", "violet")  # the suite's sort bars (one of each at most)


def read_bars(frame, bar_ids, canvas, ground):
    """The suite's readBars on one frame [C*C]: (col, id, height) of every column holding bar cells,
    and whether each is well formed (one colour, contiguous, standing on the ground row, nothing
    unreadable in the frame)."""
    grid = np.asarray(frame).reshape(canvas, canvas)
    bars, well = [], not (grid == UNKNOWN).any()
    for col in range(canvas):
        rows = [r for r in range(canvas) if grid[r, col] in bar_ids]
        if not rows:
            continue
        ids = {int(grid[r, col]) for r in rows}
        if len(ids) > 1 or rows[-1] - rows[0] != len(rows) - 1 or rows[-1] != ground:
            well = False
        bars.append((col, int(grid[rows[-1], col]), len(rows)))
    return bars, well


def make_sort_judge(ids, canvas):
    bar_ids = {ids[f"bar-{c}"] for c in BAR_COLOURS}

    def judge(cells):
        cells = np.asarray(cells)
        rows = [i // canvas for i in np.flatnonzero(np.isin(cells[0], list(bar_ids)))]
        ground = max(rows) if rows else -1
        readings = [read_bars(f, bar_ids, canvas, ground) for f in cells]
        key = lambda bars: sorted((b[1], b[2]) for b in bars)
        first = key(readings[0][0])
        intact = ground >= 0 and all(well and key(bars) == first and len({b[1] for b in bars}) == len(bars)
                                     for bars, well in readings)
        last, last_well = readings[-1]
        ascending = ground >= 0 and last_well and len(last) == len(readings[0][0]) and len(last) >= 2 and \
            all(last[i][2] > last[i - 1][2] for i in range(1, len(last)))
        swap = True
        for t in range(1, len(readings)):
            for col, bid, _ in readings[t][0]:
                now = [b for b in readings[t][0] if b[1] == bid]
                before = [b for b in readings[t - 1][0] if b[1] == bid]
                if len(now) == 1 and len(before) == 1 and abs(now[0][0] - before[0][0]) > 1:
                    swap = False
        return {"sort.ascending": int(ascending), "sort.intact": int(intact), "sort.swap": int(swap)}

    return judge


DOT_COLOURS = ("teal", "magenta")  # the suite's connect pairs, in drawing order


def grid_neighbours(i, canvas):
    """The 4-neighbours of cell i on a canvas x canvas grid (the suite's neighbours)."""
    r, c = divmod(int(i), canvas)
    return [(r + dr) * canvas + c + dc for dr, dc in ((-1, 0), (1, 0), (0, -1), (0, 1))
            if 0 <= r + dr < canvas and 0 <= c + dc < canvas]


def reaches(a, b, open_cell, canvas):
    """Whether b is reachable from a through 4-neighbours for which open_cell(cell) holds."""
    seen, stack = {int(a)}, [int(a)]
    while stack:
        for n in grid_neighbours(stack.pop(), canvas):
            if n not in seen and open_cell(n):
                seen.add(n)
                stack.append(n)
    return int(b) in seen


def make_connect_judge(ids, canvas):
    dots = [ids[f"dot-{c}"] for c in DOT_COLOURS]
    paths = [ids[f"path-{c}"] for c in DOT_COLOURS]
    wall = ids["wall"]

    def judge(cells):
        cells = np.asarray(cells)
        first, last = cells[0], cells[-1]
        start = [np.flatnonzero(first == d).tolist() for d in dots]
        present = [k for k in range(len(dots)) if start[k]]
        intact = bool(present) and not (cells == UNKNOWN).any() and all(
            np.flatnonzero(f == d).tolist() == start[k] for f in cells for k, d in enumerate(dots))
        linked = bool(present) and all(
            len(start[k]) == 2 and reaches(start[k][0], start[k][1], lambda c: last[c] in (paths[k], dots[k]), canvas)
            for k in present)
        is_path = np.isin(cells, paths)
        no_wall = not (is_path & (first == wall)[None]).any()
        grow = True
        for t in range(1, len(cells)):
            before, now = cells[t - 1], cells[t]
            if (is_path[t - 1] & (now != before)).any():
                grow = False
            added = np.flatnonzero(is_path[t] & ~is_path[t - 1])
            if len(added) > 1:
                grow = False
            for i in added:
                k = paths.index(now[i])
                if not any(before[n] in (paths[k], dots[k]) for n in grid_neighbours(i, canvas)):
                    grow = False
        return {"connect.linked": int(linked), "connect.intact": int(intact), "connect.no_wall": int(no_wall),
                "connect.grow": int(grow)}

    return judge


JUDGES = {"maze": make_maze_judge, "collect": make_collect_judge, "fall": make_fall_judge, "push": make_push_judge,
          "sort": make_sort_judge, "connect": make_connect_judge}


def make_judges(appearances, canvas):
    ids = {a["name"]: a["id"] for a in appearances}
    return {fam: f(ids, canvas) for fam, f in JUDGES.items()}


def score(labels):
    return float(np.mean(list(labels.values()))) if labels else 0.0


def success(labels):
    """A video succeeds when every rule holds (goal and all process rules)."""
    return int(all(v == 1 for v in labels.values()))
