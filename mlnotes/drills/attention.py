r"""Drills: hand-write softmax, scaled dot-product attention and multi-head attention (手撕注意力).

1. ``softmax(x)`` over the last axis, numerically stable (subtract each row's max), any rank ≥ 1.
2. ``attention(q, k, v, mask=None)``: $\operatorname{softmax}(qk^\top/\sqrt{d_k})v$ with q (..., L, d_k),
   k (..., S, d_k), v (..., S, d_v) -> (..., L, d_v); ``mask`` is a bool (L, S) array, **True = keep**
   (query $i$ may attend to key $j$); every query keeps at least one key.
3. ``multi_head_attention(x, w_q, w_k, w_v, w_o, num_heads, mask=None)``: self-attention of x (B, L, d)
   with weights used as ``x @ w`` (each (d, d), no biases), ``num_heads`` heads of size d/num_heads, heads
   concatenated then ``@ w_o``; mask bool (L, L), True = keep -> (B, L, d).

References: ``torch.softmax``, ``torch.nn.functional.scaled_dot_product_attention`` and
``torch.nn.MultiheadAttention`` (bias=False), all in float64; in the browser (Pyodide, no torch) the book's
numpy implementations that tests/test_attention.py proves equal to them: :func:`mlnotes.attention.softmax`,
:func:`mlnotes.attention.sdpa_numpy` and :class:`mlnotes.attention.MultiHeadAttention` (see
:func:`mlnotes.drills.core.oracle`). On a mismatch the checker replays common mistakes and names the one that
reproduces your output.

See chapter: chapters/attention.md
"""

from __future__ import annotations

import numpy as np

from mlnotes.drills.core import Case, CaseResult, Verdict, call_reader, check, library_oracle, oracle

RTOL, ATOL = 1e-7, 1e-10


# -- worked solutions ----------------------------------------------------------------------------
def softmax_solution(x):
    """Stable softmax over the last axis: subtract the row max, exponentiate, normalise.

    See chapter: chapters/attention.md
    """
    x = np.asarray(x)  # float32 stays float32
    e = np.exp(x - x.max(axis=-1, keepdims=True))  # every exponent ≤ 0: no overflow, no 0/0
    return e / e.sum(axis=-1, keepdims=True)


def attention_solution(q, k, v, mask=None):
    """softmax(q kᵀ / √d_k, masked where mask is False) v, for any leading batch axes.

    See chapter: chapters/attention.md
    """
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])  # (..., L, S); .T would reverse every axis
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)  # masked keys get weight exp(-inf) = 0
    return softmax_solution(scores) @ v  # (..., L, d_v)


def multi_head_attention_solution(x, w_q, w_k, w_v, w_o, num_heads, mask=None):
    """Project, split into heads (B, h, L, d_h), attend per head, concatenate, project out.

    See chapter: chapters/attention.md
    """
    B, L, d = x.shape
    dh = d // num_heads

    def split(t):  # (B, L, d) -> (B, h, L, d_h): reshape, then move the head axis forward
        return t.reshape(B, L, num_heads, dh).transpose(0, 2, 1, 3)

    heads = attention_solution(split(x @ w_q), split(x @ w_k), split(x @ w_v), mask)  # (B, h, L, d_h)
    return heads.transpose(0, 2, 1, 3).reshape(B, L, d) @ w_o  # (B, L, d)


# -- shared machinery --------------------------------------------------------------------------
def _run(fn, reference, cases, hint, **kw) -> Verdict:
    """``check``, then hints for failed cases; numpy float warnings are silenced so that a NaN is reported
    as a NaN (not as a RuntimeWarning raised under pytest), the same in notebooks and tests."""
    with np.errstate(all="ignore"):
        verdict = check(fn, reference, cases, rtol=RTOL, atol=ATOL, **kw)
        return _with_hints(verdict, fn, cases, hint)


