"""mlnotes.init equals torch.nn.init: gains and fans exactly, bounds and stds bit for bit on the same random
stream, our numpy draws equal in distribution (two-sample KS); the deep-network statistics and the symmetry
experiment equal torch autograd and show what the chapter says."""

import math

import numpy as np
import pytest
import torch
from scipy.stats import ks_2samp

from mlnotes import init as I
from mlnotes.init import errata
from mlnotes.init.deep import _forward
from mlnotes.init.symmetry import SYMMETRY_INITS, distinct_units, gd_step, moons, train

SHAPES = [(3, 5), (64, 32), (10, 1), (1, 10), (16, 8, 3, 3), (4, 2, 5), (7, 3, 2, 2, 2)]


@pytest.mark.parametrize("name,param", [("linear", None), ("conv2d", None), ("sigmoid", None), ("tanh", None),
                                        ("relu", None), ("leaky_relu", None), ("leaky_relu", 0.2),
                                        ("leaky_relu", math.sqrt(5)), ("leaky_relu", 0), ("selu", None)])
def test_calculate_gain_equals_torch(name, param):
    assert I.calculate_gain(name, param) == torch.nn.init.calculate_gain(name, param)


@pytest.mark.parametrize("shape", SHAPES)
def test_fans_equal_torch(shape):
    assert I.fan_in_and_fan_out(shape) == torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))


def _torch_same_stream(fill, shape, seed=0):
    torch.manual_seed(seed)
    return fill(torch.empty(shape, dtype=torch.float64))


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("gain", [1.0, 5 / 3, math.sqrt(2)])
def test_xavier_bound_and_std_are_torchs_bit_for_bit(shape, gain):
    a = I.xavier_bound(shape, gain)
    ref = _torch_same_stream(lambda t: torch.nn.init.xavier_uniform_(t, gain=gain), shape)
    ours = _torch_same_stream(lambda t: t.uniform_(-a, a), shape)
    assert torch.equal(ref, ours)
    s = I.xavier_std(shape, gain)
    ref = _torch_same_stream(lambda t: torch.nn.init.xavier_normal_(t, gain=gain), shape)
    assert torch.equal(ref, _torch_same_stream(lambda t: t.normal_(0.0, s), shape))


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("a,mode,nonlinearity", [(0, "fan_in", "leaky_relu"), (0, "fan_out", "relu"),
                                                 (math.sqrt(5), "fan_in", "leaky_relu"), (0.2, "fan_out", "leaky_relu"),
                                                 (0, "fan_in", "tanh")])
def test_kaiming_bound_and_std_are_torchs_bit_for_bit(shape, a, mode, nonlinearity):
    b = I.kaiming_bound(shape, a, mode, nonlinearity)
    ref = _torch_same_stream(lambda t: torch.nn.init.kaiming_uniform_(t, a=a, mode=mode, nonlinearity=nonlinearity),
                             shape)
    assert torch.equal(ref, _torch_same_stream(lambda t: t.uniform_(-b, b), shape))
    s = I.kaiming_std(shape, a, mode, nonlinearity)
    ref = _torch_same_stream(lambda t: torch.nn.init.kaiming_normal_(t, a=a, mode=mode, nonlinearity=nonlinearity),
                             shape)
    assert torch.equal(ref, _torch_same_stream(lambda t: t.normal_(0.0, s), shape))


def test_torch_default_linear_init_is_uniform_one_over_sqrt_fan_in():
    assert math.isclose(I.kaiming_bound((20, 50), a=math.sqrt(5)), 1 / math.sqrt(50), rel_tol=1e-12)


SAMPLERS = [
    ("xavier_uniform", lambda s, r: I.xavier_uniform(s, rng=r), lambda t: torch.nn.init.xavier_uniform_(t)),
    ("xavier_normal", lambda s, r: I.xavier_normal(s, gain=5 / 3, rng=r), lambda t: torch.nn.init.xavier_normal_(t, 5 / 3)),
    ("kaiming_uniform", lambda s, r: I.kaiming_uniform(s, mode="fan_out", nonlinearity="relu", rng=r),
     lambda t: torch.nn.init.kaiming_uniform_(t, mode="fan_out", nonlinearity="relu")),
    ("kaiming_normal", lambda s, r: I.kaiming_normal(s, nonlinearity="relu", rng=r),
     lambda t: torch.nn.init.kaiming_normal_(t, nonlinearity="relu")),
    ("normal 0.01", lambda s, r: I.normal(s, 0.0, 0.01, r), lambda t: torch.nn.init.normal_(t, 0.0, 0.01)),
    ("uniform", lambda s, r: I.uniform(s, -0.3, 0.7, r), lambda t: torch.nn.init.uniform_(t, -0.3, 0.7)),
]


