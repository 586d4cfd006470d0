r"""CART (Breiman et al. 1984): binary trees for classification (Gini or entropy) and regression (MSE).

Grow depth-first from the root: at each node take the split of :mod:`mlnotes.trees.splitter`
with the largest impurity decrease; stop (make a leaf) when
$\text{depth} \ge$ ``max_depth``, $n <$ ``min_samples_split``, $n < 2\cdot$``min_samples_leaf``,
the node is pure ($I \le 2^{-52}$), no split is valid, or the weighted decrease
$\frac{w_t}{W}\big(I(t) - \frac{w_L}{w_t} I(L) - \frac{w_R}{w_t} I(R)\big)$ is below
``min_impurity_decrease``. A leaf predicts the weighted class proportions (classification, the
class being their arg max) or the weighted mean (regression).

Nodes are numbered in pre-order, left child first, and stored as flat arrays like scikit-learn's
``tree_`` (``children_left``, ``feature``, ``threshold``, ``value``, ``impurity``, …), so the two
can be compared array by array. Like scikit-learn, X is rounded to float32 before fitting and
predicting (thresholds are halfway between float32 values, computed in float64), and samples
of zero weight are dropped. ``ties_`` lists the nodes where another feature reached the same
best score: only there can the choice differ from scikit-learn's unless the same integer
``random_state`` is given (see :class:`~mlnotes.trees.splitter.SklearnFeatureSampler`).
Even then two trees can part where tied scores differ only by rounding (the two libraries sum in a
different order), or at a regression node whose targets are all equal but whose impurity is a rounding
residue above $2^{-52}$ in one of them: that one splits it into children predicting the same value.

See chapter: chapters/trees.md
"""

from __future__ import annotations

import math

import numpy as np

from mlnotes._checks import check_array, check_int, check_real
from mlnotes.trees._dtypes import as_float, float_dtype
from mlnotes.trees.pruning import cost_complexity_path, prune_tree
from mlnotes.trees.splitter import RAND_R_MAX, SklearnFeatureSampler, best_split, node_impurity, node_targets
from mlnotes.trees.tree_arrays import TREE_LEAF, TreeArrays

EPSILON = np.finfo(float).eps


_MAX_FEATURES_FORMS = "None, 'sqrt', 'log2', an int (a count) or a float in (0, 1] (a fraction)"


def check_max_features(max_features):
    """Check the *kind* of max_features: its meaning depends on its type (int = count, float = fraction).

    Accepts None, 'sqrt', 'log2', an int (Python or numpy) or a float (Python or numpy); raises
    TypeError for anything else (a bool, a string of digits, a list, a Fraction, …) and ValueError
    for another string. Returns it unchanged. See chapter: chapters/trees.md
    """
    if max_features is None:
        return None
    if isinstance(max_features, str):
        if max_features not in ("sqrt", "log2"):
            raise ValueError(f"max_features must be {_MAX_FEATURES_FORMS}, got {max_features!r}")
        return max_features
    if isinstance(max_features, (bool, np.bool_)) or not isinstance(max_features, (int, np.integer, float,
                                                                                     np.floating)):
        raise TypeError(f"max_features must be {_MAX_FEATURES_FORMS}, got {type(max_features).__name__} "
                        f"{max_features!r}")
    return max_features


def resolve_max_features(max_features, n_features: int) -> int:
    """Number of candidate features per split, with scikit-learn's conventions (None = all).

    An int is a count in [1, n_features], a float a fraction in (0, 1] (at least one feature).
    See chapter: chapters/trees.md
    """
    max_features = check_max_features(max_features)
    if max_features is None:
        return n_features
    if max_features == "sqrt":
        return max(1, int(math.sqrt(n_features)))
    if max_features == "log2":
        return max(1, int(math.log2(n_features)))
    if isinstance(max_features, (float, np.floating)):
        check_real("max_features", max_features, low=0.0, high=1.0, low_open=True)
        return max(1, int(max_features * n_features))
    return check_int("max_features", max_features, low=1, high=n_features)


