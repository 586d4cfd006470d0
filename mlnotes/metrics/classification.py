r"""Confusion matrix, accuracy, precision, recall and $F_\beta$, equal to ``sklearn.metrics``.

For labels $\ell_1, \dots, \ell_L$ the confusion matrix (混淆矩阵) counts
$C_{ij} = \#\{n : y_n = \ell_i,\ \hat y_n = \ell_j\}$ (rows: truth, columns: prediction), so a
binary problem with labels $(0, 1)$ gives $\begin{pmatrix}TN & FP\\ FN & TP\end{pmatrix}$.
Accuracy (准确率) is $\frac1N\sum_n \mathbb 1[y_n = \hat y_n]$. Per label $\ell$, with
$TP_\ell = C_{\ell\ell}$, predicted count $\hat N_\ell = TP_\ell + FP_\ell$ and true count
(support) $N_\ell = TP_\ell + FN_\ell$:
$$P = \frac{TP}{TP+FP},\qquad R = \frac{TP}{TP+FN},\qquad
F_\beta = \frac{(1+\beta^2)\,P R}{\beta^2 P + R} = \frac{(1+\beta^2)\,TP}{(1+\beta^2)\,TP + \beta^2 FN + FP}.$$
$F_\beta$ is computed from counts (right form), as sklearn does, so it is defined whenever
$TP + FN + FP > 0$ even if $P$ is $0/0$. Averages over labels: ``"binary"`` reports the
``pos_label`` only; ``"macro"`` the plain mean; ``"weighted"`` the mean weighted by $N_\ell$;
``"micro"`` sums $TP, \hat N, N$ over labels first (for single-label multi-class data with all
labels, micro $P = R = F_1 =$ accuracy); ``None`` returns one value per label.

A $0/0$ (no predicted positives for $P$, no true positives for $R$, neither for $F$) becomes
``zero_division``: ``0.0`` by default, the value sklearn 1.9 returns by default (sklearn also
emits an ``UndefinedMetricWarning``; we do not warn), ``1.0``, ``nan`` (ignored by the
macro/weighted mean, as sklearn does), or ``"raise"`` for a ``ValueError``. Never a silent NaN.

Dtypes: labels are integer, boolean, string or whole-number float arrays; scores passed by
mistake (floats such as 0.73) raise ``ValueError`` as in sklearn, and object, bytes or
complex arrays raise ``TypeError``. Results are Python floats, float64 arrays for
``average=None`` and an int64 confusion matrix, whatever the label dtype, as in sklearn.

See chapter: chapters/metrics.md
"""

from __future__ import annotations

import math
from numbers import Real

import numpy as np

from mlnotes._checks import check_real
from mlnotes.metrics._validate import check_label_pair, check_labels

AVERAGES = ("binary", "macro", "micro", "weighted", None)


