r"""KV cache (键值缓存): generate with a GPT without recomputing the past, and what the cache costs.

At step $t$ a decoder needs the logits of the newest position only. Its query $q_t$ attends over the keys and
values of positions $1..t$; with a causal mask, the keys and values of old positions never change once
computed, so they are kept (the cache) and only $q_t, k_t, v_t$ of the new token are computed. Old *queries*
are never needed again (each only served its own position's output), so there is no Q cache.

Cost per generated token with a cache: $O(t\,d)$ for attention plus the projections of one token, instead of
re-running the whole prefix ($O(t\,d^2 + t^2 d)$). Memory, for ``n_layers`` layers, ``n_kv_heads`` key/value heads of
width ``d_head``, ``seq_len`` positions, ``batch`` sequences and ``bytes_per_value`` (2 for fp16/bf16):
$$\text{bytes} = 2\cdot n_{\text{layers}}\cdot n_{\text{kv\_heads}}\cdot d_{\text{head}}\cdot \text{seq\_len}\cdot
\text{batch}\cdot \text{bytes\_per\_value},$$
the 2 counting K and V. Multi-query attention (MQA, Shazeer 2019) keeps one K/V head, grouped-query attention
(GQA, Ainslie et al., 2023) $g$ groups: the cache shrinks by $h/g$.

See chapter: chapters/llm.md
"""

from __future__ import annotations

import math

from mlnotes._checks import check_int, check_real
from mlnotes.transformer import blocks
from mlnotes.transformer.gpt import GPT


def kv_cache_bytes(n_layers, n_kv_heads, d_head, seq_len, batch=1, bytes_per_value=2) -> int:
    """2 · n_layers · n_kv_heads · d_head · seq_len · batch · bytes_per_value (K and V of every layer).

    See chapter: chapters/llm.md
    """
    vals = [check_int(n, v, low=1) for n, v in (("n_layers", n_layers), ("n_kv_heads", n_kv_heads),
                                                 ("d_head", d_head), ("seq_len", seq_len), ("batch", batch),
                                                 ("bytes_per_value", bytes_per_value))]
    return 2 * math.prod(vals)


def _embed(model: GPT, idx, start: int):
    """Token + position embedding of ids (B, t) placed at positions start..start+t-1: -> (B, t, d)."""
    c, p = model.config, model.params
    pos = slice(start, start + idx.shape[1])
    if c.init == "gpt2":
        return p["wte"][idx] + p["wpe"][pos]
    return p["wte"][idx] * math.sqrt(c.d_model) + model.pe[pos]


def _cached_attention(x, p, n_heads, cache):
    """Self-attention of the new positions x (B, t, d) over the cached and new keys; appends k, v to ``cache``."""
    import torch

    from mlnotes.attention.core import _sdpa_torch

    B, t, d = x.shape
    dh = d // n_heads
    split = lambda z: z.view(B, t, n_heads, dh).transpose(1, 2)  # noqa: E731  (B, t, d) -> (B, h, t, d_h)
    q = split(x @ p["wq"].T + p["bq"])  # only the new queries: no Q cache
    k = split(x @ p["wk"].T + p["bk"])
    v = split(x @ p["wv"].T + p["bv"])
    if cache:
        k, v = torch.cat([cache[0], k], dim=2), torch.cat([cache[1], v], dim=2)  # (B, h, S, d_h), S = past + t
    cache[:] = [k, v]
    S = k.shape[2]
    keep = torch.ones(t, S, dtype=torch.bool).tril(diagonal=S - t)  # bottom-right causal: new i sees ≤ past + i
    heads, _ = _sdpa_torch(torch, q, k, v, keep, 1 / math.sqrt(dh))  # (B, h, t, d_h)
    return heads.transpose(1, 2).reshape(B, t, d) @ p["wo"].T + p["bo"]


