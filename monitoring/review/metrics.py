"""Pure statistics for review dashboards: agreement (kappa, alpha), Wilson intervals, bootstrap CIs.

No Django here: plain sequences in, plain numbers out. The estimators come from well-kept
libraries (krippendorff, scipy, numpy); this module only shapes the data and adds intervals.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

import krippendorff
import numpy as np
from scipy.stats import binomtest

Interval = tuple[float, float]


@dataclass(frozen=True)
class Estimate:
    value: float | None
    low: float | None = None
    high: float | None = None
    n: int = 0


def cohen_kappa(first: Sequence[Hashable], second: Sequence[Hashable]) -> float | None:
    """Cohen's kappa for two raters who labelled the same items; None when undefined."""
    if len(first) != len(second):
        raise ValueError("Both raters must label the same items")
    if not first:
        return None
    labels = sorted(set(first) | set(second), key=str)
    index = {label: i for i, label in enumerate(labels)}
    table = np.zeros((len(labels), len(labels)))
    for a, b in zip(first, second, strict=True):
        table[index[a], index[b]] += 1
    n = table.sum()
    observed = np.trace(table) / n
    expected = float((table.sum(axis=0) * table.sum(axis=1)).sum() / (n * n))
    if math.isclose(expected, 1.0):
        return None  # both raters used one and the same label: chance explains everything
    return float((observed - expected) / (1 - expected))


def krippendorff_alpha(units: Sequence[Sequence[Hashable | None]]) -> float | None:
    """Krippendorff's alpha (nominal) for any number of raters with missing labels (None).

    `units` holds one row per item, one column per rater.
    """
    rows = [list(row) for row in units if sum(v is not None for v in row) >= 2]
    if not rows:
        return None
    labels = sorted({v for row in rows for v in row if v is not None}, key=str)
    if len(labels) < 2:
        return None
    code = {label: float(i) for i, label in enumerate(labels)}
    width = max(len(row) for row in rows)
    data = np.full((width, len(rows)), np.nan)
    for unit, row in enumerate(rows):
        for rater, value in enumerate(row):
            if value is not None:
                data[rater, unit] = code[value]
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


def wilson_interval(successes: int, trials: int, confidence: float = 0.95) -> Interval | None:
    """Wilson score interval for a binomial proportion; None with no trials."""
    if trials <= 0:
        return None
    ci = binomtest(successes, trials).proportion_ci(confidence_level=confidence, method="wilson")
    return float(ci.low), float(ci.high)


def bootstrap_interval(
    units: Sequence,
    statistic: Callable[[list], float | None],
    *,
    resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> Interval | None:
    """Percentile bootstrap interval of `statistic` over `units` resampled with replacement."""
    if len(units) < 2:
        return None
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(resamples):
        picks = rng.integers(0, len(units), size=len(units))
        value = statistic([units[i] for i in picks])
        if value is not None and not math.isnan(value):
            values.append(value)
    if not values:
        return None
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return float(low), float(high)


def kappa_estimate(pairs: Sequence[tuple[Hashable, Hashable]], **bootstrap) -> Estimate:
    """Cohen's kappa over (rater A, rater B) pairs with a bootstrap interval."""

    def statistic(sample: list) -> float | None:
        return cohen_kappa([a for a, _ in sample], [b for _, b in sample])

    value = statistic(list(pairs))
    ci = bootstrap_interval(list(pairs), statistic, **bootstrap) if value is not None else None
    return Estimate(value, *(ci or (None, None)), n=len(pairs))


def alpha_estimate(units: Sequence[Sequence[Hashable | None]], **bootstrap) -> Estimate:
    """Krippendorff's alpha over units with a bootstrap interval (units resampled)."""
    value = krippendorff_alpha(units)
    ci = (
        bootstrap_interval(list(units), krippendorff_alpha, **bootstrap)
        if value is not None
        else None
    )
    return Estimate(value, *(ci or (None, None)), n=len(units))


def rate_estimate(successes: int, trials: int) -> Estimate:
    ci = wilson_interval(successes, trials)
    value = successes / trials if trials else None
    return Estimate(value, *(ci or (None, None)), n=trials)


@dataclass(frozen=True)
class Confusion:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def total(self) -> int:
        return self.tp + self.fp + self.fn + self.tn


def confusion(predicted_positive: bool, actual_positive: bool) -> Confusion:
    """The one-item confusion matrix, to sum over items."""
    return Confusion(
        tp=int(predicted_positive and actual_positive),
        fp=int(predicted_positive and not actual_positive),
        fn=int(not predicted_positive and actual_positive),
        tn=int(not predicted_positive and not actual_positive),
    )


def sample_fraction(key: str) -> float:
    """A reproducible uniform number in [0, 1) derived from `key` (no global RNG state)."""
    digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64
