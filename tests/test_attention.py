"""mlnotes.attention equals torch (softmax, SDPA, nn.MultiheadAttention); masks, √d_k scaling, positional
encoding, the tiny reversal model and the cost helpers behave as the chapter states."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from mlnotes.attention import (MultiHeadAttention, causal_mask, combine_masks, fit_exponent, global_max_demo_scores,
                               layer_costs, masked_softmax, mha_param_count, padding_mask, path_lengths,
                               pe_dot_by_offset, pe_frequencies, pe_shift_matrix, saturation, scaled_scores,
                               score_variance, sdpa_numpy, sdpa_torch, self_attention_fused, sinusoidal_pe,
                               sliding_window_mask, softmax, softmax_global_max, softmax_jacobian, split_heads,
                               merge_heads, time_attention)

TIGHT = dict(rtol=1e-12, atol=1e-12)


def t64(a):
    return torch.tensor(np.asarray(a), dtype=torch.float64)


# -- softmax and erratum 4 -------------------------------------------------------------------------
@pytest.mark.parametrize("axis", [0, 1, -1, -2])
def test_softmax_equals_torch_on_any_axis(axis):
    x = 4 * np.random.default_rng(0).standard_normal((3, 4, 5))
    np.testing.assert_allclose(softmax(x, axis=axis), torch.softmax(t64(x), dim=axis).numpy(), **TIGHT)


def test_softmax_is_shift_invariant_per_row_and_sums_to_one():
    x = np.random.default_rng(1).standard_normal((5, 7))
    shift = np.random.default_rng(2).standard_normal((5, 1)) * 100
    np.testing.assert_allclose(softmax(x + shift), softmax(x), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(softmax(x).sum(axis=-1), np.ones(5), rtol=1e-14)


def test_softmax_large_logits_finite_and_equal_torch():
    x = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4 - 1, -1e4 - 2], [3.0, 3.0, 3.0]])
    got = softmax(x)
    assert np.all(np.isfinite(got))
    np.testing.assert_allclose(got, torch.softmax(t64(x), dim=-1).numpy(), **TIGHT)
    np.testing.assert_array_equal(got[0], [1.0, 0.0, 0.0])
    np.testing.assert_allclose(got[2], np.full(3, 1 / 3), rtol=1e-15)


def test_softmax_hand_worked_and_minus_inf():
    e = np.exp([0.0, 1.0, 2.0])
    np.testing.assert_allclose(softmax([0.0, 1.0, 2.0]), e / e.sum(), rtol=1e-15)
    np.testing.assert_array_equal(softmax([0.0, -np.inf]), [1.0, 0.0])


def test_erratum4_global_max_gives_nan_where_row_max_is_finite():
    scores = global_max_demo_scores()  # (3, 4), last row ~800 below the global max
    notes = softmax_global_max(scores)
    ours = softmax(scores)
    assert np.all(np.isnan(notes[2])), "the notes' version must underflow to 0/0 on the low row"
    assert np.all(np.isfinite(ours))
    np.testing.assert_allclose(ours, torch.softmax(t64(scores), dim=-1).numpy(), **TIGHT)
    np.testing.assert_allclose(notes[:2], ours[:2], **TIGHT)  # the trick is exact where it does not underflow


def test_erratum4_float32_gap_of_120_is_enough():
    scores = global_max_demo_scores("float32")
    assert scores.dtype == np.float32
    with np.errstate(all="ignore"):
        e = np.exp(scores - scores.max())  # float32 arithmetic: the notes' shift
        notes = e / e.sum(axis=-1, keepdims=True)
    assert np.all(np.isnan(notes[2]))
    ours = torch.softmax(torch.tensor(scores), dim=-1).numpy()
    np.testing.assert_allclose(softmax(scores), ours, rtol=1e-5, atol=1e-7)


def test_global_max_version_is_exact_on_benign_input():
    x = np.random.default_rng(3).standard_normal((4, 6))
    np.testing.assert_allclose(softmax_global_max(x), softmax(x), **TIGHT)


# -- scaled dot-product attention ------------------------------------------------------------------
SHAPES = [
    ((4, 3), (5, 3), (5, 2)),  # plain, L ≠ S, d_v ≠ d_k
    ((2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 7)),  # batch and heads
    ((2, 3, 4, 5), (1, 3, 6, 5), (2, 1, 6, 7)),  # broadcasting over batch / heads
    ((4, 5), (2, 6, 5), (6, 7)),  # different ranks broadcast
]


def _mask_for(kind, L, S, batch, rng):
    if kind is None:
        return None
    if kind == "bool":
        m = rng.random((L, S)) > 0.4
        m[:, 0] = True  # every query keeps a key
        return m
    if kind == "bool-broadcast":
        shape = (batch[0], 1, L, S) if len(batch) >= 2 else ((1, L, S) if batch else (1, S))  # broadcasts
        m = rng.random(shape) > 0.4
        m[..., 0] = True
        return m
    m = rng.standard_normal((L, S))  # additive float mask with some -inf
    m[rng.random((L, S)) > 0.7] = -np.inf
    m[:, 0] = 0.0
    return m


@pytest.mark.parametrize("shapes", SHAPES)
@pytest.mark.parametrize("kind", [None, "bool", "bool-broadcast", "float"])
def test_sdpa_numpy_and_torch_equal_torch_sdpa(shapes, kind):
    rng = np.random.default_rng(4)
    q, k, v = (rng.standard_normal(s) for s in shapes)
    batch = np.broadcast_shapes(q.shape[:-2], k.shape[:-2], v.shape[:-2])
    mask = _mask_for(kind, q.shape[-2], k.shape[-2], batch, rng)
    tm = None if mask is None else torch.tensor(mask)
    ref = F.scaled_dot_product_attention(t64(q), t64(k), t64(v), attn_mask=tm).numpy()
    np.testing.assert_allclose(sdpa_numpy(q, k, v, mask=mask), ref, **TIGHT)
    np.testing.assert_allclose(sdpa_torch(t64(q), t64(k), t64(v), mask=tm).numpy(), ref, **TIGHT)


@pytest.mark.parametrize("L, S", [(5, 5), (3, 6), (6, 3)])
def test_is_causal_equals_torch_and_causal_mask(L, S):
    rng = np.random.default_rng(5)
    q, k, v = rng.standard_normal((L, 4)), rng.standard_normal((S, 4)), rng.standard_normal((S, 3))
    ref = F.scaled_dot_product_attention(t64(q), t64(k), t64(v), is_causal=True).numpy()
    np.testing.assert_allclose(sdpa_numpy(q, k, v, is_causal=True), ref, **TIGHT)
    np.testing.assert_allclose(sdpa_numpy(q, k, v, mask=causal_mask(L, S)), ref, **TIGHT)
    np.testing.assert_allclose(sdpa_torch(t64(q), t64(k), t64(v), is_causal=True).numpy(), ref, **TIGHT)


def test_custom_scale_equals_torch():
    rng = np.random.default_rng(6)
    q, k, v = rng.standard_normal((3, 4, 8)), rng.standard_normal((3, 5, 8)), rng.standard_normal((3, 5, 2))
    ref = F.scaled_dot_product_attention(t64(q), t64(k), t64(v), scale=0.3).numpy()
    np.testing.assert_allclose(sdpa_numpy(q, k, v, scale=0.3), ref, **TIGHT)


def test_sdpa_torch_gradients_equal_torch_sdpa():
    rng = np.random.default_rng(7)
    mask = torch.tensor(causal_mask(4, 6))
    ours = [t64(rng.standard_normal(s)).requires_grad_() for s in [(2, 4, 5), (2, 6, 5), (2, 6, 3)]]
    theirs = [t.detach().clone().requires_grad_() for t in ours]
    g = t64(rng.standard_normal((2, 4, 3)))
    (sdpa_torch(*ours, mask=mask) * g).sum().backward()
    (F.scaled_dot_product_attention(*theirs, attn_mask=mask) * g).sum().backward()
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_sdpa_torch_gradcheck():
    rng = np.random.default_rng(8)
    inputs = tuple(t64(rng.standard_normal(s)).requires_grad_() for s in [(3, 4), (5, 4), (5, 2)])
    mask = torch.tensor(padding_mask([3], 5)[0])  # (1, 5)
    assert torch.autograd.gradcheck(lambda q, k, v: sdpa_torch(q, k, v, mask=mask), inputs)


def test_hand_worked_two_tokens():
    q = k = np.eye(2)
    v = np.array([[1.0, 2.0], [3.0, 4.0]])
    a = np.exp(1 / np.sqrt(2))  # scores: identity / √2
    w = np.array([[a, 1.0], [1.0, a]]) / (a + 1)
    out, weights = sdpa_numpy(q, k, v, return_weights=True)
    np.testing.assert_allclose(weights, w, rtol=1e-15)
    np.testing.assert_allclose(out, w @ v, rtol=1e-15)


def test_single_key_copies_v_and_masked_values_do_not_matter():
    rng = np.random.default_rng(9)
    q, k, v = rng.standard_normal((3, 4)), rng.standard_normal((1, 4)), rng.standard_normal((1, 5))
    np.testing.assert_allclose(sdpa_numpy(q, k, v), np.repeat(v, 3, axis=0), rtol=1e-15)
    q, k, v = rng.standard_normal((2, 4, 4)), rng.standard_normal((2, 6, 4)), rng.standard_normal((2, 6, 3))
    mask = padding_mask([4, 2], 6)  # (2, 1, 6)
    v2 = v.copy()
    v2[0, 4:] += 100.0  # change only padded keys' values
    v2[1, 2:] -= 50.0
    np.testing.assert_array_equal(sdpa_numpy(q, k, v, mask=mask), sdpa_numpy(q, k, v2, mask=mask))


def test_fully_masked_rows_zeros_like_torch_sdpa_but_nan_in_nn_mha():
    rng = np.random.default_rng(10)
    q, k, v = rng.standard_normal((3, 4)), rng.standard_normal((5, 4)), rng.standard_normal((5, 2))
    mask = np.ones((3, 5), dtype=bool)
    mask[1] = False
    ref = F.scaled_dot_product_attention(t64(q), t64(k), t64(v), attn_mask=torch.tensor(mask)).numpy()
    assert torch.__version__ >= "2.5"  # SDPA calls _safe_softmax since 2.5 (pytorch#133882); NaN before
    np.testing.assert_array_equal(ref[1], 0.0)  # measured torch behaviour (2.13, CPU)
    out, w = sdpa_numpy(q, k, v, mask=mask, return_weights=True)
    np.testing.assert_allclose(out, ref, **TIGHT)
    np.testing.assert_array_equal(w[1], 0.0)
    qt = t64(q).requires_grad_()
    sdpa_torch(qt, t64(k), t64(v), mask=torch.tensor(mask)).sum().backward()
    assert torch.all(torch.isfinite(qt.grad)) and torch.all(qt.grad[1] == 0)
    torch.manual_seed(0)  # nn.MultiheadAttention with need_weights=True gives NaN on such a row
    mha = torch.nn.MultiheadAttention(4, 2, batch_first=True, dtype=torch.float64)
    x = t64(rng.standard_normal((1, 3, 4)))
    am = torch.zeros(3, 3, dtype=torch.bool)
    am[1] = True  # torch: True = masked out
    assert torch.all(torch.isnan(mha(x, x, x, attn_mask=am)[0][0, 1]))
    ours = MultiHeadAttention.from_torch(mha)(x.numpy(), attn_mask=~am.numpy())[0]
    np.testing.assert_allclose(ours[0, 1], mha.out_proj.bias.detach().numpy(), atol=1e-15)  # zero attention + b_o


def test_float32_inputs_match_torch_float32():
    rng = np.random.default_rng(11)
    q, k, v = (rng.standard_normal(s).astype(np.float32) for s in [(2, 6, 8), (2, 6, 8), (2, 6, 8)])
    ref = F.scaled_dot_product_attention(*map(torch.tensor, (q, k, v)), is_causal=True).numpy()
    np.testing.assert_allclose(sdpa_numpy(q, k, v, is_causal=True), ref, rtol=1e-5, atol=1e-6)


def test_masked_softmax_rows():
    s = np.array([[0.0, -np.inf, 1.0], [-np.inf, -np.inf, -np.inf]])
    w = masked_softmax(s)
    np.testing.assert_allclose(w[0], softmax([0.0, -np.inf, 1.0]), rtol=1e-15)
    np.testing.assert_array_equal(w[1], 0.0)


# -- masks ---------------------------------------------------------------------------------------
def test_mask_builders_hand_worked():
    np.testing.assert_array_equal(causal_mask(3), [[1, 0, 0], [1, 1, 0], [1, 1, 1]])
    np.testing.assert_array_equal(causal_mask(2, 3), [[1, 0, 0], [1, 1, 0]])
    pm = padding_mask([2, 3], 3)
    assert pm.shape == (2, 1, 3) and pm.dtype == bool
    np.testing.assert_array_equal(pm[:, 0], [[1, 1, 0], [1, 1, 1]])
    np.testing.assert_array_equal(sliding_window_mask(4, 1),
                                  [[1, 1, 0, 0], [1, 1, 1, 0], [0, 1, 1, 1], [0, 0, 1, 1]])
    np.testing.assert_array_equal(sliding_window_mask(4, 1, causal=True),
                                  [[1, 0, 0, 0], [1, 1, 0, 0], [0, 1, 1, 0], [0, 0, 1, 1]])
    np.testing.assert_array_equal(sliding_window_mask(3, 0), np.eye(3, dtype=bool))


def test_sliding_window_limits_and_combine():
    L = 7
    assert np.all(sliding_window_mask(L, L - 1))
    np.testing.assert_array_equal(sliding_window_mask(L, L, causal=True), causal_mask(L))
    assert sliding_window_mask(L, 2).sum(axis=1).max() == 5  # 2w + 1 keys in the middle
    both = combine_masks(causal_mask(4), padding_mask([2, 4], 4))
    assert both.shape == (2, 4, 4)
    np.testing.assert_array_equal(both[1], causal_mask(4))
    np.testing.assert_array_equal(both[0], causal_mask(4) & np.array([1, 1, 0, 0], dtype=bool))


def test_combined_mask_equals_torch_with_heads():
    rng = np.random.default_rng(12)
    q, k, v = rng.standard_normal((3, 2, 2, 6, 4))  # 3 × (B, h, L, d)
    mask = combine_masks(causal_mask(6), padding_mask([6, 3], 6))[:, None]  # (2, 1, 6, 6)
    ref = F.scaled_dot_product_attention(t64(q), t64(k), t64(v), attn_mask=torch.tensor(mask)).numpy()
    np.testing.assert_allclose(sdpa_numpy(q, k, v, mask=mask), ref, **TIGHT)


# -- √d_k scaling (erratum 20) ---------------------------------------------------------------------
def test_dot_product_variance_is_d_k():
    d = np.array([1, 16, 256])
    var = score_variance(d, n_samples=4000)
    np.testing.assert_allclose(var, d, rtol=0.1)
    for dk in d:
        assert abs(np.var(scaled_scores(int(dk), "sqrt")) - 1) < 0.1  # ÷√d_k: unit variance for every d_k
    assert np.var(scaled_scores(256, "linear")) < 0.01  # ÷d_k (the notes' heading): variance 1/d_k


def test_unscaled_softmax_saturates_and_gradient_vanishes():
    unscaled = [saturation(d, "none") for d in (1, 16, 256, 1024)]
    scaled = [saturation(d, "sqrt") for d in (1, 16, 256, 1024)]
    maxw = [s.max_weight for s in unscaled]
    assert maxw == sorted(maxw) and maxw[-1] > 0.9
    assert unscaled[-1].jacobian_norm < 0.25 * scaled[-1].jacobian_norm
    sw = [s.max_weight for s in scaled]
    assert max(sw) - min(sw) < 0.08  # √d_k keeps the softmax in the same regime for every d_k
    assert abs(saturation(1024, "linear").max_weight - 1 / 16) < 0.02  # ÷d_k: almost uniform


def test_scalings_share_one_cached_draw_and_callers_cannot_corrupt_it():
    raw = scaled_scores(16, "none")
    np.testing.assert_allclose(scaled_scores(16, "sqrt"), raw / 4, rtol=1e-15)
    np.testing.assert_allclose(scaled_scores(16, "linear"), raw / 16, rtol=1e-15)
    raw[0, 0] = 1e9  # the caller's copy, not the cache
    assert scaled_scores(16, "none")[0, 0] != 1e9


def test_softmax_jacobian_equals_autograd():
    s = np.random.default_rng(13).standard_normal((3, 5))
    jac = softmax_jacobian(softmax(s))
    for i in range(3):
        ref = torch.autograd.functional.jacobian(lambda t: torch.softmax(t, -1), t64(s[i])).numpy()
        np.testing.assert_allclose(jac[i], ref, **TIGHT)


# -- multi-head attention (erratum 16: the notes' code does not run; this is the fix) ----------------
def _torch_mha(d, h, seed, **kw):
    torch.manual_seed(seed)
    mha = torch.nn.MultiheadAttention(d, h, batch_first=True, dtype=torch.float64, **kw)
    with torch.no_grad():  # non-zero biases so they are tested too
        for p in mha.parameters():
            p.add_(0.1 * torch.randn_like(p))
    return mha


@pytest.mark.parametrize("average", [True, False])
@pytest.mark.parametrize("masks", ["none", "key_padding", "attn_bool", "attn_float", "both", "attn_3d"])
def test_mha_equals_torch(masks, average):
    B, L, d, h = 2, 5, 8, 2
    mha = _torch_mha(d, h, 0)
    rng = np.random.default_rng(14)
    x = rng.standard_normal((B, L, d))
    kpm = np.zeros((B, L), dtype=bool)
    kpm[1, 3:] = True  # torch: True = padding (ignored)
    am = np.triu(np.ones((L, L), dtype=bool), 1)  # torch: True = not allowed
    fm = rng.standard_normal((L, L))
    am3 = rng.random((B, L, L)) > 0.6
    am3[..., 0] = False
    t_kw, o_kw = {}, {}
    if masks in ("key_padding", "both"):
        t_kw["key_padding_mask"], o_kw["key_mask"] = torch.tensor(kpm), ~kpm
    if masks in ("attn_bool", "both"):
        t_kw["attn_mask"], o_kw["attn_mask"] = torch.tensor(am), ~am
    if masks == "attn_float":
        t_kw["attn_mask"], o_kw["attn_mask"] = t64(fm), fm
    if masks == "attn_3d":  # torch wants (B·h, L, S); ours takes (B, L, S) for every head
        t_kw["attn_mask"], o_kw["attn_mask"] = torch.tensor(np.repeat(am3, h, axis=0)), ~am3
    ref_out, ref_w = mha(*(t64(x),) * 3, need_weights=True, average_attn_weights=average, **t_kw)
    out, w = MultiHeadAttention.from_torch(mha)(x, average_attn_weights=average, **o_kw)
    np.testing.assert_allclose(out, ref_out.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(w, ref_w.detach().numpy(), rtol=1e-10, atol=1e-12)
    assert w.shape == ((B, L, L) if average else (B, h, L, L))


def test_mha_is_causal_and_no_bias_and_need_weights_false():
    mha = _torch_mha(12, 3, 1, bias=False)
    x = np.random.default_rng(15).standard_normal((3, 4, 12))
    am = torch.tensor(np.triu(np.ones((4, 4), dtype=bool), 1))
    ref = mha(*(t64(x),) * 3, attn_mask=am, need_weights=False)[0].detach().numpy()
    ours = MultiHeadAttention.from_torch(mha)
    assert ours.b_q is None and ours.b_o is None
    out, w = ours(x, is_causal=True, need_weights=False)
    assert w is None
    np.testing.assert_allclose(out, ref, rtol=1e-10, atol=1e-12)


def test_cross_attention_equals_torch():
    B, L, S, d, h = 2, 3, 7, 8, 4
    mha = _torch_mha(d, h, 2)
    rng = np.random.default_rng(16)
    dec, enc = rng.standard_normal((B, L, d)), rng.standard_normal((B, S, d))
    kpm = np.zeros((B, S), dtype=bool)
    kpm[0, 5:] = True
    ref_out, ref_w = mha(t64(dec), t64(enc), t64(enc), key_padding_mask=torch.tensor(kpm))
    out, w = MultiHeadAttention.from_torch(mha)(dec, enc, enc, key_mask=~kpm)
    assert out.shape == (B, L, d) and w.shape == (B, L, S)
    np.testing.assert_allclose(out, ref_out.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(w, ref_w.detach().numpy(), rtol=1e-10, atol=1e-12)


def test_cross_attention_with_other_kdim_vdim_equals_torch():
    mha = _torch_mha(8, 2, 3, kdim=5, vdim=6)
    rng = np.random.default_rng(17)
    q, k, v = rng.standard_normal((2, 3, 8)), rng.standard_normal((2, 4, 5)), rng.standard_normal((2, 4, 6))
    ref = mha(t64(q), t64(k), t64(v))[0].detach().numpy()
    np.testing.assert_allclose(MultiHeadAttention.from_torch(mha)(q, k, v)[0], ref, rtol=1e-10, atol=1e-12)


def test_fused_qkv_equals_separate_projections():
    mha = MultiHeadAttention(12, 3, seed=4)
    rng = np.random.default_rng(18)
    for p in mha.parameters():
        p += 0.1 * rng.standard_normal(p.shape)
    x = rng.standard_normal((2, 5, 12))
    mask = causal_mask(5)
    separate = mha(x, attn_mask=mask)[0]
    fused = self_attention_fused(x, mha.w_qkv, mha.b_qkv, mha.w_o, mha.b_o, 3, mask=mask)
    assert mha.w_qkv.shape == (12, 36)
    np.testing.assert_allclose(fused, separate, rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("d, h, bias", [(8, 1, True), (8, 2, True), (12, 3, False), (64, 8, True), (512, 8, True)])
def test_param_count_equals_torch(d, h, bias):
    mha = torch.nn.MultiheadAttention(d, h, bias=bias)
    assert mha_param_count(d, h, bias) == sum(p.numel() for p in mha.parameters())
    assert mha_param_count(d, h, bias) == 4 * d * d + (4 * d if bias else 0)
    assert mha_param_count(d, h, bias) == sum(p.size for p in MultiHeadAttention(d, h, bias=bias).parameters())


def test_one_head_equals_plain_attention_and_split_merge_roundtrip():
    mha = MultiHeadAttention(6, 1, bias=False, seed=5)
    x = np.random.default_rng(19).standard_normal((2, 4, 6))
    plain = sdpa_numpy(x @ mha.w_q, x @ mha.w_k, x @ mha.w_v) @ mha.w_o
    np.testing.assert_allclose(mha(x)[0], plain, **TIGHT)
    np.testing.assert_array_equal(merge_heads(split_heads(x, 3)), x)
    np.testing.assert_array_equal(split_heads(x, 3)[:, 1], x[..., 2:4])  # head i = columns i·d_h …


def test_self_attention_is_permutation_equivariant_without_positions():
    mha = MultiHeadAttention(8, 2, seed=6)
    x = np.random.default_rng(20).standard_normal((1, 6, 8))
    perm = np.random.default_rng(21).permutation(6)
    np.testing.assert_allclose(mha(x[:, perm])[0], mha(x)[0][:, perm], rtol=1e-12, atol=1e-13)


# -- positional encoding ---------------------------------------------------------------------------
def test_sinusoidal_pe_hand_values():
    pe = sinusoidal_pe(3, 4)
    np.testing.assert_allclose(pe[0], [0, 1, 0, 1], atol=0)
    np.testing.assert_allclose(pe[1], [np.sin(1), np.cos(1), np.sin(1e-2), np.cos(1e-2)], rtol=1e-15)
    np.testing.assert_allclose(pe_frequencies(4), [1.0, 1e-2], rtol=1e-15)
    np.testing.assert_allclose(np.sum(sinusoidal_pe(50, 16) ** 2, axis=1), np.full(50, 8.0), rtol=1e-14)


@pytest.mark.parametrize("d", [4, 16, 64])
def test_pe_dot_product_depends_only_on_offset(d):
    pe = sinusoidal_pe(40, d)
    gram = pe @ pe.T  # (40, 40)
    curve = pe_dot_by_offset(39, d)
    for i in range(40):
        for j in range(40):
            assert abs(gram[i, j] - curve[abs(i - j)]) < 1e-11
    assert np.all(curve[1:] < curve[0])


def test_pe_similarity_decreases_with_offset_on_average():
    c = pe_dot_by_offset(63, 64)
    assert c[1:8].mean() > c[8:32].mean() > c[32:64].mean()


@pytest.mark.parametrize("k", [1, 3, -2, 17])
def test_pe_shift_is_a_rotation(k):
    d = 16
    pe = sinusoidal_pe(60, d)
    R = pe_shift_matrix(k, d)
    p = np.arange(max(0, -k), 60 - max(0, k))
    np.testing.assert_allclose(pe[p] @ R.T, pe[p + k], rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(R @ R.T, np.eye(d), atol=1e-14)
    np.testing.assert_allclose(pe_shift_matrix(2, d) @ pe_shift_matrix(k, d), pe_shift_matrix(k + 2, d),
                               atol=1e-12)


# -- the tiny trained model ----------------------------------------------------------------------
def test_tiny_reversal_model_learns_an_anti_diagonal_map():
    from mlnotes.figures.attention import _reversal

    threads = torch.get_num_threads()
    r = _reversal()  # the figure's cached run: train_reversal() with its defaults
    assert torch.get_num_threads() == threads
    assert r.accuracy >= 0.99
    L = r.attention.shape[0]
    np.testing.assert_array_equal(r.attention.argmax(axis=1), L - 1 - np.arange(L))
    assert r.anti_diagonal_mass > 0.5
    assert r.snapshots.shape == (len(r.snapshot_steps), L, L)
    assert r.snapshot_steps[0] == 0 and np.mean(np.diag(r.snapshots[0][:, ::-1])) < 0.3  # random at the start
    np.testing.assert_array_equal(r.snapshots[-1], r.attention)
    np.testing.assert_allclose(r.attention.sum(axis=1), np.ones(L), rtol=1e-12)


def test_tiny_reversal_is_deterministic():
    from mlnotes.attention import train_reversal

    a = train_reversal(steps=20, snapshot_steps=(0, 20))
    b = train_reversal(steps=20, snapshot_steps=(0, 20))
    np.testing.assert_array_equal(a.losses, b.losses)
    np.testing.assert_array_equal(a.snapshots, b.snapshots)


# -- cost ----------------------------------------------------------------------------------------
def test_fit_exponent_on_exact_power_laws():
    L = np.array([64, 128, 256, 512])
    assert fit_exponent(L, 3e-9 * L**2.0) == pytest.approx(2.0, abs=1e-12)
    assert fit_exponent(L, 5e-6 * L**1.0) == pytest.approx(1.0, abs=1e-12)


def test_time_attention_returns_positive_times():
    t = time_attention([16, 32, 64], d=8, repeats=1)
    assert t.shape == (3,) and np.all(t > 0)


def test_path_lengths_and_layer_costs():
    assert path_lengths(100, 3) == {"attention": 1, "rnn": 100, "conv": 50, "dilated conv": 5}
    assert path_lengths(8, 3) == {"attention": 1, "rnn": 8, "conv": 4, "dilated conv": 2}
    assert path_lengths(1, 5) == {"attention": 1, "rnn": 1, "conv": 1, "dilated conv": 1}
    c = layer_costs(512, 64)
    assert (c.attention_projections, c.attention_mixing) == (4 * 512 * 64**2, 2 * 512**2 * 64)
    assert (c.rnn_input, c.rnn_recurrent, c.conv) == (512 * 64**2, 512 * 64**2, 3 * 512 * 64**2)
    assert c.attention == c.attention_projections + c.attention_mixing and c.rnn == 2 * 512 * 64**2


@pytest.mark.parametrize("L, d", [(16, 64), (64, 64), (128, 32)])
def test_layer_costs_equal_torch_flop_counter(L, d):
    """Issue 11 item 7: the counts behind the cost section are those torch's FLOP counter finds (2 per MAC)."""
    from torch.utils.flop_counter import FlopCounterMode

    def flops(module, *args, **kw):
        with torch.no_grad(), FlopCounterMode(display=False) as counter:
            module(*args, **kw)
        return {str(op): n for op, n in counter.get_flop_counts()["Global"].items()}

    torch.manual_seed(0)
    x = torch.randn(1, L, d)
    c = layer_costs(L, d, kernel_size=3)
    mha = flops(torch.nn.MultiheadAttention(d, 4, batch_first=True), x, x, x, need_weights=True)
    assert mha == {"aten.addmm": 2 * c.attention_projections, "aten.bmm": 2 * c.attention_mixing}
    assert flops(torch.nn.RNN(d, d, batch_first=True), x) == {"aten.addmm": 2 * c.rnn}
    conv = torch.nn.Conv1d(d, d, 3, padding=1)
    assert sum(flops(conv, x.transpose(1, 2)).values()) == 2 * c.conv


