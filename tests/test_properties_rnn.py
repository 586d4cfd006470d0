"""Property-based tests of mlnotes.rnn: RNN (tanh/ReLU), LSTM and GRU forward and BPTT against torch on random
sizes, with inputs from tiny to huge (saturated gates and tanh), float64."""

import numpy as np
import torch
from hypothesis import given
from hypothesis import strategies as st

from mlnotes import rnn
from tests.hypothesis_settings import PROPERTIES

MODULES = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}


@PROPERTIES
@given(st.sampled_from(["rnn", "rnn-relu", "lstm", "gru"]), st.integers(1, 8), st.integers(1, 3), st.integers(1, 4),
       st.integers(1, 5), st.sampled_from([1e-6, 1.0, 30.0, 1e3]), st.integers(0, 2**16))
def test_forward_and_bptt_equal_torch(kind, T, B, D, H, scale, seed):
    cell, nonlinearity = ("rnn", "relu") if kind == "rnn-relu" else (kind, "tanh")
    rng = np.random.default_rng(seed)
    p = rnn.init_params(cell, D, H, seed=seed)
    X = scale * rng.standard_normal((T, B, D))
    module = MODULES[cell](D, H, **({"nonlinearity": nonlinearity} if cell == "rnn" else {})).double()
    module.load_state_dict({k: torch.from_numpy(v) for k, v in p.items()})
    tX = torch.tensor(X, requires_grad=True)
    out, _ = module(tX)
    dout = rng.standard_normal(tuple(out.shape))
    out.backward(torch.from_numpy(dout))
    ours, _, cache = rnn.forward(X, p, cell, nonlinearity=nonlinearity)
    grads, dX, _, _ = rnn.backward(dout, cache)
    big = max(1.0, np.abs(out.detach().numpy()).max())  # ReLU RNNs can grow with the input scale
    np.testing.assert_allclose(ours, out.detach().numpy(), rtol=1e-9, atol=1e-12 * big)
    np.testing.assert_allclose(dX, tX.grad.numpy(), rtol=1e-8, atol=1e-11 * big)
    for k in rnn.NAMES:
        ref = getattr(module, k).grad.numpy()
        np.testing.assert_allclose(grads[k], ref, rtol=1e-8, atol=1e-11 * max(1.0, np.abs(ref).max()))
    assert np.all(np.isfinite(ours)) and all(np.all(np.isfinite(g)) for g in grads.values())
