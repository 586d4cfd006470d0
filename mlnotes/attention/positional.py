r"""Sinusoidal positional encoding (正弦位置编码, Vaswani et al. 2017).

Attention is permutation-equivariant: without position information, shuffling the tokens shuffles
the outputs the same way. The encoding added to the token embeddings is, for position $p$ and
$i = 0, \dots, d/2 - 1$, with frequencies $\omega_i = \text{base}^{-2i/d}$ (base $= 10000$):
$$PE_{p,\,2i} = \sin(\omega_i p),\qquad PE_{p,\,2i+1} = \cos(\omega_i p).$$

Two properties follow from $\sin^2 + \cos^2 = 1$ and the angle-addition formulas:

* the dot product depends only on the offset: $PE_p \cdot PE_{p+k} = \sum_i \cos(\omega_i k)$;
* a shift is a rotation: $PE_{p+k} = R_k\, PE_p$ with $R_k$ block-diagonal, one $2\times2$ block
  $\begin{pmatrix}\cos\omega_i k & \sin\omega_i k\\ -\sin\omega_i k & \cos\omega_i k\end{pmatrix}$
  per frequency, independent of $p$ — so relative positions are a linear function of the encoding.

See chapter: chapters/attention.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_int, check_real


def _check_d(d) -> int:
    """An even model width (sin/cos come in pairs)."""
    d = check_int("d", d, low=2)
    if d % 2:
        raise ValueError(f"d must be even (sin and cos columns come in pairs), got {d}")
    return d


def pe_frequencies(d, base=10000.0) -> np.ndarray:
    """The d/2 angular frequencies ω_i = base^(−2i/d): () -> (d/2,).

    See chapter: chapters/attention.md
    """
    d = _check_d(d)
    base = check_real("base", base, low=1.0, low_open=True)
    return base ** (-np.arange(0, d, 2) / d)  # (d/2,)


def sinusoidal_pe(L, d, base=10000.0) -> np.ndarray:
    """(L, d) sinusoidal encoding: sin(ω_i p) in even columns, cos(ω_i p) in odd ones.

    See chapter: chapters/attention.md
    """
    L = check_int("L", L, low=1)
    omega = pe_frequencies(d, base)  # (d/2,)
    angle = np.arange(L)[:, None] * omega[None, :]  # (L, d/2)
    pe = np.empty((L, 2 * omega.size))  # (L, d)
    pe[:, 0::2] = np.sin(angle)
    pe[:, 1::2] = np.cos(angle)
    return pe


def pe_shift_matrix(k, d, base=10000.0) -> np.ndarray:
    """(d, d) block-rotation R_k with PE[p + k] = R_k @ PE[p] for every position p.

    See chapter: chapters/attention.md
    """
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise TypeError(f"k must be an integer offset, got {type(k).__name__} {k!r}")
    omega = pe_frequencies(d, base)  # (d/2,)
    c, s = np.cos(omega * k), np.sin(omega * k)  # (d/2,)
    R = np.zeros((2 * omega.size, 2 * omega.size))  # (d, d)
    i = np.arange(omega.size)
    R[2 * i, 2 * i], R[2 * i, 2 * i + 1] = c, s  # sin(a + b) = sin a cos b + cos a sin b
    R[2 * i + 1, 2 * i], R[2 * i + 1, 2 * i + 1] = -s, c  # cos(a + b) = cos a cos b − sin a sin b
    return R


def pe_dot_by_offset(max_offset, d, base=10000.0) -> np.ndarray:
    """PE[p]·PE[p + k] = Σ_i cos(ω_i k) for k = 0 … max_offset (the same for every p): -> (max_offset + 1,).

    See chapter: chapters/attention.md
    """
    max_offset = check_int("max_offset", max_offset, low=0)
    omega = pe_frequencies(d, base)  # (d/2,)
    return np.cos(np.arange(max_offset + 1)[:, None] * omega[None, :]).sum(axis=1)  # (K,)
