"""Known wrong answers to the drills of ``mlnotes/drills/regularization.py``: reader code with one realistic mistake
each.

numpy only (run alone in the browser too); ``ANSWERS`` maps each drill to its wrong answers
(see ``tests/drill_answers/harness.py``). ``tests/test_drills_regularization.py`` imports some of them.
"""

import numpy as np


# -- inverted dropout -----------------------------------------------------------------------------------------
def dropout_no_scaling(x, grad_y, mask, p, training):
    """Zeroes the dropped units but never scales the kept ones by 1/(1 − p)."""
    if not training:
        return x.copy(), grad_y.copy()
    return x * mask, grad_y * mask


def dropout_divides_by_p(x, grad_y, mask, p, training):
    """Scales by 1/p instead of 1/(1 − p)."""
    if not training:
        return x.copy(), grad_y.copy()
    if p == 0:
        return x.copy(), grad_y.copy()
    return x * mask / p, grad_y * mask / p


def dropout_test_time_scaling(x, grad_y, mask, p, training):
    """The original dropout's (1 − p) factor used in training."""
    if not training:
        return x.copy(), grad_y.copy()
    return x * mask * (1 - p), grad_y * mask * (1 - p)


def dropout_also_in_eval(x, grad_y, mask, p, training):
    """Applies the mask whatever ``training`` says."""
    if p == 1:
        return np.zeros_like(x), np.zeros_like(grad_y)
    return x * mask / (1 - p), grad_y * mask / (1 - p)


def dropout_inverted_mask(x, grad_y, mask, p, training):
    """Reads mask as True = dropped."""
    if not training:
        return x.copy(), grad_y.copy()
    if p == 1:
        return np.zeros_like(x), np.zeros_like(grad_y)
    return x * ~mask / (1 - p), grad_y * ~mask / (1 - p)


def dropout_backward_ignores_mask(x, grad_y, mask, p, training):
    """The gradient is scaled but not masked."""
    if not training:
        return x.copy(), grad_y.copy()
    if p == 1:
        return np.zeros_like(x), np.zeros_like(grad_y)
    return x * mask / (1 - p), grad_y / (1 - p)


def dropout_nan_at_p_one(x, grad_y, mask, p, training):
    """Right except at p = 1, where 1/(1 − p) = inf and 0·inf = NaN."""
    if not training:
        return x, grad_y
    return x * mask / (1 - p), grad_y * mask / (1 - p)


def dropout_masks_x_in_place(x, grad_y, mask, p, training):
    """Right numbers, but x and grad_y are overwritten (``*=``)."""
    if training:
        scale = 0.0 if p == 1 else 1 / (1 - p)
        x *= mask * scale
        grad_y *= mask * scale
    return x, grad_y


# -- one lasso sweep ------------------------------------------------------------------------------------------------
def _soft(z, t):
    return np.sign(z) * max(abs(z) - t, 0.0)


def lasso_threshold_alpha(X, y, w, alpha):
    """Thresholds at α instead of n·α (forgets the 1/(2n) in the objective)."""
    w = w.copy()
    for j in range(X.shape[1]):
        norm2 = X[:, j] @ X[:, j]
        if norm2 > 0:
            w[j] = _soft(X[:, j] @ (y - X @ w) + norm2 * w[j], alpha) / norm2
    return w


def lasso_hard_threshold(X, y, w, alpha):
    """Keeps z or sets 0 (hard threshold) instead of shrinking it."""
    n, w = len(y), w.copy()
    for j in range(X.shape[1]):
        norm2 = X[:, j] @ X[:, j]
        if norm2 > 0:
            z = X[:, j] @ (y - X @ w) + norm2 * w[j]
            w[j] = (z if abs(z) > n * alpha else 0.0) / norm2
    return w


def lasso_jacobi_sweep(X, y, w, alpha):
    """Every coordinate updated from the old w (a Jacobi sweep), not cyclically."""
    n, old, w = len(y), w.copy(), w.copy()
    for j in range(X.shape[1]):
        norm2 = X[:, j] @ X[:, j]
        if norm2 > 0:
            w[j] = _soft(X[:, j] @ (y - X @ old) + norm2 * old[j], n * alpha) / norm2
    return w


def lasso_no_add_back(X, y, w, alpha):
    """z = x_jᵀ(y − Xw) without adding back feature j's own part."""
    n, w = len(y), w.copy()
    for j in range(X.shape[1]):
        norm2 = X[:, j] @ X[:, j]
        if norm2 > 0:
            w[j] = _soft(X[:, j] @ (y - X @ w), n * alpha) / norm2
    return w


def lasso_no_divide(X, y, w, alpha):
    """The soft-thresholded value is not divided by ‖x_j‖²."""
    n, w = len(y), w.copy()
    for j in range(X.shape[1]):
        norm2 = X[:, j] @ X[:, j]
        if norm2 > 0:
            w[j] = _soft(X[:, j] @ (y - X @ w) + norm2 * w[j], n * alpha)
    return w


def lasso_zero_column_nan(X, y, w, alpha):
    """Right, but divides by ‖x_j‖² = 0 for an all-zero column (NaN)."""
    n, w = len(y), w.copy()
    for j in range(X.shape[1]):
        norm2 = X[:, j] @ X[:, j]
        w[j] = _soft(X[:, j] @ (y - X @ w) + norm2 * w[j], n * alpha) / norm2
    return w


def lasso_updates_w_in_place(X, y, w, alpha):
    """Right numbers, but the caller's w is updated in place."""
    n = len(y)
    for j in range(X.shape[1]):
        norm2 = X[:, j] @ X[:, j]
        if norm2 > 0:
            w[j] = _soft(X[:, j] @ (y - X @ w) + norm2 * w[j], n * alpha) / norm2
    return w


ANSWERS = {
    "dropout": [dropout_no_scaling, dropout_divides_by_p, dropout_test_time_scaling, dropout_also_in_eval,
                dropout_inverted_mask, dropout_backward_ignores_mask, dropout_nan_at_p_one, dropout_masks_x_in_place],
    "lasso_sweep": [lasso_threshold_alpha, lasso_hard_threshold, lasso_jacobi_sweep, lasso_no_add_back,
                    lasso_no_divide, lasso_zero_column_nan, lasso_updates_w_in_place],
}
