r"""Calibration (校准): does a predicted probability mean what it says?

A classifier is calibrated if, among the examples it gives probability $p$, a fraction $p$ are
positive. The **reliability curve** bins the predicted probabilities into $B$ equal-width bins on
$[0, 1]$ (a value on an inner edge goes to the lower bin) and plots, for each non-empty bin $b$,
the fraction of positives against the mean prediction. Two summaries:
$$\text{Brier} = \frac1n\sum_i (p_i - y_i)^2, \qquad
\text{ECE} = \sum_b \frac{n_b}{n}\,\bigl|\bar y_b - \bar p_b\bigr| .$$

See chapter: chapters/linear_models.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_int
from mlnotes.linear._validate import as_float, check_labels


def _check(y, p):
    p = as_float("p", p, ndim=1)
    if p.size == 0:
        raise ValueError("p must not be empty")
    if np.any((p < 0) | (p > 1)):
        raise ValueError("p must hold probabilities in [0, 1]")
    return check_labels(y, p.shape[0], binary=True), p


def _bin_stats(y: np.ndarray, p: np.ndarray, n_bins: int):
    """Per bin: count, sum of predictions, sum of labels (all bins, empty ones included)."""
    inner = np.linspace(0.0, 1.0, n_bins + 1)[1:-1]  # (B − 1,) inner edges
    bin_id = np.sum(p[:, None] > inner[None, :], axis=1)  # (n,): edges strictly below p
    count = np.bincount(bin_id, minlength=n_bins)
    return count, np.bincount(bin_id, weights=p, minlength=n_bins), np.bincount(bin_id, weights=y, minlength=n_bins)


def reliability_curve(y, p, n_bins=10):
    """(fraction of positives, mean prediction) per non-empty bin, each of shape (≤ n_bins,).

    y (n,) labels 0/1, p (n,) predicted P(y = 1). Same as
    ``sklearn.calibration.calibration_curve(y, p, n_bins=n_bins)``.
    See chapter: chapters/linear_models.md
    """
    y, p = _check(y, p)
    count, p_sum, y_sum = _bin_stats(y, p, check_int("n_bins", n_bins, low=1))
    used = count > 0
    return y_sum[used] / count[used], p_sum[used] / count[used]


def expected_calibration_error(y, p, n_bins=10) -> float:
    """ECE = Σ_b (n_b/n)·|mean y_b − mean p_b| over equal-width bins. See chapter: chapters/linear_models.md"""
    y, p = _check(y, p)
    count, p_sum, y_sum = _bin_stats(y, p, check_int("n_bins", n_bins, low=1))
    return float(np.sum(np.abs(y_sum - p_sum)) / len(p))  # n_b·|ȳ_b − p̄_b| = |Σy − Σp| per bin


def brier_score(y, p) -> float:
    """mean((p − y)²); same as ``sklearn.metrics.brier_score_loss``. See chapter: chapters/linear_models.md"""
    y, p = _check(y, p)
    return float(np.mean((p - y) ** 2))