@pytest.mark.parametrize("name,ours,theirs", SAMPLERS, ids=[s[0] for s in SAMPLERS])
def test_our_draws_equal_torchs_in_distribution(name, ours, theirs):
    shape = (256, 128, 3)
    x = ours(shape, np.random.default_rng(0)).ravel()
    torch.manual_seed(0)
    y = theirs(torch.empty(shape, dtype=torch.float64)).numpy().ravel()
    assert ks_2samp(x, y).pvalue > 0.01
    np.testing.assert_allclose(x.std(), y.std(), rtol=0.01)


@pytest.mark.parametrize("shape", [(64, 32), (8, 4, 3, 3)])
def test_uniform_draws_stay_within_their_exact_bound(shape):
    w = I.kaiming_uniform(shape, nonlinearity="relu", rng=np.random.default_rng(1))
    b = I.kaiming_bound(shape, nonlinearity="relu")
    assert np.abs(w).max() <= b and np.isclose(b, math.sqrt(6 / I.fan_in_and_fan_out(shape)[0]), rtol=1e-15)


def test_constant_and_zeros():
    assert np.all(I.zeros((2, 3)) == 0) and np.all(I.constant((2, 3), 0.5) == 0.5)


def test_he_has_the_larger_range_erratum_12():
    shapes = [(o, i) for o in (1, 10, 256, 4096) for i in (1, 10, 256, 4096)]
    for row in errata.he_vs_xavier(shapes):
        assert row["he_std"] > row["xavier_std"] and row["he_bound"] > row["xavier_bound"]


def test_notes_sigmoid_snippet():
    with pytest.raises(SyntaxError):
        compile(errata.NOTES_SIGMOID_SNIPPET, "<notes>", "exec")
    ns = {"np": np}
    exec(compile(errata.FIXED_SIGMOID_SNIPPET, "<fixed>", "exec"), ns)
    x = np.linspace(-5, 5, 11)
    np.testing.assert_allclose(ns["f"](x), errata.sigmoid_notes(x), rtol=1e-15)
    assert errata.sigmoid_notes(np.float32(-100.0)) == 0 and errata.naive_overflow_threshold(np.float32) < -88


# -- deep statistics ---------------------------------------------------------------------------------------------------
def test_layer_statistics_equal_torch_autograd():
    """Our manual backward through the 50-layer network equals torch autograd's (at depth 7)."""
    depth = 7
    weights, _, acts, upstream = _forward("He", "tanh", 64, 128, 0)
    x = torch.tensor(acts[0])
    h = x
    ws = [torch.tensor(W, requires_grad=True) for W in weights[:depth]]
    hs = []
    for W in ws:
        h = torch.tanh(h @ W.T)
        h.retain_grad()
        hs.append(h)
    (h * torch.tensor(upstream)).sum().backward()
    s = I.layer_statistics("He", "tanh", depth)
    np.testing.assert_allclose(s.act_std, [t.detach().std(unbiased=False).item() for t in hs], rtol=1e-12)
    np.testing.assert_allclose(s.grad_w_std, [W.grad.std(unbiased=False).item() for W in ws], rtol=1e-10)
    np.testing.assert_allclose(s.grad_h_std, [t.grad.std(unbiased=False).item() for t in hs], rtol=1e-10)


def test_variance_gain_per_layer_tells_vanishing_from_stable():
    he = I.variance_gain_per_layer(I.layer_statistics("He", "ReLU").act_std)
    xav = I.variance_gain_per_layer(I.layer_statistics("Xavier", "ReLU").act_std)
    assert abs(he - 1) < 0.05 and abs(xav - 0.5) < 0.05  # ReLU halves the variance unless the init doubles it
    small = I.layer_statistics("N(0, 0.01²)", "tanh").act_std[-1]
    big = I.layer_statistics("N(0, 1)", "ReLU").act_std[-1]
    assert small < 1e-40 and big > 1e30


def test_shallow_network_is_a_prefix():
    a, b = I.layer_statistics("Xavier", "tanh", 20), I.layer_statistics("Xavier", "tanh", 50)
    np.testing.assert_array_equal(a.act_std, b.act_std[:20])


# -- symmetry ------------------------------------------------------------------------------------------------------------
def test_zero_and_constant_init_keep_units_identical():
    zero, const, xavier = (train(init) for init in SYMMETRY_INITS)
    assert all(distinct_units(s) == 1 for s in zero + const)
    assert all(distinct_units(s) == 8 for s in xavier)
    assert np.all(zero[-1].W1 == 0) and np.all(zero[-1].w2 == 0)  # only the output bias can move
    assert xavier[-1].accuracy > const[-1].accuracy > zero[-1].accuracy


