r"""Multi-head attention (多头注意力) from scratch in numpy, equal to ``torch.nn.MultiheadAttention``.

With $h$ heads of size $d_h = d/h$ and row-vector inputs $X_q \in \mathbb R^{L\times d}$,
$X_k \in \mathbb R^{S\times d_{k}}$, $X_v \in \mathbb R^{S\times d_{v}}$:
$$Q = X_q W_Q + b_Q,\quad K = X_k W_K + b_K,\quad V = X_v W_V + b_V \qquad (\text{each } \cdot \times d),$$
$$\text{head}_i = \operatorname{softmax}\!\Big(\frac{Q_i K_i^\top}{\sqrt{d_h}} + M\Big) V_i,\qquad
\operatorname{MHA} = [\text{head}_1, \dots, \text{head}_h]\, W_O + b_O,$$
where $Q_i$ is columns $i d_h \dots (i+1) d_h - 1$ of $Q$ (split heads = reshape $(B, L, h, d_h)$ then
transpose to $(B, h, L, d_h)$). Self-attention (自注意力): $X_q = X_k = X_v$; cross-attention
(交叉注意力): queries from one sequence (length $L$), keys and values from another (length $S$).

Parameters: $W_Q, W_K, W_V, W_O \in \mathbb R^{d\times d}$ plus four biases, i.e. $4d^2 + 4d$, whatever
$h$ is. The fused form stacks $W_{QKV} = [W_Q, W_K, W_V] \in \mathbb R^{d\times 3d}$: one matmul, then
split the $3d$ columns into $Q, K, V$ — the same numbers.

Weights are stored for ``x @ W`` (shape (in, out)); torch's ``nn.Linear`` stores the transpose.
Masks follow torch's ``scaled_dot_product_attention``: bool **True = keep** (``key_mask`` (B, S) marks
real tokens), floating = added to the scores, any other dtype (a 0/1 integer mask) a ``TypeError``.
``nn.MultiheadAttention``'s bool ``attn_mask`` / ``key_padding_mask`` mean the opposite (True = masked
out). A query with every key masked gets a zero attention output (so the result row is $b_O$); torch's
module returns NaN there with its default ``need_weights=True``. Computation happens in the floating dtype
of the inputs (float32 in → float32 out).

See chapter: chapters/attention.md
"""

from __future__ import annotations

import math

import numpy as np

from mlnotes._checks import check_int
from mlnotes.attention._arrays import additive_mask, checked_mask, common_float_dtype, float_array
from mlnotes.attention.core import _check_flag, _sdpa


def mha_param_count(d_model, num_heads, bias=True) -> int:
    """Number of parameters of multi-head attention: 4d² (+ 4d with biases), independent of num_heads.

    See chapter: chapters/attention.md
    """
    d = check_int("d_model", d_model, low=1)
    h = check_int("num_heads", num_heads, low=1)
    if d % h:
        raise ValueError(f"d_model must be divisible by num_heads, got d_model={d}, num_heads={h}")
    return 4 * d * d + (4 * d if bias else 0)


def split_heads(x, num_heads) -> np.ndarray:
    """(B, L, d) -> (B, h, L, d/h): head i takes columns i·d_h … (i+1)·d_h − 1.

    See chapter: chapters/attention.md
    """
    x = float_array("x", x, ndim=3)
    h = check_int("num_heads", num_heads, low=1)
    B, L, d = x.shape
    if d % h:
        raise ValueError(f"the last axis of x ({d}) must be divisible by num_heads ({h})")
    return _split_heads(x, h)


