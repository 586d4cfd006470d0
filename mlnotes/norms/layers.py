r"""Layer, Instance and Group Normalization (层/实例/组归一化): per-sample statistics, forward and backward.

All three standardize each *sample* on its own (no batch statistics, so train = eval and
no running statistics), then apply an affine map; they differ in the set $S$ that shares
$\mu$ and $\sigma^2$ (biased), with $\hat x = (x-\mu_S)/\sqrt{\sigma_S^2+\epsilon}$:

* **LayerNorm**, ``normalized_shape`` = the last $k$ dims $D$: $S$ = one sample's $D$ block;
  $\gamma, \beta$ have shape $D$ (elementwise), $y = \gamma\odot\hat x + \beta$.
* **InstanceNorm** on $(N, C, H, W)$: $S$ = one $(n, c)$ plane of $H\cdot W$ values;
  $\gamma, \beta \in \mathbb R^C$ (optional; ``nn.InstanceNorm2d`` has none by default).
* **GroupNorm** with $G$ groups on $(N, C, *)$: $S$ = one sample's $C/G$ consecutive channels
  with all their positions; $\gamma, \beta \in \mathbb R^C$ per channel.

GroupNorm with $G = 1$ is LayerNorm over $(C, H, W)$ (with $\gamma$ broadcast per channel);
with $G = C$ it is InstanceNorm. The backward pass is the compact formula of
:mod:`mlnotes.norms.core` on the same sets $S$, plus
$\partial L/\partial\gamma = \sum g\,\hat x$ and $\partial L/\partial\beta = \sum g$ over every axis
$\gamma$ does not have.

See chapter: chapters/normalization.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_int
from mlnotes.norms.core import (affine, as_float, channel_view, check_affine, check_channels_input, check_eps,
                                standardize_over, standardize_over_backward)


def _normalized_shape(x: np.ndarray, normalized_shape) -> tuple:
    """normalized_shape (an int d, meaning (d,), or a sequence of ints) as a tuple equal to the last k dims of x."""
    shape = normalized_shape
    if isinstance(shape, (int, np.integer)) or (isinstance(shape, np.ndarray) and shape.ndim == 0):
        shape = (shape.item() if isinstance(shape, np.ndarray) else shape,)
    if isinstance(shape, (str, bytes)) or not hasattr(shape, "__len__"):
        raise TypeError(f"normalized_shape must be an int or a tuple of ints, got {type(normalized_shape).__name__}")
    shape = tuple(check_int("normalized_shape", d, low=1) for d in shape)
    if len(shape) == 0 or len(shape) > x.ndim or x.shape[x.ndim - len(shape):] != shape:
        raise ValueError(f"normalized_shape must equal the last dims of x, got {shape} for x of shape {x.shape}")
    return shape


def _check_layer_norm(x, normalized_shape, eps):
    x = as_float("x", x)
    if x.size == 0:
        raise ValueError(f"x must not be empty, got shape {x.shape}")
    shape = _normalized_shape(x, normalized_shape)
    return x, shape, tuple(range(x.ndim - len(shape), x.ndim)), check_eps(eps, x.dtype)


def layer_norm(x, normalized_shape, gamma=None, beta=None, eps=1e-5) -> np.ndarray:
    """LayerNorm of x (*, *normalized_shape) over its last dims; γ, β of shape normalized_shape; y like x.

    Same as ``torch.nn.functional.layer_norm(x, normalized_shape, gamma, beta, eps)``. y has x's floating
    dtype (float32 in → float32 out; integers → float64); γ and β are cast to it. ``normalized_shape`` is an
    int d (meaning (d,)) or a tuple of ints; anything else (a float, a bool, a string) raises TypeError.
    See chapter: chapters/normalization.md
    """
    x, shape, axes, eps = _check_layer_norm(x, normalized_shape, eps)
    gamma, beta = check_affine(gamma, beta, shape, like=x)
    return _layer_norm(x, axes, gamma, beta, eps)


def _layer_norm(x, axes, gamma, beta, eps):
    """The computation of :func:`layer_norm`: standardize each sample (each token) over ``axes``, the last dims."""
    x_hat, _, _ = standardize_over(x, axes, eps)  # (*, *D): one μ, σ² per sample (per token)
    return affine(x_hat, gamma, beta, lambda p: p)  # γ, β of shape D broadcast over the leading dims


def layer_norm_backward(dy, x, normalized_shape, gamma=None, eps=1e-5):
    """Gradients of LayerNorm: (dx like x, dgamma and dbeta of shape normalized_shape, or None without affine).

    Computed in x's floating dtype (dy and γ are cast to it). See chapter: chapters/normalization.md
    """
    x, shape, axes, eps = _check_layer_norm(x, normalized_shape, eps)
    gamma = None if gamma is None else as_float("gamma", gamma, like=x, shape=shape)
    dy = as_float("dy", dy, like=x, shape=x.shape)
    x_hat, _, var = standardize_over(x, axes, eps)
    dx = standardize_over_backward(dy if gamma is None else dy * gamma, x_hat, var, axes, eps)
    if gamma is None:
        return dx, None, None
    lead = tuple(range(x.ndim - len(shape)))  # the axes γ does not have
    return dx, (dy * x_hat).sum(axis=lead), dy.sum(axis=lead)


def _check_instance_norm(x, eps):
    x = check_channels_input(x, min_ndim=3)
    if x[0, 0].size < 2:
        raise ValueError(f"x needs more than 1 spatial element per (sample, channel), got shape {x.shape}")
    return x, tuple(range(2, x.ndim)), check_eps(eps, x.dtype)


def instance_norm(x, gamma=None, beta=None, eps=1e-5) -> np.ndarray:
    """InstanceNorm of x (N, C, *spatial) over the spatial dims of each (n, c); γ, β (C,) optional; y like x.

    Same as ``nn.InstanceNorm2d(C, affine=...)`` on (N, C, H, W) (no running statistics). y has x's floating
    dtype; γ and β are cast to it. See chapter: chapters/normalization.md
    """
    x, axes, eps = _check_instance_norm(x, eps)
    gamma, beta = check_affine(gamma, beta, (x.shape[1],), like=x)
    x_hat, _, _ = standardize_over(x, axes, eps)  # (N, C, *): one μ, σ² per (n, c)
    return affine(x_hat, gamma, beta, lambda p: channel_view(p, x.ndim))


def instance_norm_backward(dy, x, gamma=None, eps=1e-5):
    """Gradients of InstanceNorm: (dx like x, dgamma (C,), dbeta (C,)); None without affine.

    Computed in x's floating dtype. See chapter: chapters/normalization.md
    """
    x, axes, eps = _check_instance_norm(x, eps)
    gamma = None if gamma is None else as_float("gamma", gamma, like=x, shape=(x.shape[1],))
    dy = as_float("dy", dy, like=x, shape=x.shape)
    x_hat, _, var = standardize_over(x, axes, eps)
    dx = standardize_over_backward(dy if gamma is None else dy * channel_view(gamma, x.ndim), x_hat, var, axes, eps)
    if gamma is None:
        return dx, None, None
    axes_c = (0,) + axes  # every axis but C
    return dx, (dy * x_hat).sum(axis=axes_c), dy.sum(axis=axes_c)


def _check_group_norm(x, num_groups, eps):
    x = check_channels_input(x)
    g = check_int("num_groups", num_groups, low=1)
    if x.shape[1] % g:
        raise ValueError(f"num_groups must divide the number of channels {x.shape[1]}, got {g}")
    return x, g, check_eps(eps, x.dtype)


def group_norm(x, num_groups, gamma=None, beta=None, eps=1e-5) -> np.ndarray:
    """GroupNorm of x (N, C, *) with C/num_groups channels per group; γ, β (C,) per channel; y like x.

    Same as ``nn.GroupNorm(num_groups, C)``; a group holding one value gives x̂ = 0 (y = β), as torch does for N > 1
    (torch raises for N = 1 there). y has x's floating dtype; γ and β are cast to it.
    See chapter: chapters/normalization.md
    """
    x, g, eps = _check_group_norm(x, num_groups, eps)
    gamma, beta = check_affine(gamma, beta, (x.shape[1],), like=x)
    return _group_norm(x, g, gamma, beta, eps)


def _group_norm(x, num_groups, gamma, beta, eps):
    """The computation of :func:`group_norm`: standardize each (sample, group of C/G channels); γ, β per channel."""
    xg = x.reshape(x.shape[0], num_groups, -1)  # (N, G, C/G · prod(spatial))
    x_hat = standardize_over(xg, (2,), eps)[0].reshape(x.shape)  # (N, C, *): one μ, σ² per (n, group)
    return affine(x_hat, gamma, beta, lambda p: channel_view(p, x.ndim))


def group_norm_backward(dy, x, num_groups, gamma=None, eps=1e-5):
    """Gradients of GroupNorm: (dx like x, dgamma (C,), dbeta (C,)); None without affine.

    Computed in x's floating dtype. See chapter: chapters/normalization.md
    """
    x, g, eps = _check_group_norm(x, num_groups, eps)
    gamma = None if gamma is None else as_float("gamma", gamma, like=x, shape=(x.shape[1],))
    dy = as_float("dy", dy, like=x, shape=x.shape)
    xg = x.reshape(x.shape[0], g, -1)  # (N, G, M)
    x_hat, _, var = standardize_over(xg, (2,), eps)  # (N, G, M)
    g_hat = dy if gamma is None else dy * channel_view(gamma, x.ndim)  # ∂L/∂x̂, (N, C, *)
    dx = standardize_over_backward(g_hat.reshape(xg.shape), x_hat, var, (2,), eps).reshape(x.shape)
    if gamma is None:
        return dx, None, None
    axes_c = (0,) + tuple(range(2, x.ndim))
    return dx, (dy * x_hat.reshape(x.shape)).sum(axis=axes_c), dy.sum(axis=axes_c)
