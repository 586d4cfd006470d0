"""Property-based tests of mlnotes.regularization: the soft-threshold is the L1 proximal operator; lasso coordinate
descent satisfies the KKT conditions on random, scaled and duplicated data (float32 and float64); the ridge path
equals the closed form; dropout is bitwise torch's under torch's masks, with huge and tiny values."""

import numpy as np
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from mlnotes.linear import ridge
from mlnotes.regularization import dropout, dropout_backward, lasso, ridge_path, soft_threshold
from tests.hypothesis_settings import PROPERTIES

FLOATS = st.floats(-1e4, 1e4, allow_nan=False, allow_infinity=False)


@PROPERTIES
@given(z=hnp.arrays(np.float64, st.integers(1, 10), elements=FLOATS), t=st.floats(0.0, 1e3))
def test_soft_threshold_is_the_prox_of_the_l1_norm(z, t):
    w = soft_threshold(z, t)
    assert np.all(np.abs(w) <= np.abs(z)) and np.all(w * z >= 0)
    for delta in (-1e-3, 1e-3):  # argmin ½(w − z)² + t|w|: nudging w never lowers the objective
        f = lambda v: 0.5 * (v - z) ** 2 + t * np.abs(v)  # noqa: E731
        assert np.all(f(w) <= f(w + delta) + 1e-9 * (1 + np.abs(z)) ** 2)


@PROPERTIES
@given(n=st.integers(3, 30), d=st.integers(1, 6), seed=st.integers(0, 10_000), frac=st.floats(0.01, 0.99),
       scale=st.sampled_from([1e-2, 1.0, 1e2]), duplicate=st.booleans(), l1_ratio=st.sampled_from([1.0, 0.5]),
       dtype=st.sampled_from([np.float64, np.float32]))
def test_lasso_satisfies_the_kkt_conditions(n, d, seed, frac, scale, duplicate, l1_ratio, dtype):
    rng = np.random.default_rng(seed)
    X = scale * rng.standard_normal((n, d))
    if duplicate and d > 1:
        X[:, 1] = X[:, 0]
    y = X @ rng.standard_normal(d) + rng.standard_normal(n)
    Xc, yc = X - X.mean(0), y - y.mean()
    top = np.max(np.abs(Xc.T @ yc)) / (n * l1_ratio)
    alpha = frac * top if top > 0 else 0.1
    fit = lasso(X.astype(dtype), y.astype(dtype), alpha, l1_ratio=l1_ratio, tol=1e-12, max_iter=100_000)
    assert fit.coef.dtype == dtype
    w = fit.coef.astype(float)
    grad = Xc.T @ (yc - Xc @ w) / n - alpha * (1 - l1_ratio) * w  # = α·ρ·s with s ∈ ∂‖w‖₁
    tol = (1e-6 if dtype == np.float64 else 1e-2) * max(alpha, 1e-3) + (1e-9 if dtype == np.float64 else 1e-4) * \
        np.abs(Xc).max() * np.abs(yc).max()
    nz = w != 0
    assert np.all(np.abs(grad[nz] - alpha * l1_ratio * np.sign(w[nz])) <= tol)
    assert np.all(np.abs(grad[~nz]) <= alpha * l1_ratio + tol)


@PROPERTIES
@given(seed=st.integers(0, 10_000), alphas=st.lists(st.floats(0.0, 1e4), min_size=1, max_size=5),
       corr=st.floats(0.0, 0.999))
def test_ridge_path_equals_the_closed_form(seed, alphas, corr):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((20, 3))
    X[:, 1] = corr * X[:, 0] + np.sqrt(1 - corr**2) * X[:, 1]
    y = rng.standard_normal(20)
    coefs, intercepts = ridge_path(X, y, alphas)
    for k, a in enumerate(alphas):
        fit = ridge(X, y, a)
        np.testing.assert_allclose(coefs[:, k], fit.coef, rtol=1e-7, atol=1e-9)
        np.testing.assert_allclose(intercepts[k], fit.intercept, rtol=1e-9, atol=1e-9)


@PROPERTIES
@given(shape=st.tuples(st.integers(1, 6), st.integers(1, 6)), p=st.sampled_from([0.0, 0.1, 0.5, 0.9, 1.0]),
       magnitude=st.sampled_from([1e-30, 1e-3, 1.0, 1e4, 1e30]), seed=st.integers(0, 1000),
       dtype=st.sampled_from([torch.float64, torch.float32]))
def test_dropout_is_bitwise_torch(shape, p, magnitude, seed, dtype):
    torch.manual_seed(seed)
    x = (torch.rand(shape, dtype=dtype) + 0.5) * magnitude  # no zeros: a zero output means "dropped"
    x.requires_grad_(True)
    y = torch.nn.functional.dropout(x, p, training=True)
    g = torch.ones(shape, dtype=dtype)
    y.backward(g)
    mask = (y != 0).numpy()
    ours = dropout(x.detach().numpy(), p, mask=mask)[0] if p < 1 else dropout(
        x.detach().numpy(), p, rng=np.random.default_rng(0))[0]
    np.testing.assert_array_equal(ours, y.detach().numpy())
    np.testing.assert_array_equal(dropout_backward(g.numpy(), mask, p), x.grad.numpy())
