r"""Impurity measures and split scores of decision trees.

For a node $D$ whose samples fall into classes $k = 1..K$ with proportions $p_k$:
$$H(D) = -\sum_k p_k \log_2 p_k \ \text{(entropy, bits; } 0\log 0 = 0),\qquad
\mathrm{Gini}(D) = 1 - \sum_k p_k^2 = \sum_{k \ne l} p_k p_l,\qquad
\mathrm{Err}(D) = 1 - \max_k p_k.$$
Gini is the probability that two samples drawn *with replacement* from $D$ have different
labels. For regression the impurity is the mean squared error around the node mean,
$\mathrm{MSE}(D) = \frac{1}{|D|}\sum_{i \in D} (y_i - \bar y_D)^2$.

A split sends the samples of $D$ to branches $D_1..D_V$ (a multiway ID3 split on the $V$
values of an attribute $a$, or a binary CART split $x_j \le t$). With an impurity $I$:
$$\mathrm{Gain}(D, a) = I(D) - \sum_{v=1}^{V} \frac{|D_v|}{|D|}\, I(D_v)\quad
(\text{information gain when } I = H),$$
$$\mathrm{IV}(a) = -\sum_{v=1}^{V} \frac{|D_v|}{|D|}\log_2\frac{|D_v|}{|D|},\qquad
\mathrm{GainRatio}(D, a) = \frac{\mathrm{Gain}(D, a)}{\mathrm{IV}(a)}.$$
IV (intrinsic value, 固有值) is the entropy of the branch sizes: it grows with the number of
values of $a$, which is why C4.5 divides by it — information gain alone prefers an ID-like
attribute with one sample per value (its gain is the whole $H(D)$).

Optional sample weights $w_i$ replace every count by a sum of weights.

dtypes: ``entropy``, ``gini`` and ``misclassification`` return the floating dtype of ``p`` (float32
in, float32 out; integers and bools give float64), and ``class_proportions`` that of the weights;
the split scores (``impurity``, ``information_gain``, ``intrinsic_value``, ``gain_ratio``) are
Python floats.

See chapter: chapters/trees.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_array
from mlnotes.trees._dtypes import as_float, float_dtype

CRITERIA = ("entropy", "gini", "misclassification", "mse")


def _check_proba(p) -> np.ndarray:
    """Probability vectors along the last axis, in their floating dtype: non-negative and summing to 1."""
    p = as_float("p", p)
    if p.ndim == 0 or p.shape[-1] == 0:
        raise ValueError(f"p must have at least one class on its last axis, got shape {p.shape}")
    if np.any(p < 0):
        raise ValueError("p must be non-negative (probabilities)")
    tol = max(1e-9, 4 * p.shape[-1] * float(np.finfo(p.dtype).eps))  # rounding of K numbers of p's dtype
    if not np.allclose(p.sum(axis=-1, dtype=np.float64), 1.0, rtol=0, atol=tol):
        raise ValueError("p must sum to 1 along its last axis")
    return p


def entropy(p) -> np.ndarray:
    """Entropy in bits of probability vectors p (..., K) → (...), in p's floating dtype; 0·log 0 = 0.

    See chapter: chapters/trees.md
    """
    p = _check_proba(p)
    safe = np.where(p > 0, p, 1.0)  # log2(1) = 0 makes the 0·log 0 terms vanish
    return -np.sum(p * np.log2(safe), axis=-1)  # (...)


def gini(p) -> np.ndarray:
    """Gini impurity 1 − Σ p_k² of probability vectors p (..., K) → (...), in p's floating dtype.

    See chapter: chapters/trees.md
    """
    p = _check_proba(p)
    return 1.0 - np.sum(p * p, axis=-1)  # (...)


def misclassification(p) -> np.ndarray:
    """Misclassification impurity 1 − max_k p_k of p (..., K) → (...), in p's floating dtype.

    See chapter: chapters/trees.md
    """
    p = _check_proba(p)
    return 1.0 - np.max(p, axis=-1)  # (...)


def _check_labels(name: str, y) -> np.ndarray:
    """A non-empty 1-D array of labels (any hashable values: ints or strings)."""
    arr = np.asarray(y)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of labels, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite values (no NaN or inf)")
    return arr


def _check_weights(sample_weight, n: int) -> np.ndarray:
    """Non-negative finite weights (n,) with a positive sum; None means all ones."""
    if sample_weight is None:
        return np.ones(n)
    w = as_float("sample_weight", sample_weight, ndim=1)
    if w.shape[0] != n:
        raise ValueError(f"sample_weight must have shape ({n},) like y, got {w.shape}")
    if np.any(w < 0) or w.sum() <= 0:
        raise ValueError("sample_weight must be non-negative with a positive sum")
    return w


def class_proportions(y, sample_weight=None) -> np.ndarray:
    """Weighted class proportions of labels y (N,) → (K,), classes in sorted order.

    float64, or the floating dtype of ``sample_weight`` (non-negative numbers; bools count as 0/1).
    See chapter: chapters/trees.md
    """
    y = _check_labels("y", y)
    w = _check_weights(sample_weight, len(y))
    _, inverse = np.unique(y, return_inverse=True)
    counts = np.bincount(inverse, weights=w)  # (K,) summed in float64
    return (counts / counts.sum()).astype(float_dtype(w))


def impurity(y, criterion: str = "entropy", sample_weight=None) -> float:
    """Impurity of one node with labels/targets y (N,) under criterion; a float. See chapter: chapters/trees.md"""
    if criterion not in CRITERIA:
        raise ValueError(f"criterion must be one of {CRITERIA}, got {criterion!r}")
    if criterion == "mse":
        y = check_array("y", _check_labels("y", y), ndim=1)
        w = _check_weights(sample_weight, len(y))
        mean = np.sum(w * y) / w.sum()
        return float(np.sum(w * (y - mean) ** 2) / w.sum())
    p = class_proportions(y, sample_weight)  # (K,)
    return float({"entropy": entropy, "gini": gini, "misclassification": misclassification}[criterion](p))


def _branch_weights(groups, y, sample_weight):
    """Check groups against y; return (labels, groups, weights, branch ids, branch weights)."""
    y = _check_labels("y", y)
    groups = _check_labels("groups", groups)
    if groups.shape != y.shape:
        raise ValueError(f"groups must have the same shape as y, got {groups.shape} and {y.shape}")
    w = _check_weights(sample_weight, len(y))
    _, branch = np.unique(groups, return_inverse=True)
    return y, w, branch, np.bincount(branch, weights=w)  # branch sizes (V,)


def information_gain(y, groups, criterion: str = "entropy", sample_weight=None) -> float:
    """I(D) − Σ_v |D_v|/|D| I(D_v) for y (N,) split into the branches groups (N,). See chapter: chapters/trees.md"""
    y, w, branch, sizes = _branch_weights(groups, y, sample_weight)
    parent = impurity(y, criterion, w)
    children = sum(sizes[v] / sizes.sum() * impurity(y[branch == v], criterion, w[branch == v])
                   for v in range(len(sizes)) if sizes[v] > 0)
    return float(parent - children)


def intrinsic_value(groups, sample_weight=None) -> float:
    """IV(a) = entropy (bits) of the branch sizes of groups (N,). See chapter: chapters/trees.md"""
    groups = _check_labels("groups", groups)
    return float(entropy(class_proportions(groups, sample_weight)))


def gain_ratio(y, groups, sample_weight=None) -> float:
    """Information gain / IV for y (N,) split by groups (N,); 0 if IV = 0. See chapter: chapters/trees.md"""
    gain = information_gain(y, groups, "entropy", sample_weight)
    iv = intrinsic_value(groups, sample_weight)
    return gain / iv if iv > 0 else 0.0
