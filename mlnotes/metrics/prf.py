r"""Precision, recall and $F_\beta$ with every average of ``sklearn.metrics``, weights and multilabel input.

Per label $\ell$, with (weighted) counts $TP_\ell$, $\hat N_\ell = TP_\ell + FP_\ell$ and support
$N_\ell = TP_\ell + FN_\ell$ (:func:`~mlnotes.metrics.classification.label_counts`):
$$P = \frac{TP}{TP+FP},\qquad R = \frac{TP}{TP+FN},\qquad
F_\beta = \frac{(1+\beta^2)\,P R}{\beta^2 P + R} = \frac{(1+\beta^2)\,TP}{(1+\beta^2)\,TP + \beta^2 FN + FP}.$$
$F_\beta$ is computed from counts (right form), as sklearn does, so it is defined whenever
$TP + FN + FP > 0$ even if $P$ is $0/0$. Averages: ``"binary"`` reports the ``pos_label`` only
(any two labels: ``pos_label`` says which is positive); ``"macro"`` the plain mean over labels;
``"weighted"`` the mean weighted by $N_\ell$; ``"micro"`` sums $TP, \hat N, N$ over labels first
(for single-label data with all labels, micro $P = R = F_1 =$ accuracy); ``"samples"`` (multilabel
indicators only) computes $P, R, F$ of each sample's row of labels and averages over samples,
weighted by ``sample_weight``; ``None`` returns one value per label.

A $0/0$ (no predicted positives for $P$, no true positives for $R$, neither for $F$) becomes
``zero_division``: ``0.0`` by default, the value sklearn 1.9 returns by default (sklearn also
emits an ``UndefinedMetricWarning``; we do not warn), ``1.0``, ``nan`` (ignored by the
macro/weighted/samples mean, as sklearn does), or ``"raise"`` for a ``ValueError``. Never a
silent NaN.

Dtypes: as :mod:`~mlnotes.metrics.classification`. Results are Python floats, or float64
arrays for ``average=None``.

See chapter: chapters/metrics.md
"""

from __future__ import annotations

import math
from numbers import Real

import numpy as np

from mlnotes._checks import check_real
from mlnotes.metrics._targets import check_sample_weight, check_targets, same_kind
from mlnotes.metrics.classification import _indicator_counts, _label_counts, _resolve_labels, resolve_columns

AVERAGES = ("binary", "macro", "micro", "weighted", "samples", None)


def _check_zero_division(zero_division):
    """``0.0``, ``1.0``, ``nan`` or ``"raise"``."""
    if isinstance(zero_division, str):
        if zero_division == "raise":
            return zero_division
    elif isinstance(zero_division, (Real, np.floating, np.integer)) and not isinstance(zero_division, bool):
        value = float(zero_division)
        if value in (0.0, 1.0) or math.isnan(value):
            return value
    raise ValueError(f"zero_division must be 0.0, 1.0, nan or 'raise', got {zero_division!r}")


def _divide(num, den, zero_division, what: str, labels: np.ndarray) -> np.ndarray:
    """num / den; where den == 0 put ``zero_division`` (or raise): (L,), (L,) -> (L,) float64."""
    zero = den == 0  # (L,)
    out = np.divide(num, np.where(zero, 1, den), dtype=float)  # (L,)
    if np.any(zero):
        if zero_division == "raise":
            raise ValueError(f"{what} is 0/0 for label(s) {labels[zero].tolist()}; "
                             "pass zero_division=0.0, 1.0 or nan to choose its value")
        out[zero] = zero_division
    return out


def _average(values: np.ndarray, average, weights):
    """Reduce per-label (or per-sample) values as sklearn does (NaN ignored; all-zero weights -> plain mean)."""
    if average is None:
        return values
    if average in ("binary", "micro"):
        return float(values[0])
    keep = ~np.isnan(values)
    if not np.any(keep):
        return float("nan")  # only reachable with zero_division=nan, which asked for it
    weights = None if average == "macro" or weights is None else np.asarray(weights, dtype=float)[keep]
    if weights is not None and weights.sum() == 0:
        weights = None
    return float(np.average(values[keep], weights=weights))


def _labels_for(t: np.ndarray, p: np.ndarray, average, labels, pos_label) -> np.ndarray:
    """The labels to score: ``[pos_label]`` for ``average="binary"``, else ``labels`` or all seen."""
    if average != "binary":
        return _resolve_labels(t, p, labels)
    present = np.union1d(t, p)
    if len(present) > 2:
        raise ValueError(f"average='binary' needs at most 2 classes, y_true and y_pred hold {len(present)}: "
                         "use average='macro', 'micro', 'weighted' or None")
    if not same_kind(pos_label, t):
        raise TypeError(f"pos_label must be a label of the same kind as y_true, got {pos_label!r}")
    if len(present) == 2 and pos_label not in present.tolist():
        raise ValueError(f"pos_label={pos_label!r} is not one of the labels {present.tolist()}")
    return np.asarray([pos_label])


