"""Property-based tests of mlnotes.attention: softmax, masked softmax, SDPA, multi-head attention and the
sinusoidal encoding against torch on random shapes, huge/tiny logits, float32 and float64, constant rows
and fully masked rows (documented: zero weights and a zero output row, like torch's SDPA)."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from mlnotes.attention import (MultiHeadAttention, masked_softmax, padding_mask, pe_shift_matrix, sdpa_numpy,
                               sinusoidal_pe, softmax, softmax_jacobian)
from tests.hypothesis_settings import PROPERTIES

BIG = 1e4
SHAPES = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=5)


def logits(dtype, shape=SHAPES):
    """Arrays of logits in [-1e4, 1e4] of the given dtype, with the extremes and exact ties likely."""
    width = 32 if dtype == np.float32 else 64
    elements = st.one_of(st.floats(-BIG, BIG, width=width), st.sampled_from([-BIG, BIG, 0.0, 1.0]))
    return hnp.arrays(dtype, shape, elements=elements)


def tol(dtype):
    """Tolerances against torch run in the same dtype (ours computes in the input's dtype too)."""
    return dict(rtol=1e-12, atol=1e-300) if dtype == np.float64 else dict(rtol=2e-6, atol=1e-7)


# -- softmax -------------------------------------------------------------------------------------------------
@PROPERTIES
@given(data=st.data(), dtype=st.sampled_from([np.float32, np.float64]))
def test_softmax_equals_torch_on_any_axis_and_dtype(data, dtype):
    x = data.draw(logits(dtype), label="x")
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1), label="axis")
    got = softmax(x, axis=axis)
    want = torch.softmax(torch.from_numpy(x), dim=axis).numpy()
    assert got.shape == x.shape and got.dtype == dtype and np.all(np.isfinite(got))
    assert np.all((got >= 0) & (got <= 1))
    np.testing.assert_allclose(got.sum(axis=axis), 1.0, rtol=1e-12 if dtype == np.float64 else 1e-6)
    np.testing.assert_allclose(got, want, **tol(dtype))
    # the largest logit of each slice keeps the largest weight
    np.testing.assert_array_equal(np.take_along_axis(got, np.argmax(x, axis=axis, keepdims=True), axis),
                                  got.max(axis=axis, keepdims=True))


@PROPERTIES
@given(value=st.one_of(st.floats(-BIG, BIG), st.sampled_from([-BIG, BIG, 0.0])), n=st.integers(1, 9),
       rows=st.integers(1, 4), dtype=st.sampled_from([np.float32, np.float64]))
def test_softmax_of_constant_rows_is_uniform(value, n, rows, dtype):
    x = np.full((rows, n), value, dtype=dtype)
    assert softmax(x).dtype == dtype  # float32 stays float32
    np.testing.assert_array_equal(softmax(x), np.full((rows, n), dtype(1) / dtype(n), dtype=dtype))  # 1/n, rounded once
    np.testing.assert_allclose(softmax(x), torch.softmax(torch.from_numpy(x), -1).numpy(), **tol(dtype))


@PROPERTIES
@given(x=logits(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, max_side=6)),
       shift=st.floats(-BIG, BIG))
def test_softmax_is_invariant_to_a_per_row_shift(x, shift):
    shifted = x + shift  # rounding of x + shift is the only difference
    got, ref = softmax(shifted), softmax(x)
    # d softmax = softmax * d logit: an absolute rounding error of ulp(2e4) in a logit moves a weight by that much
    np.testing.assert_allclose(got, ref, rtol=0, atol=1e-11)


@PROPERTIES
@given(x=logits(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, max_side=5)), row=st.integers(0, 4))
def test_softmax_all_minus_inf_slice_raises_where_torch_gives_nan(x, row):
    """Documented: a slice of only -inf has no distribution; softmax raises (torch returns NaN)."""
    x = x.copy()
    x[row % x.shape[0]] = -np.inf
    assert np.isnan(torch.softmax(torch.from_numpy(x), -1).numpy()).any()
    with pytest.raises(ValueError, match="every entry is -inf"):
        softmax(x)


@PROPERTIES
@given(shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=3).filter(lambda s: 0 in s))
def test_softmax_of_an_empty_array_raises(shape):
    """Documented (package convention: empty inputs are rejected): torch returns an empty tensor, we raise."""
    assert torch.softmax(torch.zeros(shape), -1).shape == shape
    for fn in (softmax, masked_softmax):
        with pytest.raises(ValueError, match="must not be empty"):
            fn(np.zeros(shape))


