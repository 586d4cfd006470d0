r"""Drills: hand-write a Transformer encoder block (手写 Transformer encoder) and causal attention with a KV cache.

1. ``encoder_block(x, params, num_heads)``: the original (post-LN) encoder layer on x (B, T, d):
   $x \leftarrow \operatorname{LN}_1(x + \operatorname{MHA}(x))$, then $x \leftarrow \operatorname{LN}_2(x + W_2^\top
   \operatorname{ReLU}(W_1^\top x + b_1) + b_2)$ with weights used as ``x @ w`` (``params``: ``w_q, w_k, w_v,
   w_o`` (d, d), ``b_q, b_k, b_v, b_o`` (d,), ``w_1`` (d, d_ff), ``b_1``, ``w_2`` (d_ff, d), ``b_2``,
   ``ln1_g, ln1_b, ln2_g, ln2_b`` (d,)); LayerNorm with the biased variance and eps = 1e-5. Reference:
   ``torch.nn.TransformerEncoderLayer(dropout=0, batch_first=True)`` given the same weights, float64; in the
   browser (no torch) :func:`mlnotes.transformer.encoder_numpy.encoder_layer_numpy`, proven equal to it.
2. ``attend_with_cache(x_t, w_q, w_k, w_v, k_cache, v_cache)``: one decoding step of single-head causal
   self-attention. x_t (B, d) is the newest token, the caches (B, t, d) hold the keys and values of the t
   tokens before it (t = 0 at the first step). Return (output (B, d), k_cache (B, t + 1, d),
   v_cache (B, t + 1, d)). The checker feeds your caches back in, token by token, and compares every output
   with full causal attention (torch SDPA, ``is_causal=True``) over the whole sequence; in the browser
   :func:`mlnotes.attention.sdpa_numpy` with ``is_causal=True``, proven equal to it.

The reference in use is chosen by :func:`mlnotes.drills.core.oracle`; both give the same verdicts.

See chapter: chapters/transformer.md
"""

from __future__ import annotations

import copy

import numpy as np

from mlnotes.drills.attention import _matches
from mlnotes.drills.core import (Case, CaseResult, Verdict, call_reader, check_outputs, library_oracle,
                                 mutated_inputs)

RTOL, ATOL = 1e-7, 1e-10


# -- worked solutions ----------------------------------------------------------------------------
def encoder_block_solution(x, params, num_heads):
    """Post-LN encoder layer: LN(x + MHA(x)), then LN(x + FFN(x)), weights used as x @ w.

    See chapter: chapters/transformer.md
    """
    p = params
    B, T, d = x.shape
    dh = d // num_heads

    def layer_norm(z, g, b, eps=1e-5):  # over the features of each token; biased variance
        mu = z.mean(axis=-1, keepdims=True)
        return (z - mu) / np.sqrt(z.var(axis=-1, keepdims=True) + eps) * g + b

    def split(t):  # (B, T, d) -> (B, h, T, d_h)
        return t.reshape(B, T, num_heads, dh).transpose(0, 2, 1, 3)

    q, k, v = (split(x @ p[f"w_{n}"] + p[f"b_{n}"]) for n in "qkv")
    scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(dh)  # (B, h, T, T): √d_h, the head's width
    weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights /= weights.sum(axis=-1, keepdims=True)
    heads = (weights @ v).transpose(0, 2, 1, 3).reshape(B, T, d)  # concatenate the heads
    x = layer_norm(x + heads @ p["w_o"] + p["b_o"], p["ln1_g"], p["ln1_b"])  # residual, then LN (post-LN)
    ffn = np.maximum(x @ p["w_1"] + p["b_1"], 0) @ p["w_2"] + p["b_2"]
    return layer_norm(x + ffn, p["ln2_g"], p["ln2_b"])