def test_a_whole_attention_layer_costs_more_than_an_rnn_layer_at_every_length():
    """Issue 11 item 7: only the mixing step is cheaper than the recurrence, and only for L < d."""
    d = 64
    for L in (1, 8, 32, 63, 64, 65, 512, 4096):
        c = layer_costs(L, d)
        assert c.attention > c.rnn and c.attention == (2 + L / d) * c.rnn
        assert (c.attention_mixing < c.rnn) == (L < d)


@pytest.mark.parametrize("h", [1, 2, 8])
def test_heads_cost_the_same_multiply_adds_and_parameters_but_h_score_matrices(h):
    """Issue 11 item 9: h heads are not free: h score matrices (memory, one exp per entry)."""
    from torch.utils.flop_counter import FlopCounterMode

    from mlnotes.attention import head_costs

    L, d = 6, 16
    costs = head_costs(L, d, h)
    torch.manual_seed(0)
    ref = torch.nn.MultiheadAttention(d, h, batch_first=True, dtype=torch.float64)
    x = torch.randn(1, L, d, dtype=torch.float64)
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        ref(x, x, x)
    assert counter.get_flop_counts()["Global"][torch.ops.aten.bmm] == 2 * costs["mixing_multiply_adds"]
    assert costs["parameters"] == sum(p.numel() for p in ref.parameters())
    weights = MultiHeadAttention.from_torch(ref)(x.numpy(), average_attn_weights=False)[1]
    assert weights.size == costs["score_entries"] == h * L * L


