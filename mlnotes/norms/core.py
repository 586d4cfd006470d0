r"""The one computation behind every normalization layer: standardize over some axes.

For the values $x_i$, $i = 1..m$, that share one set of statistics,
$$\mu = \frac1m\sum_i x_i,\qquad \sigma^2 = \frac1m\sum_i (x_i-\mu)^2 \ \text{(biased)},\qquad
\hat x_i = \frac{x_i-\mu}{\sqrt{\sigma^2+\epsilon}}.$$
Backward, with $g_i = \partial L/\partial\hat x_i$ and $s = 1/\sqrt{\sigma^2+\epsilon}$
(the compact form: $\mu$ and $\sigma^2$ depend on every $x_i$, which gives the two mean terms):
$$\frac{\partial L}{\partial x_i} = s\Bigl(g_i - \frac1m\sum_j g_j - \hat x_i\,\frac1m\sum_j g_j\hat x_j\Bigr).$$
BatchNorm, LayerNorm, InstanceNorm and GroupNorm differ only in *which* axes share
$\mu, \sigma^2$ and in the shape of the affine parameters $\gamma, \beta$.

See chapter: chapters/normalization.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_array, check_real


def standardize_over(x: np.ndarray, axes: tuple, eps: float):
    """x̂ = (x − μ)/√(σ² + eps) with μ, σ² over ``axes`` (kept); returns (x_hat, mean, var), var biased."""
    mean = x.mean(axis=axes, keepdims=True)  # μ, broadcastable to x
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)  # σ² (biased, 1/m), two-pass: no cancellation
    x_hat = (x - mean) / np.sqrt(var + eps)  # same shape as x
    return x_hat, mean, var


def standardize_over_backward(g: np.ndarray, x_hat: np.ndarray, var: np.ndarray, axes: tuple, eps: float):
    """∂L/∂x from g = ∂L/∂x̂ for :func:`standardize_over` (the compact formula); same shape as x."""
    s = 1.0 / np.sqrt(var + eps)  # 1/√(σ²+ε), broadcastable
    return s * (g - g.mean(axis=axes, keepdims=True) - x_hat * (g * x_hat).mean(axis=axes, keepdims=True))


def check_eps(eps) -> float:
    """eps must be a real > 0 (it keeps a constant group from dividing 0 by 0)."""
    return check_real("eps", eps, low=0.0, low_open=True)


def check_channels_input(x, name: str = "x", min_ndim: int = 2) -> np.ndarray:
    """x as a float array of shape (N, C, *spatial) with at least ``min_ndim`` dimensions, non-empty."""
    arr = check_array(name, x)
    if arr.ndim < min_ndim:
        want = "(N, C)" if min_ndim == 2 else "(N, C, " + ", ".join(["L"] if min_ndim == 3 else ["H", "W"]) + ")"
        raise ValueError(f"{name} must have shape {want} or more dimensions (N, C, *spatial), got {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    return arr


def check_affine(gamma, beta, shape: tuple):
    """gamma and beta: both None, or both arrays of ``shape``; returns them as float arrays (or None)."""
    if (gamma is None) != (beta is None):
        raise ValueError("gamma and beta must be given together (affine) or both be None")
    if gamma is None:
        return None, None
    return check_array("gamma", gamma, shape=shape), check_array("beta", beta, shape=shape)


def channel_view(p: np.ndarray, ndim: int) -> np.ndarray:
    """A per-channel vector (C,) reshaped to (1, C, 1, ..., 1) to broadcast over (N, C, *spatial)."""
    return p.reshape((1, -1) + (1,) * (ndim - 2))


def affine(x_hat: np.ndarray, gamma, beta, view) -> np.ndarray:
    """y = γ·x̂ + β (or x̂ when there is no affine), with γ, β reshaped by ``view``."""
    if gamma is None:
        return x_hat
    return view(gamma) * x_hat + view(beta)
