"""mlnotes.activations equals torch (values, autograd derivatives, float64 gradcheck), keeps dtypes, and the
dying-ReLU experiment measures what the chapter says."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from mlnotes import activations as A
from mlnotes.activations.dying import LEARNING_RATES, train_dying

DTYPES = [np.float32, np.float64]
TOL = {np.float32: dict(rtol=1e-5, atol=1e-6), np.float64: dict(rtol=1e-12, atol=1e-14)}
TORCH = {np.float32: torch.float32, np.float64: torch.float64}

# name: (ours, our derivative, torch function)
CASES = {
    "sigmoid": (A.sigmoid, A.sigmoid_grad, torch.sigmoid),
    "tanh": (A.tanh, A.tanh_grad, torch.tanh),
    "relu": (A.relu, A.relu_grad, F.relu),
    "leaky_relu": (A.leaky_relu, A.leaky_relu_grad, F.leaky_relu),
    "leaky_relu 0.2": (lambda x: A.leaky_relu(x, 0.2), lambda x: A.leaky_relu_grad(x, 0.2),
                       lambda t: F.leaky_relu(t, 0.2)),
    "elu": (A.elu, A.elu_grad, F.elu),
    "elu 0.5": (lambda x: A.elu(x, 0.5), lambda x: A.elu_grad(x, 0.5), lambda t: F.elu(t, 0.5)),
    "gelu": (A.gelu, A.gelu_grad, F.gelu),
    "gelu tanh": (lambda x: A.gelu(x, "tanh"), lambda x: A.gelu_grad(x, "tanh"), lambda t: F.gelu(t, approximate="tanh")),
    "silu": (A.silu, A.silu_grad, F.silu),
}


def inputs(dtype):
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.standard_normal(200) * 3, [0.0, -0.0, 1e-8, -1e-8, 20, -20, 60, -60, 1e4, -1e4, 1e30, -1e30]])
    return x.astype(dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(CASES))
def test_values_and_derivatives_equal_torch(name, dtype):
    ours, ours_grad, ref = CASES[name]
    x = inputs(dtype)
    t = torch.tensor(x, requires_grad=True)
    y = ref(t)
    y.sum().backward()
    got, dgot = ours(x), ours_grad(x)
    assert got.dtype == dtype and dgot.dtype == dtype and got.shape == x.shape
    assert np.all(np.isfinite(got)) and np.all(np.isfinite(dgot))
    np.testing.assert_allclose(got, y.detach().numpy(), **TOL[dtype])
    ref_grad = t.grad.numpy()
    finite = np.isfinite(ref_grad)  # torch's tanh-GELU backward is NaN at |x| = 1e30 in float32 (x³ overflows)
    assert finite.all() or (name == "gelu tanh" and dtype == np.float32 and np.all(np.abs(x[~finite]) >= 1e19))
    np.testing.assert_allclose(dgot[finite], ref_grad[finite], **TOL[dtype])
    if not finite.all():
        assert np.all(dgot[~finite] == np.where(x[~finite] > 0, 1, 0))  # ours: the limits 1 and 0


@pytest.mark.parametrize("name", list(CASES))
def test_derivatives_pass_gradcheck_float64(name):
    ours, ours_grad, _ = CASES[name]

    class Ours(torch.autograd.Function):
        @staticmethod
        def forward(ctx, t):
            ctx.save_for_backward(t)
            return torch.from_numpy(ours(t.detach().numpy()))

        @staticmethod
        def backward(ctx, g):
            (t,) = ctx.saved_tensors
            return g * torch.from_numpy(ours_grad(t.detach().numpy()))

    x = torch.tensor(np.random.default_rng(1).uniform(-4, 4, 30), requires_grad=True)
    x = x[(x.abs() > 1e-3)].detach().requires_grad_()  # away from the ReLU-family kinks
    assert torch.autograd.gradcheck(Ours.apply, (x,))


def test_kinks_follow_torch():
    z = np.zeros(1)
    assert A.relu_grad(z)[0] == 0.0
    assert A.leaky_relu_grad(z, 0.1)[0] == 0.1
    assert A.elu_grad(z, 0.7)[0] == 0.7


@pytest.mark.parametrize("dtype", DTYPES)
def test_softmax_and_backward_equal_torch(dtype):
    rng = np.random.default_rng(2)
    x = np.concatenate([rng.standard_normal((3, 5)), [[1e4, -1e4, 0, 1, 2]]]).astype(dtype)
    g = rng.standard_normal(x.shape).astype(dtype)
    for axis in (-1, 0):
        t = torch.tensor(x, requires_grad=True)
        y = torch.softmax(t, dim=axis)
        (y * torch.tensor(g)).sum().backward()
        np.testing.assert_allclose(A.softmax(x, axis), y.detach().numpy(), **TOL[dtype])
        np.testing.assert_allclose(A.softmax_backward(x, g, axis), t.grad.numpy(), **TOL[dtype])
        assert A.softmax(x, axis).dtype == dtype


def test_sigmoid_properties():
    x = np.linspace(-30, 30, 60001)
    d = A.sigmoid_grad(x)
    assert d.max() == 0.25 and x[d.argmax()] == 0.0
    np.testing.assert_allclose(A.sigmoid(-x), 1 - A.sigmoid(x), atol=1e-15)
    assert A.sigmoid(np.array(-740.0)) > 0  # stable: e^x / (1 + e^x), no overflow
    np.testing.assert_allclose(A.tanh(x), 2 * A.sigmoid(2 * x) - 1, atol=1e-15)
    np.testing.assert_allclose(A.softmax(np.stack([np.zeros_like(x), x], axis=1))[:, 1], A.sigmoid(x), atol=1e-15)


def test_registry_matches_public_functions():
    x = np.linspace(-3, 3, 7)
    np.testing.assert_array_equal(A.ACTIVATIONS["GELU (tanh)"].forward(x), A.gelu(x, "tanh"))
    np.testing.assert_array_equal(A.get_activation("ReLU").derivative(x), A.relu_grad(x))


def test_dying_relu_dead_units_get_exactly_zero_gradient():
    dead_counts = [int(train_dying(lr, "ReLU").dead.sum()) for lr in LEARNING_RATES]
    assert dead_counts[0] == 0 and dead_counts[-1] > 32  # small lr: none; lr 1.0: most
    run = train_dying(0.7, "ReLU")
    assert run.dead.any() and np.all(run.grad_W1[run.dead] == 0)
    leaky = train_dying(0.7, "LeakyReLU")
    assert leaky.dead.any() and np.all(np.abs(leaky.grad_W1[leaky.dead]).sum(axis=1) > 0)


def test_dying_run_equals_a_torch_sgd_step():
    """The training loop's gradient is torch autograd's for the same network and batch."""
    from mlnotes.activations.dying import _grads, regression_data

    X, y = regression_data()
    rng = np.random.default_rng(3)
    W1, b1, w2, b2 = rng.standard_normal((64, 2)), rng.standard_normal(64), rng.standard_normal(64), 0.3
    grads, loss, _ = _grads(X, y, W1, b1, w2, b2, A.get_activation("ReLU"))
    ts = [torch.tensor(a, requires_grad=True) for a in (W1, b1, w2, np.array(b2))]
    pred = torch.relu(torch.tensor(X) @ ts[0].T + ts[1]) @ ts[2] + ts[3]
    tl = ((pred - torch.tensor(y)) ** 2).mean()
    tl.backward()
    assert np.isclose(loss, tl.item(), rtol=1e-12)
    for g, t in zip(grads, ts):
        np.testing.assert_allclose(g, t.grad.numpy(), rtol=1e-10, atol=1e-12)
