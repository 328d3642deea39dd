"""Which pair does the connect answerer read when it answers connect.linked? On the held-out
validation split's reasoner samples (4 noise seeds per task), the unfinished videos are grouped by
which pair the pen left unjoined, and each group is asked twice: as drawn, and with the two colours
swapped (teal dots and path painted magenta and the other way round: the same drawing, the other pair
unfinished). An answerer that checks every pair says No to both; one that checks only the teal pair
says Yes when magenta alone is unfinished and No once the colours are swapped. Writes
results/connect_linked_probe.md.

    cd modelkit && python -m teacher_studio_modelkit.connect_linked_probe
    cd modelkit && python -m teacher_studio_modelkit.connect_linked_probe --answerers runs/A.pt ... --title TEXT

The first (re)writes the report from the ANSWERERS found in runs/; the second measures the package's own answerer and
the given runs/ states (each in the package answerer's architecture, with the evidence its state has:
validate.another_answerer) and adds them to the report as a section titled TEXT.
"""
import argparse
import os
import time

import numpy as np
import torch

from . import evaluate as ev
from .build import MODELKIT, RUNS
from .connect_package import PACKAGE
from .data import MAX_QUERY
from .export import load_checkpoint
from .rules import make_judges, reaches
from .teacher import Answerer
from .validate import another_answerer

SEEDS = 4
ANSWERERS = {  # name -> runs/FILE (the package's answerer was the last, on 2026-12-02)
    "without colour augmentation (connect_answerer1.pt)": "connect_answerer1.pt",
    "census (connect_census_answerer1.pt)": "connect_census_answerer1.pt",
    "colour augmentation (connect_hue_answerer1.pt)": "connect_hue_answerer1.pt",
    "the package's: colour augmentation + two-pair composites (connect_pairs_answerer1.pt)": "connect_pairs_answerer1.pt",
}


def load_answerer(reasoner, vocab, path):
    a = Answerer(reasoner.A, len(vocab), reasoner.C, reasoner.T, reasoner.px, MAX_QUERY, census="census" in path)
    a.load_state_dict(torch.load(os.path.join(RUNS, path)))
    return a.eval()


def swap_colours(cells, ids):
    out = cells.clone()
    for x, y in (("dot-teal", "dot-magenta"), ("path-teal", "path-magenta")):
        out[cells == ids[x]], out[cells == ids[y]] = ids[y], ids[x]
    return out


def joined(cells, ids, colour, C):
    """Whether the pen of `colour` joined its two dots in the last frame of cells [T, N]."""
    first, last = cells[0].numpy(), cells[-1].numpy()
    dots = np.flatnonzero(first == ids[f"dot-{colour}"]).tolist()
    keep = (ids[f"path-{colour}"], ids[f"dot-{colour}"])
    return len(dots) == 2 and reaches(dots[0], dots[1], lambda c: last[c] in keep, C)


def probe(answerer, reasoner, tb, ids, judges):
    """Rows (linked, teal joined, magenta joined, P(Yes) as drawn, P(Yes) with the colours swapped)."""
    k = tb.rules[0].index("connect.linked")
    rows = []
    for seed in range(SEEDS):
        cells = ev.sample_cells(reasoner, tb, seed)
        labels = ev.judge_all(judges, tb.families, cells)
        p = ev.teacher_probs(answerer, reasoner.render(cells).float(), tb.queries)[:, k]
        ps = ev.teacher_probs(answerer, reasoner.render(swap_colours(cells, ids)).float(), tb.queries)[:, k]
        rows += [(labels[i]["connect.linked"], joined(cells[i], ids, "teal", reasoner.C),
                  joined(cells[i], ids, "magenta", reasoner.C), float(p[i]), float(ps[i])) for i in range(len(cells))]
    return np.array(rows, dtype=float)


GROUPS = {"joined (linked)": lambda r: r[:, 0] == 1,
          "magenta alone unfinished": lambda r: (r[:, 0] == 0) & (r[:, 1] == 1) & (r[:, 2] == 0),
          "teal alone unfinished": lambda r: (r[:, 0] == 0) & (r[:, 1] == 0) & (r[:, 2] == 1),
          "both unfinished": lambda r: (r[:, 0] == 0) & (r[:, 1] == 0) & (r[:, 2] == 0)}


TABLE_HEAD = ["| answerer | videos | n | Yes as drawn | Yes, colours swapped |", "|---|---|---|---|---|"]


def table_rows(name, r):
    """The report's rows of one answerer's probe rows r: per group of videos, the share it says Yes to."""
    return [f"| {name} | {group} | {len(m)} | {100 * np.mean(m[:, 3] > 0.5):.1f} % | {100 * np.mean(m[:, 4] > 0.5):.1f} % |"
            for group, pick in GROUPS.items() if len(m := r[pick(r)])]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--answerers", nargs="*", default=None,
                    help="runs/ states measured beside the package's answerer, in a section added to the report")
    ap.add_argument("--title", default="", help="the added section's title")
    a = ap.parse_args()
    torch.set_num_threads(int(os.environ.get("MODELKIT_THREADS", "2")))
    sets, vocab = PACKAGE.experiment.data_and_vocab()
    reasoner, shipped = load_checkpoint(PACKAGE.checkpoint)[:2]
    val = sets["connect_heldout_val"]
    tb = ev.TaskBatch(val, vocab, range(len(val.instances)))
    ids = {a["name"]: a["id"] for a in val.appearances}
    judges = make_judges(val.appearances, reasoner.C)
    path = os.path.join(MODELKIT, "results", "connect_linked_probe.md")
    if a.answerers is not None:
        lines = ["", f"## {a.title} ({time.strftime('%Y-%m-%d')})", "",
                 "`cd modelkit && python -m teacher_studio_modelkit.connect_linked_probe --answerers "
                 f"{' '.join(a.answerers)}`: the same split and seeds, the samples of the reasoner in `{os.path.relpath(PACKAGE.checkpoint, MODELKIT)}`.", "",
                 *TABLE_HEAD]
        for name, answerer in [(f"the package's ({os.path.basename(PACKAGE.checkpoint)})", shipped.eval())] + [
                (os.path.basename(f), another_answerer(shipped, f)) for f in a.answerers]:
            lines += table_rows(name, probe(answerer, reasoner, tb, ids, judges))
            print(lines[-1], flush=True)
        open(path, "a").write("\n".join(lines) + "\n")
        print(f"added to {path}")
        return
    lines = ["# Which pair the connect answerer reads for connect.linked", "",
             "`cd modelkit && python -m teacher_studio_modelkit.connect_linked_probe`: the held-out validation split's",
             f"{len(val.instances)} tasks, {SEEDS} reasoner samples each; the share of videos the answerer says Yes to",
             "(P(Yes) > 0.5) as drawn and with the two pairs' colours swapped. An answerer that checks every pair",
             "says No to every unfinished video either way.", "",
             *TABLE_HEAD]
    for name, file in ANSWERERS.items():
        if not os.path.exists(os.path.join(RUNS, file)):
            continue
        lines += table_rows(name, probe(load_answerer(reasoner, vocab, file), reasoner, tb, ids, judges))
        print(lines[-1], flush=True)
    open(path, "w").write("\n".join(lines) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
