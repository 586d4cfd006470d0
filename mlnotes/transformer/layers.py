r"""Encoder and decoder layers as objects: weights copied from torch, checked inputs, the kernels of ``blocks``.

``EncoderLayer.from_torch(nn.TransformerEncoderLayer)`` and ``DecoderLayer.from_torch(nn.TransformerDecoderLayer)``
copy the weights (the fused ``in_proj_weight`` $(3d, d)$ is split into $W_Q, W_K, W_V$); calling the layer runs
:func:`mlnotes.transformer.blocks.encoder_layer` / ``decoder_layer``. Masks: bool **True = keep** or floating
(added), as in :mod:`mlnotes.attention`; torch's layers read a bool mask the other way round (True = masked).
The computation keeps the dtype of the weights (float32 or float64); inputs must have that dtype.

See chapter: chapters/transformer.md
"""

from __future__ import annotations

from mlnotes._checks import check_int
from mlnotes.transformer import blocks


def _attn_params(mha) -> dict:
    """W_Q, W_K, W_V (each (d, d), nn.Linear's (out, in)), their biases, W_O and b_O of an nn.MultiheadAttention."""
    d = mha.embed_dim
    w, b = mha.in_proj_weight.detach(), mha.in_proj_bias.detach()  # (3d, d), (3d,): rows q, k, v
    return {"wq": w[:d].clone(), "wk": w[d:2 * d].clone(), "wv": w[2 * d:].clone(),
            "bq": b[:d].clone(), "bk": b[d:2 * d].clone(), "bv": b[2 * d:].clone(),
            "wo": mha.out_proj.weight.detach().clone(), "bo": mha.out_proj.bias.detach().clone()}


def _ffn_params(layer) -> dict:
    return {"w1": layer.linear1.weight.detach().clone(), "b1": layer.linear1.bias.detach().clone(),
            "w2": layer.linear2.weight.detach().clone(), "b2": layer.linear2.bias.detach().clone()}


def _activation_name(layer) -> str:
    import torch.nn.functional as F

    fn = layer.activation
    if fn is F.relu:
        return "relu"
    if fn is F.gelu:
        return "gelu"
    raise ValueError(f"only relu and gelu activations are supported, got {fn!r}")


def _check_torch_layer(layer, cls_name: str):
    import torch

    if type(layer).__name__ != cls_name or not isinstance(layer, torch.nn.Module):
        raise TypeError(f"layer must be a torch.nn.{cls_name}, got {type(layer).__name__}")
    if not layer.self_attn.batch_first:
        raise ValueError("layer must be built with batch_first=True (inputs are (B, T, d))")
    if layer.self_attn.in_proj_weight is None or layer.self_attn.in_proj_bias is None:
        raise ValueError("layer must have a fused in_proj_weight with biases (bias=True, kdim = vdim = d_model)")


def checked_mask(name: str, mask, scores_shape: tuple, like):
    """A mask for the layers' attention: None, a bool keep-mask, or an additive float mask in ``like``'s dtype.

    Bool means True = keep, floating is added to the scores; any other dtype raises TypeError (as torch's SDPA).
    It must broadcast to ``scores_shape`` (B, h, L, S). Checked by :mod:`mlnotes.attention`'s rules.
    """
    from mlnotes.attention.core import _torch_mask

    if mask is None:
        return None
    try:
        return _torch_mask(__import__("torch"), mask, tuple(scores_shape), False, like)
    except (TypeError, ValueError) as err:
        raise type(err)(str(err).replace("mask", name, 1)) from None


def _flatten(p: dict) -> list:
    return [t for v in p.values() for t in (_flatten(v) if isinstance(v, dict) else [v])]


