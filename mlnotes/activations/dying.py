r"""Dying ReLU (神经元死亡), measured: units whose pre-activation is negative on every input.

A one-hidden-layer regression network $\hat y = w_2^\top f(W_1 x + b_1) + b_2$ with $f$ = ReLU (or
LeakyReLU) is trained by mini-batch SGD on $y = \sin(2x_1)\cos(x_2)$. A hidden unit $j$ is *dead*
when $a_{nj} = W_{1,j} x_n + b_{1,j} \le 0$ for every training input $x_n$: then $f'(a_{nj}) = 0$ for all
$n$, so
$$\frac{\partial L}{\partial W_{1,j}} = \sum_n \delta_n\, w_{2,j}\, f'(a_{nj})\, x_n = 0,$$
the unit never changes again and contributes nothing. One large step can push a unit there (a
large learning rate, a huge gradient). LeakyReLU keeps $f' = a$ (0.01) on the negative side, so
such a unit still gets a (small) gradient. Gradients are clipped to norm 5 so that no run
overflows: the units die from large steps, not from NaN.

See chapter: chapters/initialization.md
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from mlnotes.activations._common import one_blas_thread
from mlnotes.activations.functions import get_activation

LEARNING_RATES = (0.1, 0.3, 0.5, 0.7, 1.0)
WIDTH, STEPS, BATCH, CLIP = 64, 500, 32, 5.0


@dataclass(frozen=True)
class DyingRun:
    """The trained network's pre-activations on the training set and its final loss."""

    pre: np.ndarray  # (n, width): a = X W1ᵀ + b1 after training
    loss: float
    dead: np.ndarray  # (width,) bool: never positive on the training set
    grad_W1: np.ndarray  # (width, 2): ∂L/∂W1 on the whole training set after training


def regression_data(n: int = 512, seed: int = 0):
    """x ~ U[−2, 2]², y = sin(2x₁)·cos(x₂): X (n, 2), y (n,), float64."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-2, 2, (n, 2))
    return X, np.sin(2 * X[:, 0]) * np.cos(X[:, 1])


def _grads(X, y, W1, b1, w2, b2, act):
    a = X @ W1.T + b1  # (n, width)
    h = act.forward(a)
    r = h @ w2 + b2 - y  # residuals, (n,)
    d = 2 * r / len(y)  # ∂(mean r²)/∂ŷ
    d_a = np.outer(d, w2) * act.derivative(a)  # (n, width)
    return [d_a.T @ X, d_a.sum(axis=0), h.T @ d, d.sum()], float(np.mean(r * r)), a


@lru_cache(maxsize=None)
def train_dying(lr: float, activation: str = "ReLU", seed: int = 0) -> DyingRun:
    """Train the 2 → 64 → 1 network (He init, zero biases) for 500 SGD steps of batch 32 at ``lr``.

    ``activation`` is 'ReLU' or 'LeakyReLU' (slope 0.01). Returns a :class:`DyingRun`.
    See chapter: chapters/initialization.md
    """
    if activation not in ("ReLU", "LeakyReLU"):
        raise ValueError(f"activation must be 'ReLU' or 'LeakyReLU', got {activation!r}")
    act = get_activation(activation)
    X, y = regression_data()
    rng = np.random.default_rng(seed)
    W1 = rng.standard_normal((WIDTH, 2)) * np.sqrt(2 / 2)  # He: std √(2/fan_in)
    w2 = rng.standard_normal(WIDTH) * np.sqrt(2 / WIDTH)
    params = [W1, np.zeros(WIDTH), w2, 0.0]
    with one_blas_thread():
        for _ in range(STEPS):
            idx = rng.integers(0, len(y), BATCH)
            grads, _, _ = _grads(X[idx], y[idx], *params, act)
            norm = np.sqrt(sum(np.sum(g * g) for g in grads))
            scale = min(1.0, CLIP / (norm + 1e-12))  # clip the global gradient norm at 5
            params = [p - lr * scale * g for p, g in zip(params, grads)]
        grads, loss, a = _grads(X, y, *params, act)
    return DyingRun(pre=a, loss=loss, dead=np.all(a <= 0, axis=0), grad_W1=grads[0])