def forward_with_cache(model: GPT, idx, caches: list):
    """Logits (B, t, V) of new ids (B, t) given ``caches`` (one [K, V] list per layer, empty at first), updated
    in place. The blocks' computation (pre- or post-LN) with attention over the cache.

    See chapter: chapters/llm.md
    """
    c, p = model.config, model.params
    past = caches[0][0].shape[2] if caches and caches[0] else 0
    if past + idx.shape[1] > c.block_size:
        raise ValueError(f"{past + idx.shape[1]} positions exceed block_size {c.block_size}")
    while len(caches) < c.n_layers:
        caches.append([])
    h = _embed(model, idx, past)  # (B, t, d) at positions past..past+t-1
    for block, cache in zip(p["blocks"], caches):
        ln1 = lambda z: blocks.layer_norm(z, block["ln1_w"], block["ln1_b"])  # noqa: E731
        ln2 = lambda z: blocks.layer_norm(z, block["ln2_w"], block["ln2_b"])  # noqa: E731
        if c.norm_first:
            h = h + _cached_attention(ln1(h), block["attn"], c.n_heads, cache)
            h = h + blocks.feed_forward(ln2(h), block["ffn"], c.activation)
        else:
            h = ln1(h + _cached_attention(h, block["attn"], c.n_heads, cache))
            h = ln2(h + blocks.feed_forward(h, block["ffn"], c.activation))
    if c.has_final_norm:
        h = blocks.layer_norm(h, p["lnf_w"], p["lnf_b"])
    return h @ model.head.T  # (B, t, V)


def _next_token(logits, temperature, generator):
    import torch

    if temperature == 0:
        return logits.argmax(dim=-1, keepdim=True)  # greedy
    probs = torch.softmax(logits / temperature, dim=-1)
    return torch.multinomial(probs, 1, generator=generator)


def generate(model: GPT, prompt, max_new_tokens, use_cache=True, temperature=0.0, seed=0):
    """Extend ``prompt`` (B, t) ids by ``max_new_tokens``, greedy (temperature 0) or sampled; -> (B, t + n).

    ``use_cache=False`` re-runs the model on the whole sequence at every step; ``True`` feeds only the newest
    token and reuses the cached keys and values. Both give the same tokens (tested). See chapter: chapters/llm.md
    """
    import torch

    n = check_int("max_new_tokens", max_new_tokens, low=0)
    temperature = check_real("temperature", temperature, low=0.0)
    if not isinstance(use_cache, bool):
        raise TypeError(f"use_cache must be a bool, got {type(use_cache).__name__}")
    idx = model._check_idx(prompt)
    if idx.shape[1] + n > model.config.block_size:
        raise ValueError(f"prompt length + max_new_tokens = {idx.shape[1] + n} exceeds block_size "
                         f"{model.config.block_size}")
    gen = torch.Generator().manual_seed(check_int("seed", seed, low=0))
    caches, new = [], idx
    with torch.no_grad():
        for _ in range(n):
            if use_cache:
                logits = forward_with_cache(model, new, caches)[:, -1]  # (B, V): only the new positions run
            else:
                logits = model(idx)[:, -1]  # (B, V): the whole prefix again
            new = _next_token(logits, temperature, gen)  # (B, 1)
            idx = torch.cat([idx, new], dim=1)
    return idx


def gqa_attention(q, k, v, is_causal=False):
    """Grouped-query attention: q (B, h, L, d_h), k and v (B, g, S, d_h) with g dividing h; -> (B, h, L, d_h).

    Query heads i·h/g … (i+1)·h/g − 1 share K/V head i (g = 1: multi-query; g = h: multi-head). Computed by
    broadcasting a (B, g, h/g, L, d_h) view of q against (B, g, 1, S, d_h) keys with
    :func:`mlnotes.attention.sdpa_torch` — no copy of K and V. Equal to torch's SDPA with ``enable_gqa=True``.
    See chapter: chapters/llm.md
    """
    import torch

    from mlnotes.attention import sdpa_torch

    for name, t in (("q", q), ("k", k), ("v", v)):
        if not isinstance(t, torch.Tensor) or t.dim() != 4:
            raise ValueError(f"{name} must be a 4-D torch.Tensor (B, heads, length, d_h)")
    B, h, L, dh = q.shape
    g = k.shape[1]
    if v.shape[1] != g or h % g:
        raise ValueError(f"k and v must have the same number of heads g dividing h = {h}, got {g} and {v.shape[1]}")
    qg = q.view(B, g, h // g, L, dh)  # (B, g, h/g, L, d_h): query heads grouped by their K/V head
    out = sdpa_torch(qg, k[:, :, None], v[:, :, None], is_causal=is_causal)  # K, V broadcast over the group
    return out.reshape(B, h, L, v.shape[-1])
