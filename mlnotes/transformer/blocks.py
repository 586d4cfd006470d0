r"""Transformer encoder and decoder layers (编码器层 / 解码器层) from scratch in plain torch tensors.

A layer maps a sequence of $T$ token vectors $x \in \mathbb R^{T\times d}$ to a sequence of the same shape.
Sublayers, with weights stored as ``nn.Linear`` stores them ($y = xW^\top + b$):

* multi-head attention $\operatorname{MHA}(x_q, x_{kv})$: $Q = x_qW_Q^\top + b_Q$, $K = x_{kv}W_K^\top + b_K$,
  $V = x_{kv}W_V^\top + b_V$, split into $h$ heads of width $d/h$, $\operatorname{softmax}(QK^\top/\sqrt{d/h} + M)V$
  per head (computed by :func:`mlnotes.attention.sdpa_torch`), heads concatenated, then $W_O$;
* the position-wise feed-forward network (前馈网络, FFN): $\operatorname{FFN}(x) = \phi(xW_1^\top + b_1)W_2^\top + b_2$
  with $W_1 \in \mathbb R^{d_{ff}\times d}$, $W_2 \in \mathbb R^{d\times d_{ff}}$, $\phi$ = ReLU or GELU;
* LayerNorm over the $d$ features of each token: $\operatorname{LN}(x) = \gamma\odot(x-\mu)/\sqrt{\sigma^2+\epsilon} + \beta$.

**Post-LN** (Vaswani et al., 2017), normalise after each residual sum:
$x \leftarrow \operatorname{LN}(x + \operatorname{Sub}(x))$. **Pre-LN** (GPT-2 and most later models), normalise
each sublayer's input and keep an identity path: $x \leftarrow x + \operatorname{Sub}(\operatorname{LN}(x))$.
An encoder layer has two sublayers (self-attention, FFN); a decoder layer three (masked self-attention,
cross-attention over the encoder output ``memory``, FFN).

Masks follow the book (and torch SDPA): bool **True = keep**, or floating (added to the scores).
``torch.nn.TransformerEncoderLayer`` / ``TransformerDecoderLayer`` take bool masks with the opposite meaning
(True = masked out). Dropout is not modelled (the layers equal torch's with ``dropout=0`` or in ``eval()``).

See chapter: chapters/transformer.md
"""

from __future__ import annotations

import math
from dataclasses import dataclass

ACTIVATIONS = ("relu", "gelu", "gelu_tanh")


def layer_norm(x, weight, bias, eps=1e-5):
    """LayerNorm over the last axis: (..., d) -> (..., d)."""
    mu = x.mean(dim=-1, keepdim=True)  # (..., 1)
    var = ((x - mu) ** 2).mean(dim=-1, keepdim=True)  # (..., 1): biased variance, as torch
    return (x - mu) / (var + eps).sqrt() * weight + bias


def activation(x, name):
    """ReLU, exact GELU x·Φ(x), or GELU's tanh approximation (GPT-2)."""
    import torch

    if name == "relu":
        return torch.clamp(x, min=0)
    if name == "gelu":
        return 0.5 * x * (1 + torch.erf(x / math.sqrt(2)))  # x·Φ(x)
    c = math.sqrt(2 / math.pi)
    return 0.5 * x * (1 + torch.tanh(c * (x + 0.044715 * x**3)))  # Hendrycks & Gimpel's tanh form


def feed_forward(x, p, act):
    """FFN(x) = φ(x W1ᵀ + b1) W2ᵀ + b2, applied to every position alone: (B, T, d) -> (B, T, d)."""
    h = activation(x @ p["w1"].T + p["b1"], act)  # (B, T, d_ff)
    return h @ p["w2"].T + p["b2"]  # (B, T, d)


def multi_head_attention(x_q, x_kv, p, num_heads, mask=None):
    """Project, split into heads, attend (the kernel of mlnotes.attention.sdpa_torch), merge, project: -> (B, L, d).

    ``mask``: None, a bool keep-mask or an additive float mask, already checked (see ``layers.checked_mask``).
    """
    import torch

    from mlnotes.attention.core import _sdpa_torch

    B, L, d = x_q.shape
    S, dh = x_kv.shape[1], d // num_heads
    q = (x_q @ p["wq"].T + p["bq"]).view(B, L, num_heads, dh).transpose(1, 2)  # (B, h, L, d_h)
    k = (x_kv @ p["wk"].T + p["bk"]).view(B, S, num_heads, dh).transpose(1, 2)  # (B, h, S, d_h)
    v = (x_kv @ p["wv"].T + p["bv"]).view(B, S, num_heads, dh).transpose(1, 2)  # (B, h, S, d_h)
    heads, _ = _sdpa_torch(torch, q, k, v, mask, 1 / math.sqrt(dh))  # (B, h, L, d_h): softmax(qkᵀ/√d_h + M) v
    return heads.transpose(1, 2).reshape(B, L, d) @ p["wo"].T + p["bo"]  # (B, L, d)


def encoder_layer(x, p, num_heads, norm_first=False, mask=None, act="relu", eps=1e-5):
    """Self-attention then FFN, each with a residual connection and LayerNorm: (B, T, d) -> (B, T, d)."""
    ln1 = lambda z: layer_norm(z, p["ln1_w"], p["ln1_b"], eps)  # noqa: E731
    ln2 = lambda z: layer_norm(z, p["ln2_w"], p["ln2_b"], eps)  # noqa: E731
    if norm_first:  # pre-LN: x + Sub(LN(x)), an identity path from input to output
        z = ln1(x)
        x = x + multi_head_attention(z, z, p["attn"], num_heads, mask)
        return x + feed_forward(ln2(x), p["ffn"], act)
    x = ln1(x + multi_head_attention(x, x, p["attn"], num_heads, mask))  # post-LN: LN(x + Sub(x))
    return ln2(x + feed_forward(x, p["ffn"], act))


def decoder_layer(y, memory, p, num_heads, norm_first=False, tgt_mask=None, memory_mask=None, act="relu",
                  eps=1e-5):
    """Masked self-attention, cross-attention over ``memory`` (B, S, d), FFN: (B, T, d) -> (B, T, d)."""
    ln = [lambda z, i=i: layer_norm(z, p[f"ln{i}_w"], p[f"ln{i}_b"], eps) for i in (1, 2, 3)]
    if norm_first:
        z = ln[0](y)
        y = y + multi_head_attention(z, z, p["self_attn"], num_heads, tgt_mask)  # causal: no peeking
        y = y + multi_head_attention(ln[1](y), memory, p["cross_attn"], num_heads, memory_mask)  # Q: decoder
        return y + feed_forward(ln[2](y), p["ffn"], act)
    y = ln[0](y + multi_head_attention(y, y, p["self_attn"], num_heads, tgt_mask))
    y = ln[1](y + multi_head_attention(y, memory, p["cross_attn"], num_heads, memory_mask))  # K, V: encoder
    return ln[2](y + feed_forward(y, p["ffn"], act))