def attend_with_cache_solution(x_t, w_q, w_k, w_v, k_cache, v_cache):
    """One causal step: append the new key and value, then let the new query attend over all of them.

    See chapter: chapters/transformer.md
    """
    q = x_t @ w_q  # (B, d): only the newest query is needed (no Q cache)
    k_cache = np.concatenate([k_cache, (x_t @ w_k)[:, None]], axis=1)  # (B, t + 1, d)
    v_cache = np.concatenate([v_cache, (x_t @ w_v)[:, None]], axis=1)
    scores = np.einsum("bd,btd->bt", q, k_cache) / np.sqrt(q.shape[-1])  # (B, t + 1): the past and itself
    weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights /= weights.sum(axis=-1, keepdims=True)
    return np.einsum("bt,btd->bd", weights, v_cache), k_cache, v_cache


# -- 1. encoder block ----------------------------------------------------------------------------
def _block_params(rng, d, d_ff):
    w = lambda *s: rng.standard_normal(s) / np.sqrt(s[0])  # noqa: E731
    b = lambda n: 0.1 * rng.standard_normal(n)  # noqa: E731
    return {"w_q": w(d, d), "w_k": w(d, d), "w_v": w(d, d), "w_o": w(d, d), "b_q": b(d), "b_k": b(d), "b_v": b(d),
            "b_o": b(d), "w_1": w(d, d_ff), "b_1": b(d_ff), "w_2": w(d_ff, d), "b_2": b(d),
            "ln1_g": 1 + b(d), "ln1_b": b(d), "ln2_g": 1 + b(d), "ln2_b": b(d)}


def encoder_block_cases() -> list:
    """Named inputs: x (B, T, d), a params dict and num_heads."""
    specs = [("d = 8, 2 heads", 2, 5, 8, 2, 16, 1.0), ("1 head, d = 4", 1, 3, 4, 1, 8, 1.0),
             ("d = 12, 3 heads, d_ff = 48", 2, 4, 12, 3, 48, 1.0), ("a single token T = 1", 3, 1, 8, 4, 16, 1.0),
             ("inputs of scale 30: LayerNorm must use its own statistics", 2, 6, 8, 2, 32, 30.0),
             ("8 heads of width 2", 1, 7, 16, 8, 32, 1.0)]
    cases = []
    for i, (name, B, T, d, h, f, scale) in enumerate(specs):
        rng = np.random.default_rng(500 + i)
        cases.append(Case(name, {"x": scale * rng.standard_normal((B, T, d)), "params": _block_params(rng, d, f),
                                 "num_heads": h}))
    return cases