# -- masked softmax ------------------------------------------------------------------------------------------
@PROPERTIES
@given(data=st.data())
def test_masked_softmax_equals_torch_where_a_key_is_kept_and_zero_where_none(data):
    scores = data.draw(logits(np.float64, hnp.array_shapes(min_dims=2, max_dims=3, max_side=5)), label="scores")
    keep = data.draw(hnp.arrays(bool, scores.shape), label="keep")
    masked = np.where(keep, scores, -np.inf)
    got = masked_softmax(masked)
    assert np.all(np.isfinite(got))
    some = keep.any(axis=-1)  # (..., L) rows with at least one kept key
    np.testing.assert_array_equal(got[~some], 0.0)  # documented: a fully masked row gives all zeros
    np.testing.assert_array_equal(got[~keep], 0.0)
    np.testing.assert_allclose(got.sum(axis=-1), some.astype(float), rtol=1e-12)
    want = torch.softmax(torch.from_numpy(masked), dim=-1).numpy()  # NaN on fully masked rows
    np.testing.assert_allclose(got[some], want[some], rtol=1e-12, atol=1e-300)


# -- scaled dot-product attention ------------------------------------------------------------------------------
@st.composite
def qkv(draw, scale_max=10.0):
    B = draw(st.integers(1, 2))
    L, S, d_k, d_v = (draw(st.integers(1, 5)) for _ in range(4))
    elem = st.floats(-scale_max, scale_max)
    q = draw(hnp.arrays(np.float64, (B, L, d_k), elements=elem))
    k = draw(hnp.arrays(np.float64, (B, S, d_k), elements=elem))
    v = draw(hnp.arrays(np.float64, (B, S, d_v), elements=st.floats(-10, 10)))
    return q, k, v


def torch_sdpa(q, k, v, **kw):
    t = lambda a: torch.from_numpy(np.ascontiguousarray(a))  # noqa: E731
    return F.scaled_dot_product_attention(t(q), t(k), t(v), **kw).numpy()


@PROPERTIES
@given(data=st.data(), big=st.booleans())
def test_sdpa_equals_torch_with_random_bool_masks_including_fully_masked_rows(data, big):
    q, k, v = data.draw(qkv(scale_max=100.0 if big else 3.0), label="qkv")  # big: scores up to ~1e4
    B, L, S = q.shape[0], q.shape[1], k.shape[1]
    mask = data.draw(hnp.arrays(bool, (B, L, S)), label="mask")
    out, w = sdpa_numpy(q, k, v, mask=mask, return_weights=True)
    want = torch_sdpa(q, k, v, attn_mask=torch.from_numpy(mask))
    assert np.all(np.isfinite(out)) and np.all(np.isfinite(w))
    dead = ~mask.any(axis=-1)  # (B, L) fully masked query rows
    np.testing.assert_array_equal(out[dead], 0.0)  # documented: zero output row, as torch's SDPA
    np.testing.assert_array_equal(w[dead], 0.0)
    np.testing.assert_array_equal(w[~mask], 0.0)
    np.testing.assert_allclose(w.sum(-1), (~dead).astype(float), rtol=1e-12)
    np.testing.assert_allclose(out, want, rtol=1e-9, atol=1e-9)


@PROPERTIES
@given(data=st.data())
def test_sdpa_in_float32_stays_float32_and_equals_torch_float32(data):
    """Issue 11 item 18: float32 in → float32 out, equal to torch's SDPA run in float32 (fully masked rows: 0)."""
    q, k, v = (a.astype(np.float32) for a in data.draw(qkv(scale_max=3.0), label="qkv"))
    mask = data.draw(hnp.arrays(bool, (q.shape[0], q.shape[1], k.shape[1])), label="mask")
    out, w = sdpa_numpy(q, k, v, mask=mask, return_weights=True)
    assert out.dtype == w.dtype == np.float32 and np.all(np.isfinite(out))
    np.testing.assert_allclose(out, torch_sdpa(q, k, v, attn_mask=torch.from_numpy(mask)), rtol=1e-4, atol=2e-5)


@PROPERTIES
@given(data=st.data())
def test_sdpa_is_causal_and_additive_masks_equal_torch(data):
    q, k, v = data.draw(qkv(), label="qkv")
    L, S = q.shape[1], k.shape[1]
    np.testing.assert_allclose(sdpa_numpy(q, k, v, is_causal=True), torch_sdpa(q, k, v, is_causal=True),
                               rtol=1e-10, atol=1e-12)
    add = data.draw(hnp.arrays(np.float64, (L, S), elements=st.one_of(st.floats(-50, 50), st.just(-np.inf))),
                    label="additive mask")
    assume(np.isfinite(add).any(axis=-1).all())  # torch's SDPA gives NaN on a row of only -inf floats
    np.testing.assert_allclose(sdpa_numpy(q, k, v, mask=add), torch_sdpa(q, k, v, attn_mask=torch.from_numpy(add)),
                               rtol=1e-10, atol=1e-12)


