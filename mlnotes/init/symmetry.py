r"""The symmetry problem (对称性问题) of zero or constant initialization, shown by training.

A one-hidden-layer network $p = \sigma\bigl(w_2^\top \tanh(W_1 x + b_1) + b_2\bigr)$ is trained by
full-batch gradient descent on the binary cross-entropy. If every hidden unit starts with the
same incoming and outgoing weights, every unit computes the same $h_j$ and receives the same
gradient,
$$\frac{\partial L}{\partial W_{1,j}} = \sum_n \delta_n\, w_{2,j}\,(1-h_{nj}^2)\,x_n ,$$
so after any number of steps the units are still identical: the layer behaves like one unit.
With all weights zero it is worse: $h = \tanh(0) = 0$ and $w_2 = 0$, so $\partial L/\partial W_1 = 0$ and
$\partial L/\partial w_2 = 0$ at every step; only the output bias $b_2$ ever moves.
Random weights break the symmetry.

See chapter: chapters/initialization.md
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from mlnotes.activations._common import one_blas_thread
from mlnotes.activations.functions import _sigmoid
from mlnotes.init import initializers as I

SYMMETRY_INITS = ("zero", "constant 0.5", "Xavier")
SNAPSHOTS = (0, 30, 300)
HIDDEN = 8


@dataclass(frozen=True)
class Snapshot:
    """The parameters of the small network after ``step`` steps, with its training loss and accuracy."""

    step: int
    W1: np.ndarray  # (hidden, 2)
    b1: np.ndarray  # (hidden,)
    w2: np.ndarray  # (hidden,)
    b2: float
    loss: float
    accuracy: float


def moons(n: int = 200, noise: float = 0.15, seed: int = 0):
    """Two interleaving half-moons (the shape of scikit-learn's ``make_moons``): X (n, 2) float64, y (n,) in {0, 1}."""
    rng = np.random.default_rng(seed)
    t = rng.uniform(0, np.pi, n)  # position along each arc
    y = (np.arange(n) % 2).astype(float)  # alternate classes: exactly balanced
    X = np.where(y[:, None] == 0, np.column_stack([np.cos(t), np.sin(t)]),
                 np.column_stack([1 - np.cos(t), 0.5 - np.sin(t)]))  # (n, 2)
    return X + noise * rng.standard_normal((n, 2)), y


def _initial(init: str, rng) -> tuple:
    if init == "zero":
        return I.zeros((HIDDEN, 2)), np.zeros(HIDDEN), np.zeros(HIDDEN), 0.0
    if init == "constant 0.5":
        return I.constant((HIDDEN, 2), 0.5), np.zeros(HIDDEN), np.full(HIDDEN, 0.5), 0.0
    if init == "Xavier":
        return I.xavier_normal((HIDDEN, 2), rng=rng), np.zeros(HIDDEN), I.xavier_normal((1, HIDDEN), rng=rng)[0], 0.0
    raise ValueError(f"init must be one of {list(SYMMETRY_INITS)}, got {init!r}")


def forward(X, W1, b1, w2, b2):
    """Hidden activations h (n, hidden) and output probabilities p (n,)."""
    h = np.tanh(X @ W1.T + b1)  # (n, hidden)
    return h, _sigmoid(h @ w2 + b2)  # (n,)


def gd_step(X, y, W1, b1, w2, b2, lr):
    """One full-batch gradient-descent step on the mean binary cross-entropy; returns new parameters."""
    h, p = forward(X, W1, b1, w2, b2)
    d_out = (p - y) / len(y)  # ∂L/∂(output logit), (n,)
    g_w2, g_b2 = h.T @ d_out, d_out.sum()  # (hidden,), scalar
    d_h = np.outer(d_out, w2) * (1 - h * h)  # ∂L/∂(hidden pre-activation), (n, hidden)
    g_W1, g_b1 = d_h.T @ X, d_h.sum(axis=0)  # (hidden, 2), (hidden,)
    return W1 - lr * g_W1, b1 - lr * g_b1, w2 - lr * g_w2, b2 - lr * g_b2


@lru_cache(maxsize=None)
def train(init: str, lr: float = 2.0, seed: int = 0) -> tuple:
    """Train from ``init`` ('zero', 'constant 0.5' or 'Xavier'); one :class:`Snapshot` per step in SNAPSHOTS.

    See chapter: chapters/initialization.md
    """
    X, y = moons()
    params = _initial(init, np.random.default_rng(seed))
    shots = []
    with one_blas_thread():
        for step in range(SNAPSHOTS[-1] + 1):
            if step in SNAPSHOTS:
                _, p = forward(X, *params)
                p_safe = np.clip(p, 1e-12, 1 - 1e-12)
                loss = float(-np.mean(y * np.log(p_safe) + (1 - y) * np.log(1 - p_safe)))
                acc = float(np.mean((p > 0.5) == (y == 1)))
                shots.append(Snapshot(step, *(np.array(a, copy=True) for a in params[:3]), float(params[3]), loss,
                                      acc))
            params = gd_step(X, y, *params, lr)
    return tuple(shots)


def distinct_units(shot: Snapshot, tol: float = 1e-12) -> int:
    """How many hidden units differ (their (w_in, b, w_out) rows differ by more than ``tol``)."""
    rows = np.column_stack([shot.W1, shot.b1, shot.w2])  # (hidden, 4)
    kept: list[np.ndarray] = []
    for r in rows:
        if not any(np.max(np.abs(r - k)) <= tol for k in kept):
            kept.append(r)
    return len(kept)