def _encoder_reference(x, params, num_heads):
    if not library_oracle():
        from mlnotes.transformer.encoder_numpy import encoder_layer_numpy

        P = params  # the drill's x @ w weights, in nn.Linear's (out, in) layout as the book's layers store them
        p = {"attn": {f"w{n}": P[f"w_{n}"].T for n in "qkvo"} | {f"b{n}": P[f"b_{n}"] for n in "qkvo"},
             "ffn": {"w1": P["w_1"].T, "b1": P["b_1"], "w2": P["w_2"].T, "b2": P["b_2"]},
             "ln1_w": P["ln1_g"], "ln1_b": P["ln1_b"], "ln2_w": P["ln2_g"], "ln2_b": P["ln2_b"]}
        return encoder_layer_numpy(x, p, num_heads)  # post-LN, ReLU, eps = 1e-5
    import torch

    p = {k: torch.tensor(v) for k, v in params.items()}
    d, d_ff = params["w_1"].shape
    layer = torch.nn.TransformerEncoderLayer(d, num_heads, d_ff, dropout=0.0, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        layer.self_attn.in_proj_weight.copy_(torch.cat([p["w_q"].T, p["w_k"].T, p["w_v"].T]))  # (3d, d)
        layer.self_attn.in_proj_bias.copy_(torch.cat([p["b_q"], p["b_k"], p["b_v"]]))
        layer.self_attn.out_proj.weight.copy_(p["w_o"].T)
        layer.self_attn.out_proj.bias.copy_(p["b_o"])
        layer.linear1.weight.copy_(p["w_1"].T)
        layer.linear1.bias.copy_(p["b_1"])
        layer.linear2.weight.copy_(p["w_2"].T)
        layer.linear2.bias.copy_(p["b_2"])
        for i in (1, 2):
            getattr(layer, f"norm{i}").weight.copy_(p[f"ln{i}_g"])
            getattr(layer, f"norm{i}").bias.copy_(p[f"ln{i}_b"])
        return layer(torch.tensor(x)).numpy()


def _encoder_variant(x, params, num_heads, *, pre_ln=False, scale_by="head", residual=True, ddof=0, act="relu",
                     out_proj=True):
    """The block with one knob turned the wrong way (for the hints)."""
    p = params
    B, T, d = x.shape
    dh = d // num_heads

    def ln(z, g, b):
        mu = z.mean(axis=-1, keepdims=True)
        return (z - mu) / np.sqrt(z.var(axis=-1, keepdims=True, ddof=ddof) + 1e-5) * g + b

    def mha(z):
        sp = lambda t: t.reshape(B, T, num_heads, dh).transpose(0, 2, 1, 3)  # noqa: E731
        q, k, v = (sp(z @ p[f"w_{n}"] + p[f"b_{n}"]) for n in "qkv")
        s = q @ k.transpose(0, 1, 3, 2) / np.sqrt(dh if scale_by == "head" else d)
        w = np.exp(s - s.max(axis=-1, keepdims=True))
        heads = ((w / w.sum(axis=-1, keepdims=True)) @ v).transpose(0, 2, 1, 3).reshape(B, T, d)
        return heads @ p["w_o"] + p["b_o"] if out_proj else heads

    def ffn(z):
        h = z @ p["w_1"] + p["b_1"]
        h = np.maximum(h, 0) if act == "relu" else 0.5 * h * (1 + np.tanh(np.sqrt(2 / np.pi) * (h + 0.044715 * h**3)))
        return h @ p["w_2"] + p["b_2"]

    r = 1.0 if residual else 0.0
    if pre_ln:
        x = x + mha(ln(x, p["ln1_g"], p["ln1_b"]))
        return x + ffn(ln(x, p["ln2_g"], p["ln2_b"]))
    x = ln(r * x + mha(x), p["ln1_g"], p["ln1_b"])
    return ln(r * x + ffn(x), p["ln2_g"], p["ln2_b"])


_ENCODER_MISTAKES = (
    ("this is pre-LN (x + Sub(LN(x))); the original encoder is post-LN: LN(x + Sub(x)).", dict(pre_ln=True)),
    ("scores scaled by √d_model; each head uses √d_head = √(d / num_heads).", dict(scale_by="model")),
    ("the residual connections are missing: add the sublayer's input before LayerNorm, LN(x + Sub(x)).",
     dict(residual=False)),
    ("LayerNorm uses the unbiased variance (ddof=1); torch's uses the biased one (divide by d).", dict(ddof=1)),
    ("GELU in the FFN; the original Transformer (and torch's default) uses ReLU.", dict(act="gelu")),
    ("the attention output projection w_o (+ b_o) is missing.", dict(out_proj=False)),
)


def _encoder_hint(kwargs, got) -> str:
    for hint, knobs in _ENCODER_MISTAKES:
        if _matches(got, _encoder_variant(**kwargs, **knobs)):
            return hint
    return ""


def _snapshot(kwargs):
    """Deep copies of every array argument (including those inside dicts) for the mutation check."""
    flat = {}
    for k, v in kwargs.items():
        if isinstance(v, np.ndarray):
            flat[k] = v.copy()
        elif isinstance(v, dict):
            flat.update({f"{k}[{kk!r}]": vv.copy() for kk, vv in v.items() if isinstance(vv, np.ndarray)})
    return flat


def _run_cases(fn, cases, reference, hint, drill, output_names) -> Verdict:
    """Run each case: copy the inputs, call the reader, check mutation, compare, add a hint on failure."""
    if not callable(fn):
        return Verdict(drill, (CaseResult("(setup)", False, f"expected a function, got {type(fn).__name__}."),))
    results = []
    with np.errstate(all="ignore"):
        for case in cases:
            expected = reference(**case.kwargs)
            expected = expected if isinstance(expected, tuple) else (expected,)
            kwargs = copy.deepcopy(case.kwargs)
            before = _snapshot(kwargs)
            got, error = call_reader(fn, **kwargs)
            if error is not None:
                results.append(CaseResult(case.name, False, error))
                continue
            changed = mutated_inputs(before, _snapshot(kwargs))
            if changed:
                results.append(CaseResult(case.name, False, f"modified its input(s) {', '.join(changed)} in place; "
                                                            "return new arrays instead."))
                continue
            msg, abs_err, rel_err = check_outputs(got, expected, output_names, rtol=RTOL, atol=ATOL)
            if msg is not None:
                try:
                    extra = hint(case.kwargs, got)
                except Exception:  # noqa: BLE001 - a hint is optional
                    extra = ""
                msg = f"{msg} Likely bug: {extra}" if extra else msg
            results.append(CaseResult(case.name, msg is None, msg or "", abs_err, rel_err))
    return Verdict(drill, tuple(results))


def check_encoder_block(fn) -> Verdict:
    """Check ``fn(x, params, num_heads)`` against torch.nn.TransformerEncoderLayer (post-LN, ReLU, float64).

    Reference: torch.nn.TransformerEncoderLayer (dropout=0, float64); in the browser (Pyodide)
    mlnotes.transformer.encoder_numpy.encoder_layer_numpy, proven equal in tests/test_transformer.py
    (test_numpy_encoder_layer_equals_torch).
    See chapter: chapters/transformer.md
    """
    return _run_cases(fn, encoder_block_cases(), _encoder_reference, _encoder_hint, "Transformer encoder block",
                      ("encoder output",))


# -- 2. causal attention with a KV cache ----------------------------------------------------------
def kv_cache_cases() -> list:
    """Named sequences: x (B, T, d) and three (d, d) weights; the checker steps through them token by token."""
    specs = [("B = 2, T = 5, d = 4", 2, 5, 4, 1.0), ("one token: the cache starts empty (B, 0, d)", 2, 1, 4, 1.0),
             ("d = 16: the 1/√d scale matters", 1, 6, 16, 1.0), ("B = 3, T = 8, d = 8", 3, 8, 8, 1.0),
             ("large scores: needs a stable softmax", 2, 4, 4, 40.0)]
    cases = []
    for i, (name, B, T, d, scale) in enumerate(specs):
        rng = np.random.default_rng(700 + i)
        w = rng.standard_normal((3, d, d)) / np.sqrt(d)
        cases.append(Case(name, {"x": scale * rng.standard_normal((B, T, d)), "w_q": w[0], "w_k": w[1], "w_v": w[2]}))
    return cases


def _kv_reference(x, w_q, w_k, w_v):
    """Full causal self-attention outputs (B, T, d) and K, V (B, T, d): torch SDPA in float64, or in the browser
    mlnotes.attention.sdpa_numpy."""
    if not library_oracle():
        from mlnotes.attention.core import sdpa_numpy

        q, k, v = x @ w_q, x @ w_k, x @ w_v
        return sdpa_numpy(q, k, v, is_causal=True), k, v
    import torch

    t = lambda a: torch.tensor(a)  # noqa: E731
    q, k, v = t(x @ w_q), t(x @ w_k), t(x @ w_v)
    out = torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True)
    return out.numpy(), k.numpy(), v.numpy()