def _with_hints(verdict: Verdict, fn, cases, hint) -> Verdict:
    """Re-run the reader on failed cases and append ``hint(kwargs, output, error)`` when a known mistake matches."""
    by_name = {c.name: c for c in cases}
    results = []
    for r in verdict.results:
        if not r.passed and r.name in by_name:
            kwargs = {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in by_name[r.name].kwargs.items()}
            got, error = call_reader(fn, **kwargs)
            try:
                extra = hint(by_name[r.name].kwargs, got, error) or ""
            except Exception:  # noqa: BLE001 - a hint is optional; never crash the checker
                extra = ""
            if extra:
                r = CaseResult(r.name, False, f"{r.message} Likely bug: {extra}", r.max_abs_err, r.max_rel_err)
        results.append(r)
    return Verdict(verdict.drill, tuple(results))


def _matches(got, want) -> bool:
    """The reader's output equals a mistaken variant (NaN matches NaN)."""
    try:
        arr = np.asarray(got, dtype=float)
        want = np.asarray(want, dtype=float)
        return arr.shape == want.shape and bool(np.allclose(arr, want, rtol=1e-7, atol=1e-10, equal_nan=True))
    except Exception:  # noqa: BLE001
        return False


def _torch():
    import torch

    return torch


def _memo(reference):
    """Cache a reference by the oracle and the bytes of its (small) inputs: a reader's second attempt costs no
    torch call, and switching oracles never reuses the other's values."""
    cache = {}

    def cached(**kwargs):
        key = (oracle(),) + tuple((k, v.shape, v.dtype.str, v.tobytes()) if isinstance(v, np.ndarray) else (k, v)
                                  for k, v in sorted(kwargs.items()))
        if key not in cache:
            cache[key] = reference(**kwargs)
        return cache[key].copy()

    return cached


# -- 1. softmax ----------------------------------------------------------------------------------
def softmax_cases() -> list:
    """Named inputs for the softmax drill: random, huge, constant, 1-D and 3-D."""
    from mlnotes.attention.core import global_max_demo_scores

    rng = np.random.default_rng(13)
    return [
        Case("1-D vector (5,)", {"x": rng.standard_normal(5)}),
        Case("2-D rows (4, 6): each row sums to 1", {"x": 3 * rng.standard_normal((4, 6))}),
        Case("3-D batch (2, 3, 5): normalise over the last axis", {"x": rng.standard_normal((2, 3, 5))}),
        Case("single element (1,): softmax is [1]", {"x": np.array([7.0])}),
        Case("constant rows: uniform output", {"x": np.array([[2.0, 2.0, 2.0, 2.0], [-5.0, -5.0, -5.0, -5.0]])}),
        Case("large logits ±1e4: naive exp overflows to inf",
             {"x": np.array([[1e4, -1e4, 0.0], [1e4, 1e4 - 1, 3.0]])}),
        Case("very negative row ≈ −1e4: naive exp underflows to 0/0",
             {"x": np.array([[-1e4, -1e4 - 1.0, -1e4 - 2.0]])}),
        Case("a row far below the global max (the notes' global-max trap)", {"x": global_max_demo_scores()}),
    ]


@_memo
def _softmax_reference(x):
    if library_oracle():
        torch = _torch()
        return torch.softmax(torch.tensor(x, dtype=torch.float64), dim=-1).numpy()
    from mlnotes.attention.core import softmax

    return softmax(np.asarray(x, dtype=np.float64))


def _softmax_hint(kwargs, got, error) -> str:
    from mlnotes.attention.core import softmax_global_max

    x = kwargs["x"]
    if error is not None:
        if x.ndim == 1 and ("axis" in error or "index" in error.lower()):
            return "use axis=-1 with keepdims=True so that 1-D input works too."
        return ""
    with np.errstate(all="ignore"):
        if x.ndim >= 2 and _matches(got, softmax_global_max(x)):
            return ("you subtract the global max of the whole array (the notes' erratum 4); a row far below it "
                    "underflows to 0/0. Subtract each row's max: x.max(axis=-1, keepdims=True).")
        naive = np.exp(x) / np.exp(x).sum(axis=-1, keepdims=True)
        if _matches(got, naive) and not np.all(np.isfinite(naive)):
            return "exp overflows/underflows without a shift: subtract the row max before np.exp."
        if x.ndim >= 2:
            e = np.exp(x - x.max(axis=-1, keepdims=True))
            if _matches(got, e / e.sum(axis=0, keepdims=True)):
                return "you normalise over the wrong axis: sum over axis=-1 (each row), with keepdims=True."
            if _matches(got, e / e.sum()):
                return "you divide by the sum of the whole array; divide each row by its own sum (axis=-1)."
    return ""


