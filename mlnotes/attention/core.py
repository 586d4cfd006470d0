r"""Softmax and scaled dot-product attention, from scratch in numpy and in torch.

Softmax over the last axis, made stable by subtracting the row maximum (the result is unchanged
because $e^{x_i - c} / \sum_j e^{x_j - c} = e^{x_i} / \sum_j e^{x_j}$ for any constant $c$):
$$\operatorname{softmax}(x)_i = \frac{e^{x_i - \max_j x_j}}{\sum_j e^{x_j - \max_j x_j}}.$$
Subtracting the *global* maximum of a score matrix (the notes, erratum 4) is also exact in real
arithmetic, but a row whose entries all lie far below the global maximum underflows to
$0/0 = \text{NaN}$ (below $\approx -745$ in float64, $\approx -104$ in float32).

Scaled dot-product attention (缩放点积注意力) of queries $Q \in \mathbb R^{L\times d_k}$, keys
$K \in \mathbb R^{S\times d_k}$, values $V \in \mathbb R^{S\times d_v}$:
$$A = \operatorname{softmax}\!\Big(\frac{QK^\top}{\sqrt{d_k}} + M\Big) \in \mathbb R^{L\times S},
\qquad \operatorname{Attention}(Q, K, V) = AV \in \mathbb R^{L\times d_v},$$
with $M_{ij} = 0$ where query $i$ may attend to key $j$ and $-\infty$ where it may not. Masks follow
``torch.nn.functional.scaled_dot_product_attention`` exactly: a **bool** mask means **True = keep**; a
**floating** mask is added to the scores; any other dtype (e.g. a 0/1 integer mask) raises ``TypeError``.
A query row with every key masked has no distribution to take; like torch's SDPA since torch 2.5
(it calls ``_safe_softmax``, pytorch/pytorch#133882; before, it returned NaN) we return a zero output row
and zero weights there, whereas ``nn.MultiheadAttention`` (with its default ``need_weights=True``) returns NaN.

Every function keeps the floating dtype of its input (float32 in → float32 out).

See chapter: chapters/attention.md
"""

from __future__ import annotations

import math

import numpy as np

from mlnotes._checks import check_real
from mlnotes.attention._arrays import additive_mask, common_float_dtype, float_array, mask_dtype_message


def _check_logits(name: str, x) -> np.ndarray:
    """A floating array (its dtype kept) that may hold -inf (masked) but no NaN or +inf."""
    arr = float_array(name, x, finite=False)
    if arr.ndim == 0:
        raise ValueError(f"{name} must have at least 1 dimension, got a scalar")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    if np.any(np.isnan(arr)) or np.any(arr == np.inf):
        raise ValueError(f"{name} must not contain NaN or +inf (-inf marks a masked entry)")
    return arr


def _check_axis(axis, ndim: int) -> int:
    """A valid axis index for an array of rank ``ndim``."""
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"axis must be an integer, got {type(axis).__name__} {axis!r}")
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis must be in [{-ndim}, {ndim - 1}] for an array of rank {ndim}, got {axis}")
    return int(axis)