@PROPERTIES
@given(data=st.data())
def test_sdpa_single_key_returns_its_value_and_permuting_keys_changes_nothing(data):
    q, k, v = data.draw(qkv(), label="qkv")
    out1 = sdpa_numpy(q, k[:, :1], v[:, :1])  # one key: every weight is 1
    np.testing.assert_allclose(out1, np.broadcast_to(v[:, :1], out1.shape), rtol=1e-15)
    perm = data.draw(st.permutations(range(k.shape[1])), label="perm")
    np.testing.assert_allclose(sdpa_numpy(q, k[:, perm], v[:, perm]), sdpa_numpy(q, k, v), rtol=1e-10, atol=1e-12)


# -- multi-head attention ----------------------------------------------------------------------------------------
@PROPERTIES
@given(data=st.data(), h=st.sampled_from([1, 2]), d_head=st.integers(1, 3), B=st.integers(1, 3),
       L=st.integers(1, 5), causal=st.booleans(), seed=st.integers(0, 2**16))
def test_mha_with_padding_equals_torch(data, h, d_head, B, L, causal, seed):
    d = h * d_head
    lengths = data.draw(st.lists(st.integers(1, L), min_size=B, max_size=B), label="lengths")
    x = np.random.default_rng(seed).standard_normal((B, L, d)) * 3
    torch.manual_seed(seed)
    ref = torch.nn.MultiheadAttention(d, h, batch_first=True, dtype=torch.float64)
    ours = MultiHeadAttention.from_torch(ref)
    key_mask = padding_mask(lengths, L)[:, 0, :]  # (B, L) True = real token, never all False
    out, w = ours(x, key_mask=key_mask, is_causal=causal)
    tx = torch.from_numpy(x)
    kw = dict(key_padding_mask=torch.from_numpy(~key_mask))  # torch: True = padded
    if causal:
        kw["attn_mask"] = torch.from_numpy(~np.tril(np.ones((L, L), dtype=bool)))
    with torch.no_grad():
        want, want_w = ref(tx, tx, tx, need_weights=True, **kw)
    assert np.all(np.isfinite(out))
    np.testing.assert_allclose(out, want.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(w, want_w.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(w[~np.broadcast_to(key_mask[:, None, :], w.shape)], 0.0)  # padded keys: weight 0


@PROPERTIES
@given(data=st.data(), seed=st.integers(0, 2**16))
def test_mha_fully_masked_row_gives_zero_weights_and_the_output_bias(data, seed):
    """Documented (attention.core): a query with no key gets zero weights, so its output is b_o (torch MHA: NaN)."""
    B, L = 2, data.draw(st.integers(1, 4), label="L")
    mask = data.draw(hnp.arrays(bool, (B, L, L)), label="attn_mask")
    mha = MultiHeadAttention(4, 2, seed=seed)
    mha.b_o = np.random.default_rng(seed).standard_normal(4)
    x = np.random.default_rng(seed + 1).standard_normal((B, L, 4))
    out, w = mha(x, attn_mask=mask, average_attn_weights=False)
    dead = ~mask.any(-1)  # (B, L)
    assert np.all(np.isfinite(out))
    np.testing.assert_array_equal(w.transpose(0, 2, 1, 3)[dead], 0.0)
    np.testing.assert_array_equal(out[dead], np.broadcast_to(mha.b_o, out[dead].shape))


# -- positional encoding, softmax Jacobian -----------------------------------------------------------------------
@PROPERTIES
@given(L=st.sampled_from([1, 2, 17, 1000, 100_000]), half=st.integers(1, 8), p=st.integers(0, 99_990),
       k=st.integers(0, 9))
def test_sinusoidal_pe_is_finite_on_the_unit_circle_and_shifts_by_rotation(L, half, p, k):
    d = 2 * half
    pe = sinusoidal_pe(L, d)
    assert pe.shape == (L, d) and np.all(np.isfinite(pe)) and np.all(np.abs(pe) <= 1)
    np.testing.assert_allclose(pe[:, 0::2] ** 2 + pe[:, 1::2] ** 2, 1.0, rtol=1e-14)
    np.testing.assert_array_equal(pe[0], np.tile([0.0, 1.0], half))
    if p + k < L:  # PE[p + k] = R_k PE[p]: the angle-addition identity, up to rounding of ω·p (p ≤ 1e5)
        np.testing.assert_allclose(pe_shift_matrix(k, d) @ pe[p], pe[p + k], rtol=0, atol=1e-10)


@PROPERTIES
@given(x=logits(np.float64, hnp.array_shapes(min_dims=1, max_dims=1, max_side=6)))
def test_softmax_jacobian_equals_autograd(x):
    p = softmax(x)
    J = softmax_jacobian(p)
    want = torch.autograd.functional.jacobian(lambda t: torch.softmax(t, -1), torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(J, want, rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose(J.sum(axis=0), 0.0, atol=1e-15)  # Σ_i ∂p_i/∂s_j = 0: weights keep summing to 1
    np.testing.assert_array_equal(J, J.T)
