"""mlnotes.rnn against torch: RNN (tanh, ReLU), LSTM and GRU over sequences — outputs, final states and the
gradients of every parameter, the input and the initial states — parameter counts, a finite-difference check of
BPTT, single steps against nn.RNNCell/LSTMCell/GRUCell, and hand-worked cases."""

import numpy as np
import pytest
import torch

from mlnotes.rnn import NAMES, backward, cells, forward, init_params, param_count

MODULES = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}


def torch_run(cell, p, X, h0, c0, dout, dhn, dcn, nonlinearity="tanh"):
    kw = {"nonlinearity": nonlinearity} if cell == "rnn" else {}
    module = MODULES[cell](X.shape[2], h0.shape[1], **kw).double()
    module.load_state_dict({k: torch.from_numpy(v) for k, v in p.items()})
    tX, th0, tc0 = (torch.tensor(a, requires_grad=True) for a in (X, h0[None], c0[None]))
    out, state = module(tX, (th0, tc0) if cell == "lstm" else th0)
    hn, cn = state if cell == "lstm" else (state, None)
    loss = (out * torch.from_numpy(dout)).sum() + (hn[0] * torch.from_numpy(dhn)).sum()
    if cell == "lstm":
        loss = loss + (cn[0] * torch.from_numpy(dcn)).sum()
    loss.backward()
    grads = {k: getattr(module, k).grad.numpy() for k in NAMES}
    return out.detach().numpy(), hn[0].detach().numpy(), None if cn is None else cn[0].detach().numpy(), grads, \
        tX.grad.numpy(), th0.grad[0].numpy(), tc0.grad[0].numpy() if cell == "lstm" else None


@pytest.mark.parametrize("cell, nonlinearity", [("rnn", "tanh"), ("rnn", "relu"), ("lstm", "tanh"), ("gru", "tanh")])
@pytest.mark.parametrize("T, B, D, H", [(1, 1, 1, 1), (5, 3, 4, 6), (12, 2, 7, 3)])
def test_sequence_forward_backward_equal_torch(cell, nonlinearity, T, B, D, H):
    rng = np.random.default_rng(T * 100 + H)
    p = init_params(cell, D, H, seed=T)
    X, h0, c0 = rng.standard_normal((T, B, D)), rng.standard_normal((B, H)), rng.standard_normal((B, H))
    dout, dhn, dcn = rng.standard_normal((T, B, H)), rng.standard_normal((B, H)), rng.standard_normal((B, H))
    ref = torch_run(cell, p, X, h0, c0, dout, dhn, dcn, nonlinearity)
    lstm = cell == "lstm"
    out, final, cache = forward(X, p, cell, h0=h0, c0=c0 if lstm else None, nonlinearity=nonlinearity)
    grads, dX, dh0, dc0 = backward(dout, cache, dh_n=dhn, dc_n=dcn if lstm else None)
    close = lambda a, b: np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)  # noqa: E731
    close(out, ref[0])
    close(final[0] if lstm else final, ref[1])
    for k in NAMES:
        close(grads[k], ref[3][k])
    close(dX, ref[4])
    close(dh0, ref[5])
    if lstm:
        close(final[1], ref[2])
        close(dc0, ref[6])
    else:
        assert dc0 is None