def check_random_state(random_state, *, allow_generator: bool = True):
    """None, an int seed in [0, 2³² − 1] or (if allowed) a ``np.random.RandomState``; TypeError otherwise.

    A bool or a float is refused (numpy would silently take True as seed 1). Returns it unchanged.
    See chapter: chapters/trees.md
    """
    if random_state is None or (allow_generator and isinstance(random_state, np.random.RandomState)):
        return random_state
    if isinstance(random_state, (bool, np.bool_)) or not isinstance(random_state, (int, np.integer)):
        forms = "None, an int or a numpy RandomState" if allow_generator else "None or an int"
        raise TypeError(f"random_state must be {forms}, got {type(random_state).__name__} {random_state!r}")
    return check_int("random_state", random_state, low=0, high=2**32 - 1)


def build_tree(X32, Y, w, *, criterion, max_depth, min_samples_split, min_samples_leaf,
               min_impurity_decrease, sampler) -> TreeArrays:
    """Grow a CART tree on X (N, d) float32-valued, targets Y (N, K) one-hot or (N,), weights w (N,).

    See chapter: chapters/trees.md
    """
    keep = w > 0
    X32, Y, w = X32[keep], Y[keep], w[keep]
    T = node_targets(Y, w, criterion)  # (N, ·) weighted targets
    W = w.sum()
    nodes: list[dict] = []
    ties: dict = {}
    stack = [(np.arange(len(w)), 0, -1, False, None, 0)]  # idx, depth, parent, is_left, impurity, n_const
    while stack:
        idx, depth, parent, is_left, imp, n_const = stack.pop()
        Tn, wn = T[idx], w[idx]
        wt = wn.sum()
        imp = node_impurity(Tn, wn, criterion) if imp is None else imp
        node_id = len(nodes)
        sums = Tn.sum(axis=0)
        value = sums[:1] / wt if criterion == "mse" else sums / wt
        nodes.append(dict(left=TREE_LEAF, right=TREE_LEAF, feature=-2, threshold=-2.0, value=value,
                          impurity=imp, n=len(idx), w=wt))
        if parent >= 0:
            nodes[parent]["left" if is_left else "right"] = node_id
        n = len(idx)
        if (depth >= max_depth or n < min_samples_split or n < 2 * min_samples_leaf or imp <= EPSILON):
            continue
        Xn = X32[idx]  # (n, d)
        const = Xn.max(axis=0) <= Xn.min(axis=0) + 1e-7  # (d,)
        if sampler is None:
            features, n_const_children = [j for j in range(X32.shape[1]) if not const[j]], 0
        else:
            features, n_const_children = sampler.visit(const, n_const)
        split = best_split(Xn, Tn, wn, features, criterion, min_samples_leaf) if features else None
        if split is None:
            continue
        go_left = Xn[:, split.feature] <= split.threshold  # (n,)
        wl = wn[go_left].sum()
        improvement = wt / W * (imp - (wt - wl) / wt * split.impurity_right - wl / wt * split.impurity_left)
        if improvement + EPSILON < min_impurity_decrease:
            continue
        nodes[node_id].update(feature=split.feature, threshold=split.threshold)
        if split.tied_features:
            ties[node_id] = split.tied_features
        stack.append((idx[~go_left], depth + 1, node_id, False, split.impurity_right, n_const_children))
        stack.append((idx[go_left], depth + 1, node_id, True, split.impurity_left, n_const_children))
    col = lambda key, dtype: np.array([nd[key] for nd in nodes], dtype=dtype)  # noqa: E731
    return TreeArrays(col("left", int), col("right", int), col("feature", int), col("threshold", float),
                      np.array([nd["value"] for nd in nodes]), col("impurity", float), col("n", int),
                      col("w", float), ties)


def estimator_seeds(random_state, n: int) -> list:
    """Integer seeds of n sub-estimators drawn as scikit-learn's ensembles do (None → n Nones).

    See chapter: chapters/trees.md
    """
    random_state = check_random_state(random_state)
    if random_state is None:
        return [None] * n
    rng = random_state if isinstance(random_state, np.random.RandomState) else np.random.RandomState(random_state)
    return [int(rng.randint(np.iinfo(np.int32).max)) for _ in range(n)]