def _kv_variants(x, w_q, w_k, w_v, t):
    """(hint, output at step t) of common mistakes."""
    q, k, v = x @ w_q, x @ w_k, x @ w_v
    d = x.shape[-1]

    def attend(keys, values, scale):
        s = np.einsum("bd,btd->bt", q[:, t], keys) * scale
        w = np.exp(s - s.max(axis=-1, keepdims=True))
        return np.einsum("bt,btd->bd", w / w.sum(axis=-1, keepdims=True), values)

    out = [("no 1/√d scaling of the scores.", attend(k[:, : t + 1], v[:, : t + 1], 1.0)),
           ("scores divided by d; the scale is 1/√d.", attend(k[:, : t + 1], v[:, : t + 1], 1 / d))]
    if t > 0:
        out.append(("the new token attends only over the old cache: append its key and value first (a token "
                    "attends to itself).", attend(k[:, :t], v[:, :t], 1 / np.sqrt(d))))
    return out


def check_kv_cache_attention(fn) -> Verdict:
    """Check ``fn(x_t, w_q, w_k, w_v, k_cache, v_cache) -> (out, k_cache, v_cache)`` step by step against
    full causal attention (torch SDPA, is_causal=True, float64).

    Reference: torch.nn.functional.scaled_dot_product_attention (is_causal=True, float64); in the browser (Pyodide)
    mlnotes.attention.sdpa_numpy(is_causal=True), proven equal in tests/test_attention.py
    (test_is_causal_equals_torch_and_causal_mask, test_sdpa_numpy_and_torch_equal_torch_sdpa).
    See chapter: chapters/transformer.md
    """
    drill = "causal attention with a KV cache"
    if not callable(fn):
        return Verdict(drill, (CaseResult("(setup)", False, f"expected a function, got {type(fn).__name__}."),))
    results = []
    with np.errstate(all="ignore"):
        for case in kv_cache_cases():
            results.append(_kv_case(fn, case))
    return Verdict(drill, tuple(results))


