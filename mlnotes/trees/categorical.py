r"""Categorical splits in CART: the best two-group partition of a feature's categories, by sorting.

A categorical feature with $C$ values (categories) splits a node $D$ into the rows whose category
lies in a set $A$ and the rest. There are $2^{C-1} - 1$ such partitions $\{A, \bar A\}$. Each is
scored by its impurity decrease
$$\Delta I(A) = I(D) - \frac{w_A}{w} I(D_A) - \frac{w_{\bar A}}{w} I(D_{\bar A}).$$

**The sorting theorem.** For squared error (regression) and for two classes (Gini or entropy),
sort the categories by their mean target $\bar y_c$ (the share of class 1 for two classes):
$\bar y_{c_{(1)}} \le \dots \le \bar y_{c_{(C)}}$. A best partition is one of the $C - 1$ splits of
this list into a prefix and a suffix, $A = \{c_{(1)}, \dots, c_{(j)}\}$ (Fisher, "On grouping for
maximum homogeneity", *JASA* 1958, for squared error; Breiman et al., *Classification and Regression
Trees*, 1984, Theorem 4.5, for two classes and any concave impurity). The search costs a sort,
$O(C \log C)$, instead of $2^{C-1} - 1$ evaluations. For $K \ge 3$ classes no single order is
guaranteed to contain the best partition; :func:`sorted_partition_split` then tries the order of
each class's share and keeps the best prefix split (a heuristic, not exact).

Weights are counts here (every row weighs 1). For two classes, Gini $= 2p(1-p)$ is twice the
variance of the 0/1 label, so Gini and squared error choose the same partition.

See chapter: chapters/trees.md
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

from mlnotes._checks import check_array, check_int
from mlnotes.trees.splitter import impurity_from_counts

CRITERIA = ("squared_error", "gini", "entropy")


def category_stats(x, y, criterion: str = "squared_error"):
    """Per-category sufficient statistics of a node: categories (C,), counts (C,) and sums.

    ``x`` (N,) holds the category of each row (any sortable values), ``y`` (N,) the targets: real
    numbers for ``"squared_error"`` (sums (C, 2): Σy and Σy²), labels for ``"gini"``/``"entropy"``
    (sums (C, K): class counts). See chapter: chapters/trees.md
    """
    if criterion not in CRITERIA:
        raise ValueError(f"criterion must be one of {CRITERIA}, got {criterion!r}")
    x, y = np.asarray(x), np.asarray(y)
    if x.ndim != 1 or x.shape != y.shape or len(x) == 0:
        raise ValueError(f"x and y must be non-empty 1-D arrays of the same length, got shapes {x.shape} and {y.shape}")
    cats, code = np.unique(x, return_inverse=True)
    counts = np.bincount(code, minlength=len(cats)).astype(float)  # (C,)
    if criterion == "squared_error":
        y = check_array("y", y, ndim=1)
        sums = np.stack([np.bincount(code, y, len(cats)), np.bincount(code, y * y, len(cats))], axis=1)
    else:
        _, label = np.unique(y, return_inverse=True)
        sums = np.zeros((len(cats), label.max() + 1))
        np.add.at(sums, (code, label), 1.0)  # (C, K) class counts per category
    return cats, counts, sums


def _impurity(n, s, criterion):
    """Impurity of groups from counts n (...) and sums s (..., 2) or class counts s (..., K)."""
    if criterion == "squared_error":
        return s[..., 1] / n - (s[..., 0] / n) ** 2  # E[y²] − (E[y])²
    return impurity_from_counts(s, n, criterion)


def partition_gain(counts, sums, left, criterion: str = "squared_error") -> np.ndarray:
    """Impurity decrease of partitions given as boolean masks ``left`` (P, C) over the categories → (P,).

    See chapter: chapters/trees.md
    """
    left = np.asarray(left, dtype=bool)
    n, W = left @ counts, counts.sum()  # (P,) rows on the left, all rows
    sL, s = left.astype(float) @ sums, sums.sum(axis=0)  # (P, ·) left sums, node sums
    parent = _impurity(W, s, criterion)
    with np.errstate(divide="ignore", invalid="ignore"):
        children = n * _impurity(n, sL, criterion) + (W - n) * _impurity(W - n, s - sL, criterion)
    return parent - children / W


def category_order(counts, sums, criterion: str = "squared_error", by_class: int = 1) -> np.ndarray:
    """Indices of the categories sorted by mean target ȳ_c (by the share of class ``by_class``; a node with a
    single class has nothing to sort and keeps the categories' order)."""
    if criterion != "squared_error" and sums.shape[1] > 1 and not 0 <= by_class < sums.shape[1]:
        raise ValueError(f"by_class must be a class index in [0, {sums.shape[1] - 1}], got {by_class!r}")
    k = 0 if criterion == "squared_error" else min(by_class, sums.shape[1] - 1)
    mean = sums[:, k] / counts
    return np.argsort(mean, kind="stable")


def sorted_partition_split(x, y, criterion: str = "squared_error"):
    """Best prefix split of the categories sorted by mean target: (left categories (tuple), gain).

    Exact for squared error and two classes (the sorting theorem); for K ≥ 3 classes a heuristic:
    the best prefix split over the K orders by each class's share. Ties: the first best found.
    See chapter: chapters/trees.md
    """
    cats, counts, sums = category_stats(x, y, criterion)
    C = len(cats)
    if C < 2:
        raise ValueError("x must take at least 2 distinct categories to be split")
    orders = [category_order(counts, sums, criterion)] if criterion == "squared_error" or sums.shape[1] <= 2 else [
        category_order(counts, sums, criterion, k) for k in range(sums.shape[1])]
    best = (None, -np.inf)
    for order in orders:
        prefix = np.zeros((C - 1, C), dtype=bool)  # (C−1, C): row j puts the first j+1 sorted categories left
        for j in range(C - 1):
            prefix[j, order[: j + 1]] = True
        gains = partition_gain(counts, sums, prefix, criterion)
        j = int(np.argmax(gains))
        if gains[j] > best[1] + 1e-12:
            best = (prefix[j], float(gains[j]))
    return _named(cats, best[0]), best[1]


def all_partitions(C: int) -> np.ndarray:
    """Every split of C categories into two non-empty groups, once each: masks (2^{C−1} − 1, C).

    The last category is always on the right, so a partition and its mirror are not both listed.
    """
    rows = [np.isin(np.arange(C), combo) for size in range(1, C) for combo in combinations(range(C - 1), size)]
    return np.array(rows, dtype=bool).reshape(-1, C)


def brute_force_partition_split(x, y, criterion: str = "squared_error"):
    """The best of all 2^{C−1} − 1 partitions of the categories: (left categories (tuple), gain).

    Exponential in C (refused above 16 categories). See chapter: chapters/trees.md
    """
    cats, counts, sums = category_stats(x, y, criterion)
    if not 2 <= len(cats) <= 16:
        raise ValueError(f"x must take between 2 and 16 distinct categories for brute force, got {len(cats)}")
    masks = all_partitions(len(cats))
    gains = partition_gain(counts, sums, masks, criterion)
    j = int(np.argmax(gains))
    return _named(cats, masks[j]), float(gains[j])


def _named(cats, mask) -> tuple:
    """The categories of the smaller-indexed side, as a canonical tuple (the side holding cats[0])."""
    mask = mask if mask[0] else ~mask
    return tuple(cats[mask].tolist())


# Class counts (categories × 3 classes) of a node where no order by one class's share holds the best
# partition: found by a seeded search over random count tables (numpy default_rng(2), 9 categories).
THREE_CLASS_COUNTEREXAMPLE = np.array([[5, 4, 1], [4, 1, 0], [5, 5, 4], [4, 1, 5], [1, 2, 1],
                                       [0, 5, 5], [4, 1, 0], [1, 0, 1], [0, 1, 0]])


def rows_from_counts(counts):
    """Rows (category, label) realising a table of class counts (C, K) → x (N,), y (N,)."""
    counts = np.asarray(counts, dtype=int)
    C, K = counts.shape
    x = np.repeat(np.repeat(np.arange(C), K), counts.ravel())
    y = np.repeat(np.tile(np.arange(K), C), counts.ravel())
    return x, y


def random_categorical(target: str = "regression", n_categories: int = 6, seed: int = 0, per_category=(10, 40)):
    """Seeded node data with one categorical feature: x (N,) categories 0..C−1, y (N,).

    ``target``: "regression" (y = category effect + noise), "two classes" or "three classes" (labels
    drawn with category-dependent class shares). Each category has between per_category[0] and
    per_category[1] rows. See chapter: chapters/trees.md
    """
    if target not in ("regression", "two classes", "three classes"):
        raise ValueError(f"target must be 'regression', 'two classes' or 'three classes', got {target!r}")
    C = check_int("n_categories", n_categories, low=2, high=16)
    rng = np.random.default_rng(check_int("seed", seed, low=0))
    lo, hi = (check_int("per_category", v, low=1) for v in per_category)
    x = np.repeat(np.arange(C), rng.integers(lo, hi + 1, size=C))  # (N,)
    if target == "regression":
        return x, rng.normal(size=C)[x] + rng.normal(size=len(x))
    K = 2 if target == "two classes" else 3
    shares = rng.dirichlet(np.ones(K), size=C)  # (C, K)
    label = (rng.random(len(x))[:, None] > np.cumsum(shares[x], axis=1)).sum(axis=1)  # inverse-CDF draw
    return x, np.minimum(label, K - 1)


def hist_gradient_boosting_split(x, y):
    """The categories scikit-learn's HistGradientBoostingRegressor sends left at its first split, as a
    canonical tuple (the side holding the smallest category), for integer categories x (N,), real y (N,).

    One tree of depth 1, learning rate 1, no regularisation, native categorical support; scikit-learn
    sorts the categories by a smoothed mean gradient Σg/(Σh + 10) and skips categories of fewer than
    10 rows. See chapter: chapters/trees.md
    """
    from sklearn.ensemble import HistGradientBoostingRegressor

    x = np.asarray(x)
    model = HistGradientBoostingRegressor(max_iter=1, learning_rate=1.0, max_depth=1, min_samples_leaf=1,
                                          l2_regularization=0.0, categorical_features=[0],
                                          early_stopping=False).fit(x[:, None].astype(float), y)
    cats = np.unique(x)
    pred = model.predict(cats[:, None].astype(float))  # the group mean of each category's side
    left = np.isclose(pred, pred[0], rtol=1e-6, atol=0)
    return tuple(cats[left].tolist()), pred
