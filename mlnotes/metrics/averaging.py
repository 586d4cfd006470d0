r"""ROC AUC and average precision for binary, multi-class and multilabel targets, equal to ``sklearn.metrics``.

A binary score $m(y, s)$ (AUC or AP) becomes a multi-class or multilabel one by averaging:

* **multilabel** ($Y \in \{0,1\}^{n \times L}$, scores $S \in \mathbb R^{n \times L}$) and
  **one-vs-rest** (OvR, 一对其余; class $c$ against all others, $Y_{ic} = \mathbb 1[y_i = c]$,
  $S_{ic}$ its probability): ``"macro"`` $= \frac1L\sum_c m(Y_{:c}, S_{:c})$; ``"weighted"``
  weighs label $c$ by its (weighted) number of positives $\sum_i w_i Y_{ic}$; ``"micro"`` pools
  every (sample, label) cell into one binary problem, $m(\mathrm{vec}\,Y, \mathrm{vec}\,S)$;
  ``"samples"`` (multilabel) scores each sample's row and averages over samples; ``None`` returns
  each label's score;
* **one-vs-one** (OvO, 一对一; Hand & Till 2001, "A simple generalisation of the area under the
  ROC curve for multiple class classification problems"): for each pair of classes $a < b$, keep
  the samples of $a$ and $b$ only, and average $\mathrm{AUC}(a \mid b)$ (class $a$ positive, scored
  by $S_{:a}$) with $\mathrm{AUC}(b \mid a)$; then take the plain mean over the $K(K-1)/2$ pairs
  (``"macro"``) or weigh each pair by the fraction of samples in $a$ or $b$ (``"weighted"``).

Partial AUC (``max_fpr`` $= f$, binary and multilabel): the area $A_f$ under the ROC curve for
$\mathrm{FPR} \le f$ (the curve interpolated linearly at $f$), standardized with McClish's
correction (McClish 1989, "Analyzing a portion of the ROC curve") so that a random ranking
scores ½ and a perfect one 1:
$$\mathrm{pAUC}_f = \tfrac12\Big(1 + \frac{A_f - f^2/2}{f - f^2/2}\Big).$$

Where sklearn differs: a label or class with one class of ``y_true`` (no positive, or only
positives) raises ``ValueError`` naming it, where sklearn warns and uses NaN (AUC) or 0.0 (AP);
rows of multi-class probabilities that do not sum to 1 raise as in sklearn.

Dtypes: ``y_true`` holds labels (1-D) or a 0/1 indicator (2-D); ``y_score`` is boolean, integer or
floating, used in its own dtype. Results are Python floats, or float64 arrays for ``average=None``.

See chapter: chapters/metrics.md
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

from mlnotes._checks import check_real
from mlnotes.metrics._targets import binarize, check_2d_scores, check_indicator, check_sample_weight
from mlnotes.metrics._validate import check_labels, check_scores
from mlnotes.metrics.curves import _average_precision, _curve_inputs, _roc

AVERAGES = ("micro", "macro", "weighted", "samples", None)
MULTI_CLASS = ("raise", "ovr", "ovo")


def _binary_auc(t: np.ndarray, s: np.ndarray, w=None, max_fpr=None) -> float:
    """AUC (or McClish-standardized partial AUC up to max_fpr) of checked 0/1 targets with both classes."""
    fpr, tpr, _ = _roc(t, s, w, True)  # (T + 1,) each
    if max_fpr is None or max_fpr == 1:
        return float(np.trapezoid(tpr, fpr))
    stop = np.searchsorted(fpr, max_fpr, "right")  # points with FPR <= max_fpr
    tpr_end = np.interp(max_fpr, fpr[stop - 1:stop + 1], tpr[stop - 1:stop + 1])  # the curve at FPR = max_fpr
    area = np.trapezoid(np.r_[tpr[:stop], tpr_end], np.r_[fpr[:stop], max_fpr])  # A_f
    low, high = 0.5 * max_fpr**2, max_fpr  # the area of a random and of a perfect ranking
    return float(0.5 * (1 + (area - low) / (high - low)))


def _checked(metric, name: str, t, s, w, **kw) -> float:
    """metric on one label/class/sample, its ValueError prefixed with which one."""
    try:
        if metric == "auc":
            t, s, w = _curve_inputs(t, s, None, w, need_both=True)
            return _binary_auc(t, s, w, **kw)
        t, s, w = _curve_inputs(t, s, None, w, need_both=False)
        return _average_precision(t, s, w)
    except ValueError as err:
        raise ValueError(f"{name}: {err}") from None


def _over_columns(metric: str, T: np.ndarray, S: np.ndarray, average, w, **kw):
    """Average a binary metric over the columns (labels / classes) of (n, K) targets and scores."""
    if average == "micro":  # every (sample, label) cell is one binary sample
        w_cells = None if w is None else np.repeat(w, T.shape[1])
        return _checked(metric, "micro average", T.ravel(), S.ravel(), w_cells, **kw)
    if average == "samples":  # each sample's row of labels is one binary problem
        weights = w
        if w is not None and not np.any(w):
            raise ValueError("sample_weight must not be all zero: no sample would count")
        rows = range(len(T)) if w is None else np.flatnonzero(w)  # a zero-weight sample does not count
        scores = np.zeros(len(T))
        for i in rows:
            scores[i] = _checked(metric, f"sample {i}", T[i], S[i], None, **kw)
        return float(np.average(scores, weights=weights))
    weights = None
    cols = range(T.shape[1])
    if average == "weighted":  # by each label's (weighted) number of positives
        weights = T.sum(0) if w is None else w.astype(np.float64) @ T  # (K,)
        if np.isclose(weights.sum(), 0.0):
            return 0.0
        cols = np.flatnonzero(weights)  # a label without positives has weight 0: it does not count
    scores = np.zeros(T.shape[1])
    for c in cols:
        scores[c] = _checked(metric, f"label {c}", T[:, c], S[:, c], w, **kw)
    return scores if average is None else float(np.average(scores, weights=weights))


def _check_average(average, options=AVERAGES) -> None:
    if average not in options:
        names = ", ".join(repr(a) for a in options)
        raise ValueError(f"average must be one of {names}, got {average!r}")


def _multiclass_classes(t: np.ndarray, S: np.ndarray, labels) -> np.ndarray:
    """The classes naming the columns of S: ``labels`` (sorted, distinct, covering y_true) or y_true's."""
    if labels is None:
        classes = np.unique(t)
        if len(classes) != S.shape[1]:
            raise ValueError(f"y_true holds {len(classes)} classes but y_score has {S.shape[1]} columns: pass the "
                             "labels naming the columns")
        return classes
    classes = check_labels("labels", labels)
    if len(np.unique(classes)) != len(classes) or np.any(np.sort(classes) != classes):
        raise ValueError(f"labels must be distinct and sorted (they name the columns of y_score), got "
                         f"{classes.tolist()}")
    if len(classes) != S.shape[1]:
        raise ValueError(f"labels name {len(classes)} classes but y_score has {S.shape[1]} columns")
    if not np.all(np.isin(t, classes)):
        raise ValueError(f"y_true holds labels not in labels: {np.setdiff1d(t, classes).tolist()}")
    return classes


