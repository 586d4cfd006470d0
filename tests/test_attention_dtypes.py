"""dtypes in mlnotes.attention: masks are read by their dtype exactly as torch's SDPA reads them (bool = keep,
floating = added; anything else is a TypeError), and every function family keeps float32 as float32."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from mlnotes.attention import (MultiHeadAttention, attention_bias, global_max_demo_scores, masked_softmax,
                               merge_heads, sdpa_numpy, sdpa_torch, self_attention_fused, softmax, softmax_global_max,
                               softmax_jacobian, split_heads)

RNG = np.random.default_rng(0)
Q, K, V = RNG.standard_normal((1, 4)), RNG.standard_normal((3, 4)), RNG.standard_normal((3, 2))
HF_MASK = np.array([[1, 1, 0]])  # Hugging Face's attention_mask: 1 = real token, 0 = pad (keys: keep, keep, pad)
X = RNG.standard_normal((2, 3, 8))
MHA = MultiHeadAttention(8, 2, seed=1)
for _p in MHA.parameters():
    _p += 0.1 * RNG.standard_normal(_p.shape)  # non-zero biases


# -- masks: only bool (True = keep) and floating (additive), as torch --------------------------------------
INT_MASKS = [HF_MASK, HF_MASK.astype(np.int32), HF_MASK.astype(np.uint8), HF_MASK.tolist()]


@pytest.mark.parametrize("mask", INT_MASKS, ids=["int64", "int32", "uint8", "list of ints"])
def test_an_integer_mask_raises_type_error_where_it_used_to_give_the_pad_key_weight(mask):
    """Issue 11 item 15: [[1, 1, 0]] was added to the scores, so the pad key got weight (0.08 here)."""
    with pytest.raises(TypeError, match=r"mask must be a bool array \(True = keep\) or a floating array"):
        sdpa_numpy(Q, K, V, mask=mask)
    with pytest.raises(TypeError, match="mask must be a bool"):
        sdpa_torch(*(torch.tensor(a) for a in (Q, K, V)), mask=torch.tensor(np.asarray(mask)))
    with pytest.raises(RuntimeError, match="attn_mask dtype to be bool or float"):  # the reference raises too
        F.scaled_dot_product_attention(*(torch.tensor(a) for a in (Q, K, V)), attn_mask=torch.tensor(np.asarray(mask)))


def test_integer_masks_raise_in_multi_head_attention_and_the_fused_form():
    hf = np.ones((3, 3), dtype=np.int64)
    hf[:, 2] = 0
    with pytest.raises(TypeError, match="attn_mask must be a bool"):
        MHA(X, attn_mask=hf)
    with pytest.raises(TypeError, match="key_mask must be a bool array"):
        MHA(X, key_mask=np.array([[1, 1, 0], [1, 1, 1]]))
    with pytest.raises(TypeError, match=r"^mask must be a bool"):
        self_attention_fused(X, MHA.w_qkv, MHA.b_qkv, MHA.w_o, MHA.b_o, 2, mask=hf)
    with pytest.raises(TypeError, match="attn_mask must be a bool"):
        attention_bias(2, 2, 3, 3, attn_mask=hf)
    for bad in ("yes", 1):
        with pytest.raises(TypeError, match="is_causal must be a bool"):
            MHA(X, is_causal=bad)


@pytest.mark.parametrize("dtype", [bool, np.float32, np.float64])
def test_a_converted_mask_gives_the_pad_key_exactly_zero_weight(dtype):
    mask = HF_MASK == 1 if dtype is bool else np.where(HF_MASK == 1, 0.0, -np.inf).astype(dtype)
    out, w = sdpa_numpy(Q, K, V, mask=mask, return_weights=True)
    assert w[0, 2] == 0.0
    ref = F.scaled_dot_product_attention(*(torch.tensor(a) for a in (Q, K, V)), attn_mask=torch.tensor(mask))
    np.testing.assert_allclose(out, ref.numpy(), rtol=1e-12, atol=1e-12)


def test_the_mask_dtype_message_names_the_fix():
    with pytest.raises(TypeError, match=r"0/1 integer mask .* convert it with mask == 1"):
        sdpa_numpy(Q, K, V, mask=HF_MASK)
    with pytest.raises(TypeError, match="got dtype <U1"):
        sdpa_numpy(Q, K, V, mask=np.array([["a", "b", "c"]]))


def test_other_flags_and_lengths_are_type_checked():
    from mlnotes.attention import padding_mask

    with pytest.raises(TypeError, match="return_weights must be a bool"):
        sdpa_numpy(Q, K, V, return_weights="no")
    with pytest.raises(TypeError, match="need_weights must be a bool"):
        MHA(X, need_weights=0)
    with pytest.raises(TypeError, match="average_attn_weights must be a bool"):
        MHA(X, average_attn_weights="False")
    with pytest.raises(TypeError, match="lengths must be integers"):
        padding_mask(np.array([True, True]), 3)
    with pytest.raises(TypeError, match="q, k and v must have the same dtype"):
        sdpa_torch(torch.ones(2, 3), torch.ones(2, 3, dtype=torch.float64), torch.ones(2, 3, dtype=torch.float64))


# -- float32 stays float32 (issue 11 item 18) ------------------------------------------------------------------
def f32(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def test_softmax_family_keeps_float32():
    x = f32(3, 5)
    for fn in (softmax, softmax_global_max, masked_softmax, lambda a: softmax(a, axis=0)):
        assert fn(x).dtype == np.float32
    assert softmax_jacobian(softmax(x)).dtype == np.float32
    np.testing.assert_allclose(softmax(x), torch.softmax(torch.from_numpy(x), -1).numpy(), rtol=1e-6, atol=1e-7)
    assert softmax(x.astype(np.float16)).dtype == np.float16
    assert softmax([1, 2, 3]).dtype == np.float64  # integers become float64


def test_erratum4_float32_underflow_is_reproduced_by_the_library():
    scores = global_max_demo_scores("float32")  # the low row lies 120 below the global max
    notes = softmax_global_max(scores)
    assert notes.dtype == np.float32 and np.all(np.isnan(notes[2]))
    assert np.all(np.isfinite(softmax_global_max(scores.astype(np.float64))))  # float64 survives a gap of 120
    np.testing.assert_allclose(softmax(scores), torch.softmax(torch.from_numpy(scores), -1).numpy(), rtol=1e-6)
    assert global_max_demo_scores(np.float32).dtype == np.float32


@pytest.mark.parametrize("mask", [None, "bool", "float32", "float64", "causal"])
def test_sdpa_keeps_float32_and_equals_torch_float32(mask):
    q, k, v = f32(2, 4, 8), f32(2, 5, 8), f32(2, 5, 3)
    m = {None: None, "causal": None, "bool": RNG.random((4, 5)) > 0.3,
         "float32": RNG.standard_normal((4, 5)).astype(np.float32),
         "float64": RNG.standard_normal((4, 5))}[mask]
    if mask == "bool":
        m[:, 0] = True
    causal = mask == "causal"
    out, w = sdpa_numpy(q, k, v, mask=m, is_causal=causal, return_weights=True)
    assert out.dtype == w.dtype == np.float32
    tm = None if m is None else torch.from_numpy(m if m.dtype != np.float64 else m.astype(np.float32))
    ref = F.scaled_dot_product_attention(*map(torch.from_numpy, (q, k, v)), attn_mask=tm, is_causal=causal)
    np.testing.assert_allclose(out, ref.numpy(), rtol=1e-5, atol=1e-6)
    t_out, t_w = sdpa_torch(*map(torch.from_numpy, (q, k, v)), mask=None if m is None else torch.from_numpy(m),
                            is_causal=causal, return_weights=True)
    assert t_out.dtype == t_w.dtype == torch.float32
    np.testing.assert_allclose(t_out.numpy(), ref.numpy(), rtol=1e-5, atol=1e-6)


def test_sdpa_promotes_mixed_dtypes_like_numpy():
    assert sdpa_numpy(f32(3, 4), RNG.standard_normal((5, 4)), f32(5, 2)).dtype == np.float64
    assert sdpa_numpy(np.ones((2, 3), int), np.ones((2, 3), int), np.ones((2, 3), int)).dtype == np.float64


def test_multi_head_family_keeps_float32_and_equals_a_float32_torch_module():
    x = f32(2, 5, 8)
    assert split_heads(x, 2).dtype == np.float32 and merge_heads(split_heads(x, 2)).dtype == np.float32
    torch.manual_seed(0)
    ref = torch.nn.MultiheadAttention(8, 2, batch_first=True)  # float32, like most real models
    ours = MultiHeadAttention.from_torch(ref)
    keep = np.tril(np.ones((5, 5), dtype=bool))
    out, w = ours(x, attn_mask=keep)
    assert out.dtype == w.dtype == np.float32
    tx = torch.from_numpy(x)
    ref_out, ref_w = ref(tx, tx, tx, attn_mask=torch.from_numpy(~keep))
    np.testing.assert_allclose(out, ref_out.detach().numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(w, ref_w.detach().numpy(), rtol=1e-5, atol=1e-6)
    fused = self_attention_fused(x, ours.w_qkv, ours.b_qkv, ours.w_o, ours.b_o, 2, mask=keep)
    assert fused.dtype == np.float32
    np.testing.assert_allclose(fused, out, rtol=1e-5, atol=1e-6)
    assert ours(x.astype(np.float64))[0].dtype == np.float64
    assert attention_bias(1, 2, 5, 5, attn_mask=keep, dtype=np.float32).dtype == np.float32
    assert attention_bias(1, 2, 5, 5, attn_mask=np.zeros((5, 5), np.float32)).dtype == np.float32
    assert attention_bias(1, 2, 5, 5, attn_mask=keep).dtype == np.float64
