r"""The other meanings of "norm" (范数): vector norms, unit-length normalization, norm penalties.

Vector $p$-norms of $x \in \mathbb R^n$ (all entries, as ``torch.linalg.vector_norm``):
$$\lVert x\rVert_1 = \sum_i |x_i|,\quad \lVert x\rVert_2 = \sqrt{\textstyle\sum_i x_i^2},\quad
\lVert x\rVert_p = \bigl(\textstyle\sum_i |x_i|^p\bigr)^{1/p},\quad \lVert x\rVert_\infty = \max_i |x_i|.$$
Unit-length normalization (what ``F.normalize`` does, e.g. to embeddings before a dot product):
$x / \max(\lVert x\rVert_2, \epsilon)$. Regularization penalties (正则化) on weights $w$:
$\lambda\lVert w\rVert_1$ (lasso, L1) and $\lambda\lVert w\rVert_2^2$ (ridge / weight decay, L2 — the
*squared* norm).

Careful: ``np.linalg.norm(A, ord=1)`` on a 2-D array is the *matrix* 1-norm (max column sum),
not the sum of all $|a_{ij}|$; :func:`vector_norm` always treats its input as one flat vector.

dtypes: every function computes in the floating dtype of its array (float32 in → float32 out, a
``np.float32`` scalar for the norms and penalties; integers → float64), and the real arguments
``eps`` and ``lam`` must stay finite (``eps`` positive) in that dtype.

See chapter: chapters/normalization.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_int, check_real
from mlnotes.norms.core import as_float, in_dtype


def _check_ord(ord) -> float:
    if isinstance(ord, str) and ord in ("inf", "Inf"):
        return np.inf
    if isinstance(ord, (float, np.floating)) and np.isposinf(ord):
        return np.inf
    return check_real("ord", ord, low=1.0)


def vector_norm(x, ord=2):
    """‖x‖_ord of all entries of x (any shape) for ord ≥ 1 or inf; a scalar of x's floating dtype.

    Same as ``torch.linalg.vector_norm(x, ord)`` and, for 1-D x, ``np.linalg.norm(x, ord)``, except that the
    entries are scaled by the largest one (no overflow to inf beyond ~1e154, no underflow to 0 below ~1e-154
    in float64) and that an empty x has norm 0 for every ord (torch raises for ord=inf). float64 x gives a
    ``np.float64`` (a Python float), float32 x a ``np.float32``. ``ord`` is a real ≥ 1, inf or "inf";
    anything else raises (TypeError for a string such as "fro": matrix norms are not vector norms).
    See chapter: chapters/normalization.md
    """
    x = as_float("x", x)
    p = _check_ord(ord)
    a = np.abs(x.ravel())  # (n,)
    zero = x.dtype.type(0)
    if a.size == 0:
        return zero
    if p == np.inf:
        return a.max()
    top = a.max()
    if top == 0:
        return zero
    return top * np.sum((a / top) ** p) ** (1 / p)  # scaled: no overflow for large entries


def l2_normalize(x, axis: int = -1, eps: float = 1e-12) -> np.ndarray:
    """x divided by its L2 norm along ``axis`` (at least eps); same shape and floating dtype as x.

    As ``F.normalize(x, dim=axis)``. The norm is scaled by the largest entry, so entries beyond ~1e154 (or below
    ~1e-154 with a tiny eps) still give unit vectors, where ``F.normalize`` overflows to 0 (or underflows to x/eps).
    ``eps`` must be > 0 in x's dtype (1e-300 rounds to 0 in float32: ValueError).

    See chapter: chapters/normalization.md
    """
    x = as_float("x", x)
    if x.ndim == 0:
        raise ValueError("x must have at least 1 dimension, got a scalar")
    axis = check_int("axis", axis, low=-x.ndim, high=x.ndim - 1)
    eps = in_dtype("eps", check_real("eps", eps, low=0.0, low_open=True), x.dtype, positive=True)
    top = np.abs(x).max(axis=axis, keepdims=True, initial=0)  # largest |x_i| along axis, kept
    scaled = x / np.where(top > 0, top, 1)  # entries in [-1, 1], the largest ±1: no overflow, no underflow to 0
    r = np.sqrt((scaled**2).sum(axis=axis, keepdims=True))  # ‖x‖₂ / max|x_i|, in [1, √n] (0 for a zero slice)
    r = np.where(r > 0, r, 1)
    unit = top >= eps / r  # ‖x‖₂ = top·r ≥ eps, tested without forming top·r (it may overflow)
    return np.where(unit, scaled / r, x / np.where(unit, 1, eps))  # x/‖x‖₂, or x/eps for a tiny slice


def l1_penalty(w, lam: float):
    """λ‖w‖₁ = λ Σ|w_i| over all entries of w; a scalar of w's floating dtype. See chapter: chapters/normalization.md"""
    w = as_float("w", w)
    lam = in_dtype("lam", check_real("lam", lam, low=0.0), w.dtype)
    return lam * np.abs(w).sum()


def l2_penalty(w, lam: float):
    """λ‖w‖₂² = λ Σ w_i² over all entries of w (squared norm); a scalar of w's floating dtype.

    See chapter: chapters/normalization.md
    """
    w = as_float("w", w)
    lam = in_dtype("lam", check_real("lam", lam, low=0.0), w.dtype)
    return lam * (w**2).sum()