def _prf(y_true, y_pred, beta, average, labels, pos_label, zero_division, which, sample_weight) -> tuple:
    """Check the arguments, count per label (or per sample), and compute the requested ones of P, R, F."""
    if average not in AVERAGES:
        raise ValueError("average must be one of 'binary', 'macro', 'micro', 'weighted', 'samples' or None, "
                         f"got {average!r}")
    kind, t, p = check_targets(y_true, y_pred)
    beta = check_real("beta", beta, low=0.0)
    zero_division = _check_zero_division(zero_division)
    w = check_sample_weight(sample_weight, len(t))
    if kind == "labels":
        if average == "samples":
            raise ValueError("average='samples' averages over the labels of each sample: it needs multilabel "
                             "indicators (2-D y_true and y_pred); for 1-D labels use 'micro' (= accuracy) or 'macro'")
        labels = _labels_for(t, p, average, labels, pos_label)
        counts = _label_counts(t, p, labels, w)
        return _prf_from_counts(*counts, labels, beta, average, zero_division, which)
    if average == "binary":
        raise ValueError("y_true and y_pred are multilabel indicators: average='binary' scores one class; use "
                         "'micro', 'macro', 'weighted', 'samples' or None")
    cols = resolve_columns(labels, t.shape[1])
    if average == "samples":  # per sample over its row of labels, then a weighted mean over samples
        tt, pp = t[:, cols], p[:, cols]  # (n, C)
        counts = ((tt * pp).sum(1), pp.sum(1), tt.sum(1))  # (n,) each: TP, TP + FP, TP + FN of each sample
        return _prf_from_counts(*counts, np.arange(len(t)), beta, average, zero_division, which, weights=w)
    return _prf_from_counts(*_indicator_counts(t, p, cols, w), cols, beta, average, zero_division, which)


def _prf_from_counts(tp, pred_sum, true_sum, labels, beta, average, zero_division, which, weights=None):
    """P = TP/(TP+FP), R = TP/(TP+FN), F = (1+β²)TP/((1+β²)TP + β²FN + FP), averaged."""
    if average == "micro":  # pool the counts of all labels first
        tp, pred_sum, true_sum = (c.sum(keepdims=True) for c in (tp, pred_sum, true_sum))
        labels = np.asarray(["all (micro)"])
    b2 = beta**2
    parts = {  # name: (numerator, denominator, what 0/0 means); pred_sum = TP + FP, true_sum = TP + FN
        "precision": (tp, pred_sum, "precision (no predicted samples)"),
        "recall": (tp, true_sum, "recall (no true samples)"),
        "f": ((1 + b2) * tp, b2 * true_sum + pred_sum, "F-score (no true nor predicted samples)"),
    }
    weights = true_sum if average == "weighted" else weights  # "samples": sample_weight
    out = []
    for name in which:
        num, den, what = parts[name]
        out.append(_average(_divide(num, den, zero_division, what, labels), average, weights))
    return tuple(out)


def precision_recall_fbeta(y_true, y_pred, *, beta=1.0, average="binary", labels=None, pos_label=1,
                           zero_division=0.0, sample_weight=None):
    """Precision, recall and F-beta: (n,), (n,) or (n, L) indicators -> three floats, or three (L,) arrays.

    See the module docstring for ``average`` and ``zero_division``; ``labels`` is ignored
    for ``average="binary"`` (as in sklearn); ``sample_weight`` (n,) >= 0.
    See chapter: chapters/metrics.md
    """
    return _prf(y_true, y_pred, beta, average, labels, pos_label, zero_division, ("precision", "recall", "f"),
                sample_weight)


def precision(y_true, y_pred, *, average="binary", labels=None, pos_label=1, zero_division=0.0, sample_weight=None):
    """Precision TP / (TP + FP): (n,), (n,) -> float (or (L,) if average is None).

    See chapter: chapters/metrics.md
    """
    return _prf(y_true, y_pred, 1.0, average, labels, pos_label, zero_division, ("precision",), sample_weight)[0]


def recall(y_true, y_pred, *, average="binary", labels=None, pos_label=1, zero_division=0.0, sample_weight=None):
    """Recall TP / (TP + FN): (n,), (n,) -> float (or (L,) if average is None).

    See chapter: chapters/metrics.md
    """
    return _prf(y_true, y_pred, 1.0, average, labels, pos_label, zero_division, ("recall",), sample_weight)[0]


def fbeta(y_true, y_pred, *, beta, average="binary", labels=None, pos_label=1, zero_division=0.0,
          sample_weight=None):
    """F-beta, recall weighted beta times as much as precision: (n,), (n,) -> float (or (L,)).

    See chapter: chapters/metrics.md
    """
    return _prf(y_true, y_pred, beta, average, labels, pos_label, zero_division, ("f",), sample_weight)[0]


def f1(y_true, y_pred, *, average="binary", labels=None, pos_label=1, zero_division=0.0, sample_weight=None):
    """F1, the harmonic mean 2PR / (P + R) of precision and recall: (n,), (n,) -> float (or (L,)).

    See chapter: chapters/metrics.md
    """
    return fbeta(y_true, y_pred, beta=1.0, average=average, labels=labels, pos_label=pos_label,
                 zero_division=zero_division, sample_weight=sample_weight)
