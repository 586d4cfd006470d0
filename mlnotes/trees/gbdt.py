r"""Gradient-boosted trees (GBDT, 梯度提升树): squared loss, two-class log loss and K-class softmax loss.

GBDT fits an additive model by functional gradient descent on a loss $L(y, F)$. With $K$ score
functions $F_k$ ($K = 1$ for regression and for two classes), round $m$ computes the negative
gradients at the current scores, fits one regression tree $f_{mk}$ (squared error) to each
column, resets its leaf values by one Newton step, and adds it shrunk by $\eta$ (learning rate):
$$r_{ik} = -\frac{\partial L(y_i, F(x_i))}{\partial F_k(x_i)},\qquad
F_k \leftarrow F_k + \eta\, f_{mk}.$$

* Squared loss $\tfrac12(y - F)^2$: $F_0 = \bar y$, $r_i = y_i - F(x_i)$ — the residuals — and
  the leaf value is the mean residual.
* Log loss for $y \in \{0, 1\}$, $p = \sigma(F)$: $F_0 = \ln\frac{\bar y}{1 - \bar y}$,
  $r_i = y_i - p_i$; leaf $j$ takes $\gamma_j = \sum_{i \in j} r_i / \sum_{i \in j} p_i(1 - p_i)$.
* Softmax (multinomial) loss for $K \ge 3$ classes, $p_k = e^{F_k} / \sum_l e^{F_l}$, one-hot
  $y_{ik}$: $L = -\sum_k y_k \ln p_k$, $F_{0k} = \ln \pi_k - \frac1K\sum_l \ln \pi_l$ (the class
  priors $\pi$, centred), $r_{ik} = y_{ik} - p_{ik}$, **K trees a round** (one per class, all fitted
  to gradients taken at the scores of the start of the round), and leaf $j$ of tree $k$ takes
  $\gamma_{jk} = \frac{K-1}{K}\,\sum_{i \in j} r_{ik} / \sum_{i \in j} p_{ik}(1 - p_{ik})$
  (Friedman 2001, Algorithm 6; the diagonal of the Hessian, and the factor $\frac{K-1}{K}$ of the
  paper that scikit-learn keeps).

For two classes the softmax of $(F_0, F_1)$ is $\sigma(F_1 - F_0)$: one score, one tree a round.
With an integer ``random_state`` the trees break ties as scikit-learn's do (one ``RandomState`` is
shared by all trees, in the order they are grown), so these equal scikit-learn's
``GradientBoostingRegressor`` / ``GradientBoostingClassifier`` step by step.

See chapter: chapters/ensembles.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_array, check_int, check_real
from mlnotes.trees._dtypes import as_float, float_dtype
from mlnotes.trees.boosting import sigmoid
from mlnotes.trees.cart import CARTRegressor, check_random_state
from mlnotes.trees.tree_arrays import TREE_LEAF

EPS = np.finfo(np.float64).eps


def softmax(F) -> np.ndarray:
    """Row-wise softmax e^{F_k} / Σ_l e^{F_l} of scores F (N, K), stable (the row max is subtracted).

    Keeps F's floating dtype (integers give float64); NaN raises. See chapter: chapters/ensembles.md
    """
    F = as_float("F", F, ndim=2)
    Z = np.exp(F - F.max(axis=1, keepdims=True))  # (N, K), each row's largest term is 1
    return Z / Z.sum(axis=1, keepdims=True)


def multiclass_log_loss(y, F) -> float:
    """Mean softmax cross-entropy −ln p_{y_i} of integer labels y (N,) in 0..K−1 at scores F (N, K).

    See chapter: chapters/ensembles.md
    """
    F = np.asarray(F, dtype=float)
    y = np.asarray(y)
    m = F.max(axis=1)
    log_z = m + np.log(np.exp(F - m[:, None]).sum(axis=1))  # (N,) log Σ e^F
    return float(np.mean(log_z - F[np.arange(len(y)), y]))


class _GBDT:
    """Shared stage loop of :class:`GBDTRegressor` and :class:`GBDTClassifier`."""

    def __init__(self, n_estimators=100, learning_rate=0.1, max_depth=3, min_samples_split=2,
                 min_samples_leaf=1, random_state=None):
        self.n_estimators = check_int("n_estimators", n_estimators, low=1)
        self.learning_rate = check_real("learning_rate", learning_rate, low=0.0, low_open=True)
        self.tree_params = dict(max_depth=check_int("max_depth", max_depth, low=1),
                                min_samples_split=min_samples_split, min_samples_leaf=min_samples_leaf)
        CARTRegressor(**self.tree_params)  # validates the tree parameters now
        self.random_state = check_random_state(random_state, allow_generator=False)

    def _boost(self, X, Y, F):
        """Rounds of K trees, tree k fitted to column k of the negative gradients; Y, F (N, K) → F."""
        rng = None if self.random_state is None else np.random.RandomState(self.random_state)  # shared, as sklearn
        M, K = self.n_estimators, Y.shape[1]
        self.estimators_ = np.empty((M, K), dtype=object)  # (rounds, trees per round), as sklearn
        for m in range(M):
            R = self._negative_gradient(Y, F)  # (N, K) at the scores of the start of the round
            for k in range(K):
                tree = CARTRegressor(random_state=rng, **self.tree_params).fit(X, R[:, k])
                leaf = tree.apply(X)  # (N,)
                self._update_leaves(tree, leaf, Y[:, k], R[:, k], K)
                F[:, k] += self.learning_rate * tree.tree_.value[leaf, 0]
                self.estimators_[m, k] = tree
        return F

    def _update_leaves(self, tree, leaf, y, r, K):
        """Squared loss: the leaf means of the residuals are already optimal."""

    def _require_fitted(self):
        if not hasattr(self, "estimators_"):
            raise ValueError(f"this {type(self).__name__} is not fitted yet: call fit(X, y) first")

    def staged_raw(self, X):
        """Yield the raw scores F_m(X) after each round: (M,) for one score, (M, K) for K classes; float64."""
        self._require_fitted()
        X = check_array("X", X, ndim=2)
        F = np.tile(np.atleast_1d(self.init_), (len(X), 1))  # (M, K)
        for trees in self.estimators_:
            F = F.copy()
            for k, tree in enumerate(trees):
                F[:, k] += self.learning_rate * tree.predict(X)
            yield F[:, 0] if F.shape[1] == 1 else F

    def raw_predict(self, X) -> np.ndarray:
        """Raw scores F_M(X): (M,) for regression and two classes, (M, K) for K ≥ 3 classes; float64."""
        F = None
        for F in self.staged_raw(X):
            pass
        return F


class GBDTRegressor(_GBDT):
    """Gradient boosting for squared loss: start at the mean, fit residuals, shrink by learning_rate.

    ``fit(X (N, d), y (N,))``, ``predict(X) → (M,)``, ``staged_predict``. Computed in float64; the
    predictions have the floating dtype of the training y (scikit-learn returns float64 always).
    ``estimators_`` is an (n_estimators, 1) array of trees, as in scikit-learn.
    See chapter: chapters/ensembles.md
    """

    def fit(self, X, y):
        """Boost on X (N, d) and real targets y (N,). Returns self."""
        X = check_array("X", X, ndim=2)
        y = as_float("y", y, shape=(X.shape[0],))
        self.output_dtype_ = float_dtype(y)
        y = y.astype(np.float64)[:, None]  # (N, 1)
        self.init_ = float(np.mean(y))
        self._boost(X, y, np.full_like(y, self.init_))
        return self

    @staticmethod
    def _negative_gradient(Y, F):
        return Y - F  # −∂/∂F ½(y − F)² = residual

    def staged_predict(self, X):
        """Yield predictions (M,) after each stage, in the floating dtype of the training y."""
        for F in self.staged_raw(X):
            yield F.astype(self.output_dtype_, copy=False)

    def predict(self, X) -> np.ndarray:
        """Predictions (M,), in the floating dtype of the training y."""
        return self.raw_predict(X).astype(self.output_dtype_, copy=False)


class GBDTClassifier(_GBDT):
    """Gradient boosting with log loss: one tree a round for two classes, K trees a round for K ≥ 3.

    ``fit(X (N, d), y (N,))`` with any sortable labels; ``decision_function(X)`` → (M,) for two
    classes, (M, K) for more; ``predict_proba(X) → (M, K)``; ``predict(X) → (M,)``. Scores and
    probabilities are float64, as scikit-learn's. ``estimators_`` is (n_estimators, 1 or K).
    See chapter: chapters/ensembles.md
    """

    def fit(self, X, y):
        """Boost on X (N, d) and labels y (N,) of at least 2 classes. Returns self."""
        X = check_array("X", X, ndim=2)
        y = np.asarray(y)
        if y.shape != (X.shape[0],):
            raise ValueError(f"y must have shape ({X.shape[0]},) to match X, got {y.shape}")
        self.classes_, codes = np.unique(y, return_inverse=True)
        K = len(self.classes_)
        if K < 2:
            raise ValueError(f"y must have at least 2 classes, got {K}")
        if K == 2:
            p = np.clip(np.mean(codes), EPS, 1 - EPS)  # the share of the second class
            self.init_ = float(np.log(p / (1 - p)))  # ln(p / (1 − p)), as scikit-learn computes it
            Y = codes[:, None].astype(np.float64)  # (N, 1)
        else:
            prior = np.clip(np.bincount(codes, minlength=K) / len(codes), EPS, 1 - EPS)  # (K,) class shares
            self.init_ = np.log(prior) - np.mean(np.log(prior))  # (K,) centred log priors
            Y = np.eye(K)[codes]  # (N, K) one-hot
        self._boost(X, Y, np.tile(np.atleast_1d(self.init_), (len(y), 1)))
        return self

    @staticmethod
    def _negative_gradient(Y, F):
        if Y.shape[1] == 1:
            return Y - sigmoid(F)  # −∂/∂F [log(1 + e^F) − yF] = y − p
        return Y - softmax(F)  # −∂/∂F_k [−Σ_l y_l ln p_l] = y_k − p_k

    def _update_leaves(self, tree, leaf, y, r, K):
        """One Newton step per leaf: Σ r / Σ p(1−p), times (K−1)/K for K ≥ 3; 0 where p(1−p) vanishes."""
        p = y - r  # (N,) the probability of this tree's class
        scale = 1.0 if K == 1 else (K - 1) / K
        for j in np.flatnonzero(tree.tree_.children_left == TREE_LEAF):
            rows = leaf == j
            num, den = np.average(r[rows]), np.average(p[rows] * (1 - p[rows]))
            tree.tree_.value[j, 0] = 0.0 if abs(den) < 1e-150 else scale * num / den

    def decision_function(self, X) -> np.ndarray:
        """Raw scores: (M,) for two classes (the log-odds of the second), (M, K) for K ≥ 3; float64."""
        return self.raw_predict(X)

    def staged_predict_proba(self, X):
        """Yield the class probabilities (M, K) after each round."""
        for F in self.staged_raw(X):
            yield self._proba(F)

    @staticmethod
    def _proba(F):
        if F.ndim == 1:
            p = sigmoid(F)
            return np.stack([1 - p, p], axis=1)
        return softmax(F)

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities (M, K): [1 − σ(F), σ(F)] for two classes, softmax(F) for more."""
        return self._proba(self.raw_predict(X))

    def predict(self, X) -> np.ndarray:
        """Labels (M,): the class of largest score (the second class where F > 0 for two classes)."""
        F = self.raw_predict(X)
        if F.ndim == 1:
            return self.classes_[(F > 0).astype(int)]
        return self.classes_[np.argmax(F, axis=1)]