def _index(labels: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Position of each y in ``labels`` and whether it is there at all: (n,) -> (n,) int, (n,) bool."""
    sorter = np.argsort(labels, kind="stable")  # (L,)
    pos = np.clip(np.searchsorted(labels[sorter], y), 0, len(labels) - 1)  # (n,)
    found = labels[sorter][pos] == y  # (n,)
    return sorter[pos], found


def _resolve_labels(t: np.ndarray, p: np.ndarray, labels) -> np.ndarray:
    """The sorted union of the labels seen, or the user's ``labels`` after checks."""
    if labels is None:
        return np.union1d(t, p)
    labels = check_labels("labels", labels)
    if (labels.dtype.kind == "U") != (t.dtype.kind == "U"):
        raise TypeError(f"labels must be of the same kind as y_true, got dtypes {labels.dtype} and {t.dtype}")
    if len(np.unique(labels)) != len(labels):
        raise ValueError(f"labels must not repeat a label, got {labels.tolist()}")
    return labels


def confusion_matrix(y_true, y_pred, labels=None) -> np.ndarray:
    """Counts C[i, j] of samples of true label i predicted as j: (n,), (n,) -> (L, L) int64.

    ``labels`` fixes the order (default: sorted union of both); samples whose true or
    predicted label is not listed are left out, as in sklearn. Labels: integer, boolean,
    string or whole-number float arrays (others raise, see ``_validate``).
    See chapter: chapters/metrics.md
    """
    t, p = check_label_pair(y_true, y_pred)
    labels = _resolve_labels(t, p, labels)
    if not np.any(_index(labels, t)[1]):
        raise ValueError(f"labels must include at least one label present in y_true, got {labels.tolist()}")
    return _confusion_matrix(t, p, labels)


def _confusion_matrix(t: np.ndarray, p: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """C[i, j] = #{n : t_n = labels[i] and p_n = labels[j]}: (n,), (n,), (L,) -> (L, L)."""
    ti, t_in = _index(labels, t)  # (n,) row of each sample; is its true label listed?
    pi, p_in = _index(labels, p)  # (n,) column of each sample
    keep = t_in & p_in  # (n,)
    n_labels = len(labels)
    cell = ti[keep] * n_labels + pi[keep]  # (n_kept,) flat index of (row, column)
    flat = np.bincount(cell, minlength=n_labels * n_labels)  # (L·L,) one count per cell
    return flat.reshape(n_labels, n_labels).astype(np.int64)  # (L, L)


def accuracy(y_true, y_pred) -> float:
    """Fraction of samples predicted exactly right: (n,), (n,) -> float in [0, 1].

    See chapter: chapters/metrics.md
    """
    t, p = check_label_pair(y_true, y_pred)
    return float(np.mean(t == p))


def label_counts(y_true, y_pred, labels) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per label: true positives, predicted count, true count (support): (n,), (n,), (L,) -> 3 × (L,) int64.

    See chapter: chapters/metrics.md
    """
    t, p = check_label_pair(y_true, y_pred)
    labels = _resolve_labels(t, p, labels)
    n_labels = len(labels)
    ti, t_in = _index(labels, t)
    pi, p_in = _index(labels, p)
    tp = np.bincount(ti[t_in & (t == p)], minlength=n_labels)  # (L,)
    pred_sum = np.bincount(pi[p_in], minlength=n_labels)  # (L,) = TP + FP
    true_sum = np.bincount(ti[t_in], minlength=n_labels)  # (L,) = TP + FN
    return tp.astype(np.int64), pred_sum.astype(np.int64), true_sum.astype(np.int64)


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


def _average(values: np.ndarray, average, support: np.ndarray):
    """Reduce per-label values as sklearn does (NaN entries ignored; all-zero weights -> plain mean)."""
    if average is None:
        return values
    if average in ("binary", "micro"):
        return float(values[0])
    keep = ~np.isnan(values)
    if not np.any(keep):
        return float("nan")  # only reachable with zero_division=nan, which asked for it
    weights = support[keep] if average == "weighted" else None
    if weights is not None and weights.sum() == 0:
        weights = None
    return float(np.average(values[keep], weights=weights))


def _labels_for(t: np.ndarray, p: np.ndarray, average, labels, pos_label) -> np.ndarray:
    """The labels to score: ``[pos_label]`` for ``average="binary"``, else ``labels`` or all seen."""
    if average not in AVERAGES:
        raise ValueError(f"average must be one of 'binary', 'macro', 'micro', 'weighted' or None, got {average!r}")
    if average != "binary":
        return _resolve_labels(t, p, labels)
    present = np.union1d(t, p)
    if len(present) > 2:
        raise ValueError(f"average='binary' needs at most 2 classes, y_true and y_pred hold {len(present)}: "
                         "use average='macro', 'micro', 'weighted' or None")
    pos = np.asarray([pos_label])
    if (pos.dtype.kind == "U") != (t.dtype.kind == "U") or pos.dtype.kind not in "biufU":
        raise TypeError(f"pos_label must be a label of the same kind as y_true, got {pos_label!r}")
    if len(present) == 2 and pos_label not in present.tolist():
        raise ValueError(f"pos_label={pos_label!r} is not one of the labels {present.tolist()}")
    return pos


def _prf(y_true, y_pred, beta, average, labels, pos_label, zero_division, which) -> tuple:
    """Check the arguments, count per label, and compute the requested ones of P, R, F in ``which`` order."""
    t, p = check_label_pair(y_true, y_pred)
    beta = check_real("beta", beta, low=0.0)
    zero_division = _check_zero_division(zero_division)
    labels = _labels_for(t, p, average, labels, pos_label)
    tp, pred_sum, true_sum = label_counts(t, p, labels)  # (L,) each
    return _prf_from_counts(tp, pred_sum, true_sum, labels, beta, average, zero_division, which)


def _prf_from_counts(tp, pred_sum, true_sum, labels, beta, average, zero_division, which):
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
    out = []
    for name in which:
        num, den, what = parts[name]
        out.append(_average(_divide(num, den, zero_division, what, labels), average, true_sum))
    return tuple(out)


def precision_recall_fbeta(y_true, y_pred, *, beta=1.0, average="binary", labels=None, pos_label=1,
                           zero_division=0.0):
    """Precision, recall and F-beta: (n,), (n,) -> three floats, or three (L,) arrays if average is None.

    See the module docstring for ``average`` and ``zero_division``; ``labels`` is ignored
    for ``average="binary"`` (as in sklearn). See chapter: chapters/metrics.md
    """
    return _prf(y_true, y_pred, beta, average, labels, pos_label, zero_division, ("precision", "recall", "f"))


def precision(y_true, y_pred, *, average="binary", labels=None, pos_label=1, zero_division=0.0):
    """Precision TP / (TP + FP): (n,), (n,) -> float (or (L,) if average is None).

    See chapter: chapters/metrics.md
    """
    return _prf(y_true, y_pred, 1.0, average, labels, pos_label, zero_division, ("precision",))[0]


def recall(y_true, y_pred, *, average="binary", labels=None, pos_label=1, zero_division=0.0):
    """Recall TP / (TP + FN): (n,), (n,) -> float (or (L,) if average is None).

    See chapter: chapters/metrics.md
    """
    return _prf(y_true, y_pred, 1.0, average, labels, pos_label, zero_division, ("recall",))[0]


def fbeta(y_true, y_pred, *, beta, average="binary", labels=None, pos_label=1, zero_division=0.0):
    """F-beta, recall weighted beta times as much as precision: (n,), (n,) -> float (or (L,)).

    See chapter: chapters/metrics.md
    """
    return _prf(y_true, y_pred, beta, average, labels, pos_label, zero_division, ("f",))[0]


def f1(y_true, y_pred, *, average="binary", labels=None, pos_label=1, zero_division=0.0):
    """F1, the harmonic mean 2PR / (P + R) of precision and recall: (n,), (n,) -> float (or (L,)).

    See chapter: chapters/metrics.md
    """
    return fbeta(y_true, y_pred, beta=1.0, average=average, labels=labels, pos_label=pos_label,
                 zero_division=zero_division)
