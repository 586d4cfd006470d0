r"""Erratum 18: the notes' Transformer input (embedding + positional encoding) code.

The notes write ``EmbeddingLayer.forward`` as ``self.embedding(x) * torch.sqrt(self.d_model)`` and then, in
``PositionEncoding.forward``, multiply the input by ``torch.sqrt(self.d_model)`` *again* before adding the
encoding. Two bugs:

1. ``torch.sqrt`` takes a tensor; ``self.d_model`` is a Python ``int``, so the line raises ``TypeError``
   (use ``math.sqrt(d_model)``).
2. Fixed that way, the token embedding is scaled by $\sqrt d \cdot \sqrt d = d$ instead of $\sqrt d$ once
   (Vaswani et al., 2017, §3.4). With embeddings of variance $1/d$ (the scale the $\sqrt d$ factor is meant for),
   the token part of the input then has variance $d$ per coordinate instead of 1, while the sinusoidal encoding
   keeps a mean square of $1/2$ per coordinate: the share of the input's energy that carries position falls from
   $\tfrac{1/2}{1 + 1/2} = 1/3$ to $\tfrac{1/2}{d + 1/2}$, and the same token at different positions gives
   almost the same vector.

See chapter: chapters/transformer.md
"""

from __future__ import annotations

import math

import numpy as np

from mlnotes._checks import check_int


def transformer_input(token_ids, d_model, as_in_notes=False, seed=0, max_len=512) -> np.ndarray:
    """Input vectors x = s·E[token] + PE[position] (T, d) for one sequence, s = √d (right) or d (the notes).

    ``E`` has rows drawn from N(0, 1/d) (seeded); ``PE`` is the sinusoidal encoding of mlnotes.attention.
    See chapter: chapters/transformer.md
    """
    from mlnotes.attention import sinusoidal_pe

    d = check_int("d_model", d_model, low=2)
    ids = np.asarray(token_ids)
    if ids.ndim != 1 or ids.size == 0 or ids.dtype.kind not in "iu" or ids.min() < 0:
        raise ValueError("token_ids must be a non-empty 1-D array of non-negative integers")
    if ids.size > max_len:
        raise ValueError(f"at most max_len={max_len} tokens, got {ids.size}")
    E = np.random.default_rng(seed).standard_normal((int(ids.max()) + 1, d)) / math.sqrt(d)  # (V, d), var 1/d
    scale = d if as_in_notes else math.sqrt(d)  # the notes multiply by √d twice
    return E[ids] * scale + sinusoidal_pe(ids.size, d)  # (T, d)


def position_share(d_model, as_in_notes=False) -> float:
    """Expected share of the input's energy carried by the positional encoding: (1/2) / (s²/d + 1/2).

    See chapter: chapters/transformer.md
    """
    d = check_int("d_model", d_model, low=2)
    token_var = (d * d if as_in_notes else d) / d  # (scale²)·(1/d) per coordinate
    return 0.5 / (token_var + 0.5)


def same_token_similarity(d_model, as_in_notes=False, positions=64) -> float:
    """Mean cosine similarity of the input vectors of one token placed at ``positions`` different positions.

    Near 1: the positions are invisible. See chapter: chapters/transformer.md
    """
    x = transformer_input(np.zeros(check_int("positions", positions, low=2), dtype=int), d_model, as_in_notes)
    x = x / np.linalg.norm(x, axis=1, keepdims=True)  # (T, d) unit rows
    sim = x @ x.T  # (T, T)
    n = sim.shape[0]
    return float((sim.sum() - n) / (n * (n - 1)))  # mean over pairs of different positions
