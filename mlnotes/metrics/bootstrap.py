r"""Bootstrap confidence intervals (自助法置信区间) for any metric, equal to ``scipy.stats.bootstrap``.

A metric computed on $n$ test samples is itself a random quantity: another test set of the same
size would give another value. The (paired, percentile) bootstrap estimates its spread from the
one test set there is:

1. draw $B$ resamples, each $n$ row indices $i_1, \dots, i_n$ uniform on $\{1, \dots, n\}$ with
   replacement (rows stay paired: a sample's label and score move together);
2. compute the metric $\hat\theta^*_b$ on each resample;
3. the $(1 - \alpha)$ interval is $[q_{\alpha/2}, q_{1 - \alpha/2}]$, the quantiles of
   $\hat\theta^*_1, \dots, \hat\theta^*_B$ (linear interpolation); the standard error is their
   standard deviation ($B - 1$ in the denominator).

Its width shrinks like $1/\sqrt n$. A resample that repeats row $i$ $c_i$ times is the original
data with integer ``sample_weight`` $c_i$, so a weighted metric computes it without copying.
The percentile interval is approximate (Efron & Tibshirani 1993, "An Introduction to the
Bootstrap", ch. 13): its coverage is below the nominal level for small $n$ and skewed metrics.

For AUC, :func:`bootstrap_auc` computes all $B$ resampled values at once from the multiplicity
matrix $c_{bi}$ (how often resample $b$ drew row $i$): with the rows sorted by score and grouped
into tie blocks $g$, $P_{bg} = \sum_{i \in g,\,y_i = 1} c_{bi}$ and $N_{bg}$ likewise,
$$\mathrm{AUC}^*_b = \frac{\sum_g P_{bg}\big(\sum_{h < g} N_{bh} + \tfrac12 N_{bg}\big)}{\sum_g P_{bg}\,\sum_g N_{bg}},$$
the probability that a positive outranks a negative, ties ½, on the resample.

Same random numbers as ``scipy.stats.bootstrap(data, statistic, paired=True, vectorized=False,
method="percentile", rng=np.random.default_rng(seed))``: the index matrix is
``rng.integers(0, n, (B, n))``, so the two give the same interval.

See chapter: chapters/metrics.md
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlnotes._checks import check_int, check_real
from mlnotes.metrics.curves import _curve_inputs


@dataclass(frozen=True)
class BootstrapResult:
    """The metric on the full data, its percentile interval, the B resampled values and their standard error."""

    estimate: float
    low: float
    high: float
    distribution: np.ndarray
    standard_error: float

    @property
    def width(self) -> float:
        return self.high - self.low


def _check_arrays(arrays) -> tuple[list, int]:
    """Array-likes of one common length n >= 2 (the rows to resample)."""
    if not arrays:
        raise TypeError("bootstrap_ci needs at least one data array, e.g. bootstrap_ci(metric, y_true, y_score)")
    out = []
    for k, a in enumerate(arrays):
        if isinstance(a, (str, bytes, set, dict)) or np.ndim(a) == 0:
            raise TypeError(f"arrays[{k}] must be an array with one row per sample, got {type(a).__name__}")
        out.append(np.asarray(a))
    n = len(out[0])
    if any(len(a) != n for a in out):
        raise ValueError(f"the data arrays must have the same length, got {[len(a) for a in out]}")
    if n < 2:
        raise ValueError(f"bootstrap needs at least 2 samples, got {n}")
    return out, n


def bootstrap_ci(metric, *arrays, n_resamples=1000, confidence_level=0.95, seed=0) -> BootstrapResult:
    """Paired percentile bootstrap interval of ``metric(*arrays)``: arrays (n, ...) -> BootstrapResult.

    ``metric`` takes the arrays (resampled by rows together) and returns a number. A resample
    on which the metric fails (e.g. an AUC resample with one class) raises ``ValueError``
    naming it. Equal to ``scipy.stats.bootstrap`` with the same ``rng``.
    See chapter: chapters/metrics.md
    """
    if not callable(metric):
        raise TypeError(f"metric must be callable, got {type(metric).__name__}")
    data, n = _check_arrays(arrays)
    n_resamples = check_int("n_resamples", n_resamples, low=2)
    level = check_real("confidence_level", confidence_level, low=0.0, high=1.0, low_open=True, high_open=True)
    seed = check_int("seed", seed, low=0)
    rows = np.random.default_rng(seed).integers(0, n, (n_resamples, n))  # (B, n) row indices, with replacement
    return _result(float(metric(*data)), _resampled(metric, data, rows), level)


def _resampled(metric, data: list, rows: np.ndarray) -> np.ndarray:
    """The metric on each resample: row b takes rows[b] of every array (paired): (B, n) indices -> (B,)."""
    values = np.empty(len(rows))  # (B,)
    for b, idx in enumerate(rows):
        try:
            values[b] = metric(*(a[idx] for a in data))
        except ValueError as err:
            raise ValueError(f"resample {b}: {err} (a larger sample makes such resamples rarer)") from None
    return values


def _result(estimate: float, values: np.ndarray, level: float) -> BootstrapResult:
    """Percentile interval [q_{α/2}, q_{1−α/2}] and standard error of the bootstrap values."""
    alpha = (1 - level) / 2
    low, high = np.quantile(values, [alpha, 1 - alpha])  # linear interpolation, as scipy
    return BootstrapResult(estimate, float(low), float(high), values, float(np.std(values, ddof=1)))


def bootstrap_auc(y_true, y_score, *, baseline=None, n_resamples=1000, confidence_level=0.95,
                  seed=0) -> BootstrapResult:
    """Percentile bootstrap interval of the binary ROC AUC, all resamples at once: (n,), (n,) -> BootstrapResult.

    The same resamples (and result) as ``bootstrap_ci(roc_auc, y_true, y_score, ...)``, without a
    Python loop. With ``baseline`` (n,) scores of a second model on the same samples: the interval
    of AUC(y_score) − AUC(baseline), both computed on each resample (paired). ``y_true`` in {0, 1}
    (or -1/1). See chapter: chapters/metrics.md
    """
    t, s, _ = _curve_inputs(y_true, y_score, None, None, need_both=True)
    if baseline is not None:
        _, base, _ = _curve_inputs(y_true, baseline, None, None, need_both=True)
    n = len(t)
    n_resamples = check_int("n_resamples", n_resamples, low=2)
    level = check_real("confidence_level", confidence_level, low=0.0, high=1.0, low_open=True, high_open=True)
    rng = np.random.default_rng(check_int("seed", seed, low=0))
    rows = rng.integers(0, n, (n_resamples, n))  # (B, n) the same draws as bootstrap_ci
    counts = np.bincount((rows + n * np.arange(n_resamples)[:, None]).ravel(),
                         minlength=n_resamples * n).reshape(n_resamples, n)  # (B, n) c_bi
    ones = np.ones((1, n))  # the full data: every row once

    def auc(c):
        return _auc_from_counts(t, s, c) - (0.0 if baseline is None else _auc_from_counts(t, base, c))

    values = auc(counts)  # (B,)
    if np.any(np.isnan(values)):
        b = int(np.flatnonzero(np.isnan(values))[0])
        raise ValueError(f"resample {b}: it holds one class, so AUC is undefined (a larger sample makes such "
                         "resamples rarer)")
    return _result(float(auc(ones)[0]), values, level)


def _auc_from_counts(t: np.ndarray, s: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """AUC of each resample given as multiplicities c (B, n) of the rows: (n,) 0/1, (n,), (B, n) -> (B,)."""
    order = np.argsort(s, kind="stable")  # (n,) ascending score
    s_sorted = s[order]
    starts = np.flatnonzero(np.r_[True, s_sorted[1:] != s_sorted[:-1]])  # (G,) first row of each tie block
    c = counts[:, order].astype(np.float64)  # (B, n)
    pos = np.add.reduceat(c * t[order], starts, axis=1)  # (B, G) P_bg: positives in block g
    neg = np.add.reduceat(c * (1 - t[order]), starts, axis=1)  # (B, G) N_bg
    below = np.cumsum(neg, axis=1) - neg  # (B, G) negatives in lower blocks
    wins = np.sum(pos * (below + 0.5 * neg), axis=1)  # (B,) pairs won, ties ½
    with np.errstate(invalid="ignore", divide="ignore"):
        return wins / (pos.sum(1) * neg.sum(1))  # (B,) NaN for a resample with one class
