r"""The linear SVM in the primal: hinge loss (合页损失) and subgradient descent (次梯度下降).

For $w\in\mathbb R^D$, bias $b$, labels $y_i\in\{-1,+1\}$ and margins $m_i = y_i(w^\top x_i + b)$:

$$J(w, b) = \tfrac12\lVert w\rVert^2 + C\sum_{i=1}^n \max(0,\ 1 - m_i).$$

The hinge is not differentiable at $m_i = 1$; a subgradient (次梯度) takes the points with $m_i < 1$:

$$g_w = w - C\sum_{i:\,m_i<1} y_i x_i,\qquad g_b = -C\sum_{i:\,m_i<1} y_i .$$

Points with $m_i \ge 1$ (correct and outside the margin) contribute nothing: the hinge is flat there.
Subgradient descent steps $w \leftarrow w - \eta_t g_w$, $b \leftarrow b - \eta_t g_b$ with a decaying step
$\eta_t = \eta_0/\sqrt t$ (a constant step does not converge on a kink) and returns the best iterate.
The bias is not penalised (as in ``sklearn.svm.SVC``; ``LinearSVC`` penalises it).

See chapter: chapters/svm.md
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlnotes._checks import check_array, check_int, check_real


def hinge_loss(margins) -> np.ndarray:
    """max(0, 1 − m) elementwise for margins m = y·f(x) (any shape). See chapter: chapters/svm.md"""
    m = check_array("margins", margins)
    return np.maximum(0.0, 1.0 - m)


def _check_xy(X, y):
    X = check_array("X", X, ndim=2)
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"X must be a non-empty 2-D array (n_samples, n_features), got shape {X.shape}")
    y = check_array("y", y, shape=(X.shape[0],))
    if not np.all(np.isin(y, (-1.0, 1.0))):
        raise ValueError("y must hold labels −1 and +1 only")
    return X, y


def svm_objective(w, b, X, y, C) -> float:
    """J(w, b) = ½‖w‖² + C Σ max(0, 1 − y_i(w·x_i + b)) for w (D,), X (n, D), y (n,) in {−1, +1}.

    See chapter: chapters/svm.md
    """
    X, y = _check_xy(X, y)
    w = check_array("w", w, shape=(X.shape[1],))
    C = check_real("C", C, low=0.0, low_open=True)
    b = check_real("b", b)
    return float(w @ w / 2 + C * hinge_loss(y * (X @ w + b)).sum())


def hinge_subgradient_step(w, b, X, y, C, lr):
    """One subgradient step on J: returns new (w (D,), b); the inputs are not modified.

    See chapter: chapters/svm.md
    """
    active = y * (X @ w + b) < 1  # (n,) inside the margin or misclassified: the hinge has slope −1 there
    g_w = w - C * (y[active] @ X[active])  # ∂J/∂w
    g_b = -C * y[active].sum()  # ∂J/∂b
    return w - lr * g_w, b - lr * g_b


@dataclass(frozen=True)
class SubgradientFit:
    """The best (w, b) seen, and the objective after every step.

    See chapter: chapters/svm.md
    """

    w: np.ndarray
    b: float
    objective: np.ndarray  # (n_iter + 1,) J at each iterate, starting from w = 0, b = 0


def fit_hinge_subgradient(X, y, C=1.0, lr=0.01, n_iter=2000, schedule="sqrt") -> SubgradientFit:
    """Minimise J by full-batch subgradient descent from w = 0, b = 0 with η_t = lr/√t (or constant).

    X (n, D), y (n,) in {−1, +1}. Returns a :class:`SubgradientFit` with the best iterate (the
    objective of a subgradient method is not monotone). See chapter: chapters/svm.md
    """
    X, y = _check_xy(X, y)
    C = check_real("C", C, low=0.0, low_open=True)
    lr = check_real("lr", lr, low=0.0, low_open=True)
    n_iter = check_int("n_iter", n_iter, low=1)
    if schedule not in ("sqrt", "constant"):
        raise ValueError(f"schedule must be 'sqrt' or 'constant', got {schedule!r}")
    w, b = np.zeros(X.shape[1]), 0.0
    objective = [svm_objective(w, b, X, y, C)]
    best = (objective[0], w, b)
    for t in range(1, n_iter + 1):
        eta = lr / np.sqrt(t) if schedule == "sqrt" else lr
        w, b = hinge_subgradient_step(w, b, X, y, C, eta)
        objective.append(float(w @ w / 2 + C * np.maximum(0.0, 1 - y * (X @ w + b)).sum()))
        if objective[-1] < best[0]:
            best = (objective[-1], w, b)
    return SubgradientFit(best[1], float(best[2]), np.array(objective))
