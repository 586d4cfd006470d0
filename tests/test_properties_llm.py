"""Property tests (hypothesis) for the LLM chapter's kernels: BPE round trips, top-k/top-p filters, RoPE,
online softmax and tiled attention, best_span, LoRA's merge."""

import numpy as np
import torch
from hypothesis import given
from hypothesis import strategies as st

from mlnotes.attention import sdpa_numpy, softmax
from mlnotes.llm import bert, bpe, decoding, flash, lora, positions
from tests.hypothesis_settings import PROPERTIES

TOKENIZER = None


def tokenizer():
    global TOKENIZER
    if TOKENIZER is None:
        TOKENIZER = bpe.train_bpe(["the cat sat on the mat, the dog sat on the log", "naïve café 字节 🤗"], 300)
    return TOKENIZER


@PROPERTIES
@given(text=st.text(max_size=60))
def test_bpe_round_trips_any_text(text):
    tok = tokenizer()
    assert tok.decode(tok.encode(text)) == text
    assert "".join(tok.tokenize(text)) == "".join(bpe.pretokenize(text))


@PROPERTIES
@given(logits=st.lists(st.floats(-30, 30, allow_nan=False), min_size=2, max_size=20),
       k=st.integers(1, 25), p=st.floats(0.01, 1.0), temperature=st.floats(0.1, 5.0))
def test_filters_keep_a_valid_distribution(logits, k, p, temperature):
    z = torch.tensor(logits, dtype=torch.float64)
    out = decoding.filter_logits(z, temperature, k, p)
    probs = torch.softmax(out, -1)
    assert np.isclose(probs.sum().item(), 1.0)
    full = torch.softmax(z / temperature, -1)
    assert torch.isfinite(out[full == full.max()]).any()  # a most likely token always survives (ties: one of them)
    kth = torch.topk(z, min(k, len(z))).values[-1]
    assert torch.isfinite(out).sum() <= (z >= kth).sum()  # at most the top k (and ties with the k-th)


@PROPERTIES
@given(d=st.sampled_from([2, 4, 8, 16]), m=st.integers(0, 10_000), offset=st.integers(-50, 50),
       seed=st.integers(0, 1000), dtype=st.sampled_from([np.float32, np.float64]))
def test_rope_is_a_rotation_with_relative_scores(d, m, offset, seed, dtype):
    rng = np.random.default_rng(seed)
    q, k = rng.standard_normal((1, d)).astype(dtype), rng.standard_normal((1, d)).astype(dtype)
    rq = positions.apply_rope(q, [m])
    assert rq.dtype == dtype
    tol = 1e-4 if dtype == np.float32 else 1e-9
    np.testing.assert_allclose(np.linalg.norm(rq), np.linalg.norm(q), rtol=tol)
    n = max(m + offset, 0)
    s1 = (rq @ positions.apply_rope(k, [n]).T).item()
    s2 = (positions.apply_rope(q, [0]) @ positions.apply_rope(k, [n - m]).T).item()
    assert np.isclose(s1, s2, rtol=max(tol, 1e-6) * 100, atol=max(tol, 1e-7) * 100)


@PROPERTIES
@given(values=st.lists(st.floats(-1e4, 1e4, allow_nan=False), min_size=1, max_size=40))
def test_online_softmax_equals_softmax(values):
    x = np.array(values)
    np.testing.assert_allclose(flash.online_softmax(x), softmax(x), rtol=1e-10, atol=1e-300)


@PROPERTIES
@given(L=st.integers(1, 7), S=st.integers(1, 9), d=st.integers(1, 6), block=st.integers(1, 10),
       scale=st.sampled_from([0.1, 1.0, 30.0]), seed=st.integers(0, 10_000))
def test_tiled_attention_equals_full(L, S, d, block, scale, seed):
    rng = np.random.default_rng(seed)
    q, k, v = scale * rng.standard_normal((L, d)), scale * rng.standard_normal((S, d)), rng.standard_normal((S, 2))
    np.testing.assert_allclose(flash.tiled_attention(q, k, v, block), sdpa_numpy(q, k, v), rtol=1e-9, atol=1e-12)
    n = min(L, S)
    np.testing.assert_allclose(flash.tiled_attention(q[:n], k[:n], v[:n], block, causal=True),
                               sdpa_numpy(q[:n], k[:n], v[:n], is_causal=True), rtol=1e-9, atol=1e-12)


@PROPERTIES
@given(T=st.integers(1, 12), max_len=st.integers(1, 12), seed=st.integers(0, 10_000))
def test_best_span_is_the_brute_force_optimum(T, max_len, seed):
    rng = np.random.default_rng(seed)
    s, e = rng.standard_normal(T), rng.standard_normal(T)
    i, j, score = bert.best_span(s, e, max_len)
    assert 0 <= i <= j < min(T, i + max_len)
    assert np.isclose(score, max(s[a] + e[b] for a in range(T) for b in range(a, min(T, a + max_len))))


@PROPERTIES
@given(d_in=st.integers(1, 8), d_out=st.integers(1, 8), r=st.integers(1, 8), alpha=st.floats(0.1, 32.0),
       seed=st.integers(0, 10_000))
def test_lora_merge_equals_unmerged(d_in, d_out, r, alpha, seed):
    r = min(r, d_in, d_out)
    gen = torch.Generator().manual_seed(seed)
    layer = lora.LoRALinear(torch.randn(d_out, d_in, generator=gen, dtype=torch.float64),
                            torch.randn(d_out, generator=gen, dtype=torch.float64), r=r, alpha=alpha, seed=seed)
    with torch.no_grad():
        layer.B.copy_(torch.randn(d_out, r, generator=gen, dtype=torch.float64))
    x = torch.randn(3, d_in, generator=gen, dtype=torch.float64)
    np.testing.assert_allclose(layer(x).detach(), x @ layer.merged_weight().T + layer.bias, rtol=1e-10, atol=1e-10)
