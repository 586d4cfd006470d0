r"""CART's best binary split, vectorized: one sort per feature and cumulative sums.

At a node with samples $D$ (weights $w_i$), sort the samples by feature $j$; the split after the
first $p$ sorted samples sends $L = \{x_j \le t\}$ left, with the threshold halfway between
consecutive distinct values, $t = x_{(p)}/2 + x_{(p+1)}/2$ (as scikit-learn). Cumulative sums of
the (weighted) one-hot labels give every left class count $c^L_k$ at once, $c^R = c - c^L$.
A split maximises the impurity decrease
$$\Delta I = I(D) - \tfrac{w_L}{w}\, I(L) - \tfrac{w_R}{w}\, I(R),$$
equivalently the *proxy* $-\,(w_L I(L) + w_R I(R))$. For squared error,
$w_L\,\mathrm{MSE}(L) = \sum_L w y^2 - S_L^2/w_L$ with $S_L = \sum_L w_i y_i$, so the proxy
is $S_L^2/w_L + S_R^2/w_R$ (the sum of squares is the same for every split).

Split positions between values closer than $10^{-7}$ are skipped, and both children need at
least ``min_samples_leaf`` samples — the rules of scikit-learn's ``BestSplitter``.

**Ties.** When two features reach the same best proxy, the first one *visited* wins. We visit
features in index order; scikit-learn visits them in a random order drawn from ``random_state``
with its own xorshift generator and a Fisher–Yates shuffle that skips features already known
to be constant. :class:`SklearnFeatureSampler` replays that order exactly, so a tree grown with
the same integer ``random_state`` breaks ties as scikit-learn does; it also draws the
``max_features`` candidate features of a random forest.

See chapter: chapters/trees.md
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FEATURE_THRESHOLD = 1e-7  # scikit-learn's: values closer than this count as equal
RAND_R_MAX = 2147483647  # 2^31 − 1, scikit-learn's xorshift range
_U32 = 0xFFFFFFFF


class SklearnFeatureSampler:
    """scikit-learn's per-node feature draw (xorshift + Fisher–Yates), replayed in Python.

    See chapter: chapters/trees.md
    """

    def __init__(self, n_features: int, max_features: int, seed: int):
        self.features = np.arange(n_features)  # permuted in place from node to node, as in sklearn
        self.constant_features = np.zeros(n_features, dtype=int)
        self.max_features = max_features
        self.state = int(seed) & _U32

    def rand_int(self, low: int, high: int) -> int:
        """A pseudo-random integer in [low, high): sklearn's ``rand_int`` / ``our_rand_r``."""
        s = self.state or 1
        s ^= (s << 13) & _U32
        s ^= s >> 17
        s ^= (s << 5) & _U32
        self.state = s
        return low + (s % (RAND_R_MAX + 1)) % (high - low)

    def visit(self, is_constant: np.ndarray, n_known_constants: int) -> tuple[list, int]:
        """Features evaluated at a node, in visit order, and the constant count passed to the children."""
        f = self.features
        f_i = len(f)
        n_visited = n_found = n_drawn = 0
        n_total = n_known_constants
        visited = []
        while f_i > n_total and (n_visited < self.max_features or n_visited <= n_found + n_drawn):
            n_visited += 1
            f_j = self.rand_int(n_drawn, f_i - n_found)
            if f_j < n_known_constants:  # already known constant: skip without evaluating
                f[n_drawn], f[f_j] = f[f_j], f[n_drawn]
                n_drawn += 1
                continue
            f_j += n_found
            if is_constant[f[f_j]]:  # newly found constant
                f[f_j], f[n_total] = f[n_total], f[f_j]
                n_found += 1
                n_total += 1
                continue
            f_i -= 1
            f[f_i], f[f_j] = f[f_j], f[f_i]
            visited.append(int(f[f_i]))
        f[:n_known_constants] = self.constant_features[:n_known_constants]
        self.constant_features[n_known_constants:n_total] = f[n_known_constants:n_total]
        return visited, n_total


@dataclass(frozen=True)
class Split:
    """The chosen split of a node and what is needed to build its children.

    See chapter: chapters/trees.md
    """

    feature: int
    threshold: float
    proxy: float
    n_left: int
    impurity_left: float
    impurity_right: float
    tied_features: tuple  # other visited features whose best proxy equals (≈) the chosen one


