r"""Bagging and random forests of CART trees, with out-of-bag (OOB) estimates.

Bagging (bootstrap aggregating, 装袋): tree $b = 1..B$ is grown on a bootstrap sample — $N$ draws
with replacement from the $N$ training rows, passed to the tree as integer sample weights
$c_{bi}$ (how often row $i$ was drawn) — and the ensemble averages the trees:
$$\hat p(x) = \frac1B \sum_b \hat p_b(x)\ \ (\text{class} = \arg\max_k \hat p_k),\qquad
\hat f(x) = \frac1B\sum_b \hat f_b(x).$$
A row is left out of one bootstrap sample with probability $(1 - 1/N)^N \to e^{-1} \approx 0.368$.
Averaging $B$ trees with variance $\sigma^2$ and pairwise correlation $\rho$ leaves
$\rho\sigma^2 + (1-\rho)\sigma^2/B$: a **random forest** (随机森林) lowers $\rho$ by letting each
split consider only ``max_features`` randomly drawn features (√d for classification).

**Out-of-bag** estimate: each row is predicted by the trees whose sample missed it; the OOB
accuracy (or $R^2$) is a free validation score.

Seeds follow scikit-learn (tree $b$ gets ``RandomState(random_state).randint(2**31 - 1)``, its
bootstrap is ``RandomState(seed_b).randint(0, N, N)`` and its splitter draws from the same seed),
so with an integer ``random_state`` the forest equals ``sklearn.ensemble.RandomForest*``.

See chapter: chapters/ensembles.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_array, check_int
from mlnotes.trees._dtypes import as_float, float_dtype
from mlnotes.trees.cart import CARTClassifier, CARTRegressor, check_random_state, estimator_seeds


def bootstrap_counts(seed, n: int) -> np.ndarray:
    """How often each of n rows is drawn in one bootstrap sample (n,), as scikit-learn draws it.

    See chapter: chapters/ensembles.md
    """
    n = check_int("n", n, low=1)
    rng = np.random.RandomState(seed)
    return np.bincount(rng.randint(0, n, n), minlength=n)


class _Forest:
    """Shared fitting of :class:`RandomForestClassifier` and :class:`RandomForestRegressor`."""

    _tree_class = CARTClassifier
    _default_max_features: object = "sqrt"

    def __init__(self, n_estimators=100, *, criterion=None, max_depth=None, min_samples_split=2,
                 min_samples_leaf=1, max_features="default", bootstrap=True, oob_score=False, random_state=None):
        self.n_estimators = check_int("n_estimators", n_estimators, low=1)
        self.max_features = self._default_max_features if max_features == "default" else max_features
        self.tree_params = dict(max_depth=max_depth, min_samples_split=min_samples_split,
                                min_samples_leaf=min_samples_leaf, max_features=self.max_features)
        if criterion is not None:
            self.tree_params["criterion"] = criterion
        self._tree_class(**self.tree_params)  # validates the tree parameters now
        if not isinstance(bootstrap, (bool, np.bool_)) or not isinstance(oob_score, (bool, np.bool_)):
            raise TypeError("bootstrap and oob_score must be True or False")
        if oob_score and not bootstrap:
            raise ValueError("oob_score=True needs bootstrap=True (there is no out-of-bag row otherwise)")
        self.bootstrap, self.oob_score = bootstrap, oob_score
        self.random_state = check_random_state(random_state)

    def fit(self, X, y):
        """Grow the forest on X (N, d), y (N,). Returns self."""
        X = check_array("X", X, ndim=2)
        if np.shape(y) != (X.shape[0],):
            raise ValueError(f"y must have shape ({X.shape[0]},) to match X, got {np.shape(y)}")
        self._grow(X, y)
        if self.oob_score:
            self._set_oob(X, np.asarray(y))
        return self

    def _grow(self, X, y):
        """One tree per seed, each on its bootstrap sample (given to the tree as integer weights)."""
        n = len(X)
        self.estimators_, self.counts_ = [], []
        for seed in estimator_seeds(self.random_state, self.n_estimators):
            counts = bootstrap_counts(seed, n) if self.bootstrap else np.ones(n, dtype=int)  # (N,) c_bi
            tree = self._tree_class(random_state=seed, **self.tree_params).fit(X, y, sample_weight=counts)
            self.estimators_.append(tree)
            self.counts_.append(counts)

    def _require_fitted(self):
        if not hasattr(self, "estimators_"):
            raise ValueError(f"this {type(self).__name__} is not fitted yet: call fit(X, y) first")

    def _tree_output(self, tree, X):
        raise NotImplementedError

    def _average(self, X) -> np.ndarray:
        """Mean of the trees' outputs, summed in float64."""
        self._require_fitted()
        out = 0.0
        for tree in self.estimators_:
            out = out + self._tree_output(tree, X).astype(np.float64, copy=False)
        return out / len(self.estimators_)

    def _oob_average(self, X) -> tuple[np.ndarray, np.ndarray]:
        """Mean out-of-bag output per row (N, ·) (0 where no tree left the row out) and tree counts (N,)."""
        total, n_pred = None, np.zeros(len(X))
        for tree, counts in zip(self.estimators_, self.counts_):
            oob = counts == 0  # (N,) rows this tree never saw
            if not oob.any():
                continue
            out = self._tree_output(tree, X[oob]).astype(np.float64, copy=False)
            total = np.zeros((len(X),) + out.shape[1:]) if total is None else total
            total[oob] += out
            n_pred += oob
        if total is None:
            raise ValueError("no row was ever out of bag: use more trees for oob_score")
        return total / np.maximum(n_pred, 1).reshape((-1,) + (1,) * (total.ndim - 1)), n_pred

    @property
    def oob_fraction_(self) -> float:
        """Mean fraction of rows left out of a bootstrap sample (≈ e^{-1} ≈ 0.368)."""
        self._require_fitted()
        return float(np.mean([np.mean(c == 0) for c in self.counts_]))