def test_reversal_is_a_fixed_permutation_that_only_a_convolution_cannot_express():
    """Issue 11 item 9: a fixed (L, L) token-mixing matrix reverses exactly; one slid kernel cannot (L ≥ 3)."""
    from mlnotes.attention import reversal_fits

    fits = reversal_fits(8)
    assert fits["token mixing"] == (0.0, 1.0)
    residual, accuracy = fits["convolution"]
    assert residual > 0.5 and accuracy < 0.7
    # the conv fit is the least-squares optimum over all kernels w (W_ij = w[j − i])
    L = 8
    P = np.eye(L)[::-1]
    basis = np.stack([np.eye(L, k=o).ravel() for o in range(-(L - 1), L)], axis=1)  # (L², 2L − 1)
    w, *_ = np.linalg.lstsq(basis, P.ravel(), rcond=None)
    best = np.linalg.norm(basis @ w - P.ravel()) / np.linalg.norm(P)
    assert residual == pytest.approx(best, rel=1e-12)
    assert reversal_fits(2)["convolution"][0] == 0.0  # two tokens: a kernel [1, 0, 1] swaps them
    assert all(reversal_fits(L)["convolution"][0] > 0 for L in (3, 4, 16))


# -- figures -------------------------------------------------------------------------------------
def test_figures_draw_with_fixed_limits():
    from matplotlib.figure import Figure

    from mlnotes.figures import attention as fa

    fig = Figure()
    ax = fig.subplots()
    fa.draw_scaling(ax, d_k=64, scaled=False, notes=True)
    assert ax.get_ylim() == (0.0, 1.0)
    for mask_type in fa.MASK_TYPES:
        axes = Figure().subplots(1, 2)
        fa.draw_mask(axes, mask_type=mask_type, L=8, window=1, pad=2)
        assert axes[0].get_xlim() == (-0.5, 7.5)
    axes = Figure().subplots(1, 2)
    fa.draw_positional_encoding(axes, d_model=32)
    assert axes[1].get_ylim() == (-0.4, 1.05)
    fa.draw_learned_attention(Figure().subplots(), step=0)
    fa.draw_cost(Figure().subplots(), lengths=(64, 128, 256), seconds=(1e-4, 4e-4, 1.6e-3))
    with pytest.raises(ValueError, match="mask_type must be one of"):
        fa.draw_mask(Figure().subplots(1, 2), mask_type="diagonal")


