"""Input checks for targets that are more than 1-D 0/1 labels: sample weights, the positive class, indicators.

Each raises ``ValueError`` (``TypeError`` for a wrong kind of object or dtype) naming the argument.

* ``sample_weight``: ``None`` or a 1-D array of ``n`` finite weights ``>= 0`` (boolean, integer or
  floating; kept in its dtype). Zero weights are allowed (a sample with weight 0 counts as absent).
* a binary ``y_true`` with a positive class (``pos_label``): any two labels. With ``pos_label=None``
  the labels must be a subset of {0, 1} or {-1, 1} (then 1 is positive), as in scikit-learn.
* a multilabel indicator (``y_true``/``y_pred``/``y_score`` of shape ``(n_samples, n_labels)``):
  ``n_labels >= 2`` columns of 0/1 (boolean, integer or floating).
"""

from __future__ import annotations

import numpy as np

from mlnotes.metrics._validate import check_label_pair, check_labels, check_scores


def check_sample_weight(sample_weight, n: int):
    """None, or (n,) finite weights >= 0 in their own dtype (bool, int, uint or float)."""
    if sample_weight is None:
        return None
    w = check_scores("sample_weight", sample_weight, ndim=1)
    if len(w) != n:
        raise ValueError(f"sample_weight must have one weight per sample ({n}), got {len(w)}")
    if w.dtype.kind in "if" and np.any(w < 0):
        raise ValueError("sample_weight must be >= 0 (a weight is how many times a sample counts)")
    return w


def total_weight(w, n: int) -> float:
    """Σ w (or n without weights); ValueError if it is 0: every sample would be absent."""
    total = float(n if w is None else np.sum(w, dtype=np.float64))
    if total == 0:
        raise ValueError("sample_weight must not be all zero: no sample would count")
    return total


def check_indicator(name: str, y) -> np.ndarray:
    """A multilabel indicator (n, L >= 2) of 0/1 (bool, int, uint or float): -> (n, L) int64."""
    arr = check_scores(name, y, ndim=2)
    if arr.shape[0] == 0 or arr.shape[1] < 2:
        raise ValueError(f"{name} as a multilabel indicator must have shape (n_samples >= 1, n_labels >= 2), "
                         f"got {arr.shape}; pass 1-D labels for one label per sample")
    if not np.all((arr == 0) | (arr == 1)):
        raise ValueError(f"{name} as a multilabel indicator must contain only 0 and 1, got values "
                         f"{np.unique(arr)[:5].tolist()}")
    return arr.astype(np.int64)


def check_targets(y_true, y_pred) -> tuple[str, np.ndarray, np.ndarray]:
    """("labels", (n,), (n,)) for 1-D class labels, or ("multilabel", (n, L), (n, L)) for two indicators."""
    nd_true, nd_pred = np.ndim(y_true), np.ndim(y_pred)
    if nd_true == 2 or nd_pred == 2:
        if nd_true != nd_pred:
            raise ValueError("y_true and y_pred must both be 1-D labels or both 2-D multilabel indicators, got "
                             f"shapes {np.shape(y_true)} and {np.shape(y_pred)}")
        t, p = check_indicator("y_true", y_true), check_indicator("y_pred", y_pred)
        if t.shape != p.shape:
            raise ValueError(f"y_true and y_pred must have the same shape, got {t.shape} and {p.shape}")
        return "multilabel", t, p
    t, p = check_label_pair(y_true, y_pred)
    return "labels", t, p


def same_kind(value, labels: np.ndarray) -> bool:
    """Is a scalar label of the same kind (string vs number) as an array of labels?"""
    kind = np.asarray([value]).dtype.kind
    return kind in "biufU" and (kind == "U") == (labels.dtype.kind == "U")


def binarize(name: str, y, pos_label) -> np.ndarray:
    """1-D labels of at most two classes -> (n,) int64, 1 where y == pos_label.

    ``pos_label=None`` needs labels within {0, 1} or {-1, 1} (1 is positive), as scikit-learn asks.
    """
    t = check_labels(name, y)
    classes = np.unique(t)
    if len(classes) > 2:
        raise ValueError(f"{name} must contain only 0 and 1 (or two labels and their pos_label), got values "
                         f"{classes[:5].tolist()}: {len(classes)} classes are not a binary target")
    if pos_label is None:
        values = set(classes.tolist())
        if t.dtype.kind == "U" or not (values <= {0, 1} or values <= {-1, 1}):
            raise ValueError(f"{name} holds labels {classes.tolist()}, so pos_label must be given (which one is "
                             "positive?); without it the labels must be 0/1 or -1/1")
        pos_label = 1
    if not same_kind(pos_label, t):
        raise TypeError(f"pos_label must be a label of the same kind as {name}, got {pos_label!r}")
    if len(classes) == 2 and pos_label not in classes.tolist():
        raise ValueError(f"pos_label={pos_label!r} is not one of the labels {classes.tolist()}")
    return (t == pos_label).astype(np.int64)


def check_2d_scores(name: str, y_score, n: int, n_columns: int | None = None) -> np.ndarray:
    """Finite (n, K) scores, one column per class or label: -> (n, K) in their own dtype."""
    s = check_scores(name, y_score, ndim=2)
    if s.shape[0] != n:
        raise ValueError(f"{name} must have one row per sample ({n}), got shape {s.shape}")
    if n_columns is not None and s.shape[1] != n_columns:
        raise ValueError(f"{name} must have one column per class ({n_columns}), got shape {s.shape}")
    return s
