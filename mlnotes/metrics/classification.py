r"""Confusion matrices, accuracy and per-label counts, equal to ``sklearn.metrics``.

For labels $\ell_1, \dots, \ell_L$ and sample weights $w_n$ (1 by default) the confusion matrix
(混淆矩阵) sums $C_{ij} = \sum_n w_n\,\mathbb 1[y_n = \ell_i,\ \hat y_n = \ell_j]$ (rows: truth,
columns: prediction), so a binary problem with labels $(0, 1)$ gives
$\begin{pmatrix}TN & FP\\ FN & TP\end{pmatrix}$. ``normalize`` divides it by its row sums
(``"true"``: each row becomes the recall of its class), column sums (``"pred"``: the diagonal
becomes each class's precision) or total (``"all"``); an empty row or column stays 0, as in
sklearn. Accuracy (准确率) is $\sum_n w_n \mathbb 1[y_n = \hat y_n] / \sum_n w_n$; for
multilabel indicators (``(n_samples, n_labels)`` 0/1 matrices) a sample counts as right only
if its whole row is (subset accuracy). An integer weight $w_n = c$ counts sample $n$ exactly as
$c$ copies of it would.

Per label $\ell$, :func:`label_counts` returns $TP_\ell$, the predicted count
$\hat N_\ell = TP_\ell + FP_\ell$ and the true count (support) $N_\ell = TP_\ell + FN_\ell$,
weighted; :func:`multilabel_confusion_matrix` returns one $\begin{pmatrix}TN & FP\\ FN &
TP\end{pmatrix}$ per label (one-vs-rest for 1-D labels, per column for indicators, per sample
with ``samplewise=True``).

Dtypes: labels are integer, boolean, string or whole-number float arrays (1-D), or 0/1
indicators (2-D); scores passed by mistake (floats such as 0.73) raise ``ValueError`` as in
sklearn. Counts are int64 without weights or with integer/boolean weights and float64 with
floating weights; a normalized matrix is float64; accuracy is a Python float.

See chapter: chapters/metrics.md
"""

from __future__ import annotations

import numpy as np

from mlnotes.metrics._targets import check_sample_weight, check_targets, total_weight
from mlnotes.metrics._validate import check_labels

NORMALIZE = ("true", "pred", "all", None)


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


def resolve_columns(labels, n_labels: int) -> np.ndarray:
    """Column indices of a multilabel indicator to score: all, or ``labels`` (distinct ints in [0, n_labels))."""
    if labels is None:
        return np.arange(n_labels)
    cols = check_labels("labels", labels)
    if cols.dtype.kind not in "iuf":
        raise TypeError(f"labels of a multilabel indicator must be column indices (integers), got dtype {cols.dtype}")
    cols = cols.astype(np.int64)
    if cols.min() < 0 or cols.max() >= n_labels:
        raise ValueError(f"labels must be column indices in [0, {n_labels}) for this multilabel indicator, got "
                         f"{cols.tolist()}")
    if len(np.unique(cols)) != len(cols):
        raise ValueError(f"labels must not repeat a label, got {cols.tolist()}")
    return cols


def _sum_by(index: np.ndarray, w, minlength: int) -> np.ndarray:
    """Σ of the weights (1 each without weights) of the samples at each index: exact int64 for integer weights."""
    if w is None:
        return np.bincount(index, minlength=minlength)
    if w.dtype.kind in "biu":  # exact integer sums (float64 would round weights above 2**53)
        out = np.zeros(minlength, dtype=np.int64)
        np.add.at(out, index, w.astype(np.int64))
        return out
    return np.bincount(index, weights=w.astype(np.float64), minlength=minlength)


def _count_dtype(w):
    """int64 for no weights or integer/boolean weights (exact counts), float64 for floating weights."""
    return np.int64 if w is None or w.dtype.kind in "biu" else np.float64


