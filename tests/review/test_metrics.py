"""Agreement and interval statistics against textbook values (no database)."""

import pytest

from monitoring.review.metrics import (
    Confusion,
    alpha_estimate,
    cohen_kappa,
    kappa_estimate,
    krippendorff_alpha,
    sample_fraction,
    wilson_interval,
)


def test_cohen_kappa_matches_the_textbook_example():
    # Wikipedia "Cohen's kappa": 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no → κ = 0.4.
    first = ["yes"] * 20 + ["yes"] * 5 + ["no"] * 10 + ["no"] * 15
    second = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert cohen_kappa(first, second) == pytest.approx(0.4)


def test_cohen_kappa_perfect_and_undefined():
    assert cohen_kappa(["a", "b", "a"], ["a", "b", "a"]) == pytest.approx(1.0)
    assert cohen_kappa(["a", "a"], ["a", "a"]) is None
    assert cohen_kappa([], []) is None


def test_krippendorff_alpha_matches_krippendorffs_own_example():
    # Krippendorff (2011) "Computing Krippendorff's alpha-reliability", nominal data with
    # missing values: 4 observers, 12 units -> alpha = 0.743.
    raw = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
        [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
    ]
    units = [[row[u] for row in raw] for u in range(12)]
    assert krippendorff_alpha(units) == pytest.approx(0.743, abs=0.001)


def test_wilson_interval_matches_newcombe():
    # Newcombe (1998), Statistics in Medicine 17:857, table I: 81/263 → 0.2553-0.3662,
    # 15/148 → 0.0624-0.1605, 0/20 → 0-0.1611.
    assert wilson_interval(81, 263) == pytest.approx((0.2553, 0.3662), abs=1e-4)
    assert wilson_interval(15, 148) == pytest.approx((0.0624, 0.1605), abs=1e-4)
    assert wilson_interval(0, 20) == pytest.approx((0.0, 0.1611), abs=1e-4)
    assert wilson_interval(0, 0) is None


def test_wilson_interval_equals_scipys():
    from scipy.stats import binomtest

    for k, n in [(3, 7), (50, 1000), (999, 1000)]:
        ci = binomtest(k, n).proportion_ci(method="wilson")
        assert wilson_interval(k, n) == pytest.approx((ci.low, ci.high))


def test_bootstrap_intervals_contain_the_estimate_and_are_reproducible():
    pairs = [("safe", "safe")] * 30 + [("unsafe", "unsafe")] * 15 + [("safe", "unsafe")] * 5
    first = kappa_estimate(pairs, resamples=300, seed=1)
    assert first.low <= first.value <= first.high
    assert first == kappa_estimate(pairs, resamples=300, seed=1)
    units = [[a, b, None] for a, b in pairs]
    alpha = alpha_estimate(units, resamples=200)
    assert alpha.low <= alpha.value <= alpha.high
    assert alpha.n == 50


def test_precision_and_recall():
    matrix = Confusion(tp=8, fp=2, fn=4, tn=86)
    assert matrix.precision == pytest.approx(0.8)
    assert matrix.recall == pytest.approx(8 / 12)
    assert Confusion().precision is None


def test_sample_fraction_is_reproducible_and_roughly_uniform():
    assert sample_fraction("output:1") == sample_fraction("output:1")
    values = [sample_fraction(f"output:{i}") for i in range(4000)]
    assert all(0 <= v < 1 for v in values)
    assert 0.45 < sum(v < 0.5 for v in values) / len(values) < 0.55


def test_vectorised_alpha_agrees_with_the_library():
    import numpy as np

    from monitoring.review.metrics import alpha_weighted

    units = [["a", "a", None], ["a", "b", "b"], ["b", "b", None], ["a", None, "a"], ["c", "c", "b"]]
    (plain,) = alpha_weighted(units, np.ones((1, len(units))))
    assert plain == pytest.approx(krippendorff_alpha(units))
    doubled = [*units, units[1]]
    (weighted,) = alpha_weighted(units, np.array([[1, 2, 1, 1, 1]]))
    assert weighted == pytest.approx(krippendorff_alpha(doubled))


def test_estimates_from_pattern_counts_match_the_raw_labels():
    from collections import Counter

    from monitoring.review.metrics import alpha_estimate_counts, kappa_estimate_counts, unit_pattern

    counts = {("yes", "yes"): 20, ("yes", "no"): 5, ("no", "yes"): 10, ("no", "no"): 15}
    assert kappa_estimate_counts(counts).value == pytest.approx(0.4)
    units = [["a", "a", None], ["a", "b", "b"], ["b", "b", None], ["a", None, "a"], ["c", "b"]]
    padded = [u + [None] * (3 - len(u)) for u in units]
    from_counts = alpha_estimate_counts(Counter(unit_pattern(u) for u in units))
    assert from_counts.value == pytest.approx(krippendorff_alpha(padded))
    assert from_counts.n == 5