def test_zero_initial_state_by_default():
    rng = np.random.default_rng(0)
    p = init_params("lstm", 3, 4)
    X = rng.standard_normal((5, 2, 3))
    a = forward(X, p, "lstm")[0]
    b = forward(X, p, "lstm", h0=np.zeros((2, 4)), c0=np.zeros((2, 4)))[0]
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("cell, Step", [("rnn", torch.nn.RNNCell), ("lstm", torch.nn.LSTMCell), ("gru", torch.nn.GRUCell)])
def test_single_steps_equal_torch_cells(cell, Step):
    rng = np.random.default_rng(1)
    p = init_params(cell, 3, 4, seed=3)
    module = Step(3, 4).double()
    module.load_state_dict({k.replace("_l0", ""): torch.from_numpy(v) for k, v in p.items()})
    x, h, c = rng.standard_normal((2, 3)), rng.standard_normal((2, 4)), rng.standard_normal((2, 4))
    tx, th, tc = (torch.from_numpy(a) for a in (x, h, c))
    if cell == "lstm":
        ours = cells.lstm_step(x, h, c, p)[:2]
        ref = [t.detach().numpy() for t in module(tx, (th, tc))]
    else:
        ours = [(cells.rnn_step if cell == "rnn" else cells.gru_step)(x, h, p)[0]]
        ref = [module(tx, th).detach().numpy()]
    for a, b in zip(ours, ref):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_bptt_equals_finite_differences(cell):
    """An independent check of the backward pass: central differences of a scalar loss in float64."""
    rng = np.random.default_rng(2)
    p = init_params(cell, 2, 3, seed=4)
    X = rng.standard_normal((4, 2, 2))
    w = rng.standard_normal((4, 2, 3))

    def loss(params, X):
        return float(np.sum(forward(X, params, cell)[0] * w))

    _, _, cache = forward(X, p, cell)
    grads, dX, _, _ = backward(w, cache)
    eps = 1e-6
    for name in NAMES:
        num = np.zeros_like(p[name])
        for idx in np.ndindex(p[name].shape):
            plus = {k: v.copy() for k, v in p.items()}
            minus = {k: v.copy() for k, v in p.items()}
            plus[name][idx] += eps
            minus[name][idx] -= eps
            num[idx] = (loss(plus, X) - loss(minus, X)) / (2 * eps)
        np.testing.assert_allclose(grads[name], num, rtol=1e-6, atol=1e-8)
    num = np.zeros_like(X)
    for idx in np.ndindex(X.shape):
        e = np.zeros_like(X)
        e[idx] = eps
        num[idx] = (loss(p, X + e) - loss(p, X - e)) / (2 * eps)
    np.testing.assert_allclose(dX, num, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("kw", [dict(), dict(num_layers=3), dict(bidirectional=True), dict(bias=False),
                                dict(num_layers=2, bidirectional=True, bias=False)], ids=str)
def test_param_count_equals_torch(cell, kw):
    for d, h in [(1, 1), (10, 20), (64, 32)]:
        assert param_count(cell, d, h, **kw) == sum(q.numel() for q in MODULES[cell](d, h, **kw).parameters())


def test_hand_worked_rnn_step():
    # W_ih = I, W_hh = 0.5 I, no bias: h_1 = tanh(x_1), h_2 = tanh(x_2 + 0.5 h_1)
    p = {"weight_ih_l0": np.eye(2), "weight_hh_l0": 0.5 * np.eye(2), "bias_ih_l0": np.zeros(2),
         "bias_hh_l0": np.zeros(2)}
    X = np.array([[[1.0, -2.0]], [[0.5, 0.0]]])
    out, h, _ = forward(X, p, "rnn")
    np.testing.assert_allclose(out[0, 0], np.tanh([1.0, -2.0]), rtol=1e-15)
    np.testing.assert_allclose(h[0], np.tanh(np.array([0.5, 0.0]) + 0.5 * np.tanh([1.0, -2.0])), rtol=1e-15)


def test_lstm_with_shut_forget_gate_forgets_and_open_gate_keeps():
    H = 2
    p = {"weight_ih_l0": np.zeros((4 * H, 1)), "weight_hh_l0": np.zeros((4 * H, H)), "bias_ih_l0": np.zeros(4 * H),
         "bias_hh_l0": np.zeros(4 * H)}
    p["bias_ih_l0"][:H] = -50  # input gate shut: nothing new is written
    p["bias_ih_l0"][H:2 * H] = 50  # forget gate open: c is kept
    X = np.zeros((30, 1, 1))
    c0 = np.array([[0.7, -0.3]])
    _, (h, c), _ = forward(X, p, "lstm", c0=c0)
    np.testing.assert_allclose(c, c0, rtol=1e-12)  # σ(50)^30 ≈ 1
    p["bias_ih_l0"][H:2 * H] = -50
    _, (h, c), _ = forward(X, p, "lstm", c0=c0)
    assert np.all(np.abs(c) < 1e-20)


def test_sigmoid_is_stable_and_exact():
    a = np.array([-1000.0, -30.0, 0.0, 30.0, 1000.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow of e^(−1000) to 0 is fine
        s = cells.sigmoid(a)
    np.testing.assert_allclose(s, torch.sigmoid(torch.from_numpy(a)).numpy(), rtol=1e-15, atol=0)