class _CART:
    """Shared fit/apply/prune logic of :class:`CARTClassifier` and :class:`CARTRegressor`."""

    _criteria: tuple = ()

    def __init__(self, criterion, max_depth=None, min_samples_split=2, min_samples_leaf=1,
                 min_impurity_decrease=0.0, max_features=None, random_state=None, ccp_alpha=0.0):
        if criterion not in self._criteria:
            raise ValueError(f"criterion must be one of {self._criteria}, got {criterion!r}")
        self.criterion = criterion
        self.max_depth = None if max_depth is None else check_int("max_depth", max_depth, low=1)
        self.min_samples_split = check_int("min_samples_split", min_samples_split, low=2)
        self.min_samples_leaf = check_int("min_samples_leaf", min_samples_leaf, low=1)
        self.min_impurity_decrease = check_real("min_impurity_decrease", min_impurity_decrease, low=0.0)
        self.max_features = check_max_features(max_features)
        self.random_state = check_random_state(random_state)  # None: index order; int or RandomState: sklearn's
        self.ccp_alpha = check_real("ccp_alpha", ccp_alpha, low=0.0)

    def _check_X(self, X, fitted=True) -> np.ndarray:
        X = check_array("X", X, ndim=2)
        if X.shape[0] == 0 or X.shape[1] == 0:
            raise ValueError(f"X must have at least one row and one column, got shape {X.shape}")
        if fitted and X.shape[1] != self.n_features_in_:
            raise ValueError(f"X must have {self.n_features_in_} columns like the training data, got {X.shape[1]}")
        return X.astype(np.float32).astype(np.float64)  # sklearn's float32 rounding

    def _fit(self, X, Y, sample_weight, criterion):
        X32 = self._check_X(X, fitted=False)
        n, d = X32.shape
        if sample_weight is None:
            w = np.ones(n)
        else:
            w = check_array("sample_weight", sample_weight, ndim=1)
            if w.shape != (n,):
                raise ValueError(f"sample_weight must have shape ({n},), got {w.shape}")
            if np.any(w < 0) or w.sum() <= 0:
                raise ValueError("sample_weight must be non-negative with a positive sum")
        self.n_features_in_ = d
        self.max_features_ = resolve_max_features(self.max_features, d)
        sampler = None
        if self.random_state is not None or self.max_features_ < d:
            rng = self.random_state
            rng = rng if isinstance(rng, np.random.RandomState) else np.random.RandomState(rng)
            seed = rng.randint(0, RAND_R_MAX)  # as sklearn's splitter
            sampler = SklearnFeatureSampler(d, self.max_features_, seed)
        self.tree_ = build_tree(
            X32, Y, w, criterion=criterion, max_depth=self.max_depth or np.iinfo(np.int32).max,
            min_samples_split=self.min_samples_split, min_samples_leaf=self.min_samples_leaf,
            min_impurity_decrease=self.min_impurity_decrease, sampler=sampler)
        if self.ccp_alpha > 0:
            self.tree_ = prune_tree(self.tree_, self.ccp_alpha)
        return self

    @property
    def ties_(self) -> dict:
        """Nodes where several features reached the best split score: node id → other features."""
        return self.tree_.ties

    def apply(self, X) -> np.ndarray:
        """Leaf index of each row of X (M, d) → (M,)."""
        self._require_fitted()
        return self.tree_.apply(self._check_X(X))

    def _require_fitted(self):
        if not hasattr(self, "tree_"):
            raise ValueError(f"this {type(self).__name__} is not fitted yet: call fit(X, y) first")

    def get_depth(self) -> int:
        """Depth of the fitted tree."""
        self._require_fitted()
        return self.tree_.max_depth()

    def get_n_leaves(self) -> int:
        """Number of leaves of the fitted tree."""
        self._require_fitted()
        return int(np.sum(self.tree_.children_left == TREE_LEAF))

    @property
    def feature_importances_(self) -> np.ndarray:
        """Total weighted impurity decrease per feature, normalised to sum to 1 → (d,) float64."""
        self._require_fitted()
        t = self.tree_
        imp = np.zeros(self.n_features_in_)
        for i in np.flatnonzero(t.children_left != TREE_LEAF):
            l, r = t.children_left[i], t.children_right[i]
            imp[t.feature[i]] += (t.weighted_n_node_samples[i] * t.impurity[i]
                                  - t.weighted_n_node_samples[l] * t.impurity[l]
                                  - t.weighted_n_node_samples[r] * t.impurity[r])
        return imp / imp.sum() if imp.sum() > 0 else imp

    def cost_complexity_pruning_path(self, X, y, sample_weight=None):
        """(ccp_alphas, impurities) of the tree grown on X, y with this tree's limits and no pruning."""
        params = {k: getattr(self, k) for k in ("criterion", "max_depth", "min_samples_split", "min_samples_leaf",
                                                "min_impurity_decrease", "max_features", "random_state")}
        full = type(self)(**params).fit(X, y, sample_weight)
        return cost_complexity_path(full.tree_)


