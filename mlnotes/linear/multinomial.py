r"""Softmax regression (多项逻辑回归, multinomial logistic regression) by Newton's method.

For $K$ classes, weights $W \in \mathbb R^{K\times d}$ and intercepts $b \in \mathbb R^K$, the
class probabilities are $p_{ik} = \mathrm{softmax}(W x_i + b)_k = e^{z_{ik}} / \sum_j e^{z_{ij}}$,
computed after subtracting each row's maximum (the result is unchanged, nothing overflows).
scikit-learn's multinomial ``LogisticRegression(C)`` minimises
$$J = C\sum_i -\log p_{i, y_i} + \tfrac12\lVert W\rVert_F^2 .$$
With $\tilde x = (x, 1)$, $\Theta = [W, b]$ ($K\times D$), $Y$ the one-hot labels and
$A_i = \mathrm{diag}(p_i) - p_i p_i^\top$, the gradient and Hessian of $J/C$ are
$$G = (P - Y)^\top \tilde X + \Theta\,\mathrm{diag}(\text{pen}),\qquad
H = \sum_i A_i \otimes \tilde x_i\tilde x_i^\top + \mathrm{diag}(\text{pen}) .$$
Adding a constant to every class's logit changes no probability, so $H$ is singular along
"the same shift for every intercept"; Newton's step is taken by least squares, which never moves
along that direction, so starting from 0 the intercepts keep summing to 0 (as scikit-learn's do).
$H$ has $(KD)^2$ entries and costs $O(nK^2D^2)$ to build: fine for small problems only.

See chapter: chapters/linear_models.md
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from mlnotes._checks import check_int, check_real
from mlnotes.linear._validate import as_float, check_bool, check_labels, check_X
from mlnotes.linear.logistic import check_C


def softmax(Z, axis=-1) -> np.ndarray:
    """softmax over ``axis`` with the max subtracted first; any shape, floating dtype kept.

    Same as ``torch.softmax`` / ``scipy.special.softmax``. See chapter: chapters/linear_models.md
    """
    Z = as_float("Z", Z)
    if Z.ndim == 0:
        raise ValueError("Z must have at least 1 dimension, got a scalar")
    E = np.exp(Z - Z.max(axis=axis, keepdims=True))  # every exponent ≤ 0
    return E / E.sum(axis=axis, keepdims=True)


@dataclass(frozen=True)
class SoftmaxFit:
    """A fitted softmax regression: ``classes`` (K,), ``coef`` (K, d), ``intercept`` (K,), iterations, history
    of (J/C, max |gradient|) per iteration."""

    classes: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    n_iter: int
    converged: bool
    history: np.ndarray = field(repr=False)

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, shape (n, K)."""
        return softmax(check_X(X) @ self.coef.T + self.intercept)

    def predict(self, X) -> np.ndarray:
        """The most probable class label of each row, shape (n,)."""
        return self.classes[np.argmax(self.predict_proba(X), axis=1)]


def softmax_objective_grad_hess(Theta: np.ndarray, Xt: np.ndarray, Y: np.ndarray, pen: np.ndarray):
    """J/C, its gradient (K, D) and Hessian (K·D, K·D) for Θ (K, D), X̃ (n, D), one-hot Y (n, K)."""
    Z = Xt @ Theta.T  # (n, K) logits
    P = softmax(Z)  # (n, K)
    lse = np.log(np.sum(np.exp(Z - Z.max(axis=1, keepdims=True)), axis=1)) + Z.max(axis=1)  # (n,) log Σ e^z
    loss = np.sum(lse - np.sum(Y * Z, axis=1)) + 0.5 * np.sum(pen * Theta**2)
    grad = (P - Y).T @ Xt + pen * Theta  # (K, D)
    A = np.einsum("ik,kl->ikl", P, np.eye(P.shape[1])) - np.einsum("ik,il->ikl", P, P)  # (n, K, K)
    K, D = Theta.shape
    hess = np.einsum("ikl,ia,ib->kalb", A, Xt, Xt, optimize=True).reshape(K * D, K * D)
    return loss, grad, hess + np.diag(np.tile(pen, K))


def fit_softmax_newton(X, y, *, C=1.0, fit_intercept=True, tol=None, max_iter=50) -> SoftmaxFit:
    """Multinomial logistic regression by Newton's method from Θ = 0: minimises C·Σ −log p_{i,y_i} + ½‖W‖².

    X (n, d) float, y (n,) integer labels (≥ 2 classes), C > 0 (inf: no penalty). Stops when the largest
    |gradient| ≤ ``tol`` (default 1e-10 × n in float64). Equal to scikit-learn's
    ``LogisticRegression(C=C)`` on 3+ classes (multinomial, intercepts summing to 0).
    See chapter: chapters/linear_models.md
    """
    X = check_X(X)
    labels = check_labels(y, X.shape[0])
    classes, y_idx = np.unique(labels, return_inverse=True)
    if len(classes) < 2:
        raise ValueError(f"y must contain at least 2 classes, got {classes.tolist()}")
    C, fit_intercept = check_C(C), check_bool("fit_intercept", fit_intercept)
    max_iter = check_int("max_iter", max_iter, low=0)
    tol = (1e-10 if X.dtype == np.float64 else 1e-4) * X.shape[0] if tol is None else check_real("tol", tol, low=0.0)
    Xt = np.hstack([X, np.ones((X.shape[0], 1), X.dtype)]) if fit_intercept else X  # (n, D)
    Y = np.eye(len(classes), dtype=X.dtype)[y_idx]  # (n, K) one-hot
    pen = np.full(Xt.shape[1], 0.0 if np.isinf(C) else 1.0 / C, X.dtype)
    if fit_intercept:
        pen[-1] = 0.0
    Theta = np.zeros((len(classes), Xt.shape[1]), X.dtype)  # (K, D)
    history, converged, k = [], False, 0
    for k in range(max_iter + 1):
        loss, grad, hess = softmax_objective_grad_hess(Theta, Xt, Y, pen)
        history.append((loss, np.max(np.abs(grad))))
        if history[-1][1] <= tol:
            converged = True
            break
        if k < max_iter:  # least squares: H is singular along the common intercept shift
            Theta = Theta - np.linalg.lstsq(hess, grad.ravel(), rcond=None)[0].reshape(Theta.shape)
    coef, intercept = (Theta[:, :-1], Theta[:, -1]) if fit_intercept else (Theta, np.zeros(len(classes), X.dtype))
    return SoftmaxFit(classes, coef, intercept, k, converged, np.array(history))
