r"""The cost of a classifier's errors, and the threshold that minimizes it.

Precision, recall and $F_1$ do not say which classifier is more useful; the cost of each kind
of error does. With a cost $c_{FP}$ per false alarm and $c_{FN}$ per miss, hard predictions on
$n$ samples cost on average
$$\mathrm{cost} = \frac{c_{FP}\,FP + c_{FN}\,FN}{n}.$$
Only the ratio $c_{FN}/c_{FP}$ changes which predictions are best. For scores $s$ and the rule
$s \ge \tau$, sweeping $\tau$ over every distinct score (and $+\infty$: flag nothing) finds the
threshold of least cost on the data at hand; choose it on validation data, then report the
test cost at that threshold.

Dtypes: ``y_true`` and ``y_pred`` hold 0/1 as integers, booleans or floats; ``y_score`` is
boolean, integer or floating (as for the curves). Costs are Python floats; a threshold is a
Python float (``inf`` when flagging nothing is cheapest).

See chapter: chapters/metrics.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_real, check_same_shape
from mlnotes.metrics._validate import check_binary_labels, check_scores
from mlnotes.metrics.curves import _binary_clf_curve

REDUCTIONS = ("mean", "sum")


def _check_costs(cost_fp, cost_fn, reduction) -> tuple[float, float]:
    """Non-negative finite costs, and a known reduction."""
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be 'mean' or 'sum', got {reduction!r}")
    return check_real("cost_fp", cost_fp, low=0.0), check_real("cost_fn", cost_fn, low=0.0)


def expected_cost(y_true, y_pred, *, cost_fp=1.0, cost_fn=1.0, reduction="mean") -> float:
    """Cost of hard predictions, (c_FP·FP + c_FN·FN) / n (``"mean"``) or not divided (``"sum"``): (n,), (n,) -> float.

    ``y_true`` and ``y_pred`` in {0, 1}; one class is fine. See chapter: chapters/metrics.md
    """
    t = check_binary_labels("y_true", y_true)
    p = check_binary_labels("y_pred", y_pred)
    check_same_shape("y_true", t, "y_pred", p)
    cost_fp, cost_fn = _check_costs(cost_fp, cost_fn, reduction)
    fp = int(np.sum((p == 1) & (t == 0)))  # false alarms
    fn = int(np.sum((p == 0) & (t == 1)))  # misses
    total = cost_fp * fp + cost_fn * fn
    return total / len(t) if reduction == "mean" else float(total)


def min_cost_threshold(y_true, y_score, *, cost_fp=1.0, cost_fn=1.0, reduction="mean") -> tuple[float, float]:
    """The threshold τ of least cost for the rule score >= τ, and that cost: (n,), (n,) -> (float, float).

    Every distinct score is tried, and +inf (nothing flagged); a tie in cost goes to the
    highest threshold. See chapter: chapters/metrics.md
    """
    t = check_binary_labels("y_true", y_true)
    s = check_scores("y_score", y_score, ndim=1)
    check_same_shape("y_true", t, "y_score", s)
    cost_fp, cost_fn = _check_costs(cost_fp, cost_fn, reduction)
    threshold, total = _min_cost(t, s, cost_fp, cost_fn)
    return threshold, total / len(t) if reduction == "mean" else total


def _min_cost(t: np.ndarray, s: np.ndarray, cost_fp: float, cost_fn: float) -> tuple:
    """Least total cost c_FP·FP(τ) + c_FN·FN(τ) over all thresholds τ, and its τ."""
    fps, tps, thresholds = _binary_clf_curve(t, s)  # (T,) each, thresholds descending
    m = float(t.sum())  # positives: FN = M − TP
    totals = cost_fp * fps + cost_fn * (m - tps)  # (T,) cost of flagging s >= each threshold
    totals = np.r_[cost_fn * m, totals]  # (T + 1,) first: τ = +inf, nothing flagged, all missed
    best = int(np.argmin(totals))  # the first minimum: the highest τ among equal costs
    tau = np.inf if best == 0 else float(thresholds[best - 1])
    return tau, float(totals[best])