def impurity_from_counts(counts: np.ndarray, w: np.ndarray, criterion: str) -> np.ndarray:
    """Gini or entropy (bits) from weighted class counts (..., K) and their totals w (...) → (...).

    See chapter: chapters/trees.md
    """
    if criterion == "gini":
        return 1.0 - np.sum(counts * counts, axis=-1) / (w * w)  # sklearn's operation order
    p = counts / w[..., None]  # (..., K)
    terms = p * (np.log(np.where(p > 0, p, 1.0)) / np.log(2.0))  # 0·log 0 = 0
    return -np.sum(terms, axis=-1)


def mse_from_sums(s: np.ndarray, sq: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted MSE Σw y²/w − (Σw y/w)² from the sums s, sq and weights w (same shapes).

    See chapter: chapters/trees.md
    """
    return sq / w - (s / w) ** 2


def node_targets(Y: np.ndarray, w: np.ndarray, criterion: str) -> np.ndarray:
    """Weighted per-sample targets: one-hot×w (n, K) for classification, w·y and w·y² (n, 2) for MSE.

    See chapter: chapters/trees.md
    """
    if criterion == "mse":
        return np.stack([w * Y, w * Y * Y], axis=1)  # (n, 2)
    return Y * w[:, None]  # (n, K)


def node_impurity(T: np.ndarray, w: np.ndarray, criterion: str) -> float:
    """Impurity of a node from its weighted targets T (n, ·) and weights w (n,).

    See chapter: chapters/trees.md
    """
    tot, wt = T.sum(axis=0), w.sum()
    if criterion == "mse":
        return float(mse_from_sums(tot[0], tot[1], wt))
    return float(impurity_from_counts(tot, np.asarray(wt), criterion))


def best_split(Xn: np.ndarray, T: np.ndarray, w: np.ndarray, features: list, criterion: str,
               min_samples_leaf: int, rtol_tie: float = 1e-12) -> Split | None:
    """Best split of a node over ``features`` (visit order) from Xn (n, d), targets T (n, ·), weights w (n,).

    Returns None when no position is valid. See chapter: chapters/trees.md
    """
    n = Xn.shape[0]
    cols = np.asarray(features, dtype=int)
    Xf = Xn[:, cols]  # (n, f)
    order = np.argsort(Xf, axis=0, kind="stable")  # (n, f)
    Xs = Xf[order, np.arange(len(cols))]  # (n, f) sorted values
    valid = Xs[1:] > Xs[:-1] + FEATURE_THRESHOLD  # (n−1, f); row p−1 ↔ p samples on the left
    if min_samples_leaf > 1:  # both children need min_samples_leaf samples
        valid[: min_samples_leaf - 1] = False
        valid[n - min_samples_leaf:] = False
    if not valid.any():
        return None
    wL = np.cumsum(w[order], axis=0)[:-1]  # (n−1, f) weight on the left
    wR = w.sum() - wL
    TL = np.cumsum(T[order], axis=0)[:-1]  # (n−1, f, ·) left sums
    TR = T.sum(axis=0) - TL
    # every position has w_L, w_R > 0 (zero-weight samples are dropped before growing)
    if criterion == "mse":
        proxy = TL[..., 0] ** 2 / wL + TR[..., 0] ** 2 / wR  # S_L²/w_L + S_R²/w_R
    else:
        proxy = -(wR * impurity_from_counts(TR, wR, criterion) + wL * impurity_from_counts(TL, wL, criterion))
    proxy = np.where(valid, proxy, -np.inf)  # (n−1, f)
    pos = np.argmax(proxy, axis=0)  # (f,) first best position per feature (smallest threshold)
    best_per_feature = proxy[pos, np.arange(len(cols))]  # (f,)
    k = int(np.argmax(best_per_feature))  # first visited feature with the best proxy
    best = best_per_feature[k]
    if not np.isfinite(best):
        return None
    close = np.abs(best_per_feature - best) <= rtol_tie * max(abs(best), 1e-300)
    tied = tuple(int(c) for c in cols[close] if c != cols[k])
    p = int(pos[k])
    lo, hi = Xs[p, k], Xs[p + 1, k]
    if criterion == "mse":
        impL = mse_from_sums(TL[p, k, 0], TL[p, k, 1], wL[p, k])
        impR = mse_from_sums(TR[p, k, 0], TR[p, k, 1], wR[p, k])
    else:
        impL = impurity_from_counts(TL[p, k], wL[p, k], criterion)
        impR = impurity_from_counts(TR[p, k], wR[p, k], criterion)
    return Split(feature=int(cols[k]), threshold=float(lo / 2.0 + hi / 2.0), proxy=float(best), n_left=p + 1,
                 impurity_left=float(impL), impurity_right=float(impR), tied_features=tied)
