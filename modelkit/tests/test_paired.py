"""Paired comparisons (paired.py): the intervals and tests the compute match's verdicts rest on."""
import numpy as np
import pytest

from teacher_studio_modelkit.paired import best_of_fractional, mean_difference, sign_test, verdict


def outcomes(wins, losses, ties_yes, ties_no):
    """Paired 0/1 outcomes with that many tasks A alone passes, B alone passes, both pass, neither."""
    a = [1] * wins + [0] * losses + [1] * ties_yes + [0] * ties_no
    b = [0] * wins + [1] * losses + [1] * ties_yes + [0] * ties_no
    return np.array(a), np.array(b)


def test_mean_difference_interval_holds_the_mean_and_shrinks_with_tasks():
    a, b = outcomes(30, 10, 40, 20)  # +0.2, per-task sd 0.6: standard error 0.06
    mean, low, high = mean_difference(a, b)
    assert mean == pytest.approx(0.2)
    assert 0.05 < low < 0.12 and 0.28 < high < 0.35
    _, low4, high4 = mean_difference(np.tile(a, 4), np.tile(b, 4))  # 4x the tasks: half the width
    assert (high4 - low4) == pytest.approx((high - low) / 2, rel=0.15)
    assert mean_difference(b, a) == pytest.approx((-0.2, -high, -low), abs=0.02)
    assert mean_difference(a, a) == (0.0, 0.0, 0.0)


def test_the_exact_sign_test_reads_the_verdict_not_the_interval_alone():
    read = lambda *counts: verdict(sign_test(*outcomes(*counts)), "TTO", "best-of-N")
    assert read(3, 1, 90, 6) == "TTO and best-of-N within noise"
    assert read(30, 10, 40, 20) == "TTO better than best-of-N"
    assert read(10, 30, 40, 20) == "best-of-N better than TTO"
    # 9 wins to 2 on 100 tasks: the bootstrap interval leaves out 0, the exact test (p = 0.065) does not
    assert mean_difference(*outcomes(9, 2, 50, 39))[1] > 0
    assert read(9, 2, 50, 39) == "TTO and best-of-N within noise"


def test_sign_test_is_the_exact_binomial_on_disagreements():
    assert sign_test(*outcomes(10, 0, 5, 5)) == (10, 0, pytest.approx(2 / 1024))
    assert sign_test(*outcomes(8, 2, 0, 0)) == (8, 2, pytest.approx(2 * (1 + 10 + 45) / 1024))
    assert sign_test(*outcomes(2, 8, 0, 0))[2] == sign_test(*outcomes(8, 2, 0, 0))[2]
    assert sign_test(*outcomes(5, 5, 3, 3)) == (5, 5, 1.0)
    assert sign_test(*outcomes(0, 0, 7, 3)) == (0, 0, 1.0)  # never disagree: nothing to tell them apart


def test_best_of_fractional_mixes_the_two_whole_ns():
    picks = np.array([[0, 0, 1], [0, 1, 1], [1, 1, 1]])  # columns: best-of-1, -2, -3
    assert best_of_fractional(picks, 2.25) == pytest.approx([0.25, 1, 1])  # row 0: 3 of 4 tasks best-of-2 (0), 1 of 4 best-of-3 (1)
    assert best_of_fractional(picks, 1) == pytest.approx([0, 0, 1])
    assert best_of_fractional(picks, 0.4) == pytest.approx([0, 0, 1])  # never fewer than one candidate
    assert best_of_fractional(picks, 3) == pytest.approx([1, 1, 1])
    assert best_of_fractional(picks, 7.5) == pytest.approx([1, 1, 1])  # no more than the candidates made


def test_tto_against_a_fractional_best_of_n_needs_both_tests():
    """compute_match's verdict: TTO is better only if it beats even best-of-ceil(N) (more compute than a
    run), best-of-N only if even best-of-floor(N) (less) beats TTO; anything else is within noise."""
    from teacher_studio_modelkit.compute_match import against_best_of_n
    win, loss, tie = (30, 5, 0.00001), (5, 30, 0.00001), (10, 9, 1.0)
    assert against_best_of_n(fewer=win, more=win) == "TTO better than best-of-N"
    assert against_best_of_n(fewer=loss, more=loss) == "best-of-N better than TTO"
    assert against_best_of_n(fewer=win, more=tie) == "TTO and best-of-N within noise"  # beats less compute only
    assert against_best_of_n(fewer=tie, more=loss) == "TTO and best-of-N within noise"  # loses to more compute only


def test_compute_match_compares_each_family_apart():
    """compute_match's per-family rows: each family's tasks alone (base, TTO, best-of-N, oracle, the paired
    difference and sign test against best-of-floor(N)); none for a package of one family."""
    from teacher_studio_modelkit.compute_match import family_rows
    families = ["push", "fall", "push", "fall", "push"]
    s = np.array([1, 1, 0, 1, 1])  # TTO
    cands = np.array([[0, 1], [1, 1], [0, 0], [1, 1], [0, 0]])  # candidates' success: base (seed 0), seed 1
    picks = np.array([[1, 1], [1, 1], [0, 0], [1, 1], [0, 0]])  # best-of-1 (here the teacher picks seed 1 at once), -2
    bon = best_of_fractional(picks, 1.5)
    rows = family_rows("blocks", "shipped", families, s, cands, picks, bon, 1)
    assert rows == ["| blocks | shipped | fall | 2 | 100.0 % | 100.0 % | 100.0 % | 100.0 % | +0.0 (+0.0 to +0.0) | 0 / 0, p = 1 |",
                    "| blocks | shipped | push | 3 | 0.0 % | 66.7 % | 33.3 % | 33.3 % | +33.3 (+0.0 to +100.0) | 1 / 0, p = 1 |"]
    assert family_rows("bars", "shipped", ["sort"] * 5, s, cands, picks, bon, 1) == []
