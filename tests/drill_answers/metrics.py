"""Known wrong answers of the AUC and F1 drills (mlnotes/drills/metrics.py): numpy only, run in Python and Pyodide.

Each function is a mistake a reader makes (the checkers' hints name most of them); every one must fail.
"""

import numpy as np


# -- AUC: fn(y_true, y_score) -> float ---------------------------------------------------------------
def _ranks(x, average=True):
    """1-based ascending ranks; ties share their average rank (or keep their position order if not ``average``)."""
    x = np.asarray(x, dtype=float)
    order = np.argsort(x, kind="stable")
    ranks = np.empty(len(x))
    ranks[order] = np.arange(1, len(x) + 1)
    if average:
        _, inverse, counts = np.unique(x, return_inverse=True, return_counts=True)
        ranks = (np.cumsum(counts) - counts + (counts + 1) / 2)[inverse]
    return ranks


def _rank_auc(t, ranks):
    t = np.asarray(t) == 1
    m, n = int(t.sum()), int((~t).sum())
    if m == 0 or n == 0:
        raise ValueError("AUC needs both classes")
    return float((ranks[t].sum() - m * (m + 1) / 2) / (m * n))


def _auc(t, s):
    return _rank_auc(t, _ranks(s))


def auc_descending(t, s):
    """Ranks in descending order (highest score = rank 1): 1 − AUC (the notes' erratum 14)."""
    return _rank_auc(t, _ranks(-np.asarray(s, dtype=float)))


def auc_ordinal_ranks(t, s):
    """Tied scores get distinct ranks (by position) instead of their average rank."""
    return _rank_auc(t, _ranks(s, average=False))


def auc_strict_pairs(t, s):
    """Counts pairs with s+ > s-; a tied pair counts 0 instead of ½."""
    t = np.asarray(t) == 1
    if t.all() or not t.any():
        raise ValueError("one class")
    return float(np.mean(s[t][:, None] > s[~t][None, :]))


def auc_loose_pairs(t, s):
    """Counts pairs with s+ >= s-; a tied pair counts 1 instead of ½."""
    t = np.asarray(t) == 1
    if t.all() or not t.any():
        raise ValueError("one class")
    return float(np.mean(s[t][:, None] >= s[~t][None, :]))


def auc_unnormalised(t, s):
    """Forgets to divide by M·N."""
    t = np.asarray(t) == 1
    return _auc(t, s) * int(t.sum()) * int((~t).sum())


def auc_returns_nan_for_one_class(t, s):
    """Returns NaN (sklearn's behaviour) instead of raising ValueError for one class."""
    t = np.asarray(t) == 1
    if t.all() or not t.any():
        return float("nan")
    return _auc(t, s)


def auc_zero_division(t, s):
    """Divides by M·N = 0 for one class: ZeroDivisionError instead of a ValueError."""
    t = np.asarray(t) == 1
    m = int(t.sum())
    if m * (len(t) - m) == 0:
        return 1 / 0
    return _auc(t, s)


def auc_sorts_scores_in_place(t, s):
    """Sorts the caller's scores in place."""
    s.sort()
    return 0.5


# -- F1: fn(y_true, y_pred) -> float -----------------------------------------------------------------
def _f1(t, p):
    t, p = np.asarray(t) == 1, np.asarray(p) == 1
    tp, fp, fn = int(np.sum(t & p)), int(np.sum(~t & p)), int(np.sum(t & ~p))
    return 2 * tp / (2 * tp + fp + fn) if 2 * tp + fp + fn else 0.0


def f1_naive(t, p):
    """2PR/(P+R) with no guard: 0/0 (NaN) when nothing is predicted positive."""
    t, p = np.asarray(t) == 1, np.asarray(p) == 1
    tp = np.sum(t & p)
    prec, rec = tp / np.sum(p), tp / np.sum(t)
    return 2 * prec * rec / (prec + rec)


def f1_accuracy(t, p):
    """Accuracy instead of F1."""
    return float(np.mean(np.asarray(t) == np.asarray(p)))


def f1_precision_only(t, p):
    """Precision TP/(TP+FP) instead of F1."""
    t, p = np.asarray(t) == 1, np.asarray(p) == 1
    tp, fp = int(np.sum(t & p)), int(np.sum(~t & p))
    return tp / (tp + fp) if tp + fp else 0.0


def f1_class_zero(t, p):
    """Scores class 0 as the positive class."""
    return _f1(1 - np.asarray(t, dtype=int), 1 - np.asarray(p, dtype=int))


def f1_macro(t, p):
    """The mean F1 over both classes (macro) instead of the binary F1 of class 1."""
    return (_f1(t, p) + f1_class_zero(t, p)) / 2


def f1_one_for_empty(t, p):
    """0/0 (nothing positive anywhere) gives 1.0 instead of 0.0."""
    t, p = np.asarray(t) == 1, np.asarray(p) == 1
    d = 2 * np.sum(t & p) + np.sum(t ^ p)
    return 2 * np.sum(t & p) / d if d else 1.0


def f1_float32(t, p):
    """Right formula, computed in float32 (7 digits; the checker wants 1e-9)."""
    return np.float32(_f1(t, p))


def f1_overwrites_labels(t, p):
    """Overwrites the caller's labels in place."""
    t[:] = 0
    return 0.0


ANSWERS = {
    "auc": [auc_descending, auc_ordinal_ranks, auc_strict_pairs, auc_loose_pairs, auc_unnormalised,
            auc_returns_nan_for_one_class, auc_zero_division, auc_sorts_scores_in_place],
    "f1": [f1_naive, f1_accuracy, f1_precision_only, f1_class_zero, f1_macro, f1_one_for_empty, f1_float32,
           f1_overwrites_labels],
}
