"""Pure statistics for review dashboards: agreement (kappa, alpha), Wilson intervals, bootstrap CIs.

No Django here: plain sequences in, plain numbers out. The estimators come from well-kept
libraries (krippendorff, scipy, numpy); this module only shapes the data and adds intervals.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import krippendorff
import numpy as np
from scipy.stats import norm

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
    """Wilson score interval for a binomial proportion (Wilson 1927); None with no trials.

    The closed form, with z from scipy; it equals scipy's `binomtest(...).proportion_ci(
    method="wilson")` without computing a p-value first (dashboards call it per cell).
    """
    if trials <= 0:
        return None
    z = float(norm.ppf(1 - (1 - confidence) / 2))
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def bootstrap_interval(
    units: Sequence[Any],
    statistic: Callable[[list[Any]], float | None],
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


def _resample_weights(counts: np.ndarray, resamples: int, seed: int) -> np.ndarray:
    """Bootstrap draws as weights over distinct unit patterns (resamples x patterns).

    Resampling N units with replacement and counting how many of each pattern were drawn is a
    multinomial draw with the patterns' frequencies, so the cost depends on the number of
    distinct patterns, not on N.
    """
    rng = np.random.default_rng(seed)
    total = int(counts.sum())
    return rng.multinomial(total, counts / total, size=resamples).astype(float)


def _percentile_interval(values: np.ndarray, confidence: float) -> Interval | None:
    values = values[np.isfinite(values)]
    if values.size == 0:
        return None
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return float(low), float(high)


def kappa_estimate(pairs: Sequence[tuple[Hashable, Hashable]], **bootstrap: Any) -> Estimate:
    """Cohen's kappa over (rater A, rater B) pairs with a percentile bootstrap interval."""
    return kappa_estimate_counts(Counter((first, second) for first, second in pairs), **bootstrap)


def kappa_estimate_counts(
    counts: Mapping[tuple[Hashable, Hashable], int],
    *,
    resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> Estimate:
    """Cohen's kappa from how many items got each (rater A, rater B) label pair."""
    patterns = sorted((p for p, c in counts.items() if c > 0), key=str)
    weights = np.array([counts[p] for p in patterns], dtype=float)
    n = int(weights.sum())
    if n == 0:
        return Estimate(None, n=0)
    labels = sorted({x for pair in patterns for x in pair}, key=str)
    index = {label: i for i, label in enumerate(labels)}
    size = len(labels)
    cells = np.zeros((len(patterns), size * size))
    for row, (a, b) in enumerate(patterns):
        cells[row, index[a] * size + index[b]] = 1

    def kappas(w: np.ndarray) -> np.ndarray:
        tables = (w @ cells).reshape(-1, size, size)
        total = tables.sum(axis=(1, 2))
        observed = np.trace(tables, axis1=1, axis2=2) / total
        expected = (tables.sum(axis=1) * tables.sum(axis=2)).sum(axis=1) / (total * total)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(
                np.isclose(expected, 1.0), np.nan, (observed - expected) / (1 - expected)
            )

    (value,) = kappas(weights[None, :])
    if not np.isfinite(value):
        return Estimate(None, n=n)
    ci = _percentile_interval(kappas(_resample_weights(weights, resamples, seed)), confidence)
    low, high = ci or (None, None)
    return Estimate(float(value), low, high, n=n)


def unit_pattern(labels: Iterable[Hashable | None]) -> tuple[Hashable, ...]:
    """A unit's labels without order or gaps: what nominal alpha depends on."""
    return tuple(sorted((v for v in labels if v is not None), key=str))


def alpha_estimate(units: Sequence[Sequence[Hashable | None]], **bootstrap: Any) -> Estimate:
    """Krippendorff's alpha (nominal) over units (rows of labels, None when missing)."""
    estimate = alpha_estimate_counts(Counter(unit_pattern(u) for u in units), **bootstrap)
    if estimate.value is not None:
        # The point estimate from the library itself; the vectorised one is tested equal.
        estimate = Estimate(krippendorff_alpha(units), estimate.low, estimate.high, estimate.n)
    return estimate


def alpha_estimate_counts(
    counts: Mapping[tuple[Hashable, ...], int],
    *,
    resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> Estimate:
    """Krippendorff's alpha from how many units had each label pattern (see unit_pattern)."""
    patterns = sorted((p for p, c in counts.items() if c > 0 and len(p) >= 2), key=str)
    weights = np.array([counts[p] for p in patterns], dtype=float)
    n = int(weights.sum())
    if n == 0 or len({v for p in patterns for v in p}) < 2:
        return Estimate(None, n=n)
    (value,) = alpha_weighted(patterns, weights[None, :])
    alphas = alpha_weighted(patterns, _resample_weights(weights, resamples, seed))
    ci = _percentile_interval(alphas, confidence)
    low, high = ci or (None, None)
    return Estimate(float(value), low, high, n=n)


def alpha_weighted(rows: Sequence[Sequence[Hashable | None]], weights: np.ndarray) -> np.ndarray:
    """Nominal alpha for each row of `weights` (how often each unit counts), in one pass.

    Each unit's coincidence-matrix contribution (Krippendorff 2011, section C) is computed once;
    a weighted sum gives the matrix of a resample. All-ones weights give the plain alpha.
    """
    labels = sorted({v for r in rows for v in r if v is not None}, key=str)
    index = {label: i for i, label in enumerate(labels)}
    size = len(labels)
    contributions = np.zeros((len(rows), size * size))
    for u, row in enumerate(rows):
        counts = np.zeros(size)
        for v in row:
            if v is not None:
                counts[index[v]] += 1
        matrix = (np.outer(counts, counts) - np.diag(counts)) / (counts.sum() - 1)
        contributions[u] = matrix.ravel()
    coincidences = (weights @ contributions).reshape(-1, size, size)
    marginals = coincidences.sum(axis=2)
    total = marginals.sum(axis=1)
    off = ~np.eye(size, dtype=bool)
    observed = coincidences[:, off].sum(axis=1)
    expected = (marginals[:, :, None] * marginals[:, None, :])[:, off].sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        alphas: np.ndarray = 1 - (total - 1) * observed / expected
    return alphas


def rate_estimate(successes: int, trials: int) -> Estimate:
    ci = wilson_interval(successes, trials)
    value = successes / trials if trials else None
    low, high = ci or (None, None)
    return Estimate(value, low, high, n=trials)


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
