"""Two methods on the same tasks: how sure is "A beats B"?

Every comparison in the model cards is paired (TTO, the base sample and best-of-N run on the same tasks,
best-of-N's seed 0 is the base sample and TTO's noise), so the tasks, not the methods, carry most of the
spread. These helpers give the mean of the per-task differences with a bootstrap interval over the tasks,
an exact sign test on the tasks where the two disagree (which reads the verdict), and best-of-N at a
fractional N (a TTO run's cost in candidates is rarely a whole number)."""
from math import comb

import numpy as np

RESAMPLES = 10_000
LEVEL = 0.95


def mean_difference(a, b, resamples=RESAMPLES, level=LEVEL, seed=0):
    """Per-task outcomes a, b [tasks] (0/1, or an expected success in [0, 1]) -> (mean of a - b, low, high):
    the percentile bootstrap interval of that mean at `level`, the tasks resampled with replacement."""
    d = np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)
    rng = np.random.default_rng(seed)
    means = np.empty(resamples)
    for s in range(0, resamples, 1000):  # 1000 resamples at a time: bounded memory for any number of tasks
        k = min(1000, resamples - s)
        means[s:s + k] = d[rng.integers(0, len(d), size=(k, len(d)))].mean(1)
    low, high = np.quantile(means, [(1 - level) / 2, (1 + level) / 2])
    return float(d.mean()), float(low), float(high)


def sign_test(a, b):
    """Two-sided exact sign test (McNemar's, exact) on paired 0/1 outcomes a, b [tasks]: (tasks a wins,
    tasks b wins, p). Under "neither is better" each disagreement goes either way with probability 1/2."""
    a, b = np.asarray(a).astype(bool), np.asarray(b).astype(bool)
    wins, losses = int((a & ~b).sum()), int((~a & b).sum())
    n = wins + losses
    if n == 0:
        return wins, losses, 1.0
    tail = sum(comb(n, i) for i in range(min(wins, losses) + 1)) / 2 ** n
    return wins, losses, min(1.0, 2 * tail)


def best_of_fractional(picked, n):
    """picked [tasks, M]: the success of the teacher's pick among each task's first 1..M candidates (column
    j is best-of-(j + 1)). n: a fractional N (1 <= n <= M). -> [tasks] the expected success of a best-of-N
    that costs n candidates on average: best-of-floor(n), and best-of-ceil(n) for the fraction n - floor(n)
    of the tasks (a random mix of the two, taken in expectation)."""
    picked = np.asarray(picked, dtype=np.float64)
    n = min(max(float(n), 1.0), picked.shape[1])
    lo = int(np.floor(n))
    hi = min(lo + 1, picked.shape[1])
    w = n - lo
    return (1 - w) * picked[:, lo - 1] + w * picked[:, hi - 1]


ALPHA = 0.05  # a two-sided exact sign test under it calls a difference


def verdict(test, a, b):
    """Plain words for a sign test (wins, losses, p) of a against b. The test decides, not the bootstrap
    interval: on a handful of disagreements the interval can leave out 0 where the exact test does not
    (9 wins to 2: p = 0.065); the interval gives the size."""
    wins, losses, p = test
    return f"{a} and {b} within noise" if p >= ALPHA else f"{a} better than {b}" if wins > losses else f"{b} better than {a}"
