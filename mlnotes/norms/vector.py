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

See chapter: chapters/normalization.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_array, check_int, check_real


def _check_ord(ord) -> float:
    if isinstance(ord, str) and ord in ("inf", "Inf"):
        return np.inf
    if isinstance(ord, (float, np.floating)) and np.isposinf(ord):
        return np.inf
    return check_real("ord", ord, low=1.0)


def vector_norm(x, ord=2) -> float:
    """‖x‖_ord of all entries of x (any shape) for ord ≥ 1 or inf; a float.

    Same as ``torch.linalg.vector_norm(x, ord)`` and, for 1-D x, ``np.linalg.norm(x, ord)``, except that the
    entries are scaled by the largest one (no overflow to inf beyond ~1e154, no underflow to 0 below ~1e-154)
    and that an empty x has norm 0 for every ord (torch raises for ord=inf).
    See chapter: chapters/normalization.md
    """
    x = check_array("x", x)
    p = _check_ord(ord)
    a = np.abs(x.ravel())  # (n,)
    if a.size == 0:
        return 0.0
    if p == np.inf:
        return float(a.max())
    top = a.max()
    if top == 0:
        return 0.0
    return float(top * np.sum((a / top) ** p) ** (1.0 / p))  # scaled: no overflow for large entries


def l2_normalize(x, axis: int = -1, eps: float = 1e-12) -> np.ndarray:
    """x divided by its L2 norm along ``axis`` (at least eps); same shape as x. As ``F.normalize(x, dim=axis)``.

    The norm is scaled by the largest entry, so entries beyond ~1e154 (or below ~1e-154 with a tiny eps) still
    give unit vectors, where ``F.normalize`` overflows to 0 (or underflows to x/eps).

    See chapter: chapters/normalization.md
    """
    x = check_array("x", x)
    if x.ndim == 0:
        raise ValueError("x must have at least 1 dimension, got a scalar")
    axis = check_int("axis", axis, low=-x.ndim, high=x.ndim - 1)
    eps = check_real("eps", eps, low=0.0, low_open=True)
    top = np.abs(x).max(axis=axis, keepdims=True, initial=0.0)  # largest |x_i| along axis, kept
    scaled = x / np.where(top > 0, top, 1.0)  # entries in [-1, 1], the largest ±1: no overflow, no underflow to 0
    r = np.sqrt((scaled**2).sum(axis=axis, keepdims=True))  # ‖x‖₂ / max|x_i|, in [1, √n] (0 for a zero slice)
    r = np.where(r > 0, r, 1.0)
    unit = top >= eps / r  # ‖x‖₂ = top·r ≥ eps, tested without forming top·r (it may overflow)
    return np.where(unit, scaled / r, x / np.where(unit, 1.0, eps))  # x/‖x‖₂, or x/eps for a tiny slice


def l1_penalty(w, lam: float) -> float:
    """λ‖w‖₁ = λ Σ|w_i| over all entries of w; a float. See chapter: chapters/normalization.md"""
    lam = check_real("lam", lam, low=0.0)
    return lam * float(np.abs(check_array("w", w)).sum())


def l2_penalty(w, lam: float) -> float:
    """λ‖w‖₂² = λ Σ w_i² over all entries of w (squared norm); a float. See chapter: chapters/normalization.md"""
    lam = check_real("lam", lam, low=0.0)
    return lam * float((check_array("w", w) ** 2).sum())
