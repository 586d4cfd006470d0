"""Bad inputs to mlnotes.attention raise ValueError / TypeError with a message naming the argument."""

import numpy as np
import pytest
import torch

from mlnotes import attention as A
from mlnotes.attention.multihead import MultiHeadAttention

R = np.random.default_rng(0)
Q, K, V = R.standard_normal((4, 3)), R.standard_normal((5, 3)), R.standard_normal((5, 2))
X = R.standard_normal((2, 4, 8))
NAN_Q = Q.copy()
NAN_Q[0, 0] = np.nan
NAN_MASK = np.zeros((4, 5))
NAN_MASK[1, 1] = np.nan
MHA = MultiHeadAttention(8, 2)
T = lambda a: torch.tensor(a, dtype=torch.float64)  # noqa: E731

CASES = [
    # softmax
    ("softmax empty", lambda: A.softmax([]), ValueError, "x must not be empty"),
    ("softmax scalar", lambda: A.softmax(5.0), ValueError, "x must have at least 1 dimension"),
    ("softmax NaN", lambda: A.softmax([1.0, np.nan]), ValueError, r"x must not contain NaN or \+inf"),
    ("softmax +inf", lambda: A.softmax([1.0, np.inf]), ValueError, r"x must not contain NaN or \+inf"),
    ("softmax all -inf", lambda: A.softmax([[0.0, 1.0], [-np.inf, -np.inf]]), ValueError, "every entry is -inf"),
    ("softmax bad axis", lambda: A.softmax(np.ones((2, 3)), axis=2), ValueError, r"axis must be in \[-2, 1\]"),
    ("softmax float axis", lambda: A.softmax(np.ones(3), axis=0.0), TypeError, "axis must be an integer"),
    ("softmax strings", lambda: A.softmax("abc"), TypeError, "x must be array-like"),
    ("global max NaN", lambda: A.softmax_global_max([np.nan, 1.0]), ValueError, "x must contain only finite"),
    ("global max empty", lambda: A.softmax_global_max([]), ValueError, "x must be a non-empty array"),
    ("demo dtype", lambda: A.global_max_demo_scores("float16"), ValueError, "dtype must be 'float64' or 'float32'"),
    # sdpa_numpy
    ("q 1-D", lambda: A.sdpa_numpy(Q[0], K, V), ValueError, r"q must have shape \(\.\.\., L, d_k\)"),
    ("d_k mismatch", lambda: A.sdpa_numpy(Q, K[:, :2], V), ValueError, "q and k must share the last axis d_k"),
    ("S mismatch", lambda: A.sdpa_numpy(Q, K, V[:4]), ValueError, "k and v must have the same number of keys S"),
    ("batch mismatch", lambda: A.sdpa_numpy(np.ones((2, 4, 3)), np.ones((3, 5, 3)), np.ones((3, 5, 2))), ValueError,
     "batch axes of q, k, v must broadcast"),
    ("mask shape", lambda: A.sdpa_numpy(Q, K, V, mask=np.ones((5, 4), bool)), ValueError,
     r"mask must broadcast to the scores' shape \(4, 5\)"),
    ("mask grows batch", lambda: A.sdpa_numpy(Q, K, V, mask=np.ones((2, 4, 5), bool)), ValueError,
     "mask must broadcast"),
    ("mask and causal", lambda: A.sdpa_numpy(Q, K, V, mask=np.ones((4, 5), bool), is_causal=True), ValueError,
     "pass either mask or is_causal"),
    ("q NaN", lambda: A.sdpa_numpy(NAN_Q, K, V), ValueError, "q must contain only finite values"),
    ("float mask NaN", lambda: A.sdpa_numpy(Q, K, V, mask=NAN_MASK), ValueError, "mask must not contain NaN"),
    ("scale NaN", lambda: A.sdpa_numpy(Q, K, V, scale=np.nan), ValueError, "scale must be finite"),
    ("scale str", lambda: A.sdpa_numpy(Q, K, V, scale="1"), TypeError, "scale must be a real number"),
    ("is_causal str", lambda: A.sdpa_numpy(Q, K, V, is_causal="yes"), TypeError, "is_causal must be a bool"),
    ("q empty", lambda: A.sdpa_numpy(np.ones((0, 3)), K, V), ValueError, "q must not be empty"),
    ("int mask", lambda: A.sdpa_numpy(Q, K, V, mask=np.ones((4, 5), int)), TypeError,
     r"mask must be a bool array \(True = keep\) or a floating array added to the scores, got dtype int64"),
    ("uint8 mask", lambda: A.sdpa_numpy(Q, K, V, mask=np.ones((4, 5), np.uint8)), TypeError, "got dtype uint8"),
    ("str mask", lambda: A.sdpa_numpy(Q, K, V, mask="causal"), TypeError, "mask must be a bool array"),
    ("return_weights str", lambda: A.sdpa_numpy(Q, K, V, return_weights="yes"), TypeError,
     "return_weights must be a bool"),
    ("q strings", lambda: A.sdpa_numpy(np.array([["a"]]), K, V), TypeError, "q must be array-like of real numbers"),
    ("q complex", lambda: A.sdpa_numpy(Q + 1j, K, V), TypeError, "q must be array-like of real numbers"),
    ("masked_softmax NaN", lambda: A.masked_softmax([[np.nan, 1.0]]), ValueError, "scores must not contain NaN"),
    # sdpa_torch
    ("torch q numpy", lambda: A.sdpa_torch(Q, T(K), T(V)), TypeError, "q must be a torch.Tensor"),
    ("torch int", lambda: A.sdpa_torch(torch.ones(4, 3, dtype=torch.long), T(K), T(V)), TypeError,
     "q must be a floating-point tensor"),
    ("torch NaN", lambda: A.sdpa_torch(T(NAN_Q), T(K), T(V)), ValueError, "q must contain only finite values"),
    ("torch d_k", lambda: A.sdpa_torch(T(Q), T(K[:, :2]), T(V)), ValueError, "q and k must share the last axis"),
    ("torch S", lambda: A.sdpa_torch(T(Q), T(K), T(V[:4])), ValueError, "k and v must have the same number of keys"),
    ("torch 1-D", lambda: A.sdpa_torch(T(Q[0]), T(K), T(V)), ValueError, r"q must have shape \(\.\.\., L, d_k\)"),
    ("torch batch", lambda: A.sdpa_torch(torch.ones(2, 4, 3), torch.ones(3, 5, 3), torch.ones(3, 5, 2)), ValueError,
     "batch axes of q, k, v must broadcast"),
    ("torch mask", lambda: A.sdpa_torch(T(Q), T(K), T(V), mask=torch.ones(3, 5, dtype=torch.bool)), ValueError,
     "mask must broadcast to the scores' shape"),
    ("torch mask+causal", lambda: A.sdpa_torch(T(Q), T(K), T(V), mask=torch.ones(4, 5, dtype=torch.bool),
                                               is_causal=True), ValueError, "pass either mask or is_causal"),
    ("torch mask NaN", lambda: A.sdpa_torch(T(Q), T(K), T(V), mask=T(NAN_MASK)), ValueError,
     "mask must not contain NaN"),
    ("torch int mask", lambda: A.sdpa_torch(T(Q), T(K), T(V), mask=torch.ones(4, 5, dtype=torch.long)), TypeError,
     "mask must be a bool array .* got dtype torch.int64"),
    ("torch mixed dtypes", lambda: A.sdpa_torch(T(Q).float(), T(K), T(V)), TypeError,
     "q, k and v must have the same dtype"),
    ("torch is_causal int", lambda: A.sdpa_torch(T(Q), T(K), T(V), is_causal=1), TypeError,
     "is_causal must be a bool"),
    # masks
    ("causal L=0", lambda: A.causal_mask(0), ValueError, "L must be an integer >= 1"),
    ("causal float L", lambda: A.causal_mask(2.5), TypeError, "L must be an integer"),
    ("causal S=0", lambda: A.causal_mask(3, 0), ValueError, "S must be an integer >= 1"),
    ("padding length 0", lambda: A.padding_mask([0, 2], 3), ValueError, r"lengths must be integers in \[1, L=3\]"),
    ("padding too long", lambda: A.padding_mask([4], 3), ValueError, r"lengths must be integers in \[1, L=3\]"),
    ("padding fractional", lambda: A.padding_mask([1.5], 3), ValueError, "lengths must be integers"),
    ("padding empty", lambda: A.padding_mask([], 3), ValueError, "lengths must not be empty"),
    ("padding 2-D", lambda: A.padding_mask([[1]], 3), ValueError, "lengths must have 1 dimension"),
    ("padding bool lengths", lambda: A.padding_mask([True, True], 3), TypeError, "lengths must be integers"),
    ("window negative", lambda: A.sliding_window_mask(4, -1), ValueError, "window must be an integer >= 0"),
    ("window causal str", lambda: A.sliding_window_mask(4, 1, causal="yes"), TypeError, "causal must be a bool"),
    ("combine nothing", lambda: A.combine_masks(), ValueError, "needs at least one mask"),
    ("combine float", lambda: A.combine_masks(np.ones((2, 2))), TypeError, r"masks\[0\] must be a boolean array"),
    ("combine shapes", lambda: A.combine_masks(A.causal_mask(3), A.causal_mask(4)), ValueError,
     "masks must broadcast together"),
    # scaling
    ("variance d_k 0", lambda: A.score_variance([0, 4]), ValueError, "d_k_values must be a non-empty list"),
    ("variance empty", lambda: A.score_variance([]), ValueError, "d_k_values must be a non-empty list"),
    ("variance n", lambda: A.score_variance([4], n_samples=1), ValueError, "n_samples must be an integer >= 2"),
    ("scores scale", lambda: A.scaled_scores(4, scale="half"), ValueError, "scale must be one of"),
    ("scores d_k", lambda: A.scaled_scores(0), ValueError, "d_k must be an integer >= 1"),
    ("scores n_keys", lambda: A.scaled_scores(4, n_keys=1), ValueError, "n_keys must be an integer >= 2"),
    ("saturation scale", lambda: A.saturation(4, scale="d_k"), ValueError, "scale must be one of"),
    ("jacobian empty", lambda: A.softmax_jacobian([]), ValueError, r"p must have shape \(\.\.\., S\)"),
    # multi-head
    ("count divisible", lambda: A.mha_param_count(10, 3), ValueError, "d_model must be divisible by num_heads"),
    ("count d 0", lambda: A.mha_param_count(0, 1), ValueError, "d_model must be an integer >= 1"),
    ("mha divisible", lambda: MultiHeadAttention(10, 3), ValueError, "embed_dim must be divisible by num_heads"),
    ("mha heads 0", lambda: MultiHeadAttention(8, 0), ValueError, "num_heads must be an integer >= 1"),
    ("mha 2-D", lambda: MHA(X[0]), ValueError, "query must have 3 dimension"),
    ("mha width", lambda: MHA(X[..., :6]), ValueError, r"query must have shape \(B=2, length, 8\)"),
    ("mha key batch", lambda: MHA(X, X[:1]), ValueError, r"key must have shape \(B=2, length, 8\)"),
    ("mha k/v length", lambda: MHA(X, X, X[:, :3]), ValueError, "key and value must have the same length S"),
    ("mha key_mask shape", lambda: MHA(X, key_mask=np.ones((2, 3), bool)), ValueError,
     r"key_mask must be a bool array of shape \(B, S\)"),
    ("mha key_mask float", lambda: MHA(X, key_mask=np.ones((2, 4))), TypeError, "key_mask must be a bool array"),
    ("mha attn_mask shape", lambda: MHA(X, attn_mask=np.ones((3, 4), bool)), ValueError,
     r"attn_mask must have shape \(L, S\) = \(4, 4\)"),
    ("mha attn_mask int", lambda: MHA(X, attn_mask=np.ones((4, 4), int)), TypeError,
     "attn_mask must be a bool array .* got dtype int64"),
    ("mha key_mask int", lambda: MHA(X, key_mask=np.ones((2, 4), int)), TypeError, "key_mask must be a bool array"),
    ("mha is_causal str", lambda: MHA(X, is_causal="no"), TypeError, "is_causal must be a bool"),
    ("mha need_weights int", lambda: MHA(X, need_weights=1), TypeError, "need_weights must be a bool"),
    ("mha average str", lambda: MHA(X, average_attn_weights="no"), TypeError, "average_attn_weights must be a bool"),
    ("bias attn_mask int", lambda: A.attention_bias(2, 2, 4, 4, attn_mask=np.ones((4, 4), int)), TypeError,
     "attn_mask must be a bool array"),
    ("bias int dtype", lambda: A.attention_bias(2, 2, 4, 4, is_causal=True, dtype=int), TypeError,
     "dtype must be a floating dtype"),
    ("bias is_causal str", lambda: A.attention_bias(2, 2, 4, 4, is_causal="yes"), TypeError,
     "is_causal must be a bool"),
    ("mha attn_mask NaN", lambda: MHA(X, attn_mask=np.full((4, 4), np.nan)), ValueError,
     "attn_mask must not contain NaN"),
    ("mha query NaN", lambda: MHA(np.full((1, 2, 8), np.nan)), ValueError, "query must contain only finite"),
    ("from_torch object", lambda: MultiHeadAttention.from_torch(object()), TypeError,
     "module must be a torch.nn.MultiheadAttention"),
    ("from_torch bias_kv", lambda: MultiHeadAttention.from_torch(torch.nn.MultiheadAttention(4, 2, add_bias_kv=True)),
     ValueError, "add_bias_kv and add_zero_attn are not supported"),
    ("split divisible", lambda: A.split_heads(np.ones((2, 3, 5)), 2), ValueError, "must be divisible by num_heads"),
    ("merge rank", lambda: A.merge_heads(np.ones((2, 3, 5))), ValueError, "x must have 4 dimension"),
    ("fused w_qkv", lambda: A.self_attention_fused(X, np.ones((8, 16)), None, np.eye(8), None, 2), ValueError,
     r"w_qkv must have shape \(8, 24\)"),
    ("fused heads", lambda: A.self_attention_fused(X, np.ones((8, 24)), None, np.eye(8), None, 3), ValueError,
     "must be divisible by num_heads"),
    ("fused int mask", lambda: A.self_attention_fused(X, np.ones((8, 24)), None, np.eye(8), None, 2,
                                                      mask=np.ones((4, 4), int)), TypeError,
     "mask must be a bool array .* got dtype int64"),
    ("split strings", lambda: A.split_heads(np.full((1, 2, 4), "a"), 2), TypeError, "x must be array-like of real"),
    ("jacobian strings", lambda: A.softmax_jacobian(["a", "b"]), TypeError, "p must be array-like of real"),
    # positional encoding
    ("pe odd d", lambda: A.sinusoidal_pe(4, 5), ValueError, "d must be even"),
    ("pe L 0", lambda: A.sinusoidal_pe(0, 4), ValueError, "L must be an integer >= 1"),
    ("pe base", lambda: A.pe_frequencies(4, base=1.0), ValueError, "base must be > 1.0"),
    ("shift float", lambda: A.pe_shift_matrix(1.5, 4), TypeError, "k must be an integer offset"),
    ("dot offset", lambda: A.pe_dot_by_offset(-1, 4), ValueError, "max_offset must be an integer >= 0"),
    # tiny model
    ("tiny seq_len", lambda: A.train_reversal(seq_len=1), ValueError, "seq_len must be an integer >= 2"),
    ("tiny lr", lambda: A.train_reversal(lr=0.0), ValueError, "lr must be > 0"),
    ("tiny snapshot", lambda: A.train_reversal(steps=10, snapshot_steps=(0, 50)), ValueError,
     r"snapshot_steps\[1\] must be an integer in \[0, 10\]"),
    # cost
    ("time empty", lambda: A.time_attention([]), ValueError, "lengths must be a non-empty list"),
    ("time d", lambda: A.time_attention([8], d=0), ValueError, "d must be an integer >= 1"),
    ("fit lengths", lambda: A.fit_exponent([1, 2], [1.0]), ValueError, "must be 1-D of the same length"),
    ("fit negative", lambda: A.fit_exponent([1, 2], [1.0, -1.0]), ValueError, "must be positive"),
    ("fit constant L", lambda: A.fit_exponent([2, 2], [1.0, 2.0]), ValueError, "at least two different values"),
    ("path distance", lambda: A.path_lengths(0), ValueError, "distance must be an integer >= 1"),
    ("costs L", lambda: A.layer_costs(0, 8), ValueError, "L must be an integer >= 1"),
    ("costs d float", lambda: A.layer_costs(8, 8.0), TypeError, "d must be an integer"),
    ("heads divisible", lambda: A.head_costs(4, 10, 3), ValueError, "d_model must be divisible by num_heads"),
    ("heads S", lambda: A.head_costs(4, 8, 2, S=0), ValueError, "S must be an integer >= 1"),
    ("fits seq_len", lambda: A.reversal_fits(1), ValueError, "seq_len must be an integer >= 2"),
    ("fits n_eval", lambda: A.reversal_fits(8, n_eval=0), ValueError, "n_eval must be an integer >= 1"),
    ("path kernel", lambda: A.path_lengths(5, 1), ValueError, "kernel_size must be an integer >= 2"),
]


@pytest.mark.parametrize("call, exc, match", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_raises_a_clear_error(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_figure_rejects_unknown_step():
    from matplotlib.figure import Figure

    from mlnotes.figures.attention import draw_learned_attention

    with pytest.raises(ValueError, match="step must be one of"):
        draw_learned_attention(Figure().subplots(), step=7)
