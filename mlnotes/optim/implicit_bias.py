r"""Which solution an optimizer finds when many fit: GD vs Adam on under-determined least squares.

With $n < d$ (fewer equations than weights), $L(w) = \frac1{2n}\lVert Xw - y\rVert^2$ has infinitely many
minimisers $Xw = y$. Gradient descent from $w_0 = 0$ only ever adds multiples of
$\nabla L = \frac1n X^\top(Xw - y)$, so $w$ stays in the row space of $X$; the only interpolating solution
there is the **minimum-norm** one, $w^\dagger = X^\top(XX^\top)^{-1}y = X^+y$ (what ``np.linalg.lstsq``
returns). Adam rescales each coordinate by $1/\sqrt{\hat v}$, leaves the row space and converges to a
different interpolating solution (Wilson et al., 2017, build such an example). Both fit the training data
exactly; they predict differently on new data.

See chapter: chapters/optimizers.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_int
from mlnotes.optim.optimizers import SGD, Adam


def underdetermined_problems(n: int = 20, d: int = 60, problems: int = 10, n_test: int = 2000, seed: int = 0):
    """One design X (n, d) and ``problems`` dense true weights W_true (d, P): targets Y = X W_true (n, P), and a
    test set X_test (n_test, d), Y_test (n_test, P). Seeded Gaussians. See chapter: chapters/optimizers.md"""
    n, d = check_int("n", n, low=1), check_int("d", d, low=1)
    if n >= d:
        raise ValueError(f"n must be < d for many interpolating solutions, got n = {n}, d = {d}")
    rng = np.random.default_rng(seed)
    X, W_true = rng.standard_normal((n, d)), rng.standard_normal((d, check_int("problems", problems, low=1)))
    X_test = rng.standard_normal((check_int("n_test", n_test, low=1), d))
    return X, X @ W_true, X_test, X_test @ W_true


def fit(optimizer: str, X, Y, steps: int = 3000) -> np.ndarray:
    """Weights (d, P) after ``steps`` full-batch steps from 0 on ½·mean((XW − Y)²), every column its own problem.

    "GD": SGD with lr = 1/λ_max(XᵀX/n); "Adam": lr 0.01 decayed linearly to 0 (so it settles). Both are the
    chapter's optimizers, which act coordinate by coordinate, so the columns do not interact.
    See chapter: chapters/optimizers.md
    """
    steps = check_int("steps", steps, low=1)
    n = len(X)
    W = np.zeros((X.shape[1], Y.shape[1]))
    if optimizer == "GD":
        opt = SGD([W], lr=1.0 / float(np.linalg.eigvalsh(X.T @ X / n)[-1]))
    elif optimizer == "Adam":
        opt = Adam([W], lr=0.01)
    else:
        raise ValueError(f"optimizer must be 'GD' or 'Adam', got {optimizer!r}")
    for t in range(steps):
        if optimizer == "Adam":
            opt.lr = 0.01 * (1 - t / steps)
        opt.step([X.T @ (X @ W - Y) / n])  # ∇ of ½·mean((XW − Y)²), (d, P)
    return W


def row_space_residual(X, W) -> np.ndarray:
    """‖(I − P)w‖ per column: the part of each solution outside the row space of X (P projects onto it).

    See chapter: chapters/optimizers.md
    """
    Q, _ = np.linalg.qr(X.T)  # (d, n): an orthonormal basis of the row space
    return np.linalg.norm(W - Q @ (Q.T @ W), axis=0)


def half_mse(X, Y, W) -> np.ndarray:
    """½·mean((XW − Y)²) per column, shape (P,).

    See chapter: chapters/optimizers.md
    """
    R = X @ W - Y
    return 0.5 * np.mean(R * R, axis=0)