def test_gd_step_equals_torch_autograd():
    X, y = moons()
    rng = np.random.default_rng(2)
    W1, b1, w2, b2 = rng.standard_normal((8, 2)), rng.standard_normal(8), rng.standard_normal(8), 0.1
    new = gd_step(X, y, W1, b1, w2, b2, lr=1.0)
    ts = [torch.tensor(a, requires_grad=True) for a in (W1, b1, w2, np.array(b2))]
    z = torch.tanh(torch.tensor(X) @ ts[0].T + ts[1]) @ ts[2] + ts[3]
    torch.nn.functional.binary_cross_entropy_with_logits(z, torch.tensor(y)).backward()
    for ours, t in zip(new, ts):
        np.testing.assert_allclose(ours, (t - t.grad).detach().numpy(), rtol=1e-12, atol=1e-14)


# -- figures ---------------------------------------------------------------------------------------------------------------
FIGURES = [
    ("draw_layer_stats", dict(init="U[0, 1) (notes' rand)", activation="sigmoid", depth=20), 1),
    ("draw_layer_stats", dict(init="N(0, 1)", activation="ReLU", depth=50), 1),
    ("draw_symmetry", dict(init="zero", step=0), 2),
    ("draw_activation", dict(activation="GELU (tanh)"), 2),
    ("draw_dying_relu", dict(lr=1.0), 1),
    ("draw_log_sigmoid", dict(dtype="float64", notes=True), 1),
]


@pytest.mark.parametrize("name,values,ncols", FIGURES, ids=[f"{f[0]}-{i}" for i, f in enumerate(FIGURES)])
def test_figures_render_finite_frames(name, values, ncols):
    from mlnotes.explore import FrameRenderer
    from mlnotes.figures import init as figs

    png = FrameRenderer(getattr(figs, name), ncols=ncols, figsize=(6, 3), scale=1, layout_values=values).render(values)
    assert png.startswith(b"\x89PNG")


def test_our_ks_tests_equal_scipy():
    from scipy import stats

    from mlnotes.init.reference import ks_1samp, ks_2samp

    rng = np.random.default_rng(3)
    x, y = rng.standard_normal(5000), rng.standard_normal(4000) * 1.03
    d, p = ks_2samp(x, y)
    ref = stats.ks_2samp(x, y, method="asymp")
    assert math.isclose(d, ref.statistic, rel_tol=1e-12) and math.isclose(p, ref.pvalue, rel_tol=0.05)
    d1, p1 = ks_1samp(x, stats.norm.cdf)
    ref1 = stats.kstest(x, stats.norm.cdf, method="asymp")
    assert math.isclose(d1, ref1.statistic, rel_tol=1e-12) and math.isclose(p1, ref1.pvalue, rel_tol=0.05)


def test_numpy_stand_ins_equal_scipy():
    """normal_cdf and kolmogorov_sf replace scipy's ndtr and kolmogorov in the drills' browser oracle (no scipy)."""
    from scipy.special import kolmogorov, ndtr

    from mlnotes.init.reference import kolmogorov_sf, ks_1samp, normal_cdf

    rng = np.random.default_rng(8)
    x = np.concatenate([rng.standard_normal(20_000) * s for s in (0.3, 1.0, 3.0, 12.0)] + [[0.0, -40.0, 40.0]])
    np.testing.assert_allclose(normal_cdf(x), ndtr(x), rtol=1e-13, atol=3e-16)
    assert normal_cdf(x[:20].reshape(4, 5)).shape == (4, 5)
    ys = np.concatenate([[0.0, 1e-3], np.linspace(0.05, 3.0, 600), np.linspace(3.0, 30.0, 300)])
    ours = np.array([kolmogorov_sf(y) for y in ys])
    np.testing.assert_allclose(ours, kolmogorov(ys), rtol=1e-13, atol=0)
    draws = rng.standard_normal(3000) * 1.05
    d, p = ks_1samp(draws, normal_cdf)
    d2, p2 = ks_1samp(draws, normal_cdf, sf=kolmogorov_sf)
    assert d == d2 and math.isclose(p, p2, rel_tol=1e-12)


def test_sigmoid_as_torch_equals_torch():
    from mlnotes.init.reference import sigmoid_as_torch

    rng = np.random.default_rng(9)
    x = np.concatenate([rng.standard_normal(50_000) * s for s in (1.0, 10.0, 300.0)]
                       + [[0.0, 1e-8, -1e-8, 709.0, -709.0, -709.8, -709.79, -720.0, -740.0, -800.0, 1000.0, -1e300]])
    ref = torch.sigmoid(torch.tensor(x)).numpy()
    ours = sigmoid_as_torch(x)
    np.testing.assert_allclose(ours, ref, rtol=1e-15, atol=0)
    np.testing.assert_array_equal(ours == 0, ref == 0)  # 0 exactly where torch's e^{−x} overflows (x < −709.78)
    assert ours[-3] == 0.0 and ours[-2] == 1.0
