"""Known wrong answers to the drills of ``mlnotes/drills/svm.py`` (one hinge subgradient step, the RBF kernel).

Self-contained (numpy only): the browser runs this file alone. Each function is a mistake a reader makes; the
checker must fail it, and print the same verdict with the library oracle and with the browser's.
"""

import numpy as np


# -- one hinge-loss subgradient step ------------------------------------------------------------------
def hinge_step_no_regulariser(w, b, X, y, C, lr):
    """Forgets the gradient w of ½‖w‖²."""
    active = y * (X @ w + b) < 1
    return w + lr * C * (y[active] @ X[active]), b + lr * C * np.sum(y[active])


def hinge_step_margin_inclusive(w, b, X, y, C, lr):
    """Counts points exactly on the margin (m = 1) as active."""
    active = y * (X @ w + b) <= 1
    return w - lr * (w - C * (y[active] @ X[active])), b + lr * C * np.sum(y[active])


def hinge_step_mean_hinge(w, b, X, y, C, lr):
    """Averages the hinge terms (÷ n) although the objective sums them."""
    active = y * (X @ w + b) < 1
    n = len(y)
    return w - lr * (w - C * (y[active] @ X[active]) / n), b + lr * C * np.sum(y[active]) / n


def hinge_step_uphill(w, b, X, y, C, lr):
    """Adds the subgradient."""
    active = y * (X @ w + b) < 1
    return w + lr * (w - C * (y[active] @ X[active])), b - lr * C * np.sum(y[active])


def hinge_step_penalises_bias(w, b, X, y, C, lr):
    """Regularises b as if it were part of w."""
    active = y * (X @ w + b) < 1
    return w - lr * (w - C * (y[active] @ X[active])), b - lr * (b - C * np.sum(y[active]))


def hinge_step_updates_w_in_place(w, b, X, y, C, lr):
    """Right step, but w -= … changes the caller's w (hostile)."""
    active = y * (X @ w + b) < 1
    w -= lr * (w - C * (y[active] @ X[active]))
    return w, b + lr * C * np.sum(y[active])


# -- the RBF kernel matrix -------------------------------------------------------------------------------
def _pairwise_sq(X, Z):
    return ((X[:, None, :] - Z[None, :, :]) ** 2).sum(-1)


def rbf_kernel_unsquared_distance(X, Z, gamma):
    """exp(−γ‖x − z‖): the norm, not its square."""
    return np.exp(-gamma * np.sqrt(_pairwise_sq(X, Z)))


def rbf_kernel_gamma_as_sigma(X, Z, gamma):
    """Reads γ as the bandwidth σ of exp(−d²/(2σ²))."""
    return np.exp(-_pairwise_sq(X, Z) / (2 * gamma**2))


def rbf_kernel_divides_by_gamma(X, Z, gamma):
    """exp(−d²/γ)."""
    return np.exp(-_pairwise_sq(X, Z) / gamma)


def rbf_kernel_no_minus(X, Z, gamma):
    """exp(+γ d²): the minus sign is lost."""
    return np.exp(gamma * _pairwise_sq(X, Z))


def rbf_kernel_ignores_gamma(X, Z, gamma):
    """exp(−d²): γ is never used."""
    return np.exp(-_pairwise_sq(X, Z))


def rbf_kernel_unclipped(X, Z, gamma):
    """Expands ‖x‖² + ‖z‖² − 2x·z and does not clip the rounding below 0."""
    return np.exp(-gamma * ((X**2).sum(1)[:, None] + (Z**2).sum(1)[None, :] - 2 * X @ Z.T))


def rbf_kernel_transposed(X, Z, gamma):
    """Returns the (m, n) matrix K(Z, X)."""
    return np.exp(-gamma * _pairwise_sq(Z, X))


ANSWERS = {
    "hinge_step": [hinge_step_no_regulariser, hinge_step_margin_inclusive, hinge_step_mean_hinge, hinge_step_uphill,
                   hinge_step_penalises_bias, hinge_step_updates_w_in_place],
    "rbf_kernel": [rbf_kernel_unsquared_distance, rbf_kernel_gamma_as_sigma, rbf_kernel_divides_by_gamma,
                   rbf_kernel_no_minus, rbf_kernel_ignores_gamma, rbf_kernel_unclipped, rbf_kernel_transposed],
}
