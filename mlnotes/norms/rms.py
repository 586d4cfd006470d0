r"""RMSNorm (均方根归一化; Zhang and Sennrich, 2019): LayerNorm without the mean, as in LLaMA.

Over the last dims $D$ of each sample (one token vector $x \in \mathbb R^d$, $d = |D|$):
$$r = \Bigl(\frac1d\sum_k x_k^2 + \epsilon\Bigr)^{-1/2},\qquad \hat x = x\,r,\qquad y = \gamma\odot\hat x .$$
No mean is subtracted and there is no $\beta$: $y$ is invariant to rescaling $x$ (up to $\epsilon$), not to
shifting it. With $g = \partial L/\partial y$ and $\tilde g = g\odot\gamma = \partial L/\partial\hat x$,
since $\partial r/\partial x_i = -r^3 x_i/d$,
$$\frac{\partial L}{\partial x} = r\Bigl(\tilde g - \hat x\,\frac1d\sum_k \tilde g_k\hat x_k\Bigr),\qquad
\frac{\partial L}{\partial\gamma} = \sum_{\text{leading dims}} g\odot\hat x .$$
Compared with LayerNorm's backward (:mod:`mlnotes.norms.core`), the term $-\frac1d\sum_k\tilde g_k$ from the
mean is gone.

As ``torch.nn.RMSNorm`` / ``torch.nn.functional.rms_norm``: ``eps=None`` means the machine epsilon of
the input's dtype (``torch.finfo(x.dtype).eps``); the result keeps x's floating dtype (float32 in →
float32 out; integers → float64) and γ is cast to it.

See chapter: chapters/normalization.md
"""

from __future__ import annotations

import numpy as np

from mlnotes.norms.core import as_float, check_eps
from mlnotes.norms.layers import _normalized_shape


def _check_rms(x, normalized_shape, weight, eps):
    x = as_float("x", x)
    if x.size == 0:
        raise ValueError(f"x must not be empty, got shape {x.shape}")
    shape = _normalized_shape(x, normalized_shape)
    axes = tuple(range(x.ndim - len(shape), x.ndim))
    eps = x.dtype.type(np.finfo(x.dtype).eps) if eps is None else check_eps(eps, x.dtype)
    weight = None if weight is None else as_float("weight", weight, like=x, shape=shape)
    return x, axes, weight, eps


def rms_norm(x, normalized_shape, weight=None, eps=None) -> np.ndarray:
    """RMSNorm of x (*, *normalized_shape) over its last dims, times ``weight`` γ (normalized_shape) if given.

    Same as ``torch.nn.functional.rms_norm(x, normalized_shape, weight, eps)``; y has x's shape and floating
    dtype. ``eps=None``: the machine epsilon of that dtype. See chapter: chapters/normalization.md
    """
    x, axes, weight, eps = _check_rms(x, normalized_shape, weight, eps)
    return _rms_norm(x, axes, weight, eps)


def _rms_norm(x, axes, weight, eps):
    """The computation of :func:`rms_norm`: divide each token by its root mean square, then scale by γ."""
    r = 1 / np.sqrt((x * x).mean(axis=axes, keepdims=True) + eps)  # (*, 1, ..., 1): 1/RMS per token
    x_hat = x * r  # (*, *D)
    return x_hat if weight is None else weight * x_hat


def rms_norm_backward(dy, x, normalized_shape, weight=None, eps=None):
    """Gradients of RMSNorm: (dx like x, dweight of shape normalized_shape, or None without weight).

    Computed in x's floating dtype (dy and γ are cast to it). See chapter: chapters/normalization.md
    """
    x, axes, weight, eps = _check_rms(x, normalized_shape, weight, eps)
    dy = as_float("dy", dy, like=x, shape=x.shape)
    return _rms_norm_backward(dy, x, axes, weight, eps)


def _rms_norm_backward(dy, x, axes, weight, eps):
    """∂L/∂x and ∂L/∂γ of RMSNorm, from dy = ∂L/∂y."""
    r = 1 / np.sqrt((x * x).mean(axis=axes, keepdims=True) + eps)
    x_hat = x * r
    g = dy if weight is None else dy * weight  # ∂L/∂x̂
    dx = r * (g - x_hat * (g * x_hat).mean(axis=axes, keepdims=True))  # r·(g̃ − x̂·mean(g̃ x̂))
    if weight is None:
        return dx, None
    lead = tuple(range(x.ndim - len(axes)))  # the axes γ does not have
    return dx, (dy * x_hat).sum(axis=lead)
