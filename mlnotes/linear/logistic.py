r"""Logistic regression (逻辑回归): sigmoid, log loss, gradient descent and Newton's method (IRLS).

For $x \in \mathbb R^d$, label $y \in \{0, 1\}$, logit $z = w^\top x + b$ and
$p = \sigma(z) = 1/(1 + e^{-z}) = P(y = 1 \mid x)$, the **log loss** (对数损失, the negative
log-likelihood of a Bernoulli) is
$$\ell(y, z) = -y\log p - (1-y)\log(1-p) = \log(1 + e^{z}) - y z ,$$
computed from the logit as ``logaddexp(0, z) - y*z`` (no $\log 0$). scikit-learn's
``LogisticRegression(C)`` minimises
$$J(w, b) = C\sum_{i=1}^n \ell(y_i, z_i) + \tfrac12\lVert w\rVert^2 \qquad (C = \infty:\ \text{no penalty}),$$
with the intercept $b$ unpenalised. With $\tilde X = [X, 1]$, $\theta = (w, b)$ and $P$ the diagonal
penalty ($1/C$ on $w$, 0 on $b$), the gradient and Hessian of $J/C$ are
$$g = \tilde X^\top (p - y) + P\theta,\qquad H = \tilde X^\top S \tilde X + P,\quad S = \mathrm{diag}\big(p_i(1-p_i)\big).$$
$H$ is positive semi-definite, so $J$ is convex in $\theta$. **Newton's method** steps
$\theta \leftarrow \theta - H^{-1} g$; written as a weighted least-squares problem each step is
**IRLS** (iteratively reweighted least squares). Near the optimum it converges quadratically: the
error is squared at every step. **Gradient descent** on the mean objective $J/(Cn)$ uses
$\theta \leftarrow \theta - \eta\, g/n$ and converges only linearly.

See chapter: chapters/linear_models.md
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from mlnotes._checks import check_int, check_real
from mlnotes.linear._validate import as_float, check_bool, check_labels, check_X


def sigmoid(z) -> np.ndarray:
    """σ(z) = 1/(1 + e^{−z}) elementwise, without overflow: e^{−|z|} is the only exponential taken.

    Any shape; floating dtype kept (ints → float64). Same as ``scipy.special.expit`` / ``torch.sigmoid``.
    See chapter: chapters/linear_models.md
    """
    z = as_float("z", z)
    e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def log_loss(y, z) -> np.floating:
    """Mean log loss of labels y ∈ {0, 1} (n,) given logits z (n,): mean(log(1 + e^z) − y·z).

    Equal to ``sklearn.metrics.log_loss(y, sigmoid(z))`` where that is finite and to
    ``torch.nn.functional.binary_cross_entropy_with_logits``; exact even for |z| ~ 1e4.
    See chapter: chapters/linear_models.md
    """
    z = as_float("z", z, ndim=1)
    y = check_labels(y, z.shape[0], binary=True).astype(z.dtype)
    return np.mean(np.logaddexp(0, z) - y * z)


@dataclass(frozen=True)
class LogisticFit:
    """A fitted logistic regression: ``coef`` (d,), ``intercept``, iterations used and a per-iteration history
    of (objective J/C, ‖g‖∞) before each step."""

    coef: np.ndarray
    intercept: np.floating
    n_iter: int
    converged: bool
    history: np.ndarray = field(repr=False)  # (n_iter + 1, 2)

    def decision_function(self, X) -> np.ndarray:
        """Logits Xw + b, shape (n,)."""
        return check_X(X) @ self.coef + self.intercept

    def predict_proba(self, X) -> np.ndarray:
        """P(y = 1 | x), shape (n,)."""
        return sigmoid(self.decision_function(X))

    def predict(self, X) -> np.ndarray:
        """Labels 0/1 (threshold p > 0.5, i.e. logit > 0), shape (n,)."""
        return (self.decision_function(X) > 0).astype(np.int64)


def _design(X: np.ndarray, fit_intercept: bool) -> np.ndarray:
    """[X, 1] (n, d+1) with an intercept column, else X."""
    return np.hstack([X, np.ones((X.shape[0], 1), X.dtype)]) if fit_intercept else X


def _penalty(d: int, C: float, fit_intercept: bool, dtype) -> np.ndarray:
    """The diagonal of P: 1/C on each weight, 0 on the intercept."""
    pen = np.full(d, 0.0 if np.isinf(C) else 1.0 / C, dtype=dtype)
    if fit_intercept:
        pen = np.append(pen, dtype.type(0))
    return pen


def objective_grad_hess(theta: np.ndarray, Xt: np.ndarray, y: np.ndarray, pen: np.ndarray):
    """J/C = Σ ℓ(y, z) + ½ θᵀPθ, its gradient g (D,) and Hessian H (D, D), for Xt (n, D), θ (D,)."""
    z = Xt @ theta  # (n,) logits
    p = sigmoid(z)  # (n,) P(y = 1 | x)
    loss = np.sum(np.logaddexp(0, z) - y * z) + 0.5 * theta @ (pen * theta)
    grad = Xt.T @ (p - y) + pen * theta  # (D,)
    hess = (Xt * (p * (1 - p))[:, None]).T @ Xt + np.diag(pen)  # (D, D) = X̃ᵀSX̃ + P
    return loss, grad, hess


def newton_step(theta: np.ndarray, grad: np.ndarray, hess: np.ndarray) -> np.ndarray:
    """θ − H⁻¹g by a solve (least squares if H is singular, e.g. separable data with C = ∞)."""
    try:
        return theta - np.linalg.solve(hess, grad)
    except np.linalg.LinAlgError:
        return theta - np.linalg.lstsq(hess, grad, rcond=None)[0]


def check_C(C) -> float:
    """The inverse penalty strength: a real > 0, or ``np.inf`` for no penalty."""
    if isinstance(C, bool) or not isinstance(C, (int, float, np.integer, np.floating)):
        raise TypeError(f"C must be a positive real number or inf, got {type(C).__name__} {C!r}")
    if not C > 0:  # also rejects NaN
        raise ValueError(f"C must be > 0 (np.inf for no penalty), got {C}")
    return float(C)


def _check_fit_args(X, y, C, fit_intercept):
    X = check_X(X)
    y = check_labels(y, X.shape[0], binary=True).astype(X.dtype)
    return X, y, check_C(C), check_bool("fit_intercept", fit_intercept)


def fit_logistic_newton(X, y, *, C=1.0, fit_intercept=True, tol=None, max_iter=50) -> LogisticFit:
    """Logistic regression by Newton's method / IRLS, from θ = 0: minimises C·Σℓ + ½‖w‖².

    X (n, d) float (dtype kept), y (n,) labels 0/1, C > 0 (``np.inf``: no penalty). Stops when
    ‖g‖∞ ≤ ``tol`` (default 1e-10 × n in float64, 1e-4 × n in float32). Equal to
    ``sklearn.linear_model.LogisticRegression(C=C)`` (same objective, intercept unpenalised).
    See chapter: chapters/linear_models.md
    """
    X, y, C, fit_intercept = _check_fit_args(X, y, C, fit_intercept)
    max_iter = check_int("max_iter", max_iter, low=0)
    tol = (1e-10 if X.dtype == np.float64 else 1e-4) * X.shape[0] if tol is None else check_real("tol", tol, low=0.0)
    Xt = _design(X, fit_intercept)
    pen = _penalty(X.shape[1], C, fit_intercept, X.dtype)
    theta = np.zeros(Xt.shape[1], X.dtype)
    history, converged, k = [], False, 0
    for k in range(max_iter + 1):
        loss, grad, hess = objective_grad_hess(theta, Xt, y, pen)
        history.append((loss, np.max(np.abs(grad))))
        if history[-1][1] <= tol:
            converged = True
            break
        if k < max_iter:
            theta = newton_step(theta, grad, hess)
    return _fit(theta, fit_intercept, k, converged, history)


def fit_logistic_gd(X, y, *, lr=0.1, n_iter=1000, C=np.inf, fit_intercept=True) -> LogisticFit:
    """Logistic regression by full-batch gradient descent on the mean objective J/(C·n), from θ = 0.

    θ ← θ − lr·g/n with g = X̃ᵀ(σ(X̃θ) − y) + Pθ. Same minimiser as :func:`fit_logistic_newton`
    (C = ∞: plain mean log loss). Runs exactly ``n_iter`` steps; history has n_iter + 1 rows.
    See chapter: chapters/linear_models.md
    """
    X, y, C, fit_intercept = _check_fit_args(X, y, C, fit_intercept)
    lr = check_real("lr", lr, low=0.0)
    n_iter = check_int("n_iter", n_iter, low=0)
    Xt = _design(X, fit_intercept)
    pen = _penalty(X.shape[1], C, fit_intercept, X.dtype)
    theta, n = np.zeros(Xt.shape[1], X.dtype), X.shape[0]
    history = []
    for step in range(n_iter + 1):
        z = Xt @ theta  # (n,) logits
        grad = Xt.T @ (sigmoid(z) - y) + pen * theta  # (D,) gradient of J/C
        history.append((np.sum(np.logaddexp(0, z) - y * z) + 0.5 * theta @ (pen * theta), np.max(np.abs(grad))))
        if step < n_iter:
            theta = theta - lr * grad / n  # a step on the mean objective J/(C·n)
    return _fit(theta, fit_intercept, n_iter, False, history)


def _fit(theta, fit_intercept, n_iter, converged, history) -> LogisticFit:
    coef, intercept = (theta[:-1], theta[-1]) if fit_intercept else (theta, theta.dtype.type(0))
    return LogisticFit(coef, intercept, n_iter, converged, np.array(history))