class RandomForestClassifier(_Forest):
    """Random forest of CART classification trees (max_features=None: plain bagging).

    ``fit(X (N, d), y (N,))``, ``predict_proba(X) → (M, K)``, ``predict(X) → (M,)``,
    ``oob_score_`` (accuracy) when ``oob_score=True``. ``max_features`` and the tree limits are as in
    :class:`~mlnotes.trees.cart.CARTClassifier`; ``random_state`` is None, an int or a RandomState.
    ``predict_proba`` and ``oob_decision_function_`` are float64, as in scikit-learn.
    See chapter: chapters/ensembles.md
    """

    _tree_class = CARTClassifier
    _default_max_features = "sqrt"

    def fit(self, X, y):
        """Grow the forest on X (N, d) and labels y (N,). Returns self."""
        self.classes_ = np.unique(np.asarray(y))
        return super().fit(X, y)

    def _tree_output(self, tree, X):
        proba = np.zeros((len(X), len(self.classes_)))  # a bootstrap may miss a class
        proba[:, np.searchsorted(self.classes_, tree.classes_)] = tree.predict_proba(X)
        return proba

    def predict_proba(self, X) -> np.ndarray:
        """Mean of the trees' class proportions: (M, K) float64."""
        return self._average(X)

    def predict(self, X) -> np.ndarray:
        """Class with the largest mean proportion: (M,)."""
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def _set_oob(self, X, y):
        self.oob_decision_function_, n_pred = self._oob_average(X)
        self.oob_score_ = float(np.mean(self.classes_[np.argmax(self.oob_decision_function_, axis=1)] == y))


class RandomForestRegressor(_Forest):
    """Random forest of CART regression trees (default max_features=None, i.e. bagging, as sklearn).

    ``fit(X (N, d), y (N,))``, ``predict(X) → (M,)``, ``oob_score_`` (R²) when ``oob_score=True``.
    ``predict`` and ``oob_prediction_`` have the floating dtype of the training y (averaged in float64;
    scikit-learn returns float64 always). See chapter: chapters/ensembles.md
    """

    _tree_class = CARTRegressor
    _default_max_features = None

    def fit(self, X, y):
        """Grow the forest on X (N, d) and real targets y (N,). Returns self."""
        y = as_float("y", y, ndim=1)
        self.output_dtype_ = float_dtype(y)
        return super().fit(X, y.astype(np.float64))  # the trees work in float64

    def _tree_output(self, tree, X):
        return tree.predict(X)

    def predict(self, X) -> np.ndarray:
        """Mean of the trees' predictions: (M,), in the floating dtype of the training y."""
        return self._average(X).astype(self.output_dtype_, copy=False)

    def _set_oob(self, X, y):
        oob, _ = self._oob_average(X)
        y = y.astype(np.float64)
        resid = np.sum((y - oob) ** 2)
        self.oob_score_ = float(1.0 - resid / np.sum((y - y.mean()) ** 2))
        self.oob_prediction_ = oob.astype(self.output_dtype_, copy=False)
