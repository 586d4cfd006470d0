r"""Activation and gradient statistics through a deep MLP: the vanishing / exploding picture.

A plain MLP without biases, $h_0 = x \sim \mathcal N(0, I)$,
$$a_l = h_{l-1} W_l^\top,\qquad h_l = f(a_l),\qquad l = 1, \dots, D,$$
with every $W_l$ of shape (width, width) drawn by one initializer, is run forward on a batch.
Backward, from a fixed random upstream gradient $g = \partial L/\partial h_D$ (entries $\mathcal N(0, 1)$,
i.e. $L = \sum g \odot h_D$):
$$\delta_l = \frac{\partial L}{\partial a_l} = \bigl(\delta_{l+1} W_{l+1}\bigr)\odot f'(a_l),\qquad
\frac{\partial L}{\partial W_l} = \delta_l^\top h_{l-1}.$$
Per layer we record the mean and standard deviation of $h_l$ (activations), the standard deviation
of the back-propagated gradient $\partial L/\partial h_l$ and that of $\partial L/\partial W_l$ (the gradient the
optimizer sees; it is the product of a forward and a backward signal, $\delta_l^\top h_{l-1}$). If each layer multiplies the variance by a
factor $r$, after $D$ layers it is $r^D$: $r = 1$ is the goal of Xavier (tanh) and He (ReLU).

See chapter: chapters/initialization.md
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from mlnotes._checks import check_int
from mlnotes.activations._common import one_blas_thread
from mlnotes.activations.functions import get_activation
from mlnotes.init import initializers as I

# The initializers compared in the chapter (name → sampler of one (width, width) weight).
INITS = {
    "N(0, 0.01²)": lambda shape, rng: I.normal(shape, 0.0, 0.01, rng),
    "N(0, 1)": lambda shape, rng: I.normal(shape, 0.0, 1.0, rng),
    "U[0, 1) (notes' rand)": lambda shape, rng: I.uniform(shape, 0.0, 1.0, rng),
    "Xavier": lambda shape, rng: I.xavier_normal(shape, rng=rng),
    "He": lambda shape, rng: I.kaiming_normal(shape, nonlinearity="relu", rng=rng),
}
MAX_DEPTH = 50
WIDTH, BATCH = 64, 128  # units per layer, inputs per batch


@dataclass(frozen=True)
class LayerStats:
    """Per-layer statistics of one deep MLP, each an array of shape (depth,), layer 1 first."""

    act_mean: np.ndarray  # of h_l
    act_std: np.ndarray
    grad_h_std: np.ndarray  # of ∂L/∂h_l (at l = depth: the upstream gradient g)
    grad_w_std: np.ndarray  # of ∂L/∂W_l


def _check_init(init: str) -> None:
    if init not in INITS:
        raise ValueError(f"init must be one of {list(INITS)}, got {init!r}")


@lru_cache(maxsize=None)
def _forward(init: str, activation: str, width: int, batch: int, seed: int):
    """Weights, pre-activations and activations of the MAX_DEPTH-layer network (computed once per setting)."""
    f = get_activation(activation).forward
    rng = np.random.default_rng(seed)
    h = rng.standard_normal((batch, width))  # (B, width): h_0 = x
    weights, pre, acts = [], [], [h]
    with one_blas_thread():
        for _ in range(MAX_DEPTH):
            W = INITS[init]((width, width), rng)  # (out, in)
            a = h @ W.T  # (B, width); N(0, 1) + ReLU grows ~(√(width/2))^l: huge but finite in float64
            h = f(a)
            weights.append(W)
            pre.append(a)
            acts.append(h)
    upstream = np.random.default_rng(seed + 1).standard_normal((batch, width))  # g = ∂L/∂h_D
    return tuple(weights), tuple(pre), tuple(acts), upstream


@lru_cache(maxsize=None)
def layer_statistics(init: str, activation: str, depth: int = MAX_DEPTH, width: int = WIDTH, batch: int = BATCH,
                     seed: int = 0) -> LayerStats:
    """Mean and std of the activations h_l, std of ∂L/∂h_l and of ∂L/∂W_l, per layer of a ``depth``-layer MLP.

    ``init`` is a key of ``INITS``, ``activation`` a key of ``mlnotes.activations.ACTIVATIONS``;
    1 ≤ depth ≤ 50. The first ``depth`` layers are those of one 50-layer network (so the
    activations of a shallower network are a prefix), and the loss sits on top of layer ``depth``.
    Float64 throughout; cached per setting. See chapter: chapters/initialization.md
    """
    _check_init(init)
    depth = check_int("depth", depth, low=1, high=MAX_DEPTH)
    df = get_activation(activation).derivative
    weights, pre, acts, upstream = _forward(init, activation, width, batch, seed)
    grad_h_std, grad_w_std = np.empty(depth), np.empty(depth)
    with one_blas_thread():
        grad_h = upstream  # ∂L/∂h_D = g, (B, width)
        for l in range(depth - 1, -1, -1):  # index l is layer l + 1 of the math
            grad_h_std[l] = grad_h.std()
            delta = grad_h * df(pre[l])  # δ = ∂L/∂a = ∂L/∂h ⊙ f'(a)
            grad_w_std[l] = (delta.T @ acts[l]).std()  # ∂L/∂W = δᵀ h_{l-1}, (width, width)
            grad_h = delta @ weights[l]  # ∂L/∂h_{l-1} = δ W, (B, width)
    act_mean = np.array([h.mean() for h in acts[1:depth + 1]])
    act_std = np.array([h.std() for h in acts[1:depth + 1]])
    return LayerStats(act_mean, act_std, grad_h_std, grad_w_std)


def variance_gain_per_layer(stats_std: np.ndarray, skip: int = 5) -> float:
    """The average factor by which the variance changes per layer, exp(mean Δ log σ²), after ``skip`` layers.

    1 means the signal keeps its size; < 1 vanishes, > 1 explodes. See chapter: chapters/initialization.md
    """
    s = np.asarray(stats_std, dtype=float)[skip:]
    if s.size < 2 or np.any(s <= 0) or not np.all(np.isfinite(s)):
        raise ValueError("stats_std must hold at least skip + 2 positive finite values")
    return float(np.exp(2 * np.mean(np.diff(np.log(s)))))
