"""Known wrong answers to the Transformer drills (mlnotes/drills/transformer.py): encoder block, KV-cache attention.

Self-contained (numpy only): exec'd alone in the reader's browser. Each function is a mistake a reader makes; the
checker must fail it, and name it where its hint list does.
"""

import numpy as np


def _softmax(s):
    e = np.exp(s - s.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


# -- encoder block -------------------------------------------------------------------------------
def _encoder(x, p, num_heads, *, pre_ln=False, head_scale=True, residual=True, ddof=0, gelu=False, w_o=True):
    """A reader's post-LN encoder layer with one switch turned the wrong way."""
    B, T, d = x.shape
    dh = d // num_heads

    def ln(z, g, b):
        mu = z.mean(axis=-1, keepdims=True)
        return (z - mu) / np.sqrt(z.var(axis=-1, ddof=ddof, keepdims=True) + 1e-5) * g + b

    def attn(z):
        q, k, v = ((z @ p[f"w_{n}"] + p[f"b_{n}"]).reshape(B, T, num_heads, dh).transpose(0, 2, 1, 3) for n in "qkv")
        w = _softmax(q @ k.transpose(0, 1, 3, 2) / np.sqrt(dh if head_scale else d))
        heads = (w @ v).transpose(0, 2, 1, 3).reshape(B, T, d)
        return heads @ p["w_o"] + p["b_o"] if w_o else heads

    def ffn(z):
        h = z @ p["w_1"] + p["b_1"]
        h = 0.5 * h * (1 + np.tanh(np.sqrt(2 / np.pi) * (h + 0.044715 * h**3))) if gelu else np.maximum(h, 0)
        return h @ p["w_2"] + p["b_2"]

    if pre_ln:
        x = x + attn(ln(x, p["ln1_g"], p["ln1_b"]))
        return x + ffn(ln(x, p["ln2_g"], p["ln2_b"]))
    r = 1.0 if residual else 0.0
    x = ln(r * x + attn(x), p["ln1_g"], p["ln1_b"])
    return ln(r * x + ffn(x), p["ln2_g"], p["ln2_b"])


def encoder_pre_ln(x, params, num_heads):
    return _encoder(x, params, num_heads, pre_ln=True)


def encoder_scaled_by_d_model(x, params, num_heads):
    return _encoder(x, params, num_heads, head_scale=False)


def encoder_no_residual(x, params, num_heads):
    return _encoder(x, params, num_heads, residual=False)


def encoder_unbiased_variance(x, params, num_heads):
    return _encoder(x, params, num_heads, ddof=1)


def encoder_gelu(x, params, num_heads):
    return _encoder(x, params, num_heads, gelu=True)


def encoder_no_output_projection(x, params, num_heads):
    return _encoder(x, params, num_heads, w_o=False)


def encoder_mutates_params(x, params, num_heads):
    params["w_q"] += 1  # changes the caller's weights
    return _encoder(x, params, num_heads)


# -- causal attention with a KV cache ---------------------------------------------------------------
def _step(x_t, w_q, w_k, w_v, k_cache, v_cache, *, scale=None, include_new=True):
    """A reader's cached step; ``scale`` None means 1/√d."""
    q = x_t @ w_q
    k_new = np.concatenate([k_cache, (x_t @ w_k)[:, None]], axis=1)
    v_new = np.concatenate([v_cache, (x_t @ w_v)[:, None]], axis=1)
    keys, values = (k_new, v_new) if include_new or k_cache.shape[1] == 0 else (k_cache, v_cache)
    s = np.einsum("bd,btd->bt", q, keys) * (1 / np.sqrt(q.shape[-1]) if scale is None else scale)
    return np.einsum("bt,btd->bd", _softmax(s), values), k_new, v_new


def kv_no_scale(x_t, w_q, w_k, w_v, k_cache, v_cache):
    return _step(x_t, w_q, w_k, w_v, k_cache, v_cache, scale=1.0)


def kv_divides_by_d(x_t, w_q, w_k, w_v, k_cache, v_cache):
    return _step(x_t, w_q, w_k, w_v, k_cache, v_cache, scale=1 / x_t.shape[-1])


def kv_attends_past_only(x_t, w_q, w_k, w_v, k_cache, v_cache):
    return _step(x_t, w_q, w_k, w_v, k_cache, v_cache, include_new=False)


def kv_cache_not_grown(x_t, w_q, w_k, w_v, k_cache, v_cache):
    out, _, _ = _step(x_t, w_q, w_k, w_v, k_cache, v_cache)
    return out, k_cache, v_cache  # the caller's caches never hold the new token


def kv_returns_output_only(x_t, w_q, w_k, w_v, k_cache, v_cache):
    return _step(x_t, w_q, w_k, w_v, k_cache, v_cache)[0]


def kv_mutates_w_q(x_t, w_q, w_k, w_v, k_cache, v_cache):
    w_q *= 1.0001  # changes the caller's weights
    return _step(x_t, w_q, w_k, w_v, k_cache, v_cache)


ANSWERS = {
    "encoder_block": [encoder_pre_ln, encoder_scaled_by_d_model, encoder_no_residual, encoder_unbiased_variance,
                      encoder_gelu, encoder_no_output_projection, encoder_mutates_params],
    "kv_cache_attention": [kv_no_scale, kv_divides_by_d, kv_attends_past_only, kv_cache_not_grown,
                           kv_returns_output_only, kv_mutates_w_q],
}
