"""Property-based tests of mlnotes.activations and mlnotes.init: every activation and its derivative against
torch on inputs up to ±1e4 (and ±1e30) in float32 and float64 — finite, equal, dtype kept, with the textbook
identities; softmax invariances; initializer fans, gains and bounds against torch on random shapes."""

import math

import numpy as np
import torch
import torch.nn.functional as F
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from mlnotes import activations as A
from mlnotes import init as I
from mlnotes.activations.reference import torch_value_and_grad
from tests.hypothesis_settings import PROPERTIES

DTYPES = st.sampled_from([np.float32, np.float64])
MAGNITUDES = [1e-6, 1.0, 10.0, 100.0, 1e4]
NAMES = st.sampled_from(["sigmoid", "tanh", "ReLU", "LeakyReLU", "ELU", "GELU", "GELU (tanh)", "SiLU"])


@st.composite
def inputs(draw, max_size=12):
    dtype = draw(DTYPES)
    scale = draw(st.sampled_from(MAGNITUDES))
    x = draw(hnp.arrays(np.float64, draw(st.integers(1, max_size)), elements=st.floats(-1, 1)))
    extremes = draw(st.lists(st.sampled_from([0.0, -0.0, 1e30, -1e30, 88.0, -88.0, 710.0, -710.0]), max_size=3))
    return np.concatenate([scale * x, extremes]).astype(dtype)


def tol(dtype):
    return dict(rtol=1e-5, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-13)


@PROPERTIES
@given(name=NAMES, x=inputs())
def test_activation_and_derivative_equal_torch(name, x):
    act = A.get_activation(name)
    y, d = act.forward(x), act.derivative(x)
    assert y.dtype == x.dtype and d.dtype == x.dtype and np.all(np.isfinite(y)) and np.all(np.isfinite(d))
    t = torch.tensor(x, requires_grad=True)
    ref = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "ReLU": F.relu, "LeakyReLU": F.leaky_relu, "ELU": F.elu,
           "GELU": F.gelu, "GELU (tanh)": lambda v: F.gelu(v, approximate="tanh"), "SiLU": F.silu}[name](t)
    ref.sum().backward()
    np.testing.assert_allclose(y, ref.detach().numpy(), **tol(x.dtype))
    g = t.grad.numpy()
    finite = np.isfinite(g)  # torch's tanh-GELU backward is NaN where x³ overflows float32 (|x| = 1e30)
    np.testing.assert_allclose(d[finite], g[finite], **tol(x.dtype))


@PROPERTIES
@given(x=inputs())
def test_sigmoid_identities(x):
    s, d = A.sigmoid(x), A.sigmoid_grad(x)
    assert np.all((s >= 0) & (s <= 1)) and np.all((d >= 0) & (d <= 0.25))
    np.testing.assert_allclose(A.sigmoid(-x), 1 - s, rtol=0, atol=2 * np.finfo(x.dtype).eps)
    np.testing.assert_allclose(A.tanh(x), 2 * A.sigmoid(2 * x) - 1, rtol=0, atol=8 * np.finfo(x.dtype).eps)


@PROPERTIES
@given(dtype=DTYPES, rows=st.integers(1, 4), cols=st.integers(1, 6), scale=st.sampled_from(MAGNITUDES),
       shift=st.sampled_from([0.0, 1e4, -1e4]), data=st.data())
def test_softmax_is_a_finite_distribution_and_shift_invariant(dtype, rows, cols, scale, shift, data):
    z = (scale * data.draw(hnp.arrays(np.float64, (rows, cols), elements=st.floats(-1, 1)))).astype(dtype)
    p = A.softmax(z)
    eps = np.finfo(dtype).eps
    assert p.dtype == dtype and np.all(np.isfinite(p)) and np.all(p >= 0)
    np.testing.assert_allclose(p.sum(axis=-1), 1, atol=cols * 4 * eps)
    np.testing.assert_allclose(p, torch.softmax(torch.tensor(z), dim=-1).numpy(), rtol=16 * eps, atol=16 * eps)
    shifted = (z.astype(np.float64) + shift).astype(dtype)
    np.testing.assert_allclose(A.softmax(shifted), p, rtol=0, atol=64 * eps * (1 + abs(shift)) * (1 + scale))
    g = data.draw(hnp.arrays(np.float64, (rows, cols), elements=st.floats(-1, 1))).astype(dtype)
    back = A.softmax_backward(z, g)
    np.testing.assert_allclose(back.sum(axis=-1), 0, atol=cols * 16 * eps)  # Jᵀg ⟂ the ones vector


@PROPERTIES
@given(shape=st.lists(st.integers(1, 6), min_size=2, max_size=5).map(tuple))
def test_fans_and_bounds_equal_torch(shape):
    assume(math.prod(shape) <= 4000)
    empty = torch.empty(shape)
    assert I.fan_in_and_fan_out(shape) == torch.nn.init._calculate_fan_in_and_fan_out(empty)
    for mode in ("fan_in", "fan_out"):
        b = I.kaiming_bound(shape, mode=mode, nonlinearity="relu")
        w = I.kaiming_uniform(shape, mode=mode, nonlinearity="relu", rng=np.random.default_rng(0))
        assert w.shape == shape and np.abs(w).max() <= b
        torch.manual_seed(0)
        ref = torch.nn.init.kaiming_uniform_(torch.empty(shape, dtype=torch.float64), mode=mode, nonlinearity="relu")
        torch.manual_seed(0)
        assert torch.equal(ref, torch.empty(shape, dtype=torch.float64).uniform_(-b, b))
    a = I.xavier_bound(shape)
    assert np.abs(I.xavier_uniform(shape, rng=np.random.default_rng(1))).max() <= a
    assert I.kaiming_std(shape, nonlinearity="relu") > I.xavier_std(shape)  # erratum 12, every shape


@PROPERTIES
@given(slope=st.floats(0, 10))
def test_leaky_gain_equals_torch(slope):
    assert I.calculate_gain("leaky_relu", slope) == torch.nn.init.calculate_gain("leaky_relu", slope)


@PROPERTIES
@given(name=NAMES, x=st.floats(-30, 30))
def test_reference_helper_agrees_with_the_registry(name, x):
    value, grad = torch_value_and_grad(name, np.array([x]))
    act = A.get_activation(name)
    np.testing.assert_allclose(act.forward(np.array([x])), value, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(act.derivative(np.array([x])), grad, rtol=1e-12, atol=1e-13)