def _check_flag(name: str, value) -> bool:
    """A bool flag (a string such as "no" would be truthy)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a bool, got {type(value).__name__}")
    return bool(value)


def _softmax(x, axis=-1):
    """The stable softmax: subtract the max along ``axis``, exponentiate, normalise."""
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))  # every exponent ≤ 0: no overflow; the max term is 1
    return e / np.sum(e, axis=axis, keepdims=True)  # the sum is ≥ 1: no 0/0


def softmax(x, axis=-1) -> np.ndarray:
    """Stable softmax along ``axis`` (row max subtracted): same shape and floating dtype as ``x``.

    A -inf entry gets weight 0; a slice of only -inf entries raises ValueError (torch returns NaN there).
    See chapter: chapters/attention.md
    """
    x = _check_logits("x", x)
    axis = _check_axis(axis, x.ndim)
    if np.any(np.max(x, axis=axis) == -np.inf):
        raise ValueError("x has a slice along axis where every entry is -inf: softmax is 0/0 there")
    return _softmax(x, axis)


def softmax_global_max(x) -> np.ndarray:
    """The notes' softmax over the last axis, subtracting the *global* max (erratum 4): may give NaN rows.

    Shape and floating dtype in = out (in float32 a row about 104 below the global max is already all NaN).
    Kept to show the bug; use :func:`softmax`.

    See chapter: chapters/attention.md
    """
    x = float_array("x", x)
    if x.ndim == 0 or x.size == 0:
        raise ValueError(f"x must be a non-empty array with at least 1 dimension, got shape {x.shape}")
    with np.errstate(invalid="ignore", under="ignore"):
        e = np.exp(x - np.max(x))  # rows far below the global max become all zeros
        return e / np.sum(e, axis=-1, keepdims=True)  # 0 / 0 = NaN on those rows


def global_max_demo_scores(dtype="float64") -> np.ndarray:
    """A (3, 4) score matrix whose last row lies far below the global max, so the notes' softmax gives NaN there.

    ``dtype``: float64 (a gap of 800) or float32 (a gap of 120), by name or numpy type.
    See chapter: chapters/attention.md
    """
    try:
        name = np.dtype(dtype).name
    except TypeError:
        name = None
    if name not in ("float64", "float32"):
        raise ValueError(f"dtype must be 'float64' or 'float32', got {dtype!r}")
    gap = 800.0 if name == "float64" else 120.0  # exp(-gap) underflows to 0 in that dtype
    base = np.array([[2.0, 1.0, 0.5, -1.0], [0.3, 0.2, -0.4, 1.1], [1.5, -0.5, 0.0, 0.7]])  # (3, 4)
    base[0] += gap / 2  # a query with a large norm: big scores ...
    base[2] -= gap / 2  # ... and one whose scores are all very negative
    return base.astype(name)


def _masked_softmax(scores):
    """Softmax over the last axis where −inf marks masked keys; a row with no kept key gives zeros."""
    row_max = np.max(scores, axis=-1, keepdims=True)  # (..., L, 1)
    row_max = np.where(np.isneginf(row_max), 0, row_max)  # fully masked row: keep exp(−inf) = 0
    e = np.exp(scores - row_max)  # (..., L, S)
    total = np.sum(e, axis=-1, keepdims=True)  # (..., L, 1): ≥ 1 unless the row is fully masked
    return e / np.where(total > 0, total, 1)


def masked_softmax(scores) -> np.ndarray:
    """Softmax over the last axis where -inf marks masked keys; a fully masked row gives all zeros.

    (..., L, S) -> (..., L, S), same floating dtype.

    See chapter: chapters/attention.md
    """
    return _masked_softmax(_check_logits("scores", scores))


def _sdpa(q, k, v, bias, scale):
    """softmax(q kᵀ·scale + bias) v on checked arrays; bias is an additive mask (−inf = masked) or None."""
    scores = (q @ np.swapaxes(k, -1, -2)) * scale  # (..., L, S); k.T would reverse every axis
    if bias is not None:
        scores = scores + bias  # −inf where masked
    weights = _masked_softmax(scores)  # (..., L, S): rows sum to 1 (0 if fully masked)
    return weights @ v, weights  # (..., L, d_v), (..., L, S)


def _check_qkv(q, k, v):
    """Validate (..., L, d_k), (..., S, d_k), (..., S, d_v) with broadcastable batch axes; return arrays."""
    q, k, v = (float_array(name, a) for name, a in (("q", q), ("k", k), ("v", v)))
    for name, a, want in (("q", q, "(..., L, d_k)"), ("k", k, "(..., S, d_k)"), ("v", v, "(..., S, d_v)")):
        if a.ndim < 2:
            raise ValueError(f"{name} must have shape {want} (at least 2 dimensions), got shape {a.shape}")
        if a.size == 0:
            raise ValueError(f"{name} must not be empty, got shape {a.shape}")
    if k.shape[-1] != q.shape[-1]:
        raise ValueError(f"q and k must share the last axis d_k, got q {q.shape} and k {k.shape}")
    if v.shape[-2] != k.shape[-2]:
        raise ValueError(f"k and v must have the same number of keys S (axis -2), got k {k.shape} and v {v.shape}")
    try:
        np.broadcast_shapes(q.shape[:-2], k.shape[:-2], v.shape[:-2])
    except ValueError:
        raise ValueError(f"the batch axes of q, k, v must broadcast, got q {q.shape}, k {k.shape}, "
                         f"v {v.shape}") from None
    return q, k, v


def _bias(mask, scores_shape, is_causal: bool, dtype) -> np.ndarray | None:
    """A bool (True = keep) or float (additive) mask, or is_causal, as an additive mask of ``dtype`` (or None)."""
    L, S = scores_shape[-2:]
    if is_causal:
        if mask is not None:
            raise ValueError("pass either mask or is_causal=True, not both (combine them with combine_masks)")
        mask = np.tril(np.ones((L, S), dtype=bool))  # top-left aligned, as torch
    if mask is None:
        return None
    add = additive_mask("mask", mask, dtype)  # TypeError unless bool or floating
    try:
        ok = np.broadcast_shapes(add.shape, scores_shape) == tuple(scores_shape)
    except ValueError:
        ok = False
    if not ok:
        raise ValueError(f"mask must broadcast to the scores' shape {tuple(scores_shape)} (..., L, S), "
                         f"got shape {add.shape}")
    return add


def sdpa_numpy(q, k, v, mask=None, is_causal=False, scale=None, return_weights=False):
    """softmax(q kᵀ·scale + mask) v in numpy: (..., L, d_k), (..., S, d_k), (..., S, d_v) -> (..., L, d_v).

    ``mask``: bool (True = keep) or floating (added to the scores), broadcastable to (..., L, S); any other
    dtype raises TypeError (convert a 0/1 integer mask with ``mask == 1``). ``scale`` defaults to 1/√d_k.
    With ``return_weights`` also returns the (..., L, S) weights. The result has the common floating dtype
    of q, k, v (float32 in → float32 out). Source: Vaswani et al. 2017, eq. 1; reference: torch's SDPA.

    See chapter: chapters/attention.md
    """
    q, k, v = _check_qkv(q, k, v)
    is_causal = _check_flag("is_causal", is_causal)
    return_weights = _check_flag("return_weights", return_weights)
    scale = 1.0 / math.sqrt(q.shape[-1]) if scale is None else check_real("scale", scale)  # a Python float
    scores_shape = np.broadcast_shapes(q.shape[:-2], k.shape[:-2]) + (q.shape[-2], k.shape[-2])
    bias = _bias(mask, scores_shape, is_causal, common_float_dtype(q, k, v))
    out, weights = _sdpa(q, k, v, bias, scale)
    return (out, weights) if return_weights else out


def _sdpa_torch(torch, q, k, v, mask, scale):
    """The computation of :func:`sdpa_torch` on checked tensors; mask: None, bool (True = keep) or additive."""
    scores = (q @ k.transpose(-2, -1)) * scale  # (..., L, S)
    if mask is not None and mask.dtype == torch.bool:
        scores = scores.masked_fill(~mask, float("-inf"))  # masked keys: −inf
    elif mask is not None:
        scores = scores + mask  # an additive float mask
    row_max = scores.amax(dim=-1, keepdim=True).detach()  # (..., L, 1); a constant shift needs no gradient
    row_max = torch.where(torch.isneginf(row_max), torch.zeros_like(row_max), row_max)
    e = torch.exp(scores - row_max)  # (..., L, S)
    total = e.sum(dim=-1, keepdim=True)  # (..., L, 1)
    weights = e / torch.where(total > 0, total, torch.ones_like(total))  # 0 (not 0/0) on fully masked rows
    return weights @ v, weights  # (..., L, d_v), (..., L, S)


def sdpa_torch(q, k, v, mask=None, is_causal=False, scale=None, return_weights=False):
    """The same attention written with torch ops (autograd works): tensors (..., L, d_k), (..., S, d_k), (..., S, d_v).

    Returns (..., L, d_v) (and the (..., L, S) weights if ``return_weights``) in the dtype of q, k, v (which
    must agree); fully masked rows give 0 with zero gradient, as ``torch.nn.functional.scaled_dot_product_attention``
    (torch ≥ 2.5). ``mask``: a bool (True = keep) or floating (additive) tensor or array; any other dtype
    raises TypeError, as torch's SDPA does.

    See chapter: chapters/attention.md
    """
    import torch

    for name, t in (("q", q), ("k", k), ("v", v)):
        if not isinstance(t, torch.Tensor):
            raise TypeError(f"{name} must be a torch.Tensor, got {type(t).__name__}")
        if not t.is_floating_point():
            raise TypeError(f"{name} must be a floating-point tensor, got dtype {t.dtype}")
    if not q.dtype == k.dtype == v.dtype:
        raise TypeError(f"q, k and v must have the same dtype, got {q.dtype}, {k.dtype} and {v.dtype}")
    with torch.no_grad():
        _check_torch_shapes(q, k, v)
    is_causal = _check_flag("is_causal", is_causal)
    return_weights = _check_flag("return_weights", return_weights)
    scale = 1.0 / math.sqrt(q.shape[-1]) if scale is None else check_real("scale", scale)
    scores_shape = tuple(np.broadcast_shapes(tuple(q.shape[:-2]), tuple(k.shape[:-2]))) + (q.shape[-2], k.shape[-2])
    mask = _torch_mask(torch, mask, scores_shape, is_causal, q)
    out, weights = _sdpa_torch(torch, q, k, v, mask, scale)
    return (out, weights) if return_weights else out


def _torch_mask(torch, mask, scores_shape, is_causal: bool, like):
    """A checked bool mask, or a float mask in the dtype of ``like``, on its device (None if no mask)."""
    L, S = scores_shape[-2:]
    if is_causal:
        if mask is not None:
            raise ValueError("pass either mask or is_causal=True, not both (combine them with combine_masks)")
        return torch.ones(L, S, dtype=torch.bool, device=like.device).tril()
    if mask is None:
        return None
    mask = torch.as_tensor(mask, device=like.device)
    if mask.dtype != torch.bool and not mask.is_floating_point():
        raise TypeError(mask_dtype_message("mask", mask.dtype))
    try:  # np.broadcast_shapes: torch's imports sympy on first use (~1.5 s)
        ok = np.broadcast_shapes(tuple(mask.shape), tuple(scores_shape)) == tuple(scores_shape)
    except ValueError:
        ok = False
    if not ok:
        raise ValueError(f"mask must broadcast to the scores' shape {tuple(scores_shape)} (..., L, S), "
                         f"got {tuple(mask.shape)}")
    if mask.dtype == torch.bool:
        return mask
    if bool(torch.isnan(mask).any() | (mask == float("inf")).any()):
        raise ValueError("mask must not contain NaN or +inf (-inf marks a masked entry)")
    return mask.to(like.dtype)


def _check_torch_shapes(q, k, v) -> None:
    """Shape checks of :func:`sdpa_torch` (same rules and messages as the numpy version)."""
    import torch

    for name, t, want in (("q", q, "(..., L, d_k)"), ("k", k, "(..., S, d_k)"), ("v", v, "(..., S, d_v)")):
        if t.dim() < 2:
            raise ValueError(f"{name} must have shape {want} (at least 2 dimensions), got shape {tuple(t.shape)}")
        if t.numel() == 0:
            raise ValueError(f"{name} must not be empty, got shape {tuple(t.shape)}")
        if not bool(torch.isfinite(t).all()):
            raise ValueError(f"{name} must contain only finite values (no NaN or inf)")
    if k.shape[-1] != q.shape[-1]:
        raise ValueError(f"q and k must share the last axis d_k, got q {tuple(q.shape)} and k {tuple(k.shape)}")
    if v.shape[-2] != k.shape[-2]:
        raise ValueError(f"k and v must have the same number of keys S (axis -2), got k {tuple(k.shape)} "
                         f"and v {tuple(v.shape)}")
    try:  # np.broadcast_shapes: torch's imports sympy on first use (~1.5 s)
        np.broadcast_shapes(tuple(q.shape[:-2]), tuple(k.shape[:-2]), tuple(v.shape[:-2]))
    except ValueError:
        raise ValueError(f"the batch axes of q, k, v must broadcast, got q {tuple(q.shape)}, k {tuple(k.shape)}, "
                         f"v {tuple(v.shape)}") from None
