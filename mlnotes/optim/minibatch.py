r"""Batch GD, mini-batch SGD and single-sample SGD on least squares.

Loss $L(w) = \frac{1}{2N}\lVert Xw - y\rVert^2$; one update on a batch $B$ uses
$g_B = \frac{1}{|B|} X_B^\top (X_B w - y_B)$, an unbiased estimate of $\nabla L$ whose noise
shrinks like $1/|B|$. $|B| = N$ is batch gradient descent, $|B| = 1$ is SGD.
See chapter: chapters/optimizers.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_int, check_real
from mlnotes.optim.optimizers import SGD
from mlnotes.optim.schedule import minibatches


def regression_data(n: int = 512, d: int = 5, noise: float = 0.1, seed: int = 0):
    """A seeded least-squares problem: X (n, d), y (n,), the true weights (d,)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))  # (n, d)
    w_true = rng.standard_normal(d)  # (d,)
    return X, X @ w_true + noise * rng.standard_normal(n), w_true


def least_squares_loss(X, y, w) -> float:
    """½·mean((Xw − y)²)."""
    r = X @ w - y
    return 0.5 * float(np.mean(r * r))


def train_least_squares(batch_size: int, *, lr: float = 0.05, epochs: int = 5, seed: int = 0):
    """Train w from zero with mini-batch SGD; return (samples seen, full-data loss) after every update."""
    X, y, _ = regression_data(seed=seed)
    batch_size = check_int("batch_size", batch_size, low=1, high=len(X))
    lr = check_real("lr", lr, low=0.0, low_open=True)
    epochs = check_int("epochs", epochs, low=1)
    w = np.zeros(X.shape[1])
    opt = SGD([w], lr=lr)
    rng = np.random.default_rng(seed + 1)
    seen, losses = [0], [least_squares_loss(X, y, w)]
    for _ in range(epochs):
        for idx in minibatches(len(X), batch_size, rng):
            Xb, yb = X[idx], y[idx]  # (B, d), (B,)
            opt.step([Xb.T @ (Xb @ w - yb) / len(idx)])
            seen.append(seen[-1] + len(idx))
            losses.append(least_squares_loss(X, y, w))
    return np.array(seen), np.array(losses)