class CARTClassifier(_CART):
    """CART classification tree (Gini or entropy). ``fit(X (N, d), y (N,))``; ``predict(X) → (M,)``.

    Arguments as scikit-learn's ``DecisionTreeClassifier``, except that ``min_samples_split`` and
    ``min_samples_leaf`` are counts only (an int; scikit-learn's float fractions raise TypeError).
    ``max_features``: None, 'sqrt', 'log2', an int count or a float fraction in (0, 1].
    ``random_state``: None (features visited in index order), an int or a ``RandomState``.
    ``predict_proba`` is float64 whatever the dtype of X, as in scikit-learn.
    See chapter: chapters/trees.md
    """

    _criteria = ("gini", "entropy")

    def __init__(self, criterion="gini", **kwargs):
        super().__init__(criterion, **kwargs)

    def fit(self, X, y, sample_weight=None):
        """Grow the tree; labels may be any sortable values. Returns self."""
        y = np.asarray(y)
        if y.ndim != 1:
            raise ValueError(f"y must be a 1-D array of labels, got shape {y.shape}")
        if len(y) != np.shape(X)[0]:
            raise ValueError(f"y must have one label per row of X ({np.shape(X)[0]}), got {len(y)}")
        self.classes_, codes = np.unique(y, return_inverse=True)
        Y = np.eye(len(self.classes_))[codes]  # (N, K) one-hot
        return self._fit(X, Y, sample_weight, self.criterion)

    def predict_proba(self, X) -> np.ndarray:
        """Class proportions of the leaf of each row: (M, K) float64 (as scikit-learn)."""
        leaf = self.apply(X)
        return self.tree_.value[leaf]

    def predict(self, X) -> np.ndarray:
        """Majority class of the leaf of each row (first class on ties): (M,)."""
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]


class CARTRegressor(_CART):
    """CART regression tree (squared error). ``fit(X (N, d), y (N,))``; ``predict(X) → (M,)``.

    Arguments as :class:`CARTClassifier`. The tree is computed in float64; ``predict`` returns the
    floating dtype of the training targets y (float32 y → float32 predictions; integer y → float64),
    where scikit-learn always returns float64. See chapter: chapters/trees.md
    """

    _criteria = ("squared_error",)

    def __init__(self, criterion="squared_error", **kwargs):
        super().__init__(criterion, **kwargs)

    def fit(self, X, y, sample_weight=None):
        """Grow the tree on real targets y (N,). Returns self."""
        y = as_float("y", y, ndim=1)
        if len(y) != np.shape(X)[0]:
            raise ValueError(f"y must have one target per row of X ({np.shape(X)[0]}), got {len(y)}")
        self.output_dtype_ = float_dtype(y)
        return self._fit(X, y.astype(np.float64), sample_weight, "mse")

    def predict(self, X) -> np.ndarray:
        """Mean target of the leaf of each row: (M,), in the floating dtype of the training y."""
        leaf = self.apply(X)
        return self.tree_.value[leaf, 0].astype(self.output_dtype_, copy=False)