class _Layer:
    """Shared plumbing: parameters, dtype, input checks."""

    def __init__(self, params: dict, num_heads: int, norm_first: bool, activation: str, eps: float):
        if activation not in blocks.ACTIVATIONS:
            raise ValueError(f"activation must be one of {list(blocks.ACTIVATIONS)}, got {activation!r}")
        if not isinstance(norm_first, bool):
            raise TypeError(f"norm_first must be a bool, got {type(norm_first).__name__}")
        self.params, self.norm_first, self.activation, self.eps = params, norm_first, activation, float(eps)
        self.d_model = int(self.parameters()[0].shape[-1])
        self.num_heads = check_int("num_heads", num_heads, low=1)
        if self.d_model % self.num_heads:
            raise ValueError(f"d_model ({self.d_model}) must be divisible by num_heads ({self.num_heads})")

    def parameters(self) -> list:
        """Every weight tensor (set ``requires_grad_`` on them to differentiate through the layer)."""
        return _flatten(self.params)

    @property
    def dtype(self):
        return self.parameters()[0].dtype

    def _check_seq(self, name: str, x):
        import torch

        if not isinstance(x, torch.Tensor):
            raise TypeError(f"{name} must be a torch.Tensor, got {type(x).__name__}")
        if x.dim() != 3 or x.shape[-1] != self.d_model or min(x.shape) == 0:
            raise ValueError(f"{name} must have shape (B, T, d_model={self.d_model}), got {tuple(x.shape)}")
        if x.dtype != self.dtype:
            raise TypeError(f"{name} must have the layer's dtype {self.dtype}, got {x.dtype}")
        return x


class EncoderLayer(_Layer):
    """Self-attention + FFN, post-LN (``norm_first=False``, Vaswani et al.) or pre-LN.

    ``layer(x, mask=None)``: x (B, T, d) -> (B, T, d). See chapter: chapters/transformer.md
    """

    @classmethod
    def from_torch(cls, layer) -> "EncoderLayer":
        """Copy the weights of a ``torch.nn.TransformerEncoderLayer(batch_first=True)``."""
        _check_torch_layer(layer, "TransformerEncoderLayer")
        p = {"attn": _attn_params(layer.self_attn), "ffn": _ffn_params(layer)}
        for i in (1, 2):
            norm = getattr(layer, f"norm{i}")
            p[f"ln{i}_w"], p[f"ln{i}_b"] = norm.weight.detach().clone(), norm.bias.detach().clone()
        return cls(p, layer.self_attn.num_heads, bool(layer.norm_first), _activation_name(layer), layer.norm1.eps)

    def __call__(self, x, mask=None):
        x = self._check_seq("x", x)
        B, T = x.shape[:2]
        mask = checked_mask("mask", mask, (B, self.num_heads, T, T), x)
        return blocks.encoder_layer(x, self.params, self.num_heads, self.norm_first, mask, self.activation, self.eps)


class DecoderLayer(_Layer):
    """Masked self-attention + cross-attention + FFN, post-LN or pre-LN.

    ``layer(y, memory, tgt_mask=None, memory_mask=None)``: y (B, T, d), memory (B, S, d) -> (B, T, d).
    See chapter: chapters/transformer.md
    """

    @classmethod
    def from_torch(cls, layer) -> "DecoderLayer":
        """Copy the weights of a ``torch.nn.TransformerDecoderLayer(batch_first=True)``."""
        _check_torch_layer(layer, "TransformerDecoderLayer")
        p = {"self_attn": _attn_params(layer.self_attn), "cross_attn": _attn_params(layer.multihead_attn),
             "ffn": _ffn_params(layer)}
        for i in (1, 2, 3):
            norm = getattr(layer, f"norm{i}")
            p[f"ln{i}_w"], p[f"ln{i}_b"] = norm.weight.detach().clone(), norm.bias.detach().clone()
        return cls(p, layer.self_attn.num_heads, bool(layer.norm_first), _activation_name(layer), layer.norm1.eps)

    def __call__(self, y, memory, tgt_mask=None, memory_mask=None):
        y, memory = self._check_seq("y", y), self._check_seq("memory", memory)
        if memory.shape[0] != y.shape[0]:
            raise ValueError(f"memory must have the batch size of y ({y.shape[0]}), got {memory.shape[0]}")
        (B, T), S, h = y.shape[:2], memory.shape[1], self.num_heads
        tgt_mask = checked_mask("tgt_mask", tgt_mask, (B, h, T, T), y)
        memory_mask = checked_mask("memory_mask", memory_mask, (B, h, T, S), y)
        return blocks.decoder_layer(y, memory, self.params, self.num_heads, self.norm_first, tgt_mask, memory_mask,
                                    self.activation, self.eps)