def check_softmax(fn) -> Verdict:
    """Check ``fn(x)`` = softmax over the last axis against torch.softmax (float64), stability included.

    Reference: torch.softmax (float64); in the browser (Pyodide) mlnotes.attention.softmax, proven equal in
    tests/test_attention.py (test_softmax_equals_torch_on_any_axis, test_softmax_large_logits_finite_and_equal_torch).
    See chapter: chapters/attention.md
    """
    return _run(fn, _softmax_reference, softmax_cases(), _softmax_hint, drill="softmax",
                output_names=("softmax(x)",))


# -- 2. scaled dot-product attention --------------------------------------------------------------
def attention_cases() -> list:
    """Named inputs for the attention drill (every query keeps at least one key)."""
    rng = np.random.default_rng(21)
    r = rng.standard_normal
    causal = np.tril(np.ones((5, 5), dtype=bool))
    pad = np.ones((4, 6), dtype=bool)
    pad[:, 4:] = False  # the last two keys are padding
    return [
        Case("no mask, L = S = 4, d_k = d_v = 3", {"q": r((4, 3)), "k": r((4, 3)), "v": r((4, 3)), "mask": None}),
        Case("d_k = 16: the 1/√d_k scale matters", {"q": r((3, 16)), "k": r((5, 16)), "v": r((5, 4)), "mask": None}),
        Case("cross-attention shapes: q (3, 4), k (5, 4), v (5, 2)",
             {"q": r((3, 4)), "k": r((5, 4)), "v": r((5, 2)), "mask": None}),
        Case("causal mask (5, 5), True = keep", {"q": r((5, 4)), "k": r((5, 4)), "v": r((5, 3)), "mask": causal}),
        Case("padding: the last 2 of 6 keys masked", {"q": r((4, 4)), "k": r((6, 4)), "v": r((6, 3)), "mask": pad}),
        Case("batched (2, 5, 4) with a causal mask: use swapaxes(-1, -2), not .T",
             {"q": r((2, 5, 4)), "k": r((2, 5, 4)), "v": r((2, 5, 3)), "mask": causal}),
        Case("large scores |q·k| ~ 1e4: needs a stable softmax",
             {"q": 100 * r((3, 4)), "k": 100 * r((4, 4)), "v": r((4, 2)), "mask": None}),
        Case("a single key S = 1: every output row equals v", {"q": r((3, 4)), "k": r((1, 4)), "v": r((1, 5)),
                                                                "mask": None}),
    ]


@_memo
def _attention_reference(q, k, v, mask=None):
    if library_oracle():
        torch = _torch()
        t = lambda a: torch.tensor(a, dtype=torch.float64)  # noqa: E731
        m = None if mask is None else torch.tensor(mask)
        return torch.nn.functional.scaled_dot_product_attention(t(q), t(k), t(v), attn_mask=m).numpy()
    from mlnotes.attention.core import sdpa_numpy

    return sdpa_numpy(*(np.asarray(a, dtype=np.float64) for a in (q, k, v)), mask=mask)