def _split_heads(x, h):
    """(B, L, d) -> (B, h, L, d/h): reshape the columns into heads, then move the head axis forward."""
    B, L, d = x.shape
    return x.reshape(B, L, h, d // h).transpose(0, 2, 1, 3)  # (B, h, L, d_h)


def _merge_heads(x):
    """(B, h, L, d_h) -> (B, L, h·d_h): undo _split_heads (concatenate the heads)."""
    B, h, L, dh = x.shape
    return x.transpose(0, 2, 1, 3).reshape(B, L, h * dh)  # (B, L, d)


def merge_heads(x) -> np.ndarray:
    """(B, h, L, d_h) -> (B, L, h·d_h): the inverse of split_heads (concatenate the heads).

    See chapter: chapters/attention.md
    """
    return _merge_heads(float_array("x", x, ndim=4))


def attention_bias(B, h, L, S, key_mask=None, attn_mask=None, is_causal=False, dtype=None) -> np.ndarray | None:
    """One additive mask, broadcastable to (B, h, L, S), from key_mask, attn_mask and is_causal (or None).

    ``key_mask``: bool (B, S), True = real token; ``attn_mask``: bool (True = keep) or floating (additive), of
    shape (L, S), (B, L, S) (same for every head) or (B, h, L, S). Any other mask dtype (e.g. a 0/1 integer
    mask) raises TypeError. ``dtype``: of the result; by default a floating ``attn_mask``'s dtype, else float64.

    See chapter: chapters/attention.md
    """
    am = None if attn_mask is None else checked_mask("attn_mask", attn_mask)
    if dtype is None:
        dtype = am.dtype if am is not None and am.dtype != bool else np.float64
    if np.dtype(dtype).kind != "f":
        raise TypeError(f"dtype must be a floating dtype (the additive mask holds -inf), got {np.dtype(dtype)}")
    bias = None
    if key_mask is not None:
        km = np.asarray(key_mask)
        if km.dtype != bool:
            raise TypeError(f"key_mask must be a bool array (True = real token), got dtype {km.dtype}")
        if km.shape != (B, S):
            raise ValueError(f"key_mask must be a bool array of shape (B, S) = ({B}, {S}), True for real tokens, "
                             f"got shape {km.shape}")
        bias = additive_mask("key_mask", km, dtype)[:, None, None, :]  # (B, 1, 1, S)
    if am is not None:
        shapes = {2: (L, S), 3: (B, L, S), 4: (B, h, L, S)}
        if am.ndim not in shapes or am.shape != shapes[am.ndim]:
            raise ValueError(f"attn_mask must have shape (L, S) = ({L}, {S}), (B, L, S) or (B, num_heads, L, S), "
                             f"got {am.shape}")
        am = additive_mask("attn_mask", am, dtype)
        am = am[:, None] if am.ndim == 3 else am  # (B, 1, L, S): the same mask for every head
        bias = am if bias is None else bias + am
    if _check_flag("is_causal", is_causal):
        causal = additive_mask("is_causal", np.tril(np.ones((L, S), dtype=bool)), dtype)  # (L, S)
        bias = causal if bias is None else bias + causal
    return bias


def _attend_heads(q, k, v, num_heads, bias):
    """Projected q (B, L, d), k (B, S, d), v (B, S, d) -> concatenated heads (B, L, d) and weights (B, h, L, S)."""
    q, k, v = (_split_heads(t, num_heads) for t in (q, k, v))  # (B, h, L|S, d_h)
    d_h = q.shape[-1]
    heads, weights = _sdpa(q, k, v, bias, 1.0 / math.sqrt(d_h))  # scale by √d_h, not √d
    return _merge_heads(heads), weights  # (B, L, d), (B, h, L, S)


class MultiHeadAttention:
    """Multi-head attention with W_q, W_k, W_v, W_o (stored for x @ W) and biases.

    Called like ``nn.MultiheadAttention(batch_first=True)`` but with True = keep masks. Weights are stored in
    float64 and cast to the dtype of the input at each call.
    See chapter: chapters/attention.md
    """

    def __init__(self, embed_dim, num_heads, *, bias=True, kdim=None, vdim=None, seed=0):
        d = check_int("embed_dim", embed_dim, low=1)
        h = check_int("num_heads", num_heads, low=1)
        if d % h:
            raise ValueError(f"embed_dim must be divisible by num_heads, got embed_dim={d}, num_heads={h}")
        kdim = d if kdim is None else check_int("kdim", kdim, low=1)
        vdim = d if vdim is None else check_int("vdim", vdim, low=1)
        rng = np.random.default_rng(check_int("seed", seed, low=0))
        glorot = lambda n_in, n_out: rng.uniform(-1, 1, (n_in, n_out)) * np.sqrt(6 / (n_in + n_out))  # noqa: E731
        self.embed_dim, self.num_heads = d, h
        self.w_q, self.w_k, self.w_v, self.w_o = glorot(d, d), glorot(kdim, d), glorot(vdim, d), glorot(d, d)
        zeros = np.zeros(d) if bias else None
        self.b_q, self.b_k, self.b_v, self.b_o = [None if zeros is None else zeros.copy() for _ in range(4)]

    @classmethod
    def from_torch(cls, module) -> "MultiHeadAttention":
        """Copy the weights of a ``torch.nn.MultiheadAttention`` (float64 numpy arrays)."""
        if not all(hasattr(module, a) for a in ("embed_dim", "num_heads", "in_proj_weight", "out_proj")):
            raise TypeError(f"module must be a torch.nn.MultiheadAttention, got {type(module).__name__}")
        if getattr(module, "bias_k", None) is not None or getattr(module, "add_zero_attn", False):
            raise ValueError("add_bias_kv and add_zero_attn are not supported")
        arr = lambda t: None if t is None else t.detach().cpu().double().numpy().copy()  # noqa: E731
        d = module.embed_dim
        mha = cls(d, module.num_heads, bias=module.in_proj_bias is not None, kdim=module.kdim, vdim=module.vdim)
        if module.in_proj_weight is not None:  # fused (3d, d) in torch's (out, in) layout
            w = arr(module.in_proj_weight)
            mha.w_q, mha.w_k, mha.w_v = w[:d].T, w[d:2 * d].T, w[2 * d:].T
        else:
            mha.w_q, mha.w_k, mha.w_v = (arr(module.q_proj_weight).T, arr(module.k_proj_weight).T,
                                         arr(module.v_proj_weight).T)
        if module.in_proj_bias is not None:
            b = arr(module.in_proj_bias)
            mha.b_q, mha.b_k, mha.b_v = b[:d], b[d:2 * d], b[2 * d:]
        mha.w_o, mha.b_o = arr(module.out_proj.weight).T, arr(module.out_proj.bias)
        return mha

    @property
    def w_qkv(self) -> np.ndarray:
        """The fused (d, 3d) projection [W_q, W_k, W_v] (self-attention only: kdim = vdim = d)."""
        return np.concatenate([self.w_q, self.w_k, self.w_v], axis=1)

    @property
    def b_qkv(self) -> np.ndarray | None:
        """The fused (3d,) bias [b_q, b_k, b_v], or None without biases."""
        return None if self.b_q is None else np.concatenate([self.b_q, self.b_k, self.b_v])

    def parameters(self) -> list:
        """Every weight and bias array."""
        return [p for p in (self.w_q, self.w_k, self.w_v, self.w_o, self.b_q, self.b_k, self.b_v, self.b_o)
                if p is not None]

    def __call__(self, query, key=None, value=None, *, key_mask=None, attn_mask=None, is_causal=False,
                 need_weights=True, average_attn_weights=True):
        """(B, L, d), (B, S, kdim), (B, S, vdim) -> ((B, L, d), weights (B, L, S) / (B, h, L, S) or None).

        ``key``/``value`` default to ``query`` (self-attention). Masks: ``key_mask`` bool (B, S), True = real
        token; ``attn_mask`` bool (True = keep) or floating (additive); any other dtype raises TypeError. The
        module computes in the common floating dtype of query, key and value (float32 in → float32 out): its
        weights are cast to that dtype.
        """
        xq = float_array("query", query, ndim=3)
        xk = xq if key is None else float_array("key", key, ndim=3)
        xv = xk if value is None else float_array("value", value, ndim=3)
        B, L, d = xq.shape
        S = xk.shape[1]
        for name, x, want in (("query", xq, self.w_q.shape[0]), ("key", xk, self.w_k.shape[0]),
                              ("value", xv, self.w_v.shape[0])):
            if x.shape[0] != B or x.shape[-1] != want or min(x.shape) == 0:
                raise ValueError(f"{name} must have shape (B={B}, length, {want}), got {x.shape}")
        if xv.shape[1] != S:
            raise ValueError(f"key and value must have the same length S, got {xk.shape} and {xv.shape}")
        need_weights = _check_flag("need_weights", need_weights)
        average_attn_weights = _check_flag("average_attn_weights", average_attn_weights)
        dtype = common_float_dtype(xq, xk, xv)
        bias = attention_bias(B, self.num_heads, L, S, key_mask, attn_mask, is_causal, dtype=dtype)
        out, weights = self._forward(xq, xk, xv, bias, dtype)  # (B, L, d), (B, h, L, S)
        if not need_weights:
            return out, None
        return out, (weights.mean(axis=1) if average_attn_weights else weights)

    def _forward(self, xq, xk, xv, bias, dtype):
        """Project, attend per head, concatenate, project out: -> (B, L, d) and the weights (B, h, L, S)."""
        w_q, w_k, w_v, w_o, b_q, b_k, b_v, b_o = self._cast(dtype)
        q, k, v = xq @ w_q + b_q, xk @ w_k + b_k, xv @ w_v + b_v  # (B, L|S, d)
        heads, weights = _attend_heads(q, k, v, self.num_heads, bias)  # (B, L, d), (B, h, L, S)
        return heads @ w_o + b_o, weights  # (B, L, d), (B, h, L, S)

    def _cast(self, dtype) -> list:
        """W_q, W_k, W_v, W_o, b_q, b_k, b_v, b_o in ``dtype`` (zeros for absent biases)."""
        zero = np.zeros(self.embed_dim, dtype=dtype)
        weights = [w.astype(dtype, copy=False) for w in (self.w_q, self.w_k, self.w_v, self.w_o)]
        return weights + [zero if b is None else b.astype(dtype, copy=False)
                          for b in (self.b_q, self.b_k, self.b_v, self.b_o)]


def self_attention_fused(x, w_qkv, b_qkv, w_o, b_o, num_heads, mask=None) -> np.ndarray:
    """Self-attention with one fused (d, 3d) QKV projection: x (B, L, d) -> (B, L, d).

    ``mask``: bool (True = keep) or floating (additive), (L, L), (B, L, L) or (B, h, L, L); any other dtype
    raises TypeError. Computes in the floating dtype of ``x`` (float32 in → float32 out; weights cast to it).

    See chapter: chapters/attention.md
    """
    x = float_array("x", x, ndim=3)
    B, L, d = x.shape
    w_qkv = float_array("w_qkv", w_qkv, shape=(d, 3 * d)).astype(x.dtype, copy=False)
    w_o = float_array("w_o", w_o, shape=(d, d)).astype(x.dtype, copy=False)
    b_qkv = 0 if b_qkv is None else float_array("b_qkv", b_qkv, shape=(3 * d,)).astype(x.dtype, copy=False)
    b_o = 0 if b_o is None else float_array("b_o", b_o, shape=(d,)).astype(x.dtype, copy=False)
    h = check_int("num_heads", num_heads, low=1)
    if d % h:
        raise ValueError(f"d ({d}) must be divisible by num_heads ({h})")
    bias = None if mask is None else attention_bias(B, h, L, L, attn_mask=checked_mask("mask", mask), dtype=x.dtype)
    return _fused_forward(x, w_qkv, b_qkv, w_o, b_o, h, bias)


def _fused_forward(x, w_qkv, b_qkv, w_o, b_o, num_heads, bias):
    """The computation of :func:`self_attention_fused`: one matmul for Q, K and V, then the heads."""
    qkv = x @ w_qkv + b_qkv  # (B, L, 3d): one matmul for Q, K and V
    q, k, v = np.split(qkv, 3, axis=-1)  # 3 × (B, L, d)
    heads, _ = _attend_heads(q, k, v, num_heads, bias)  # (B, L, d)
    return heads @ w_o + b_o  # (B, L, d)