def confusion_matrix(y_true, y_pred, labels=None, *, sample_weight=None, normalize=None) -> np.ndarray:
    """(Weighted) counts C[i, j] of samples of true label i predicted as j: (n,), (n,) -> (L, L).

    ``labels`` fixes the order (default: sorted union of both); samples whose true or
    predicted label is not listed are left out, as in sklearn. ``sample_weight`` (n,) >= 0;
    ``normalize`` in {"true", "pred", "all", None}. int64 counts (float64 with floating
    weights or ``normalize``). Multilabel indicators raise ``ValueError`` (as sklearn): use
    :func:`multilabel_confusion_matrix`. See chapter: chapters/metrics.md
    """
    kind, t, p = check_targets(y_true, y_pred)
    if kind == "multilabel":
        raise ValueError("confusion_matrix needs 1-D labels; for multilabel indicators use "
                         "multilabel_confusion_matrix (one 2x2 matrix per label)")
    if normalize not in NORMALIZE:
        raise ValueError(f"normalize must be 'true', 'pred', 'all' or None, got {normalize!r}")
    w = check_sample_weight(sample_weight, len(t))
    labels = _resolve_labels(t, p, labels)
    if not np.any(_index(labels, t)[1]):
        raise ValueError(f"labels must include at least one label present in y_true, got {labels.tolist()}")
    return _normalize(_confusion_matrix(t, p, labels, w), normalize)


def _confusion_matrix(t: np.ndarray, p: np.ndarray, labels: np.ndarray, w=None) -> np.ndarray:
    """C[i, j] = Σ_n w_n 1[t_n = labels[i] and p_n = labels[j]]: (n,), (n,), (L,) -> (L, L)."""
    ti, t_in = _index(labels, t)  # (n,) row of each sample; is its true label listed?
    pi, p_in = _index(labels, p)  # (n,) column of each sample
    keep = t_in & p_in  # (n,)
    n_labels = len(labels)
    cell = ti[keep] * n_labels + pi[keep]  # (n_kept,) flat index of (row, column)
    flat = _sum_by(cell, None if w is None else w[keep], n_labels * n_labels)  # (L·L,) one sum per cell
    return flat.reshape(n_labels, n_labels).astype(_count_dtype(w))  # (L, L)


def _normalize(cm: np.ndarray, normalize) -> np.ndarray:
    """Divide by row sums ("true"), column sums ("pred") or the total ("all"); 0/0 -> 0: (L, L) -> (L, L)."""
    if normalize is None:
        return cm
    axis = {"true": 1, "pred": 0, "all": None}[normalize]
    total = cm.sum(axis=axis, keepdims=True).astype(np.float64)  # (L, 1), (1, L) or (1, 1)
    return np.divide(cm, total, out=np.zeros(cm.shape), where=total != 0)  # an empty row/column stays 0


def accuracy(y_true, y_pred, *, normalize=True, sample_weight=None) -> float:
    """(Weighted) fraction of samples predicted exactly right: (n,), (n,) or (n, L), (n, L) -> float.

    For multilabel indicators a sample is right only if its whole row is (subset accuracy).
    ``normalize=False`` returns the (weighted) number of right samples. See chapter: chapters/metrics.md
    """
    kind, t, p = check_targets(y_true, y_pred)
    if not isinstance(normalize, (bool, np.bool_)):
        raise TypeError(f"normalize must be True or False, got {normalize!r}")
    w = check_sample_weight(sample_weight, len(t))
    right = (t == p) if kind == "labels" else np.all(t == p, axis=1)  # (n,)
    hits = float(np.sum(right)) if w is None else float(np.dot(right, w.astype(np.float64)))
    return hits / total_weight(w, len(t)) if normalize else hits


