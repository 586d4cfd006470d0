r"""Naive Bayes (朴素贝叶斯): a generative classifier with conditionally independent features.

Bayes' rule with the **naive** assumption that features are independent given the class,
$P(x\mid y=k) = \prod_j P(x_j\mid y=k)$, gives the joint log-likelihood
$$\log P(y=k) + \sum_j \log P(x_j \mid y=k),$$
and $P(y=k\mid x)$ is its softmax over $k$ (the evidence $P(x)$ cancels).

* **Gaussian NB**: $x_j \mid y=k \sim \mathcal N(\mu_{kj}, \sigma^2_{kj})$ with the class mean and
  the *biased* class variance, plus $\epsilon = \text{var\_smoothing}\cdot\max_j \mathrm{Var}(x_j)$
  added to every variance (scikit-learn's guard against a zero variance).
* **Multinomial NB** (counts, e.g. word counts or pixel intensities):
  $\log P(x_j\mid y=k) \to x_j\log\theta_{kj}$ with
  $\theta_{kj} = (N_{kj} + \alpha)/(N_k + \alpha d)$, $N_{kj}$ the total count of feature $j$ in
  class $k$ and $\alpha$ the Laplace/Lidstone smoothing (拉普拉斯平滑).

Priors $P(y=k)$ are the class frequencies. Same as scikit-learn's ``GaussianNB`` and
``MultinomialNB``.

See chapter: chapters/linear_models.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_real
from mlnotes.linear._validate import check_labels, check_X


class _NaiveBayes:
    """Shared predict methods: subclasses provide ``joint_log_likelihood`` (n, K)."""

    classes_: np.ndarray

    def _fit_classes(self, X, y):
        X = check_X(X)
        labels = check_labels(y, X.shape[0])
        self.classes_, y_idx = np.unique(labels, return_inverse=True)
        self.class_count_ = np.bincount(y_idx).astype(X.dtype)  # (K,)
        self.class_log_prior_ = np.log(self.class_count_ / X.shape[0])  # (K,) log P(y = k)
        return X, np.eye(len(self.classes_), dtype=X.dtype)[y_idx]  # (n, K) one-hot

    def _check_predict_X(self, X) -> np.ndarray:
        if not hasattr(self, "classes_"):
            raise ValueError(f"this {type(self).__name__} is not fitted yet: call fit(X, y) first")
        X = check_X(X)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(f"X must have {self.n_features_in_} features, got shape {X.shape}")
        return X

    def predict_log_proba(self, X) -> np.ndarray:
        """log P(y = k | x), shape (n, K): the joint log-likelihood minus its logsumexp over classes."""
        from scipy.special import logsumexp  # lazy: importing mlnotes.linear must not need scipy (browser drills)

        jll = self.joint_log_likelihood(X)
        return jll - logsumexp(jll, axis=1, keepdims=True)

    def predict_proba(self, X) -> np.ndarray:
        """P(y = k | x), shape (n, K)."""
        return np.exp(self.predict_log_proba(X))

    def predict(self, X) -> np.ndarray:
        """The most probable class of each row, shape (n,)."""
        jll = self.joint_log_likelihood(X)  # checks that the model is fitted
        return self.classes_[np.argmax(jll, axis=1)]


class GaussianNB(_NaiveBayes):
    """Gaussian naive Bayes; ``fit(X (n, d), y (n,))`` sets ``theta_`` (K, d) means and ``var_`` (K, d).

    Same as ``sklearn.naive_bayes.GaussianNB(var_smoothing=...)``. See chapter: chapters/linear_models.md
    """

    def __init__(self, var_smoothing=1e-9):
        self.var_smoothing = check_real("var_smoothing", var_smoothing, low=0.0)

    def fit(self, X, y) -> GaussianNB:
        """Class priors, per-class feature means and biased variances (+ ε)."""
        X, Y = self._fit_classes(X, y)
        self.n_features_in_ = X.shape[1]
        self.epsilon_ = self.var_smoothing * np.max(np.var(X, axis=0))
        counts = self.class_count_[:, None]  # (K, 1)
        self.theta_ = Y.T @ X / counts  # (K, d) μ_kj
        centered = X - Y @ self.theta_  # (n, d): each row minus its class mean (two-pass: no cancellation)
        self.var_ = Y.T @ centered**2 / counts + self.epsilon_  # (K, d) biased σ²_kj + ε
        return self

    def joint_log_likelihood(self, X) -> np.ndarray:
        """log P(y = k) + Σ_j log N(x_j; μ_kj, σ²_kj), shape (n, K)."""
        X = self._check_predict_X(X)
        log_norm = -0.5 * np.sum(np.log(2 * np.pi * self.var_), axis=1)  # (K,)
        sq = ((X[:, None, :] - self.theta_[None]) ** 2 / self.var_[None]).sum(axis=2)  # (n, K)
        return self.class_log_prior_ + log_norm - 0.5 * sq


class MultinomialNB(_NaiveBayes):
    """Multinomial naive Bayes on non-negative counts; ``feature_log_prob_`` (K, d) = log θ_kj.

    Same as ``sklearn.naive_bayes.MultinomialNB(alpha=...)``. See chapter: chapters/linear_models.md
    """

    def __init__(self, alpha=1.0):
        self.alpha = check_real("alpha", alpha, low=0.0, low_open=True)

    def fit(self, X, y) -> MultinomialNB:
        """Class priors and smoothed per-class feature frequencies."""
        X, Y = self._fit_classes(X, y)
        if np.any(X < 0):
            raise ValueError("X must hold non-negative counts for MultinomialNB")
        self.n_features_in_ = X.shape[1]
        self.feature_count_ = Y.T @ X  # (K, d) N_kj
        smoothed = self.feature_count_ + self.alpha
        self.feature_log_prob_ = np.log(smoothed) - np.log(smoothed.sum(axis=1, keepdims=True))  # log θ_kj
        return self

    def joint_log_likelihood(self, X) -> np.ndarray:
        """log P(y = k) + Σ_j x_j log θ_kj, shape (n, K) (the multinomial coefficient cancels)."""
        X = self._check_predict_X(X)
        return X @ self.feature_log_prob_.T + self.class_log_prior_
