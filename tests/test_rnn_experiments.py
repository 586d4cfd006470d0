"""mlnotes.rnn experiments: gradients through time (linear = ρ^k exactly, tanh never above it), the gated carry
path at initialisation, the first-symbol task (data, loss and gradients against a torch twin, determinism, the
race outcomes on more seeds), word vectors (one-hot, lookup = F.embedding, WordPiece, size rules) and teacher
forcing."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from mlnotes.rnn import (embed, embedding_size_rules, first_symbol_batch, forget_gate_product, hidden_gradient_norms,
                         input_gradient_norms, one_hot, orthogonal, scaled_rnn_params, steps_to_learn,
                         teacher_forcing_inputs, train, wordpiece)
from mlnotes.rnn import tasks
from mlnotes.rnn.tasks import TaskConfig


def test_orthogonal_and_scaled_recurrent_matrix():
    q = orthogonal(16, seed=3)
    np.testing.assert_allclose(q @ q.T, np.eye(16), atol=1e-12)
    s = np.linalg.svd(scaled_rnn_params(1.7, hidden_size=16)["weight_hh_l0"], compute_uv=False)
    np.testing.assert_allclose(s, 1.7, rtol=1e-12)


@pytest.mark.parametrize("rho", [0.5, 1.0, 1.3, 2.0])
def test_linear_gradient_is_rho_to_the_k_and_tanh_never_above(rho):
    k = np.arange(30)
    lin = hidden_gradient_norms(rho, length=30, activation="linear")
    np.testing.assert_allclose(lin, rho ** k, rtol=1e-10)
    tanh = hidden_gradient_norms(rho, length=30)
    assert tanh[0] == pytest.approx(1.0) and np.all(tanh <= rho ** k * (1 + 1e-9))


def test_tanh_gradient_matches_torch_autograd():
    """The recorded ‖∂L/∂h_{T−k}‖ against torch: ∂⟨v, h_T⟩/∂h_t via retain_grad on an unrolled nn.RNNCell."""
    rho, T = 1.5, 12
    p = scaled_rnn_params(rho)
    ours = hidden_gradient_norms(rho, length=T)
    rng = np.random.default_rng(1)  # the same draws as hidden_gradient_norms(seed=0)
    v = rng.standard_normal((16, 32))
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    X = rng.standard_normal((T, 16, 8))
    cell = torch.nn.RNNCell(8, 32).double()
    cell.load_state_dict({k.replace("_l0", ""): torch.from_numpy(a) for k, a in p.items()})
    h = torch.zeros(16, 32, dtype=torch.float64)
    states = []
    for x in torch.from_numpy(X):
        h = cell(x, h)
        h.retain_grad()
        states.append(h)
    (h * torch.from_numpy(v)).sum().backward()
    ref = [s.grad.norm(dim=1).mean().item() for s in reversed(states)]
    np.testing.assert_allclose(ours, ref, rtol=1e-10)


def test_gate_path_depends_on_the_gate_bias():
    for cell in ("lstm", "gru"):
        closed, opened = input_gradient_norms(cell, 0.0)[-1], input_gradient_norms(cell, 2.0)[-1]
        assert opened > 1e4 * closed
    np.testing.assert_array_equal(input_gradient_norms("rnn", 0.0), input_gradient_norms("rnn", 3.0))
    np.testing.assert_allclose(forget_gate_product(0.0, 4), [1, 0.5, 0.25, 0.125])


def test_first_symbol_batch():
    X, y = first_symbol_batch(np.random.default_rng(0), 8, 6)
    assert X.shape == (6, 8, 5) and y.shape == (8,)
    np.testing.assert_array_equal(X[:, :, :4].sum(axis=2), 1.0)  # one symbol per step
    np.testing.assert_array_equal(X[:, :, 4], np.r_[np.ones((1, 8)), np.zeros((5, 8))])  # marker at t = 0
    np.testing.assert_array_equal(X[0, :, :4].argmax(axis=1), y)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_task_loss_and_gradients_equal_torch(cell):
    cfg = TaskConfig(length=7, hidden_size=5, gate_bias=1.0)
    p = tasks.init_model(cell, cfg)
    X, y = first_symbol_batch(np.random.default_rng(3), 4, cfg.length)
    loss, grads = tasks.loss_and_grads(p, cell, X, y)
    module = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell](5, 5).double()
    module.load_state_dict({k: torch.from_numpy(v) for k, v in p.items() if not k.startswith("head")})
    head_w = torch.tensor(p["head.weight"], requires_grad=True)
    head_b = torch.tensor(p["head.bias"], requires_grad=True)
    out, _ = module(torch.from_numpy(X))
    ref = F.cross_entropy(out[-1] @ head_w.T + head_b, torch.from_numpy(y))
    ref.backward()
    assert loss == pytest.approx(ref.item(), rel=1e-12)
    for name, param in list(module.named_parameters()) + [("head.weight", head_w), ("head.bias", head_b)]:
        np.testing.assert_allclose(grads[name], param.grad.numpy(), rtol=1e-9, atol=1e-12, err_msg=name)


def test_gate_bias_goes_to_the_carry_gate():
    cfg = TaskConfig(hidden_size=3, gate_bias=2.0)
    base = tasks.init_model("lstm", TaskConfig(hidden_size=3, gate_bias=0.0))
    lstm = tasks.init_model("lstm", cfg)
    np.testing.assert_allclose(lstm["bias_ih_l0"] - base["bias_ih_l0"], [0, 0, 0, 2, 2, 2, 0, 0, 0, 0, 0, 0])
    gru = tasks.init_model("gru", cfg)
    np.testing.assert_allclose(gru["bias_ih_l0"] - tasks.init_model("gru", TaskConfig(hidden_size=3, gate_bias=0.0))[
        "bias_ih_l0"], [0, 0, 0, 2, 2, 2, 0, 0, 0])  # r, z, n: the update gate z


def test_training_is_deterministic():
    cfg = TaskConfig(length=5, steps=20)
    np.testing.assert_array_equal(train.__wrapped__("gru", cfg), train.__wrapped__("gru", cfg))


@pytest.mark.parametrize("seed", [1, 2])
def test_race_outcomes_hold_on_other_seeds(seed):
    closed = TaskConfig(length=25, gate_bias=0.0, seed=seed)
    opened = TaskConfig(length=25, gate_bias=2.0, seed=seed)
    for cell in ("lstm", "gru"):
        assert train(cell, closed)[-10:].mean() > 1.3  # default gates: chance level
    assert steps_to_learn(train("gru", opened)) is not None  # open update gate: learned


def test_steps_to_learn():
    assert steps_to_learn(np.r_[np.ones(20), np.zeros(20)], level=0.1, window=10) == 20
    assert steps_to_learn(np.ones(30)) is None


def test_one_hot_and_embedding_equal_torch():
    ids = np.array([[0, 3, 2], [1, 1, 4]])
    np.testing.assert_array_equal(one_hot(ids, 5), F.one_hot(torch.from_numpy(ids), 5).numpy())
    E = np.random.default_rng(0).standard_normal((5, 3))
    np.testing.assert_array_equal(embed(ids, E), F.embedding(torch.from_numpy(ids), torch.from_numpy(E)).numpy())
    np.testing.assert_allclose(embed(ids, E), one_hot(ids, 5) @ E, rtol=1e-15)


def test_wordpiece_hand_worked():
    vocab = {"un", "##aff", "##able", "a", "##b", "##bc", "abc", "##d"}
    assert wordpiece("unaffable", vocab) == ["un", "##aff", "##able"]
    assert wordpiece("abcd", vocab) == ["abc", "##d"]  # longest match first
    assert wordpiece("abbc", vocab) == ["a", "##b", "##bc"]
    assert wordpiece("abx", vocab) == ["[UNK]"]  # one unmatched position makes the whole word unknown
    assert wordpiece("a" * 101, vocab) == ["[UNK]"]


def test_embedding_size_rules():
    rules = embedding_size_rules(10_000)
    assert rules == {"n^(1/4) (Google, 2017)": 10, "log2(n) (notes)": 13, "8·n^(1/4) (notes, k = 8)": 80,
                     "min(600, 1.6·n^0.56) (fastai)": round(1.6 * 10_000 ** 0.56)}
    assert embedding_size_rules(10 ** 9)["min(600, 1.6·n^0.56) (fastai)"] == 600


def test_teacher_forcing_inputs():
    y = np.array([[5, 6, 7], [8, 9, 2]])
    np.testing.assert_array_equal(teacher_forcing_inputs(y, bos=1), [[1, 5, 6], [1, 8, 9]])
    np.testing.assert_array_equal(teacher_forcing_inputs(y[:, :1], bos=0), [[0], [0]])
