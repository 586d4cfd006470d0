"""dtypes in mlnotes.rnn: a float32 sequence gives float32 outputs and gradients that equal torch's float32 RNN,
LSTM and GRU (rtol ~1e-5); float64 equals float64 torch (~1e-10); integer sequences become float64; parameters
and states follow the input's dtype."""

import numpy as np
import pytest
import torch

from mlnotes import rnn

MODULES = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("dtype, tdtype, rtol, atol", [(np.float32, torch.float32, 1e-5, 1e-6),
                                                       (np.float64, torch.float64, 1e-10, 1e-12)])
def test_forward_backward_keep_dtype_and_equal_torch(cell, dtype, tdtype, rtol, atol):
    rng = np.random.default_rng(0)
    p = rnn.init_params(cell, 3, 4, seed=1, dtype=dtype)
    X = rng.standard_normal((6, 2, 3)).astype(dtype)
    module = MODULES[cell](3, 4).to(tdtype)
    module.load_state_dict({k: torch.from_numpy(v) for k, v in p.items()})
    tX = torch.tensor(X, requires_grad=True)
    out, _ = module(tX)
    dout = rng.standard_normal(out.shape).astype(dtype)
    out.backward(torch.from_numpy(dout))
    ours, _, cache = rnn.forward(X, p, cell)
    grads, dX, dh0, _ = rnn.backward(dout, cache)
    assert ours.dtype == dX.dtype == dh0.dtype == dtype and all(g.dtype == dtype for g in grads.values())
    np.testing.assert_allclose(ours, out.detach().numpy(), rtol=rtol, atol=atol)
    np.testing.assert_allclose(dX, tX.grad.numpy(), rtol=rtol, atol=atol)
    for k in rnn.NAMES:
        np.testing.assert_allclose(grads[k], getattr(module, k).grad.numpy(), rtol=rtol, atol=atol)


def test_integer_sequence_becomes_float64_and_params_follow_input():
    p64 = rnn.init_params("gru", 2, 3)
    out, h, _ = rnn.forward(np.ones((4, 1, 2), dtype=np.int64), p64, "gru")
    assert out.dtype == h.dtype == np.float64
    out32, h32, _ = rnn.forward(np.ones((4, 1, 2), dtype=np.float32), p64, "gru", h0=np.zeros((1, 3)))
    assert out32.dtype == h32.dtype == np.float32


def test_init_params_dtype():
    assert all(v.dtype == np.float32 for v in rnn.init_params("lstm", 2, 3, dtype=np.float32).values())
