r"""The encoder layer of :mod:`mlnotes.transformer.blocks` in numpy, built from the book's numpy parts (no torch).

Same layer, same parameter dict as :func:`mlnotes.transformer.blocks.encoder_layer` (weights in ``nn.Linear``'s
(out, in) layout, here numpy arrays): post-LN $x \leftarrow \operatorname{LN}_1(x + \operatorname{MHA}(x))$,
$x \leftarrow \operatorname{LN}_2(x + \operatorname{FFN}(x))$, or pre-LN $x \leftarrow x + \operatorname{Sub}
(\operatorname{LN}(x))$. Its parts are the numpy implementations the other chapters prove equal to torch:
multi-head attention is :class:`mlnotes.attention.MultiHeadAttention` (= ``nn.MultiheadAttention``), LayerNorm is
:func:`mlnotes.norms.layer_norm` (= ``F.layer_norm``); the FFN is $\phi(xW_1^\top + b_1)W_2^\top + b_2$.
It is what the drill checker compares with where torch is unavailable (the reader's browser); the unit tests
prove it equal to ``torch.nn.TransformerEncoderLayer(dropout=0, batch_first=True)``.

See chapter: chapters/transformer.md
"""

from __future__ import annotations

import math

import numpy as np

ACTIVATIONS = ("relu", "gelu", "gelu_tanh")


def _activation(x, name):
    """ReLU, exact GELU x·Φ(x) (math.erf per entry: numpy has no erf), or GELU's tanh form."""
    if name == "relu":
        return np.maximum(x, 0)
    if name == "gelu":
        return 0.5 * x * (1 + np.vectorize(math.erf, otypes=[x.dtype])(x / math.sqrt(2)))  # x·Φ(x)
    if name == "gelu_tanh":
        return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))
    raise ValueError(f"act must be one of {ACTIVATIONS}, got {name!r}")


def _attention(p, num_heads):
    """A :class:`mlnotes.attention.MultiHeadAttention` holding ``p``'s weights (stored for x @ W: transposed)."""
    from mlnotes.attention.multihead import MultiHeadAttention

    d = p["wq"].shape[0]
    mha = MultiHeadAttention(d, num_heads)
    mha.w_q, mha.w_k, mha.w_v, mha.w_o = p["wq"].T, p["wk"].T, p["wv"].T, p["wo"].T
    mha.b_q, mha.b_k, mha.b_v, mha.b_o = p["bq"], p["bk"], p["bv"], p["bo"]
    return mha


def encoder_layer_numpy(x, p, num_heads, norm_first=False, mask=None, act="relu", eps=1e-5) -> np.ndarray:
    """:func:`mlnotes.transformer.blocks.encoder_layer` on numpy arrays: x (B, T, d) -> (B, T, d), float64.

    ``p``: ``{"attn": {"wq", "wk", "wv", "wo", "bq", "bk", "bv", "bo"}, "ffn": {"w1", "b1", "w2", "b2"},
    "ln1_w", "ln1_b", "ln2_w", "ln2_b"}`` (``EncoderLayer.params`` as numpy). ``mask``: None, bool (T, T)
    True = keep, or floating (added to the scores). See chapter: chapters/transformer.md
    """
    from mlnotes.norms.layers import layer_norm

    x = np.asarray(x, dtype=np.float64)
    d = x.shape[-1]
    mha = _attention(p["attn"], num_heads)
    f = p["ffn"]

    def attn(z):
        return mha(z, attn_mask=mask, need_weights=False)[0]

    def ffn(z):
        return _activation(z @ f["w1"].T + f["b1"], act) @ f["w2"].T + f["b2"]  # (B, T, d_ff) -> (B, T, d)

    def ln1(z):
        return layer_norm(z, d, p["ln1_w"], p["ln1_b"], eps)

    def ln2(z):
        return layer_norm(z, d, p["ln2_w"], p["ln2_b"], eps)

    if norm_first:  # pre-LN: x + Sub(LN(x))
        x = x + attn(ln1(x))
        return x + ffn(ln2(x))
    x = ln1(x + attn(x))  # post-LN: LN(x + Sub(x))
    return ln2(x + ffn(x))
