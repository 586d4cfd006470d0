"""Property tests (hypothesis) for the Transformer kernels: LayerNorm, activations and the layers against torch
over random sizes, scales and dtypes; the GPT's causality."""

import numpy as np
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from mlnotes.transformer import GPT, EncoderLayer, GPTConfig, blocks
from tests.hypothesis_settings import PROPERTIES


@PROPERTIES
@given(shape=st.tuples(st.integers(1, 3), st.integers(1, 5), st.integers(2, 9)),
       scale=st.sampled_from([1e-3, 1.0, 1e3, 1e4]), dtype=st.sampled_from([torch.float32, torch.float64]),
       seed=st.integers(0, 10_000))
def test_layer_norm_equals_torch(shape, scale, dtype, seed):
    gen = torch.Generator().manual_seed(seed)
    x = scale * torch.randn(shape, generator=gen, dtype=dtype) + scale
    w, b = torch.randn(shape[-1], generator=gen, dtype=dtype), torch.randn(shape[-1], generator=gen, dtype=dtype)
    ours = blocks.layer_norm(x, w, b)
    assert ours.dtype == dtype
    tol = 1e-4 if dtype == torch.float32 else 1e-10
    np.testing.assert_allclose(ours, F.layer_norm(x, (shape[-1],), w, b), rtol=tol, atol=tol)


@PROPERTIES
@given(values=st.lists(st.floats(-1e4, 1e4, allow_nan=False), min_size=1, max_size=50),
       dtype=st.sampled_from([torch.float32, torch.float64]))
def test_activations_equal_torch(values, dtype):
    x = torch.tensor(values, dtype=dtype)
    tol = 1e-6 if dtype == torch.float32 else 1e-12
    for name, ref in (("relu", F.relu(x)), ("gelu", F.gelu(x)), ("gelu_tanh", F.gelu(x, approximate="tanh"))):
        ours = blocks.activation(x, name)
        assert ours.dtype == dtype and torch.isfinite(ours).all()
        np.testing.assert_allclose(ours, ref, rtol=tol, atol=tol)


@PROPERTIES
@given(heads=st.sampled_from([1, 2, 4]), width=st.sampled_from([1, 2, 3]), T=st.integers(1, 6),
       B=st.integers(1, 3), norm_first=st.booleans(), causal=st.booleans(), seed=st.integers(0, 10_000))
def test_encoder_layer_equals_torch(heads, width, T, B, norm_first, causal, seed):
    d = heads * width * 2
    torch.manual_seed(seed)
    ref = torch.nn.TransformerEncoderLayer(d, heads, 2 * d, dropout=0.0, batch_first=True, norm_first=norm_first,
                                           dtype=torch.float64)
    ours = EncoderLayer.from_torch(ref)
    x = torch.randn(B, T, d, dtype=torch.float64)
    keep = torch.ones(T, T, dtype=torch.bool).tril()
    a = ours(x, mask=keep if causal else None)
    b = ref(x, src_mask=~keep if causal else None)
    np.testing.assert_allclose(a, b.detach(), rtol=1e-10, atol=1e-10)


@PROPERTIES
@given(T=st.integers(2, 8), cut=st.integers(1, 7), seed=st.integers(0, 1000))
def test_gpt_outputs_never_depend_on_later_tokens(T, cut, seed):
    cut = min(cut, T - 1)
    model = GPT(GPTConfig(vocab_size=13, block_size=8, d_model=16, n_layers=2, n_heads=2, init_std=0.3), seed=seed,
                dtype=torch.float64)
    gen = torch.Generator().manual_seed(seed)
    a = torch.randint(0, 13, (2, T), generator=gen)
    b = a.clone()
    b[:, cut:] = torch.randint(0, 13, (2, T - cut), generator=gen)
    assert torch.equal(model(a)[:, :cut], model(b)[:, :cut])
