"""Known wrong answers to the drills of ``mlnotes/drills/linear.py`` (logistic regression by GD, the normal equation).

Self-contained (numpy only): the browser runs this file alone. Each function is a mistake a reader makes; the
checker must fail it, and print the same verdict with the library oracle and with the browser's.
"""

import numpy as np


def _sigmoid(z):
    return 0.5 * (1 + np.tanh(0.5 * z))


# -- logistic regression by gradient descent ---------------------------------------------------------
def _gd(X, y, lr, n_iter, *, sign=-1.0, summed=False):
    """Logistic regression by full-batch GD from zeros, with one knob turned the wrong way."""
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    for _ in range(n_iter):
        error = _sigmoid(X @ w + b) - y
        scale = 1.0 if summed else 1.0 / n
        w, b = w + sign * lr * X.T @ error * scale, b + sign * lr * error.sum() * scale
    return w, b


def logistic_gd_ascent(X, y, lr, n_iter):
    """Adds the gradient instead of subtracting it."""
    return _gd(X, y, lr, n_iter, sign=1.0)


def logistic_gd_summed_gradient(X, y, lr, n_iter):
    """Sums the per-sample gradients instead of averaging them."""
    return _gd(X, y, lr, n_iter, summed=True)


def logistic_gd_bias_never_updated(X, y, lr, n_iter):
    """Updates w only."""
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    for _ in range(n_iter):
        w = w - lr * X.T @ (_sigmoid(X @ w + b) - y) / n
    return w, b


def logistic_gd_mse_gradient(X, y, lr, n_iter):
    """Descends the MSE of σ(z) (chain rule through the sigmoid) instead of the log loss."""
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    for _ in range(n_iter):
        p = _sigmoid(X @ w + b)
        delta = 2 * (p - y) * p * (1 - p)
        w, b = w - lr * X.T @ delta / n, b - lr * delta.mean()
    return w, b


def logistic_gd_bias_after_w(X, y, lr, n_iter):
    """Takes b's gradient after w has already moved."""
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    for _ in range(n_iter):
        w = w - lr * X.T @ (_sigmoid(X @ w + b) - y) / n
        b = b - lr * np.mean(_sigmoid(X @ w + b) - y)
    return w, b


def logistic_gd_one_step_too_many(X, y, lr, n_iter):
    """Loops over range(n_iter + 1)."""
    return _gd(X, y, lr, n_iter + 1)


def logistic_gd_standardizes_X_in_place(X, y, lr, n_iter):
    """Centres X in place first (hostile: the caller's array changes)."""
    X -= X.mean(axis=0)
    return _gd(X, y, lr, n_iter)


def logistic_gd_returns_w_only(X, y, lr, n_iter):
    """Folds b into w as a column of ones and returns the (d + 1,) vector, not the tuple (w, b)."""
    Xb = np.hstack([X, np.ones((len(X), 1))])
    w = np.zeros(Xb.shape[1])
    for _ in range(n_iter):
        w = w - lr * Xb.T @ (_sigmoid(Xb @ w) - y) / len(X)
    return w


# -- least squares, stably -------------------------------------------------------------------------------
def normal_equation_inv(X, y):
    """The textbook formula (XᵀX)⁻¹Xᵀy: squares κ(X)."""
    return np.linalg.inv(X.T @ X) @ X.T @ y


def normal_equation_solve(X, y):
    """Solves XᵀX w = Xᵀy: no inverse, but still κ(X)²."""
    return np.linalg.solve(X.T @ X, X.T @ y)


def normal_equation_qr(X, y):
    """QR without care for rank: R is singular when columns repeat."""
    Q, R = np.linalg.qr(X)
    return np.linalg.solve(R, Q.T @ y)


def normal_equation_refuses_rank_deficient(X, y):
    """Right method, but raises on a rank-deficient X instead of returning a least-squares solution."""
    if np.linalg.matrix_rank(X) < X.shape[1]:
        raise np.linalg.LinAlgError("Singular matrix")
    return np.linalg.lstsq(X, y, rcond=None)[0]


def normal_equation_adds_intercept(X, y):
    """Adds a column of ones the drill did not ask for: returns (d + 1,) weights."""
    Xb = np.hstack([X, np.ones((len(X), 1))])
    return np.linalg.lstsq(Xb, y, rcond=None)[0]


def normal_equation_scales_X_in_place(X, y):
    """Rescales the columns of X in place to improve the conditioning (hostile), then undoes it on w."""
    scale = np.linalg.norm(X, axis=0)
    X /= scale
    return np.linalg.lstsq(X, y, rcond=None)[0] / scale


ANSWERS = {
    "logistic_gd": [logistic_gd_ascent, logistic_gd_summed_gradient, logistic_gd_bias_never_updated,
                    logistic_gd_mse_gradient, logistic_gd_bias_after_w, logistic_gd_one_step_too_many,
                    logistic_gd_standardizes_X_in_place, logistic_gd_returns_w_only],
    "normal_equation": [normal_equation_inv, normal_equation_solve, normal_equation_qr,
                        normal_equation_refuses_rank_deficient, normal_equation_adds_intercept,
                        normal_equation_scales_X_in_place],
}
