r"""The one computation behind every normalization layer: standardize over some axes.

For the values $x_i$, $i = 1..m$, that share one set of statistics,
$$\mu = \frac1m\sum_i x_i,\qquad \sigma^2 = \frac1m\sum_i (x_i-\mu)^2 \ \text{(biased)},\qquad
\hat x_i = \frac{x_i-\mu}{\sqrt{\sigma^2+\epsilon}}.$$
Backward, with $g_i = \partial L/\partial\hat x_i$ and $s = 1/\sqrt{\sigma^2+\epsilon}$
(the compact form: $\mu$ and $\sigma^2$ depend on every $x_i$, which gives the two mean terms):
$$\frac{\partial L}{\partial x_i} = s\Bigl(g_i - \frac1m\sum_j g_j - \hat x_i\,\frac1m\sum_j g_j\hat x_j\Bigr).$$
BatchNorm, LayerNorm, InstanceNorm and GroupNorm differ only in *which* axes share
$\mu, \sigma^2$ and in the shape of the affine parameters $\gamma, \beta$.

**dtypes** (the rule of every public function of :mod:`mlnotes.norms`): the data input keeps its
floating dtype and is computed in it (float32 in → float32 out, as torch's float32 kernels);
integer data becomes float64. The other arrays of a call (γ, β, running statistics, the upstream
gradient ``dy``) are cast to the data's dtype, and ``eps`` must stay a positive finite number in
it (``eps=1e-50`` rounds to 0 in float32 and would divide a constant group by 0). A bool, complex
or non-numeric array raises ``TypeError``: torch refuses them too, and a bool array where numbers
are expected is usually a mask passed by mistake.

See chapter: chapters/normalization.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_array, check_real


def as_float(name: str, value, *, like: np.ndarray | None = None, allow_bool: bool = False, ndim=None,
             shape=None) -> np.ndarray:
    """``value`` as a finite float array: a floating dtype is kept, integers become float64, and with ``like`` it
    is cast to ``like.dtype``. bool (unless ``allow_bool``), complex and non-numeric arrays raise TypeError;
    ``ndim``/``shape`` as :func:`mlnotes._checks.check_array`."""
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError) as exc:  # e.g. a ragged list
        raise TypeError(f"{name} must be array-like of numbers, got {type(value).__name__}") from exc
    kind = arr.dtype.kind
    if kind == "b" and not allow_bool:
        raise TypeError(f"{name} must be array-like of numbers (float or int), got a bool array; a mask is not "
                        f"data: use .astype(float) if you mean the values 0 and 1")
    if kind not in "biuf":
        raise TypeError(f"{name} must be array-like of numbers (float or int), got dtype {arr.dtype}")
    dtype = like.dtype if like is not None else (arr.dtype if kind == "f" else np.dtype(np.float64))
    return check_array(name, arr.astype(dtype, copy=False), ndim=ndim, shape=shape, dtype=None)


def in_dtype(name: str, value: float, dtype, *, positive: bool = False):
    """The real ``value`` as a scalar of ``dtype``; ValueError if it overflows there (or, with ``positive``,
    rounds to 0)."""
    dtype = np.dtype(dtype)
    with np.errstate(over="ignore", under="ignore"):
        typed = dtype.type(value)
    if not np.isfinite(typed) or (positive and typed <= 0):
        what = "a positive finite" if positive else "a finite"
        raise ValueError(f"{name} = {value:g} is not {what} {dtype.name} number, the dtype of the data "
                         f"({'rounds to 0' if np.isfinite(typed) else 'overflows'})")
    return typed


def standardize_over(x: np.ndarray, axes: tuple, eps):
    """x̂ = (x − μ)/√(σ² + eps) with μ, σ² over ``axes`` (kept); returns (x_hat, mean, var), var biased."""
    mean = x.mean(axis=axes, keepdims=True)  # μ, broadcastable to x
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)  # σ² (biased, 1/m), two-pass: no cancellation
    x_hat = (x - mean) / np.sqrt(var + eps)  # same shape as x
    return x_hat, mean, var


def standardize_over_backward(g: np.ndarray, x_hat: np.ndarray, var: np.ndarray, axes: tuple, eps):
    """∂L/∂x from g = ∂L/∂x̂ for :func:`standardize_over` (the compact formula); same shape as x."""
    s = 1 / np.sqrt(var + eps)  # 1/√(σ²+ε), broadcastable
    return s * (g - g.mean(axis=axes, keepdims=True) - x_hat * (g * x_hat).mean(axis=axes, keepdims=True))


def check_eps(eps, dtype=np.float64):
    """eps: a real > 0 that stays > 0 in ``dtype`` (it keeps a constant group from dividing 0 by 0); a scalar of
    ``dtype``."""
    return in_dtype("eps", check_real("eps", eps, low=0.0, low_open=True), dtype, positive=True)


def check_flag(name: str, value) -> bool:
    """A switch that must be True or False (a string such as "False" is truthy: refused)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__} {value!r}")
    return bool(value)


def check_channels_input(x, name: str = "x", min_ndim: int = 2) -> np.ndarray:
    """x as a float array (dtype kept) of shape (N, C, *spatial) with at least ``min_ndim`` dimensions, non-empty."""
    arr = as_float(name, x)
    if arr.ndim < min_ndim:
        want = "(N, C)" if min_ndim == 2 else "(N, C, " + ", ".join(["L"] if min_ndim == 3 else ["H", "W"]) + ")"
        raise ValueError(f"{name} must have shape {want} or more dimensions (N, C, *spatial), got {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    return arr


def check_affine(gamma, beta, shape: tuple, like: np.ndarray):
    """gamma and beta: both None, or both arrays of ``shape``; returns them in ``like``'s dtype (or None)."""
    if (gamma is None) != (beta is None):
        raise ValueError("gamma and beta must be given together (affine) or both be None")
    if gamma is None:
        return None, None
    return as_float("gamma", gamma, like=like, shape=shape), as_float("beta", beta, like=like, shape=shape)


def channel_view(p: np.ndarray, ndim: int) -> np.ndarray:
    """A per-channel vector (C,) reshaped to (1, C, 1, ..., 1) to broadcast over (N, C, *spatial)."""
    return p.reshape((1, -1) + (1,) * (ndim - 2))


def affine(x_hat: np.ndarray, gamma, beta, view) -> np.ndarray:
    """y = γ·x̂ + β (or x̂ when there is no affine), with γ, β reshaped by ``view``."""
    if gamma is None:
        return x_hat
    return view(gamma) * x_hat + view(beta)
