r"""AdaBoost (SAMME / discrete) with CART trees, and the logistic function and log loss used by boosting.

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

With an integer ``random_state`` the stumps break ties as scikit-learn's do (its seeding is
replayed), so this equals ``AdaBoostClassifier`` step by step. Gradient boosting is in
:mod:`mlnotes.trees.gbdt`.

See chapter: chapters/ensembles.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_array, check_int, check_real
from mlnotes.trees._dtypes import as_float
from mlnotes.trees.cart import CARTClassifier, check_random_state, estimator_seeds


def samme_alpha(error: float, n_classes: int, learning_rate: float = 1.0) -> float:
    """SAMME's vote η(ln((1−ε)/ε) + ln(K−1)) of a weak learner with weighted error ε ∈ (0, 1).

    See chapter: chapters/ensembles.md
    """
    error = check_real("error", error, low=0.0, high=1.0, low_open=True, high_open=True)
    n_classes = check_int("n_classes", n_classes, low=2)
    return float(learning_rate * (np.log((1.0 - error) / error) + np.log(n_classes - 1.0)))


def discrete_alpha(error: float) -> float:
    """Discrete (binary) AdaBoost's vote ½ ln((1−ε)/ε) for weighted error ε ∈ (0, 1).

    See chapter: chapters/ensembles.md
    """
    error = check_real("error", error, low=0.0, high=1.0, low_open=True, high_open=True)
    return float(0.5 * np.log((1.0 - error) / error))


class AdaBoost:
    """AdaBoost with CART trees (stumps by default): ``variant="samme"`` or ``"discrete"`` (binary only).

    ``fit(X (N, d), y (N,))``, ``decision_function``, ``predict(X) → (M,)``, ``staged_predict``.
    ``weights_[m]`` are the normalised sample weights after round m + 1; ``random_state`` is None, an
    int or a RandomState; ``decision_function`` is float64, as in scikit-learn.
    See chapter: chapters/ensembles.md
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
    See chapter: chapters/ensembles.md
    """
    z = as_float("z", z, finite=False)
    if np.any(np.isnan(z)):
        raise ValueError("z must not contain NaN")
    ez = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    return np.where(z >= 0, 1 / (1 + ez), ez / (1 + ez))


def log_loss(y, F) -> float:
    """Mean binary log loss of labels y ∈ {0,1} (N,) at raw scores F (N,): mean(log(1+e^F) − yF).

    See chapter: chapters/ensembles.md
    """
    y, F = np.asarray(y, dtype=float), np.asarray(F, dtype=float)
    return float(np.mean(np.logaddexp(0.0, F) - y * F))
