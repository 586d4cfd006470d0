r"""Relative position schemes used by LLMs: RoPE (旋转位置编码) and ALiBi.

**RoPE** (Su et al., 2021). For a query or key $x \in \mathbb R^{d}$ at position $m$, rotate each pair of
coordinates $(x_{2i}, x_{2i+1})$ by the angle $m\theta_i$, $\theta_i = \text{base}^{-2i/d}$:
$$\operatorname{RoPE}(x, m)_{2i} = x_{2i}\cos m\theta_i - x_{2i+1}\sin m\theta_i,\quad
\operatorname{RoPE}(x, m)_{2i+1} = x_{2i}\sin m\theta_i + x_{2i+1}\cos m\theta_i .$$
Rotations preserve length and $R_m^\top R_n = R_{n-m}$, so the attention score
$\operatorname{RoPE}(q, m)\cdot\operatorname{RoPE}(k, n) = q^\top R_{n-m} k$ depends on the positions only through
$n - m$. This is the "interleaved" pairing of the paper; Hugging Face's LLaMA pairs coordinate $i$ with
$i + d/2$ ("rotate half") — the same rotation after a fixed permutation of the coordinates (tested).

**ALiBi** (Press et al., 2022). No position embedding at all; head $j = 1..h$ adds a linear penalty to the
causal scores, $\text{bias}_{ij}^{(\text{head})} = -s_{\text{head}}\,(i - j)$ for key $j \le i$, with slopes
$s = 2^{-8/h}, 2^{-16/h}, \dots, 2^{-8}$ (a geometric sequence; for $h$ not a power of two the paper
interleaves the slopes of the nearest powers). It is an additive float mask for SDPA.

See chapter: chapters/llm.md
"""

from __future__ import annotations

import math

import numpy as np

from mlnotes._checks import check_int, check_real


def rope_angles(positions, d, base=10000.0) -> np.ndarray:
    """Angles m·θ_i, θ_i = base^(−2i/d): positions (T,) -> (T, d/2). See chapter: chapters/llm.md"""
    d = check_int("d", d, low=2)
    if d % 2:
        raise ValueError(f"d must be even (coordinates are rotated in pairs), got {d}")
    base = check_real("base", base, low=1.0, low_open=True)
    m = np.asarray(positions, dtype=np.float64).reshape(-1)  # (T,)
    theta = base ** (-np.arange(0, d, 2) / d)  # (d/2,)
    return m[:, None] * theta[None, :]  # (T, d/2)


def apply_rope(x, positions, base=10000.0) -> np.ndarray:
    """Rotate pairs (x_2i, x_2i+1) of x (..., T, d) by position·θ_i; same shape and floating dtype.

    See chapter: chapters/llm.md
    """
    x = np.asarray(x)
    if x.dtype.kind != "f" or x.ndim < 2:
        raise TypeError("x must be a floating array of shape (..., T, d)")
    angles = rope_angles(positions, x.shape[-1], base)  # (T, d/2)
    if angles.shape[0] != x.shape[-2]:
        raise ValueError(f"need one position per row: x has {x.shape[-2]} rows, got {angles.shape[0]} positions")
    return _rotate_pairs(x, np.cos(angles).astype(x.dtype), np.sin(angles).astype(x.dtype))


def _rotate_pairs(x, cos, sin):
    """(x_even, x_odd) -> (x_even cos − x_odd sin, x_even sin + x_odd cos), pair by pair."""
    even, odd = x[..., 0::2], x[..., 1::2]  # (..., T, d/2)
    out = np.empty_like(x)
    out[..., 0::2] = even * cos - odd * sin
    out[..., 1::2] = even * sin + odd * cos
    return out


def alibi_slopes(num_heads) -> np.ndarray:
    """ALiBi's per-head slopes (h,): 2^(−8/h · j), j = 1..h for h a power of 2; the paper's interleaving otherwise.

    See chapter: chapters/llm.md
    """
    h = check_int("num_heads", num_heads, low=1)

    def power_of_two(n):
        start = 2 ** (-(2 ** -(math.log2(n) - 3)))  # = 2^(−8/n)
        return [start ** (j + 1) for j in range(n)]

    if math.log2(h).is_integer():
        return np.array(power_of_two(h))
    closest = 2 ** math.floor(math.log2(h))
    extra = power_of_two(2 * closest)[0::2][: h - closest]  # every other slope of the next power of two
    return np.array(power_of_two(closest) + extra)


def alibi_bias(num_heads, L) -> np.ndarray:
    """Additive mask (h, L, L): −slope·(i − j) for keys j ≤ i, −inf above the diagonal (causal).

    See chapter: chapters/llm.md
    """
    L = check_int("L", L, low=1)
    slopes = alibi_slopes(num_heads)  # (h,)
    distance = np.arange(L)[:, None] - np.arange(L)[None, :]  # (L, L): i − j
    bias = -slopes[:, None, None] * distance[None]  # (h, L, L)
    return np.where(distance[None] >= 0, bias, -np.inf)