def _multiclass_auc(t, S, w, average, multi_class, labels) -> float:
    """One-vs-rest or one-vs-one AUC of 1-D labels and (n, K) class probabilities."""
    if multi_class == "raise":
        raise ValueError(f"y_true has {len(np.unique(t))} classes (or y_score {S.shape[1]} columns): choose "
                         "multi_class='ovr' (each class against the rest) or 'ovo' (each pair of classes)")
    if not np.allclose(1, S.sum(axis=1)):
        raise ValueError("y_score rows must be class probabilities summing to 1 for a multi-class AUC")
    classes = _multiclass_classes(t, S, labels)
    if multi_class == "ovr":
        _check_average(average, ("micro", "macro", "weighted", None))
        T = (t[:, None] == classes[None, :]).astype(np.int64)  # (n, K) one-vs-rest targets
        return _over_columns("auc", T, S, average, w)
    _check_average(average, ("macro", "weighted"))
    if w is not None:
        raise ValueError("sample_weight is not defined for multi_class='ovo' (as in sklearn)")
    return _ovo_auc(np.searchsorted(classes, t), S, average)


def _ovo_auc(code: np.ndarray, S: np.ndarray, average) -> float:
    """Hand & Till: mean over class pairs (a, b) of [AUC(a | b) + AUC(b | a)] / 2: (n,) class index, (n, K)."""
    pairs = list(combinations(np.unique(code), 2))
    scores, prevalence = np.zeros(len(pairs)), np.zeros(len(pairs))
    for k, (a, b) in enumerate(pairs):
        both = (code == a) | (code == b)  # (n,) the samples of the pair only
        a_pos = (code[both] == a).astype(np.int64)
        scores[k] = (_binary_auc(a_pos, S[both, a]) + _binary_auc(1 - a_pos, S[both, b])) / 2
        prevalence[k] = np.mean(both)
    return float(np.average(scores, weights=prevalence if average == "weighted" else None))


