r"""Target statistics for categorical features (target encoding), and why CatBoost computes them in order.

Replace the category $c = x_i$ of row $i$ by a smoothed mean of the targets of *some* rows $D_i$ of
the same category (a **target statistic**, 目标编码):
$$\hat x_i = \frac{\sum_{j \in D_i,\ x_j = c} y_j + a\,p}{|\{j \in D_i : x_j = c\}| + a},$$
with prior $p$ (the mean target of the training rows used) and smoothing $a > 0$. The choice of
$D_i$ is the whole story:

* **greedy**: $D_i$ = all training rows, *including $i$*. $\hat x_i$ contains $y_i$: target
  leakage. A category seen once gets $\hat x_i = (y_i + ap)/(1 + a)$, which separates the classes on
  the training set perfectly and says nothing on new rows. (scikit-learn's
  ``TargetEncoder().fit(X, y).transform(X)`` computes this.)
* **leave-one-out**: all rows but $i$. Still leaks: within a category
  $\hat x_i = (S_c - y_i + ap)/(n_c - 1 + a)$ *decreases* as $y_i$ grows, so a threshold recovers
  $y_i$.
* **K-fold (cross-fitting)**: the rows of the other folds (scikit-learn's
  ``TargetEncoder.fit_transform``), with $p$ the mean of those rows.
* **ordered** (CatBoost: Prokhorenkova et al., "CatBoost: unbiased boosting with categorical
  features", NeurIPS 2018): draw a random permutation $\sigma$ and use the rows that come *before*
  $i$: $D_i = \{j : \sigma(j) < \sigma(i)\}$. No row sees its own target, and every row is used.

New (test) rows use all training rows. **Ordered boosting** applies the same idea to the
gradients: the residual of row $i$ is computed by a model built only from the rows before it in
$\sigma$, so its distribution matches that of a new row's residual (no *prediction shift*).
:func:`ordered_boosting` does this for squared loss with one permutation and trees whose structure
is shared: the leaf value row $i$ sees is the mean residual of the earlier rows in its leaf.

See chapter: chapters/ensembles.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_array, check_int, check_real
from mlnotes.trees.cart import CARTRegressor

ENCODINGS = ("greedy", "leave-one-out", "K-fold", "ordered")


def _check(cat, y, a):
    cat, y = np.asarray(cat), check_array("y", y, ndim=1)
    if cat.shape != y.shape or len(y) == 0:
        raise ValueError(f"cat and y must be non-empty 1-D arrays of the same length, got {cat.shape} and {y.shape}")
    return cat, y, check_real("a", a, low=0.0, low_open=True)


def _codes(cat):
    _, code = np.unique(cat, return_inverse=True)
    return code, int(code.max()) + 1


def greedy_target_stats(cat, y, a: float = 1.0) -> np.ndarray:
    """(Σ_{same category} y + a·p) / (n_c + a) over all rows, the row itself included → (N,) float64.

    p = mean(y). Equal to ``sklearn.preprocessing.TargetEncoder(smooth=a).fit(X, y).transform(X)``.
    See chapter: chapters/ensembles.md
    """
    cat, y, a = _check(cat, y, a)
    code, C = _codes(cat)
    S, n = np.bincount(code, y, C), np.bincount(code, minlength=C)  # (C,) sums and counts
    return (S[code] + a * y.mean()) / (n[code] + a)


def leave_one_out_target_stats(cat, y, a: float = 1.0) -> np.ndarray:
    """Like the greedy statistic without the row itself: (S_c − y_i + a·p) / (n_c − 1 + a) → (N,).

    See chapter: chapters/ensembles.md
    """
    cat, y, a = _check(cat, y, a)
    code, C = _codes(cat)
    S, n = np.bincount(code, y, C), np.bincount(code, minlength=C)
    return (S[code] - y + a * y.mean()) / (n[code] - 1 + a)


def kfold_target_stats(cat, y, folds, a: float = 1.0) -> np.ndarray:
    """Cross-fitted statistics: rows of each validation fold encoded from the other folds → (N,).

    ``folds``: (train_idx, valid_idx) pairs whose validation parts cover every row once (e.g.
    ``KFold(5, shuffle=True, random_state=0).split(X)``); p is the mean y of each training part.
    Equal to ``TargetEncoder(smooth=a, cv=<the same splitter>).fit_transform(X, y)``.
    See chapter: chapters/ensembles.md
    """
    cat, y, a = _check(cat, y, a)
    code, C = _codes(cat)
    out = np.full(len(y), np.nan)
    for train, valid in folds:
        S, n = np.bincount(code[train], y[train], C), np.bincount(code[train], minlength=C)
        out[valid] = (S[code[valid]] + a * y[train].mean()) / (n[code[valid]] + a)
    if np.isnan(out).any():
        raise ValueError("folds must cover every row in exactly one validation part")
    return out


def ordered_target_stats(cat, y, a: float = 1.0, prior=None, permutation=None, seed: int = 0) -> np.ndarray:
    """CatBoost's ordered statistic: row i uses only the rows before it in a random permutation → (N,).

    ``prior``: p, a constant as in CatBoost (default mean(y), which lets every y_i in with the tiny
    weight a / (N (n + a)); pass a constant for an encoding of row i that ignores y_i entirely);
    ``permutation``: the order σ as row indices (default: drawn from ``seed``).
    See chapter: chapters/ensembles.md
    """
    cat, y, a = _check(cat, y, a)
    p = float(y.mean()) if prior is None else check_real("prior", prior)
    order = _permutation(len(y), permutation, seed)
    code, C = _codes(cat)
    S, n = np.zeros(C), np.zeros(C)  # running sums and counts per category
    out = np.empty(len(y))
    for i in order:  # each row sees only the rows before it, never itself
        c = code[i]
        out[i] = (S[c] + a * p) / (n[c] + a)
        S[c] += y[i]
        n[c] += 1
    return out


def _permutation(N, permutation, seed):
    if permutation is None:
        return np.random.default_rng(check_int("seed", seed, low=0)).permutation(N)
    order = np.asarray(permutation)
    if order.shape != (N,) or not np.array_equal(np.sort(order), np.arange(N)):
        raise ValueError(f"permutation must be a permutation of 0..{N - 1}")
    return order


def apply_target_stats(train_cat, train_y, cat, a: float = 1.0) -> np.ndarray:
    """Encode new rows ``cat`` (M,) from all training rows; unseen categories get the prior p → (M,).

    See chapter: chapters/ensembles.md
    """
    train_cat, train_y, a = _check(train_cat, train_y, a)
    cats, code = np.unique(train_cat, return_inverse=True)
    S, n = np.bincount(code, train_y, len(cats)), np.bincount(code, minlength=len(cats))
    cat = np.asarray(cat)
    pos = np.clip(np.searchsorted(cats, cat), 0, len(cats) - 1)
    seen = cats[pos] == cat  # (M,)
    return np.where(seen, (S[pos] + a * train_y.mean()) / (n[pos] * seen + a), train_y.mean())


def ordered_boosting(X, y, n_estimators: int = 50, learning_rate: float = 0.1, max_depth: int = 2,
                     ordered: bool = True, seed: int = 0) -> dict:
    """Squared-loss boosting whose trees are chosen from plain or ordered (CatBoost-style) residuals.

    Plain (GBDT): each round fits a tree to r = y − F and adds lr × its leaf means. Ordered: each
    row i also keeps the score of its own *supporting* model, built only from the rows before it in
    a random permutation σ: the tree's structure is fitted to those residuals r_i = y_i − F_i, and
    F_i moves by lr × the mean residual of the earlier rows in its leaf (0 if none), so r_i never
    depends on y_i. The final model (the one used on new rows) takes the same structures with leaf
    means of its own residuals over all rows, as in CatBoost. Returns {"trees", "values" (leaf →
    value per round), "seen" (R,): mean r² of the residuals the trees were fitted to, "init"}.
    See chapter: chapters/ensembles.md
    """
    X, y = check_array("X", X, ndim=2), check_array("y", y, shape=(np.shape(X)[0],))
    M = check_int("n_estimators", n_estimators, low=1)
    lr = check_real("learning_rate", learning_rate, low=0.0, low_open=True)
    order = np.random.default_rng(check_int("seed", seed, low=0)).permutation(len(y))
    rank = np.empty(len(y), dtype=int)
    rank[order] = np.arange(len(y))  # position of each row in σ
    F0 = float(y.mean())
    F = np.full(len(y), F0)  # the final model's scores on the training rows
    F_own = F.copy()  # each row's supporting model (ordered only)
    trees, values, seen = [], [], []
    for _ in range(M):
        r_fit = y - (F_own if ordered else F)  # (N,) the residuals the structure is chosen from
        tree = CARTRegressor(max_depth=max_depth).fit(X, r_fit)
        leaf = tree.apply(X)
        r = y - F
        full = {int(j): float(r[leaf == j].mean()) for j in np.unique(leaf)}  # final leaf values
        F = F + lr * np.array([full[j] for j in leaf])
        if ordered:
            F_own = F_own + lr * _earlier_leaf_means(leaf, r_fit, rank)
        trees.append(tree)
        values.append(full)
        seen.append(float(np.mean(r_fit ** 2)))
    return {"trees": trees, "values": values, "seen": np.array(seen), "init": F0, "learning_rate": lr}


def _earlier_leaf_means(leaf, r, rank) -> np.ndarray:
    """For each row, the mean of r over the rows of its leaf that come before it in σ (0 if none)."""
    out = np.zeros(len(r))
    for j in np.unique(leaf):
        rows = np.flatnonzero(leaf == j)
        rows = rows[np.argsort(rank[rows])]  # this leaf's rows in σ order
        before = np.concatenate([[0.0], np.cumsum(r[rows])[:-1]])  # Σ r of the earlier rows
        count = np.arange(len(rows))
        out[rows] = np.where(count > 0, before / np.maximum(count, 1), 0.0)
    return out


def staged_boosting_predict(model: dict, X):
    """Yield the final model's scores on rows X (M, d) after each round of :func:`ordered_boosting`."""
    X = check_array("X", X, ndim=2)
    F = np.full(len(X), model["init"])
    for tree, full in zip(model["trees"], model["values"]):
        F = F + model["learning_rate"] * np.array([full[int(j)] for j in tree.apply(X)])
        yield F