def label_counts(y_true, y_pred, labels, *, sample_weight=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per label: true positives, predicted count, true count (support): -> 3 × (L,), weighted.

    1-D labels (``labels``: which, in order; None = all seen) or multilabel indicators
    (``labels``: column indices). See chapter: chapters/metrics.md
    """
    kind, t, p = check_targets(y_true, y_pred)
    w = check_sample_weight(sample_weight, len(t))
    if kind == "multilabel":
        return _indicator_counts(t, p, resolve_columns(labels, t.shape[1]), w)
    return _label_counts(t, p, _resolve_labels(t, p, labels), w)


def _label_counts(t: np.ndarray, p: np.ndarray, labels: np.ndarray, w=None) -> tuple:
    """TP, TP + FP and TP + FN of each label (weighted): (n,), (n,), (L,) -> 3 × (L,)."""
    n_labels = len(labels)
    ti, t_in = _index(labels, t)
    pi, p_in = _index(labels, p)
    right = t_in & (t == p)
    pick = (lambda mask: None) if w is None else (lambda mask: w[mask])  # the weights of some samples
    tp = _sum_by(ti[right], pick(right), n_labels)  # (L,)
    pred_sum = _sum_by(pi[p_in], pick(p_in), n_labels)  # (L,) = TP + FP
    true_sum = _sum_by(ti[t_in], pick(t_in), n_labels)  # (L,) = TP + FN
    dtype = _count_dtype(w)
    return tp.astype(dtype), pred_sum.astype(dtype), true_sum.astype(dtype)


def _indicator_counts(t: np.ndarray, p: np.ndarray, cols: np.ndarray, w=None) -> tuple:
    """TP, TP + FP and TP + FN of each chosen column of two indicators: (n, L), (n, L), (C,) -> 3 × (C,)."""
    t, p = t[:, cols], p[:, cols]  # (n, C)
    weights = np.ones(len(t), dtype=np.int64) if w is None else w  # (n,)
    weights = weights.astype(_count_dtype(w))
    return weights @ (t * p), weights @ p, weights @ t  # (C,) each


def multilabel_confusion_matrix(y_true, y_pred, *, sample_weight=None, labels=None, samplewise=False) -> np.ndarray:
    """One [[TN, FP], [FN, TP]] per label (or per sample with ``samplewise``): -> (L, 2, 2) or (n, 2, 2).

    1-D labels: label vs the rest, for each of ``labels`` (default: all seen, sorted);
    multilabel indicators: per column (``labels``: column indices). ``samplewise`` needs
    indicators. See chapter: chapters/metrics.md
    """
    kind, t, p = check_targets(y_true, y_pred)
    w = check_sample_weight(sample_weight, len(t))
    if samplewise and kind != "multilabel":
        raise ValueError("samplewise=True needs multilabel indicators (2-D y_true and y_pred)")
    if kind == "labels":
        tp, pred_sum, true_sum = _label_counts(t, p, _resolve_labels(t, p, labels), w)
        total = len(t) if w is None else np.sum(w.astype(_count_dtype(w)))
    elif samplewise:
        cols = resolve_columns(labels, t.shape[1])
        tt, pp = t[:, cols], p[:, cols]  # (n, C)
        scale = np.ones(len(t), dtype=np.int64) if w is None else w.astype(_count_dtype(w))  # (n,)
        tp, pred_sum, true_sum = ((tt * pp).sum(1) * scale, pp.sum(1) * scale, tt.sum(1) * scale)  # (n,) each
        total = scale * len(cols)
    else:
        tp, pred_sum, true_sum = _indicator_counts(t, p, resolve_columns(labels, t.shape[1]), w)
        total = len(t) if w is None else np.sum(w.astype(_count_dtype(w)))
    fp, fn = pred_sum - tp, true_sum - tp
    tn = total - tp - fp - fn
    return np.stack([tn, fp, fn, tp], axis=1).reshape(-1, 2, 2)


_MOVED_TO_PRF = ("AVERAGES", "precision_recall_fbeta", "precision", "recall", "fbeta", "f1")


def __getattr__(name: str):
    """Names that lived here before precision/recall/F moved to :mod:`mlnotes.metrics.prf` (kept working)."""
    if name in _MOVED_TO_PRF:
        from mlnotes.metrics import prf

        return getattr(prf, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