def roc_auc(y_true, y_score, *, average="macro", multi_class="raise", labels=None, sample_weight=None,
            max_fpr=None):
    """ROC AUC of binary, multi-class (OvR / OvO) or multilabel targets, equal to ``roc_auc_score``.

    Binary: ``y_true`` (n,) two labels (the greater one is positive), ``y_score`` (n,).
    Multi-class: ``y_true`` (n,) with K > 2 classes, ``y_score`` (n, K) probabilities (rows sum
    to 1), ``multi_class`` "ovr" or "ovo" (the default "raise" asks you to choose).
    Multilabel: ``y_true`` and ``y_score`` (n, L). ``average`` in {"macro", "weighted",
    "micro", "samples", None} where defined; ``sample_weight`` (n,) >= 0 (not for OvO);
    ``max_fpr`` in (0, 1] gives the standardized partial AUC (binary and multilabel).
    -> float, or (L,) float64 for ``average=None``. See chapter: chapters/metrics.md
    """
    if multi_class not in MULTI_CLASS:
        raise ValueError(f"multi_class must be 'raise', 'ovr' or 'ovo', got {multi_class!r}")
    _check_average(average)
    if max_fpr is not None:
        max_fpr = check_real("max_fpr", max_fpr, low=0.0, high=1.0, low_open=True)
    if np.ndim(y_true) == 2:
        T = check_indicator("y_true", y_true)
        S = check_2d_scores("y_score", y_score, len(T), T.shape[1])
        return _over_columns("auc", T, S, average, check_sample_weight(sample_weight, len(T)), max_fpr=max_fpr)
    t = check_labels("y_true", y_true)
    s = check_scores("y_score", y_score, ndim=(1, 2))
    if len(np.unique(t)) > 2 or (s.ndim == 2 and s.shape[1] > 2):
        if max_fpr is not None and max_fpr != 1:
            raise ValueError("max_fpr (partial AUC) is defined for binary and multilabel targets only")
        S = check_2d_scores("y_score", s, len(t))
        return _multiclass_auc(t, S, check_sample_weight(sample_weight, len(t)), average, multi_class, labels)
    if s.ndim != 1:
        raise ValueError(f"y_score must be 1-D (the positive class's score) for a binary y_true, got shape {s.shape}")
    classes = np.unique(t)
    positive = (t == classes[-1]).astype(np.int64)  # the greater label is positive (sklearn: label_binarize)
    t01, s, w = _curve_inputs(positive, s, None, sample_weight, need_both=True)
    return _binary_auc(t01, s, w, max_fpr)


def average_precision(y_true, y_score, *, average="macro", pos_label=1, sample_weight=None):
    """Average precision Σ (R_k − R_{k−1}) P_k (binary), averaged per label (multilabel) or class (multi-class).

    Binary: ``y_true`` (n,) two labels, ``pos_label`` the positive one, ``y_score`` (n,).
    Multi-class ``y_true`` (n,) with K > 2 classes: one-vs-rest over ``y_score`` (n, K);
    multilabel: ``y_true``, ``y_score`` (n, L); both need ``pos_label=1``. ``average`` in
    {"macro", "weighted", "micro", "samples", None}; ``sample_weight`` (n,) >= 0.
    ``ValueError`` when a label has no positive: AP is undefined then (sklearn warns and
    returns 0.0, which reads as "the worst ranker"). See chapter: chapters/metrics.md
    """
    _check_average(average)
    w = None
    if np.ndim(y_true) == 2:
        T = check_indicator("y_true", y_true)
        w = check_sample_weight(sample_weight, len(T))
    else:
        t = check_labels("y_true", y_true)
        classes = np.unique(t)
        if len(classes) <= 2:
            s = check_scores("y_score", y_score, ndim=1)
            t01, s, w = _curve_inputs(binarize("y_true", t, pos_label), s, None, sample_weight, need_both=False)
            return _average_precision(t01, s, w)
        T = (t[:, None] == classes[None, :]).astype(np.int64)  # (n, K) one-vs-rest targets
        w = check_sample_weight(sample_weight, len(t))
    if not (isinstance(pos_label, (int, np.integer)) and pos_label == 1):
        raise ValueError(f"pos_label must be 1 for multilabel or multi-class y_true (each column's 1 is positive), "
                         f"got {pos_label!r}")
    S = check_2d_scores("y_score", y_score, len(T), T.shape[1])
    return _over_columns("ap", T, S, average, w)
