r"""XGBoost's second-order trees, from scratch: leaf weights, split gain, exact greedy growth.

At boosting round $m$ expand the loss to second order around the current scores $F(x_i)$, with
$g_i = \partial_F L(y_i, F)$ and $h_i = \partial_F^2 L(y_i, F)$, and regularise a tree with $T$
leaves and leaf weights $w_j$ by $\gamma T + \tfrac12\lambda\sum_j w_j^2$. Writing
$G_j = \sum_{i \in j} g_i$, $H_j = \sum_{i \in j} h_i$ for the samples in leaf $j$:
$$\mathrm{Obj} \approx \sum_j \Big(G_j w_j + \tfrac12 (H_j + \lambda) w_j^2\Big) + \gamma T
\ \Rightarrow\ w_j^* = -\frac{G_j}{H_j + \lambda},\qquad
\mathrm{Obj}^* = -\frac12\sum_j \frac{G_j^2}{H_j + \lambda} + \gamma T.$$
Splitting a leaf into $L$ and $R$ lowers $\mathrm{Obj}^*$ by
$$\mathrm{Gain} = \frac12\Big[\frac{G_L^2}{H_L + \lambda} + \frac{G_R^2}{H_R + \lambda}
- \frac{(G_L + G_R)^2}{H_L + H_R + \lambda}\Big] - \gamma,$$
and the exact greedy algorithm takes the split of largest gain (scanning sorted features with
cumulative sums of $g$ and $h$), keeping it only if $\mathrm{Gain} > 0$ and both children have
$H \ge$ ``min_child_weight``. The new scores are $F \leftarrow F + \eta\, w^*_{j(x)}$.

Squared loss $\tfrac12(y - F)^2$: $g = F - y$, $h = 1$, so $w^* = \sum r/(n + \lambda)$ — with
$\lambda = \gamma = 0$ this is GBDT's mean residual and the same split (the gain is GBDT's MSE
decrease times $n/2$). Log loss: $g = p - y$, $h = p(1 - p)$ with $p = \sigma(F)$.
dtypes: ``leaf_weight`` and ``split_gain`` return the floating dtype of their array arguments
(float32 in, float32 out); trees are grown in float64, and ``XGBTree.predict`` returns the dtype of
the g and h it was fitted on, ``XGBoost`` that of its targets y.

Note: xgboost's own code scores a leaf by $G^2/(H+\lambda)$ without the ½, so its
``min_split_loss`` ($\gamma$) is compared with twice the gain written above.

See chapter: chapters/ensembles.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_array, check_int, check_real
from mlnotes.trees._dtypes import as_float, float_dtype
from mlnotes.trees.boosting import sigmoid
from mlnotes.trees.tree_arrays import TREE_LEAF, TreeArrays
from mlnotes.trees.splitter import FEATURE_THRESHOLD


def leaf_weight(G, H, lam: float = 1.0):
    """Optimal leaf weight −G/(H + λ) from gradient and Hessian sums (broadcastable shapes).

    The result has the common floating dtype of G and H (float64 for integers).
    See chapter: chapters/ensembles.md
    """
    lam = check_real("lam", lam, low=0.0)
    G, H = as_float("G", G, finite=False), as_float("H", H, finite=False)
    dtype = float_dtype(G, H)
    return (-G.astype(dtype) / (H.astype(dtype) + lam)).astype(dtype, copy=False)


def split_gain(G_L, H_L, G_R, H_R, lam: float = 1.0, gamma: float = 0.0):
    """½[G_L²/(H_L+λ) + G_R²/(H_R+λ) − (G_L+G_R)²/(H_L+H_R+λ)] − γ (elementwise).

    The result has the common floating dtype of the four sums (float64 for integers).
    See chapter: chapters/ensembles.md
    """
    lam = check_real("lam", lam, low=0.0)
    gamma = check_real("gamma", gamma, low=0.0)
    arrays = [as_float(name, a, finite=False) for name, a in zip(("G_L", "H_L", "G_R", "H_R"), (G_L, H_L, G_R, H_R))]
    dtype = float_dtype(*arrays)
    return _split_gain(*(a.astype(dtype, copy=False) for a in arrays), lam, gamma).astype(dtype, copy=False)


def _split_gain(G_L, H_L, G_R, H_R, lam, gamma):
    """The gain of splitting a leaf into L and R, on checked arrays (the kernel of :func:`split_gain`)."""
    score = lambda G, H: G * G / (H + lam)  # noqa: E731 - the "quality" G²/(H+λ) of one leaf
    return 0.5 * (score(G_L, H_L) + score(G_R, H_R) - score(G_L + G_R, H_L + H_R)) - gamma


def structure_score(G, H, lam: float = 1.0, gamma: float = 0.0) -> float:
    """Obj* = −½ Σ_j G_j²/(H_j+λ) + γT of a tree with leaf sums G (T,), H (T,).

    See chapter: chapters/ensembles.md
    """
    lam = check_real("lam", lam, low=0.0)
    gamma = check_real("gamma", gamma, low=0.0)
    G, H = check_array("G", G, ndim=1), check_array("H", H, ndim=1)
    return float(-0.5 * np.sum(G * G / (H + lam)) + gamma * len(G))


class XGBTree:
    """One second-order regression tree grown by exact greedy search on gradients g and Hessians h.

    ``fit(X (N, d), g (N,), h (N,))``; ``predict(X) → (M,)`` leaf weights. See chapter: chapters/ensembles.md
    """

    def __init__(self, max_depth=3, lam=1.0, gamma=0.0, min_child_weight=1.0):
        self.max_depth = check_int("max_depth", max_depth, low=1)
        self.lam = check_real("lam", lam, low=0.0)
        self.gamma = check_real("gamma", gamma, low=0.0)
        self.min_child_weight = check_real("min_child_weight", min_child_weight, low=0.0)

    def fit(self, X, g, h):
        """Grow the tree on X (N, d) with gradients g (N,) and Hessians h (N,) ≥ 0. Returns self."""
        X = check_array("X", X, ndim=2).astype(np.float32).astype(float)  # float32 values, like CART
        g = as_float("g", g, shape=(X.shape[0],))
        h = as_float("h", h, shape=(X.shape[0],))
        self.output_dtype_ = float_dtype(g, h)
        g, h = g.astype(np.float64), h.astype(np.float64)  # grown in float64
        if np.any(h < 0):
            raise ValueError("h must be non-negative (a convex loss)")
        nodes, self.gains_ = [], {}
        stack = [(np.arange(len(g)), 0, -1, False)]
        while stack:
            idx, depth, parent, is_left = stack.pop()
            G, H = g[idx].sum(), h[idx].sum()
            node_id = len(nodes)
            nodes.append([TREE_LEAF, TREE_LEAF, -2, -2.0, -G / (H + self.lam), len(idx), H])
            if parent >= 0:
                nodes[parent][0 if is_left else 1] = node_id
            found = self._best(X[idx], g[idx], h[idx]) if depth < self.max_depth and len(idx) > 1 else None
            if found is None:
                continue
            j, t, gain = found
            nodes[node_id][2:4] = [j, t]
            self.gains_[node_id] = gain
            left = X[idx, j] <= t
            stack += [(idx[~left], depth + 1, node_id, False), (idx[left], depth + 1, node_id, True)]
        cols = [np.array(c) for c in zip(*nodes)]
        self.tree_ = TreeArrays(cols[0].astype(int), cols[1].astype(int), cols[2].astype(int), cols[3].astype(float),
                                cols[4].astype(float)[:, None], np.full(len(nodes), np.nan), cols[5].astype(int),
                                cols[6].astype(float))
        return self

    def _best(self, Xn, g, h):
        """(feature, threshold, gain) of the best positive-gain split of one node, or None."""
        order = np.argsort(Xn, axis=0, kind="stable")  # (n, d)
        Xs = np.take_along_axis(Xn, order, axis=0)
        GL = np.cumsum(g[order], axis=0)[:-1]  # (n−1, d)
        HL = np.cumsum(h[order], axis=0)[:-1]
        GR, HR = g.sum() - GL, h.sum() - HL
        valid = (Xs[1:] > Xs[:-1] + FEATURE_THRESHOLD) & (HL >= self.min_child_weight) & (HR >= self.min_child_weight)
        with np.errstate(divide="ignore", invalid="ignore"):
            gain = np.where(valid, _split_gain(GL, HL, GR, HR, self.lam, self.gamma), -np.inf)
        p, j = np.unravel_index(np.argmax(gain.T), gain.T.shape)[::-1]  # first feature, then first position
        if not gain[p, j] > 0:
            return None
        return int(j), float(Xs[p, j] / 2.0 + Xs[p + 1, j] / 2.0), float(gain[p, j])

    def predict(self, X) -> np.ndarray:
        """Leaf weight w* of each row of X (M, d) → (M,), in the floating dtype of the fitted g and h."""
        if not hasattr(self, "tree_"):
            raise ValueError("this XGBTree is not fitted yet: call fit(X, g, h) first")
        X = check_array("X", X, ndim=2).astype(np.float32).astype(float)
        return self.tree_.value[self.tree_.apply(X), 0].astype(self.output_dtype_, copy=False)


class XGBoost:
    """A tiny XGBoost: second-order trees on squared or logistic loss, shrunk by learning_rate.

    ``fit(X (N, d), y (N,))``, ``raw_predict`` / ``predict(X) → (M,)``. See chapter: chapters/ensembles.md
    """

    def __init__(self, n_estimators=100, learning_rate=0.3, max_depth=3, lam=1.0, gamma=0.0,
                 min_child_weight=1.0, loss="squared"):
        self.n_estimators = check_int("n_estimators", n_estimators, low=1)
        self.learning_rate = check_real("learning_rate", learning_rate, low=0.0, low_open=True)
        if loss not in ("squared", "logistic"):
            raise ValueError(f"loss must be 'squared' or 'logistic', got {loss!r}")
        self.loss = loss
        self.tree_params = dict(max_depth=max_depth, lam=lam, gamma=gamma, min_child_weight=min_child_weight)
        XGBTree(**self.tree_params)  # validates now

    def _grad_hess(self, y, F):
        if self.loss == "squared":
            return F - y, np.ones_like(F)  # ∂/∂F ½(y−F)², ∂²
        p = sigmoid(F)
        return p - y, p * (1 - p)  # ∂/∂F log-loss, ∂²

    def fit(self, X, y):
        """Boost on X (N, d) and targets y (N,) (0/1 for the logistic loss). Returns self."""
        X = check_array("X", X, ndim=2)
        y = as_float("y", y, shape=(X.shape[0],))
        self.output_dtype_ = float_dtype(y)
        y = y.astype(np.float64)
        if self.loss == "logistic":
            if not np.all((y == 0) | (y == 1)):
                raise ValueError("y must contain only 0 and 1 for the logistic loss")
            p = np.clip(y.mean(), 1e-12, 1 - 1e-12)
            self.base_score_ = float(np.log(p / (1 - p)))
        else:
            self.base_score_ = float(y.mean())
        F = np.full(len(y), self.base_score_)
        self.estimators_ = []
        for _ in range(self.n_estimators):
            g, h = self._grad_hess(y, F)
            tree = XGBTree(**self.tree_params).fit(X, g, h)
            F = F + self.learning_rate * tree.predict(X)
            self.estimators_.append(tree)
        return self

    def _raw64(self, X) -> np.ndarray:
        if not hasattr(self, "estimators_"):
            raise ValueError("this XGBoost is not fitted yet: call fit(X, y) first")
        F = np.full(len(check_array("X", X, ndim=2)), self.base_score_)
        for tree in self.estimators_:
            F = F + self.learning_rate * tree.predict(X)
        return F

    def raw_predict(self, X) -> np.ndarray:
        """Raw scores F(X) (M,): base score plus the shrunk leaf weights, in the dtype of the training y."""
        return self._raw64(X).astype(self.output_dtype_, copy=False)

    def predict(self, X) -> np.ndarray:
        """Squared loss: predictions; logistic: P(y = 1) = σ(F). Shape (M,), in the dtype of the training y."""
        F = self._raw64(X)
        return (F if self.loss == "squared" else sigmoid(F)).astype(self.output_dtype_, copy=False)