def _attention_variants(q, k, v, mask):
    """(hint, output) of common mistakes on the same inputs."""
    from mlnotes.attention.core import sdpa_numpy

    d = q.shape[-1]
    out = [("no scaling: divide the scores by √d_k.", sdpa_numpy(q, k, v, mask, scale=1.0)),
           ("you divide by d_k; the scale is √d_k (erratum 20: Var(q·k) = d_k, so its std is √d_k).",
            sdpa_numpy(q, k, v, mask, scale=1.0 / d))]
    if mask is not None:
        flipped = ~mask
        if np.all(flipped.any(axis=-1)):
            out.append(("the mask is inverted: True means keep (attend), False means mask out.",
                        sdpa_numpy(q, k, v, flipped)))
        w = sdpa_numpy(q, k, np.eye(k.shape[-2]), return_weights=True)[1] * mask  # mask after softmax
        out.append(("the mask is applied to the weights after softmax: set masked scores to -inf before softmax "
                    "so the kept weights still sum to 1.", w @ v))
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(d)
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    e = np.exp(scores - scores.max(axis=-2, keepdims=True))
    out.append(("softmax over the query axis (-2); normalise over the keys, axis=-1.",
                (e / e.sum(axis=-2, keepdims=True)) @ v))
    return out


def _attention_hint(kwargs, got, error) -> str:
    if error is not None:
        if kwargs["q"].ndim > 2 and ("shapes" in error or "align" in error or "mismatch" in error):
            return "k.T reverses every axis of a batched array; use np.swapaxes(k, -1, -2)."
        return ""
    with np.errstate(all="ignore"):
        for hint, want in _attention_variants(kwargs["q"], kwargs["k"], kwargs["v"], kwargs["mask"]):
            if _matches(got, want):
                return hint
        arr = np.asarray(got, dtype=float)
        if arr.shape != _attention_reference(**kwargs).shape or np.all(np.isfinite(arr)):
            return ""
        mask = kwargs["mask"]
        if mask is not None:
            bad_rows = ~np.all(np.isfinite(arr), axis=-1)  # (..., L)
            emptied = np.broadcast_to(~np.any(~mask, axis=-1), bad_rows.shape)  # rows an inverted mask empties
            if np.any(emptied) and np.array_equal(bad_rows, emptied):
                return ("the mask is inverted (True means keep): the rows it empties give 0/0 = NaN.")
        return "NaN/inf from exp of large scores: subtract the row max inside softmax."
    return ""


def check_attention(fn) -> Verdict:
    """Check ``fn(q, k, v, mask=None)`` against torch's scaled_dot_product_attention (float64, True = keep).

    Reference: torch.nn.functional.scaled_dot_product_attention (float64); in the browser (Pyodide)
    mlnotes.attention.sdpa_numpy, proven equal in tests/test_attention.py (test_sdpa_numpy_and_torch_equal_torch_sdpa).
    See chapter: chapters/attention.md
    """
    return _run(fn, _attention_reference, attention_cases(), _attention_hint, drill="scaled dot-product attention",
                output_names=("attention output",))


# -- 3. multi-head attention ---------------------------------------------------------------------
def mha_cases() -> list:
    """Named inputs for the multi-head drill: x (B, L, d), four (d, d) weights, num_heads, mask."""
    specs = [("1 head: plain self-attention", 1, 4, 4, 1, None),
             ("2 heads, d = 8", 2, 5, 8, 2, None),
             ("4 heads, d = 8, causal mask", 2, 5, 8, 4, "causal"),
             ("3 heads, d = 12, the last key masked", 2, 4, 12, 3, "pad"),
             ("8 heads of size 1 (d = 8)", 1, 3, 8, 8, None),
             ("a single token L = 1", 3, 1, 6, 2, None)]
    cases = []
    for i, (name, B, L, d, h, kind) in enumerate(specs):
        rng = np.random.default_rng(300 + i)
        w = rng.standard_normal((4, d, d)) / np.sqrt(d)
        mask = None
        if kind == "causal":
            mask = np.tril(np.ones((L, L), dtype=bool))
        elif kind == "pad":
            mask = np.ones((L, L), dtype=bool)
            mask[:, -1] = False
        cases.append(Case(name, {"x": rng.standard_normal((B, L, d)), "w_q": w[0], "w_k": w[1], "w_v": w[2],
                                 "w_o": w[3], "num_heads": h, "mask": mask}))
    return cases