def test_saturation_figure_renders_sharp_with_alt_text():
    import io

    from PIL import Image

    from mlnotes.book import figure
    from mlnotes.figures import attention as fa

    fig = figure(fa.draw_saturation, figsize=(6.4, 3.4), alt="a <figure>")
    assert 'alt="a &lt;figure&gt;"' in fig._repr_html_() and 'width="512"' in fig._repr_html_()
    assert Image.open(io.BytesIO(fig.png)).size == (1024, 544)  # 2× the CSS size


def test_mask_figure_combines_pattern_and_padding():
    from mlnotes.figures import attention as fa

    mask, w, n_pad = fa._mask_data("causal window", 8, 2, 3)
    want = combine_masks(sliding_window_mask(8, 2, causal=True), padding_mask([5], 8)[0])
    assert n_pad == 3
    np.testing.assert_array_equal(mask, want)
    np.testing.assert_array_equal(w[~mask], 0.0)
    np.testing.assert_allclose(w[mask.any(axis=1)].sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_array_equal(w[7], 0.0)  # keys 5–7 are pads: a fully masked row gives zeros
    assert fa._mask_title("none", 2, 0) == "no mask"
    assert fa._mask_title("causal window", 2, 3) == "causal window (w = 2) + padding (3)"
    assert fa.reversal_result() is fa._reversal()
