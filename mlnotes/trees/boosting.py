r"""Boosting with CART trees: AdaBoost (SAMME / discrete) and gradient-boosted trees (GBDT).

**AdaBoost** (自适应提升) keeps sample weights $w_i$ (start $1/N$). Round $m$ fits a weak tree
$h_m$ to the weighted data, measures its weighted error $\varepsilon_m = \sum_i w_i [h_m(x_i) \ne y_i] / \sum_i w_i$
and gives it the vote
$$\alpha_m = \eta\Big(\ln\frac{1-\varepsilon_m}{\varepsilon_m} + \ln(K-1)\Big)\quad(\text{SAMME, } K \text{ classes}),
\qquad w_i \leftarrow w_i\, e^{\alpha_m [h_m(x_i) \ne y_i]}\ \text{then normalise}.$$
The ensemble predicts $\arg\max_k \sum_m \alpha_m [h_m(x) = k]$. For $K = 2$ this is discrete
AdaBoost, $\alpha^{\rm disc}_m = \tfrac12\ln\frac{1-\varepsilon_m}{\varepsilon_m}$ with
$w_i \leftarrow w_i e^{-\alpha^{\rm disc}_m y_i h_m(x_i)}$, $y, h \in \{-1, +1\}$: SAMME's $\alpha$ is
exactly twice as large and, after normalisation, both give the same weights and predictions.
Boosting stops early if $\varepsilon_m = 0$ or $\varepsilon_m \ge 1 - 1/K$ (no better than chance).

**GBDT** (梯度提升树) fits an additive model $F_M(x) = F_0 + \eta\sum_m f_m(x)$ by functional
gradient descent on a loss $L(y, F)$: regression tree $f_m$ is fitted (squared error) to the
negative gradients $r_i = -\partial L/\partial F(x_i)$, $\eta$ is the shrinkage (learning rate).

* Squared loss $\tfrac12(y - F)^2$: $F_0 = \bar y$, $r_i = y_i - F(x_i)$ — the residuals —
  and the leaf value is the mean residual.
* Log loss for $y \in \{0, 1\}$, $p = \sigma(F)$: $F_0 = \ln\frac{\bar y}{1 - \bar y}$,
  $r_i = y_i - p_i$, and each leaf $j$ takes one Newton step
  $\gamma_j = \sum_{i \in j} r_i / \sum_{i \in j} p_i(1 - p_i)$.

With an integer ``random_state`` the trees break ties as scikit-learn's do (its seeding is
replayed), so these equal ``AdaBoostClassifier`` and ``GradientBoosting*`` step by step.

See chapter: chapters/trees.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_array, check_int, check_real
from mlnotes.trees._dtypes import as_float, float_dtype
from mlnotes.trees.cart import CARTClassifier, CARTRegressor, check_random_state, estimator_seeds
from mlnotes.trees.tree_arrays import TREE_LEAF


def samme_alpha(error: float, n_classes: int, learning_rate: float = 1.0) -> float:
    """SAMME's vote η(ln((1−ε)/ε) + ln(K−1)) of a weak learner with weighted error ε ∈ (0, 1).

    See chapter: chapters/trees.md
    """
    error = check_real("error", error, low=0.0, high=1.0, low_open=True, high_open=True)
    n_classes = check_int("n_classes", n_classes, low=2)
    return float(learning_rate * (np.log((1.0 - error) / error) + np.log(n_classes - 1.0)))


def discrete_alpha(error: float) -> float:
    """Discrete (binary) AdaBoost's vote ½ ln((1−ε)/ε) for weighted error ε ∈ (0, 1).

    See chapter: chapters/trees.md
    """
    error = check_real("error", error, low=0.0, high=1.0, low_open=True, high_open=True)
    return float(0.5 * np.log((1.0 - error) / error))


class AdaBoost:
    """AdaBoost with CART trees (stumps by default): ``variant="samme"`` or ``"discrete"`` (binary only).

    ``fit(X (N, d), y (N,))``, ``decision_function``, ``predict(X) → (M,)``, ``staged_predict``.
    ``weights_[m]`` are the normalised sample weights after round m + 1; ``random_state`` is None, an
    int or a RandomState; ``decision_function`` is float64, as in scikit-learn.
    See chapter: chapters/trees.md
    """

    def __init__(self, n_estimators=50, learning_rate=1.0, max_depth=1, variant="samme", random_state=None):
        self.n_estimators = check_int("n_estimators", n_estimators, low=1)
        self.learning_rate = check_real("learning_rate", learning_rate, low=0.0, low_open=True)
        self.max_depth = check_int("max_depth", max_depth, low=1)
        if variant not in ("samme", "discrete"):
            raise ValueError(f"variant must be 'samme' or 'discrete', got {variant!r}")
        self.variant, self.random_state = variant, check_random_state(random_state)

    def fit(self, X, y):
        """Boost on X (N, d) and labels y (N,). Returns self."""
        X = check_array("X", X, ndim=2)
        y = np.asarray(y)
        if y.shape != (X.shape[0],):
            raise ValueError(f"y must have shape ({X.shape[0]},) to match X, got {y.shape}")
        self.classes_ = np.unique(y)
        K = len(self.classes_)
        if K < 2 or (self.variant == "discrete" and K != 2):
            need = "exactly" if self.variant == "discrete" else "at least"
            raise ValueError(f"y must have {need} 2 classes, got {K}")
        self._boost(X, y, K)
        return self

    def _boost(self, X, y, K):
        """The rounds: fit a weak tree to the weighted data, give it the vote α, up-weight its mistakes."""
        w = np.full(len(y), 1.0 / len(y))  # (N,)
        self.estimators_, self.alphas_, self.errors_, self.weights_ = [], [], [], []
        for m, seed in enumerate(estimator_seeds(self.random_state, self.n_estimators)):
            w = np.clip(w, np.finfo(float).eps, None)  # as sklearn: no weight underflows to 0
            tree = CARTClassifier(max_depth=self.max_depth, random_state=seed).fit(X, y, sample_weight=w)
            wrong = tree.predict(X) != y  # (N,)
            err = float(np.average(wrong, weights=w))  # ε_m
            if err <= 0:  # perfect: keep it with vote 1 and stop
                self._keep(tree, 1.0, 0.0, w)
                break
            if err >= 1.0 - 1.0 / K:  # no better than chance: drop it and stop
                if not self.estimators_:
                    raise ValueError("the first weak learner is no better than chance: boosting cannot start")
                break
            if self.variant == "samme":
                alpha = samme_alpha(err, K, self.learning_rate)  # η(ln((1−ε)/ε) + ln(K−1))
                if m < self.n_estimators - 1:
                    w = np.exp(np.log(w) + alpha * wrong)  # mistakes × e^α, correct × 1
            else:
                alpha = self.learning_rate * discrete_alpha(err)  # ½ ln((1−ε)/ε)
                sign = np.where(wrong, 1.0, -1.0)  # −y·h: +1 when wrong, −1 when right
                w = w * np.exp(alpha * sign)  # mistakes × e^α, correct × e^−α: a ratio of e^2α
            self._keep(tree, alpha, err, w)
            w = w / w.sum()
        return self

    def _keep(self, tree, alpha, err, w):
        self.estimators_.append(tree)
        self.alphas_.append(float(alpha))
        self.errors_.append(err)
        self.weights_.append(w / w.sum())

    def staged_decision_function(self, X):
        """Yield the normalised weighted vote after each round: (M,) for 2 classes, else (M, K); float64."""
        if not hasattr(self, "estimators_"):
            raise ValueError("this AdaBoost is not fitted yet: call fit(X, y) first")
        X = check_array("X", X, ndim=2)
        K, total, votes = len(self.classes_), 0.0, 0.0
        for tree, alpha in zip(self.estimators_, self.alphas_):
            hit = tree.predict(X)[:, None] == self.classes_[None, :]  # (M, K)
            if self.variant == "samme":
                votes = votes + np.where(hit, alpha, -alpha / (K - 1))
            else:
                votes = votes + np.where(hit, alpha, -alpha)
            total += alpha
            out = votes / total
            yield out[:, 1] - out[:, 0] if K == 2 and self.variant == "samme" else (
                out[:, 1] if K == 2 else out)

    def decision_function(self, X) -> np.ndarray:
        """The final normalised vote (positive → class 1 for two classes)."""
        out = None
        for out in self.staged_decision_function(X):
            pass
        return out

    def staged_predict(self, X):
        """Yield predicted labels (M,) after each round."""
        for d in self.staged_decision_function(X):
            yield self.classes_[(d > 0).astype(int)] if d.ndim == 1 else self.classes_[np.argmax(d, axis=1)]

    def predict(self, X) -> np.ndarray:
        """Predicted labels (M,)."""
        d = self.decision_function(X)
        return self.classes_[(d > 0).astype(int)] if d.ndim == 1 else self.classes_[np.argmax(d, axis=1)]


def sigmoid(z) -> np.ndarray:
    """Numerically stable logistic function σ(z) = 1/(1 + e^{−z}), elementwise; ±inf give 1 and 0.

    The output has z's floating dtype (float32 in, float32 out; integers give float64); NaN raises.
    See chapter: chapters/trees.md
    """
    z = as_float("z", z, finite=False)
    if np.any(np.isnan(z)):
        raise ValueError("z must not contain NaN")
    ez = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    return np.where(z >= 0, 1 / (1 + ez), ez / (1 + ez))


def log_loss(y, F) -> float:
    """Mean binary log loss of labels y ∈ {0,1} (N,) at raw scores F (N,): mean(log(1+e^F) − yF).

    See chapter: chapters/trees.md
    """
    y, F = np.asarray(y, dtype=float), np.asarray(F, dtype=float)
    return float(np.mean(np.logaddexp(0.0, F) - y * F))


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

    def _boost(self, X, y, F0: float):
        """Fit n_estimators trees to negative gradients; returns the raw scores on X (N,)."""
        rng = None if self.random_state is None else np.random.RandomState(self.random_state)  # shared, as sklearn
        self.init_, self.estimators_ = F0, []
        F = np.full(len(y), F0)  # (N,)
        for _ in range(self.n_estimators):
            r = self._negative_gradient(y, F)  # (N,)
            tree = CARTRegressor(random_state=rng, **self.tree_params).fit(X, r)
            leaf = tree.apply(X)
            self._update_leaves(tree, leaf, y, F, r)
            F = F + self.learning_rate * tree.tree_.value[leaf, 0]
            self.estimators_.append(tree)
        return F

    def _update_leaves(self, tree, leaf, y, F, r):
        """Squared loss: the leaf means of the residuals are already optimal."""

    def staged_raw(self, X):
        """Yield the raw score F_m(X) (M,) after each stage m = 1..n_estimators."""
        if not hasattr(self, "estimators_"):
            raise ValueError(f"this {type(self).__name__} is not fitted yet: call fit(X, y) first")
        X = check_array("X", X, ndim=2)
        F = np.full(len(X), self.init_)
        for tree in self.estimators_:
            F = F + self.learning_rate * tree.predict(X)
            yield F

    def raw_predict(self, X) -> np.ndarray:
        """Raw score F_M(X) (M,), float64."""
        F = None
        for F in self.staged_raw(X):
            pass
        return F


class GBDTRegressor(_GBDT):
    """Gradient boosting for squared loss: start at the mean, fit residuals, shrink by learning_rate.

    ``fit(X (N, d), y (N,))``, ``predict(X) → (M,)``, ``staged_predict``. Computed in float64; the
    predictions have the floating dtype of the training y (scikit-learn returns float64 always).
    See chapter: chapters/trees.md
    """

    def fit(self, X, y):
        """Boost on X (N, d) and real targets y (N,). Returns self."""
        X = check_array("X", X, ndim=2)
        y = as_float("y", y, shape=(X.shape[0],))
        self.output_dtype_ = float_dtype(y)
        y = y.astype(np.float64)
        self._boost(X, y, float(np.mean(y)))
        return self

    @staticmethod
    def _negative_gradient(y, F):
        return y - F  # −∂/∂F ½(y − F)² = residual

    def staged_predict(self, X):
        """Yield predictions (M,) after each stage, in the floating dtype of the training y."""
        for F in self.staged_raw(X):
            yield F.astype(self.output_dtype_, copy=False)

    def predict(self, X) -> np.ndarray:
        """Predictions (M,), in the floating dtype of the training y."""
        return self.raw_predict(X).astype(self.output_dtype_, copy=False)


class GBDTClassifier(_GBDT):
    """Binary gradient boosting with log loss (Newton-step leaves). Labels: any two values.

    ``fit(X (N, d), y (N,))``, ``predict_proba(X) → (M, 2)``, ``predict(X) → (M,)``. Raw scores and
    probabilities are float64, as scikit-learn's ``decision_function`` and ``predict_proba``.
    See chapter: chapters/trees.md
    """

    def fit(self, X, y):
        """Boost on X (N, d) and two-class labels y (N,). Returns self."""
        X = check_array("X", X, ndim=2)
        y = np.asarray(y)
        if y.shape != (X.shape[0],):
            raise ValueError(f"y must have shape ({X.shape[0]},) to match X, got {y.shape}")
        self.classes_, y01 = np.unique(y, return_inverse=True)
        if len(self.classes_) != 2:
            raise ValueError(f"GBDTClassifier is binary: y must have exactly 2 classes, got {len(self.classes_)}")
        p = np.clip(np.mean(y01), np.finfo(float).eps, 1 - np.finfo(float).eps)
        self._boost(X, y01.astype(float), float(np.log(p / (1 - p))))
        return self

    @staticmethod
    def _negative_gradient(y, F):
        return y - sigmoid(F)  # −∂/∂F [log(1+e^F) − yF] = y − p

    def _update_leaves(self, tree, leaf, y, F, r):
        """One Newton step per leaf: Σ r / Σ p(1−p), 0 where the Hessian vanishes."""
        p = y - r
        for j in np.flatnonzero(tree.tree_.children_left == TREE_LEAF):
            rows = leaf == j
            num, den = np.average(r[rows]), np.average(p[rows] * (1 - p[rows]))
            tree.tree_.value[j, 0] = 0.0 if abs(den) < 1e-150 else num / den

    def predict_proba(self, X) -> np.ndarray:
        """[1 − p, p] with p = σ(F(x)): (M, 2)."""
        p = sigmoid(self.raw_predict(X))
        return np.stack([1 - p, p], axis=1)

    def predict(self, X) -> np.ndarray:
        """Labels (M,): the second class where F(x) > 0."""
        F = self.raw_predict(X)
        return self.classes_[(F > 0).astype(int)]
