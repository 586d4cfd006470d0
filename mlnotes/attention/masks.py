r"""Attention masks as boolean arrays, **True = query $i$ may attend to key $j$** (torch SDPA's convention).

* causal (因果/下三角): $M_{ij} = [\,j \le i\,]$, so a decoder never sees the future;
* padding (填充): $M_{bj} = [\,j < \text{length}_b\,]$, a per-sequence key mask of shape (B, 1, S) that
  broadcasts over the queries;
* sliding window (局部/截断注意力, "truncated self-attention"): symmetric
  $M_{ij} = [\,|i - j| \le w\,]$ ($2w + 1$ keys), or causal $M_{ij} = [\,0 \le i - j \le w\,]$
  (the token itself and the $w$ before it);
* combining masks is a logical AND (a key is kept only if every mask keeps it).

``nn.MultiheadAttention`` uses the *opposite* convention for its ``attn_mask`` and ``key_padding_mask``
(True = masked out): pass ``~mask`` there.

See chapter: chapters/attention.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_array, check_int


def causal_mask(L, S=None) -> np.ndarray:
    """(L, S) bool lower-triangular mask, True where key j ≤ query i (top-left aligned, as torch).

    See chapter: chapters/attention.md
    """
    L = check_int("L", L, low=1)
    S = L if S is None else check_int("S", S, low=1)
    return np.tril(np.ones((L, S), dtype=bool))


def padding_mask(lengths, L) -> np.ndarray:
    """(B, 1, L) bool key mask, True for the first lengths[b] (real) tokens of sequence b.

    See chapter: chapters/attention.md
    """
    L = check_int("L", L, low=1)
    if np.asarray(lengths).dtype == bool:
        raise TypeError("lengths must be integers (one length per sequence), got a bool array; a boolean "
                        "keep-mask is already a padding mask")
    lengths = check_array("lengths", lengths, ndim=1, dtype=float)
    if lengths.size == 0:
        raise ValueError("lengths must not be empty: one length per sequence in the batch")
    if np.any(lengths != np.round(lengths)) or np.any(lengths < 1) or np.any(lengths > L):
        raise ValueError(f"lengths must be integers in [1, L={L}] (a sequence needs at least one real token), "
                         f"got {lengths.tolist()}")
    keep = np.arange(L)[None, :] < lengths.astype(int)[:, None]  # (B, L)
    return keep[:, None, :]  # (B, 1, L): broadcasts over the query axis


def sliding_window_mask(L, window, causal=False) -> np.ndarray:
    """(L, L) bool band mask: |i − j| ≤ window (symmetric) or 0 ≤ i − j ≤ window (causal).

    See chapter: chapters/attention.md
    """
    L = check_int("L", L, low=1)
    window = check_int("window", window, low=0)
    if not isinstance(causal, (bool, np.bool_)):
        raise TypeError(f"causal must be a bool, got {type(causal).__name__}")
    return _band(L, window, bool(causal))


def _band(L: int, window: int, causal: bool) -> np.ndarray:
    """Query i keeps key j when |i − j| ≤ window, or 0 ≤ i − j ≤ window if causal: (L, L) bool."""
    offset = np.arange(L)[:, None] - np.arange(L)[None, :]  # (L, L): i − j
    if causal:
        return (offset >= 0) & (offset <= window)  # the token itself and the `window` before it
    return np.abs(offset) <= window  # 2·window + 1 keys (fewer at the edges)


def combine_masks(*masks) -> np.ndarray:
    """Logical AND of boolean masks, broadcast together (e.g. (L, L) and (B, 1, L) -> (B, L, L)).

    See chapter: chapters/attention.md
    """
    if len(masks) == 0:
        raise ValueError("combine_masks needs at least one mask")
    arrays = []
    for i, m in enumerate(masks):
        a = np.asarray(m)
        if a.dtype != bool:
            raise TypeError(f"masks[{i}] must be a boolean array (True = keep), got dtype {a.dtype}")
        arrays.append(a)
    try:
        shape = np.broadcast_shapes(*(a.shape for a in arrays))
    except ValueError:
        raise ValueError(f"masks must broadcast together, got shapes {[a.shape for a in arrays]}") from None
    out = np.ones(shape, dtype=bool)
    for a in arrays:
        out &= a
    return out
