"""Known wrong answers to the drills of ``mlnotes/drills/trees.py`` (entropy, Gini, the best split of one feature).

Self-contained (numpy only): the browser runs this file alone. Each function is a mistake a reader makes; the
checker must fail it, and print the same verdict with the library oracle and with the browser's.
"""

import numpy as np


def _proportions(y):
    _, counts = np.unique(y, return_counts=True)
    return counts / counts.sum()


def _gini(y):
    p = _proportions(y)
    return 1.0 - np.sum(p * p)


# -- entropy ---------------------------------------------------------------------------------------------
def entropy_natural_log(y):
    """Nats, not bits."""
    p = _proportions(y)
    return float(-np.sum(p * np.log(p)))


def entropy_no_minus(y):
    """Σ p log₂ p: the minus sign is missing."""
    p = _proportions(y)
    return float(np.sum(p * np.log2(p)))


def entropy_is_gini(y):
    """Returns the Gini impurity."""
    return float(_gini(y))


def entropy_counts_not_proportions(y):
    """−Σ n_k log₂ p_k: counts where the proportions belong."""
    _, counts = np.unique(y, return_counts=True)
    return float(-np.sum(counts * np.log2(counts / counts.sum())))


def entropy_bincount(y):
    """np.bincount: fails on negative and string labels."""
    p = np.bincount(y) / len(y)
    p = p[p > 0]
    return float(-np.sum(p * np.log2(p)))


def entropy_sorts_labels_in_place(y):
    """Sorts y in place to count runs (hostile: the caller's labels are reordered)."""
    y.sort()
    edges = np.flatnonzero(np.r_[True, y[1:] != y[:-1], True])
    p = np.diff(edges) / len(y)
    return float(-np.sum(p * np.log2(p)))


# -- Gini ------------------------------------------------------------------------------------------------
def gini_sum_of_squares(y):
    """Σ p_k²: the probability that two draws agree, not 1 minus it."""
    return float(np.sum(_proportions(y) ** 2))


def gini_is_entropy(y):
    """Returns the entropy in bits."""
    p = _proportions(y)
    return float(-np.sum(p * np.log2(p)))


def gini_unsquared(y):
    """1 − Σ p_k, which is always 0."""
    return float(1 - np.sum(_proportions(y)))


def gini_misclassification(y):
    """1 − max p_k, the misclassification impurity."""
    return float(1 - np.max(_proportions(y)))


def gini_overwrites_labels(y):
    """Re-encodes the labels into y itself (hostile; it also breaks string labels)."""
    y[...] = y[0]
    return 0.0


# -- the best split of one feature -----------------------------------------------------------------------
def _best(x, y, *, score, threshold):
    """Scan the boundaries between distinct sorted values; keep the best by ``score``; place the threshold."""
    x, y = np.asarray(x, dtype=float), np.asarray(y)
    order = np.argsort(x, kind="stable")
    xs, ys = x[order], y[order]
    n = len(xs)
    best_t, best_s = None, -np.inf
    for i in range(1, n):
        if xs[i] == xs[i - 1]:
            continue
        s = score(ys, i, n)
        if s > best_s:
            best_t, best_s = threshold(xs, i), s
    return float(best_t), float(best_s)


def _gain(ys, i, n):
    return _gini(ys) - i / n * _gini(ys[:i]) - (n - i) / n * _gini(ys[i:])


def _midpoint(xs, i):
    return xs[i - 1] / 2 + xs[i] / 2


def best_split_threshold_on_left_value(x, y):
    """Threshold = the last value on the left, not the midpoint."""
    return _best(x, y, score=_gain, threshold=lambda xs, i: xs[i - 1])


def best_split_threshold_on_right_value(x, y):
    """Threshold = the first value on the right (with x ≤ t going left, that sample goes left too)."""
    return _best(x, y, score=_gain, threshold=lambda xs, i: xs[i])


def best_split_unweighted_children(x, y):
    """G(D) − (G(L) + G(R))/2: the children are not weighted by their sizes."""
    return _best(x, y, score=lambda ys, i, n: _gini(ys) - (_gini(ys[:i]) + _gini(ys[i:])) / 2, threshold=_midpoint)


def best_split_returns_child_impurity(x, y):
    """Minimises the weighted child impurity and returns it instead of the decrease."""
    t, s = _best(x, y, score=lambda ys, i, n: -(i / n * _gini(ys[:i]) + (n - i) / n * _gini(ys[i:])),
                 threshold=_midpoint)
    return t, -s


def best_split_entropy(x, y):
    """Scores splits with the entropy decrease, not Gini's."""
    def h(v):
        p = _proportions(v)
        return -np.sum(p * np.log2(p))

    return _best(x, y, score=lambda ys, i, n: h(ys) - i / n * h(ys[:i]) - (n - i) / n * h(ys[i:]),
                 threshold=_midpoint)


def best_split_between_equal_values(x, y):
    """Tries every boundary, even between equal x values (no split can separate them)."""
    x, y = np.asarray(x, float), np.asarray(y)
    o = np.argsort(x, kind="stable")
    xs, ys, n = x[o], y[o], len(x)
    best = max((_gain(ys, i, n), (xs[i - 1] + xs[i]) / 2) for i in range(1, n))
    return float(best[1]), float(best[0])


def best_split_sorts_x_in_place(x, y):
    """x.sort() (hostile: the caller's x is reordered and now mismatches y)."""
    x.sort()
    return _best(x, y, score=_gain, threshold=_midpoint)


ANSWERS = {
    "entropy": [entropy_natural_log, entropy_no_minus, entropy_is_gini, entropy_counts_not_proportions,
                entropy_bincount, entropy_sorts_labels_in_place],
    "gini": [gini_sum_of_squares, gini_is_entropy, gini_unsquared, gini_misclassification, gini_overwrites_labels],
    "best_split": [best_split_threshold_on_left_value, best_split_threshold_on_right_value,
                   best_split_unweighted_children, best_split_returns_child_impurity, best_split_entropy,
                   best_split_between_equal_values, best_split_sorts_x_in_place],
}