@_memo
def _mha_reference(x, w_q, w_k, w_v, w_o, num_heads, mask=None):
    if not library_oracle():
        from mlnotes.attention.multihead import MultiHeadAttention

        mha = MultiHeadAttention(x.shape[-1], num_heads, bias=False)
        mha.w_q, mha.w_k, mha.w_v, mha.w_o = w_q, w_k, w_v, w_o  # stored for x @ w, as the drill's weights
        return mha(x, attn_mask=mask, need_weights=False)[0]  # True = keep, as the drill's mask
    torch = _torch()
    d = x.shape[-1]
    mha = torch.nn.MultiheadAttention(d, num_heads, bias=False, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        mha.in_proj_weight.copy_(torch.tensor(np.concatenate([w_q.T, w_k.T, w_v.T])))  # torch stores (out, in)
        mha.out_proj.weight.copy_(torch.tensor(w_o.T))
        m = None if mask is None else torch.tensor(~mask)  # nn.MultiheadAttention: True = masked out
        return mha(*(torch.tensor(x),) * 3, attn_mask=m, need_weights=False)[0].numpy()


def _mha_variant(x, w_q, w_k, w_v, w_o, num_heads, mask, *, scale_by="head", split="right", out_proj=True):
    """Multi-head attention with one knob turned the wrong way."""
    from mlnotes.attention.core import sdpa_numpy

    B, L, d = x.shape
    dh = d // num_heads
    if split == "right":
        sp = lambda t: t.reshape(B, L, num_heads, dh).transpose(0, 2, 1, 3)  # noqa: E731
    else:  # reshape straight to (B, h, L, d_h): mixes positions and features
        sp = lambda t: t.reshape(B, num_heads, L, dh)  # noqa: E731
    scale = 1 / np.sqrt(dh if scale_by == "head" else d)
    heads = sdpa_numpy(sp(x @ w_q), sp(x @ w_k), sp(x @ w_v), mask, scale=scale)  # (B, h, L, d_h)
    concat = heads.transpose(0, 2, 1, 3).reshape(B, L, d) if split == "right" else heads.reshape(B, L, d)
    return concat @ w_o if out_proj else concat


_MHA_MISTAKES = (
    ("scores scaled by √d_model; each head uses √d_head = √(d / num_heads).", dict(scale_by="model")),
    ("heads split by reshaping straight to (B, h, L, d_h); reshape to (B, L, h, d_h), then transpose(0, 2, 1, 3) "
     "(and undo both when concatenating).", dict(split="reshape")),
    ("the output projection w_o is missing: multiply the concatenated heads by w_o.", dict(out_proj=False)),
    ("no output projection and √d_model scaling.", dict(out_proj=False, scale_by="model")),
)


def _mha_hint(kwargs, got, error) -> str:
    if error is not None:
        return ""
    with np.errstate(all="ignore"):
        for hint, knobs in _MHA_MISTAKES:
            if _matches(got, _mha_variant(**kwargs, **knobs)):
                return hint
        mask = kwargs["mask"]
        if mask is not None and np.all((~mask).any(axis=-1)):
            if _matches(got, _mha_variant(**{**kwargs, "mask": ~mask})):
                return "the mask is inverted: True means keep (attend). (nn.MultiheadAttention uses the opposite.)"
    return ""


def check_multi_head_attention(fn) -> Verdict:
    """Check ``fn(x, w_q, w_k, w_v, w_o, num_heads, mask=None)`` against nn.MultiheadAttention (bias=False, float64).

    Reference: torch.nn.MultiheadAttention (bias=False, float64); in the browser (Pyodide)
    mlnotes.attention.MultiHeadAttention (bias=False), proven equal in tests/test_attention.py
    (test_mha_is_causal_and_no_bias_and_need_weights_false, test_mha_equals_torch).
    See chapter: chapters/attention.md
    """
    return _run(fn, _mha_reference, mha_cases(), _mha_hint, drill="multi-head attention",
                output_names=("MHA output",))