def _kv_case(fn, case) -> CaseResult:
    """Step through one sequence; the first wrong step decides the verdict."""
    x, w_q, w_k, w_v = (case.kwargs[n] for n in ("x", "w_q", "w_k", "w_v"))
    out_ref, k_ref, v_ref = _kv_reference(x, w_q, w_k, w_v)
    B, T, d = x.shape
    k_cache, v_cache = np.zeros((B, 0, d)), np.zeros((B, 0, d))
    worst_abs = worst_rel = 0.0
    for t in range(T):
        args = {"x_t": x[:, t].copy(), "w_q": w_q.copy(), "w_k": w_k.copy(), "w_v": w_v.copy(),
                "k_cache": np.array(k_cache), "v_cache": np.array(v_cache)}
        before = {k: v.copy() for k, v in args.items()}
        got, error = call_reader(fn, **args)
        where = f"at step t = {t} (cache holds {t} token(s))"
        if error is not None:
            return CaseResult(case.name, False, f"{error} {where}")
        changed = mutated_inputs(before, args)
        if changed:
            return CaseResult(case.name, False, f"modified {', '.join(changed)} in place {where}; return new arrays.")
        expected = (out_ref[:, t], k_ref[:, : t + 1], v_ref[:, : t + 1])
        msg, a, r = check_outputs(got, expected, ("output", "k_cache", "v_cache"), rtol=RTOL, atol=ATOL)
        if msg is not None:
            hint = ""
            if isinstance(got, tuple) and len(got) == 3 and not _matches(got[0], expected[0]):  # the output is wrong
                hint = next((h for h, want in _kv_variants(x, w_q, w_k, w_v, t) if _matches(got[0], want)), "")
            return CaseResult(case.name, False, f"{msg} {where}" + (f" Likely bug: {hint}" if hint else ""))
        worst_abs, worst_rel = max(worst_abs, a), max(worst_rel, r)
        k_cache, v_cache = np.asarray(got[1], dtype=float), np.asarray(got[2], dtype=float)
    return CaseResult(case.name, True, "", worst_abs, worst_rel)
