r"""Online softmax and tiled attention: the idea behind FlashAttention (Dao et al., 2022), in numpy.

**Online softmax** (Milakov & Gimelshein, 2018): read a row $x_1, \dots, x_n$ once, keeping the running maximum
$m$ and the running sum $\ell = \sum_j e^{x_j - m}$. A new value $x$ updates
$$m' = \max(m, x),\qquad \ell' = \ell\, e^{m - m'} + e^{x - m'},$$
rescaling the old sum to the new maximum; at the end $\operatorname{softmax}(x)_j = e^{x_j - m}/\ell$.

**Tiled attention.** The same trick works on blocks of keys and carries the output along: for a block of scores
$s$ (one query row against $B_k$ keys) with values $V_{blk}$,
$$m' = \max(m, \max s),\quad \ell' = \ell e^{m-m'} + \textstyle\sum e^{s - m'},\quad
o' = o\, e^{m - m'} + e^{s - m'} V_{blk},$$
and the answer is $o/\ell$. Only one block of scores exists at a time: the $L\times S$ matrix is never stored.
FlashAttention does this in on-chip memory of a GPU, which is why it is fast (less memory traffic); here it
shows that the blocked computation is *exact* (equal to :func:`mlnotes.attention.sdpa_numpy`).

See chapter: chapters/llm.md
"""

from __future__ import annotations

import math

import numpy as np

from mlnotes._checks import check_int


def online_softmax(x) -> np.ndarray:
    """Softmax of a 1-D array computed in one pass for the normaliser (running max and sum). Same dtype.

    See chapter: chapters/llm.md
    """
    x = np.asarray(x)
    if x.ndim != 1 or x.size == 0 or x.dtype.kind != "f":
        raise ValueError("x must be a non-empty 1-D floating array")
    m, total = -np.inf, 0.0
    for value in x:  # one pass: keep the max so far and the sum rescaled to it
        m_new = max(m, value)
        total = total * math.exp(m - m_new) + math.exp(value - m_new)
        m = m_new
    return (np.exp(x - m) / total).astype(x.dtype)


def tiled_attention(q, k, v, block_size=4, causal=False) -> np.ndarray:
    """softmax(q kᵀ/√d + mask) v over key blocks of ``block_size``, with a running max, sum and output per row.

    q (L, d), k (S, d), v (S, d_v) -> (L, d_v) in their common floating dtype (float32 in → float32 out; integers
    become float64); ``causal``: query i sees keys j ≤ i. See chapter: chapters/llm.md
    """
    q, k, v = (np.asarray(a) for a in (q, k, v))
    dtype = np.result_type(*(a.dtype if a.dtype.kind == "f" else np.float64 for a in (q, k, v)))
    q, k, v = (a.astype(dtype, copy=False) for a in (q, k, v))
    if q.ndim != 2 or k.ndim != 2 or v.ndim != 2 or q.shape[1] != k.shape[1] or k.shape[0] != v.shape[0]:
        raise ValueError("q, k, v must have shapes (L, d), (S, d), (S, d_v)")
    Bk = check_int("block_size", block_size, low=1)
    return _tiled(q, k, v, Bk, bool(causal))


def _tiled(q, k, v, Bk, causal):
    L, d = q.shape
    m = np.full(L, -np.inf, dtype=q.dtype)  # running max of each query row
    ell = np.zeros(L, dtype=q.dtype)  # running sum of exp(score − m)
    o = np.zeros((L, v.shape[1]), dtype=q.dtype)  # running (unnormalised) output
    for start in range(0, k.shape[0], Bk):
        s = q @ k[start:start + Bk].T * q.dtype.type(1 / math.sqrt(d))  # (L, Bk): one block of scores
        if causal:
            s = np.where(np.arange(start, start + s.shape[1])[None, :] <= np.arange(L)[:, None], s, -np.inf)
        m_new = np.maximum(m, s.max(axis=1))  # (L,)
        alpha = np.exp(np.where(np.isinf(m), -np.inf, m - m_new))  # rescale what was summed so far (0 at start)
        p = np.exp(s - np.where(np.isinf(m_new), 0, m_new)[:, None])  # (L, Bk)
        ell = ell * alpha + p.sum(axis=1)
        o = o * alpha[:, None] + p @ v[start:start + Bk]
        m = m_new
    return o / ell[:, None]
