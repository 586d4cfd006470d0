"""Property-based tests of mlnotes.linear: the sigmoid and the log loss at huge logits (float32 and float64) against
scipy and torch; least squares against lstsq on random shapes, with constant and duplicated columns; ridge's
shrinkage; softmax's invariances; naive Bayes with constant features."""

import numpy as np
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy.special import expit

from mlnotes.linear import GaussianNB, least_squares, log_loss, ridge, sigmoid, softmax
from tests.hypothesis_settings import PROPERTIES

LOGITS = st.floats(-1e4, 1e4, allow_nan=False, allow_infinity=False)


@PROPERTIES
@given(z=hnp.arrays(np.float64, st.integers(1, 20), elements=LOGITS), dtype=st.sampled_from([np.float32, np.float64]))
def test_sigmoid_is_bounded_symmetric_and_equals_expit(z, dtype):
    z = z.astype(dtype)
    s = sigmoid(z)
    assert s.dtype == dtype and np.all((s >= 0) & (s <= 1))
    np.testing.assert_allclose(s, expit(z), rtol=4 * np.finfo(dtype).eps, atol=1e-300)
    np.testing.assert_allclose(sigmoid(-z), 1 - s, atol=2 * np.finfo(dtype).eps)


@PROPERTIES
@given(z=hnp.arrays(np.float64, st.integers(1, 20), elements=LOGITS), data=st.data())
def test_log_loss_is_finite_and_equals_torch(z, data):
    y = data.draw(hnp.arrays(np.int64, z.shape, elements=st.integers(0, 1)))
    ours = log_loss(y, z)
    ref = torch.nn.functional.binary_cross_entropy_with_logits(torch.tensor(z), torch.tensor(y, dtype=torch.float64))
    assert np.isfinite(ours)
    np.testing.assert_allclose(ours, ref.item(), rtol=1e-12, atol=1e-12)


@PROPERTIES
@given(n=st.integers(2, 15), d=st.integers(1, 5), seed=st.integers(0, 10_000), scale=st.sampled_from([1e-3, 1.0, 1e3]),
       special=st.sampled_from(["none", "constant", "duplicate"]))
def test_least_squares_matches_lstsq(n, d, seed, scale, special):
    rng = np.random.default_rng(seed)
    X = scale * rng.standard_normal((n, d))
    if special == "constant":
        X[:, 0] = 2.0 * scale
    elif special == "duplicate" and d > 1:
        X[:, 1] = X[:, 0]
    y = rng.standard_normal(n)
    fit = least_squares(X, y, fit_intercept=False)
    ref = np.linalg.lstsq(X, y, rcond=None)[0]
    np.testing.assert_allclose(X @ fit.coef, X @ ref, rtol=1e-9, atol=1e-9 * max(1.0, np.abs(y).max()))
    resid = X.T @ (y - X @ fit.coef)  # the normal equations hold
    assert np.all(np.abs(resid) <= 1e-8 * max(1.0, np.abs(X).max()) ** 2 * n * max(1.0, np.abs(y).max()))


@PROPERTIES
@given(seed=st.integers(0, 10_000), a=st.floats(0.0, 100.0), factor=st.floats(1.5, 10.0))
def test_ridge_norm_decreases_with_alpha(seed, a, factor):
    rng = np.random.default_rng(seed)
    X, y = rng.standard_normal((20, 4)), rng.standard_normal(20)
    assert np.linalg.norm(ridge(X, y, a * factor + 1e-3).coef) <= np.linalg.norm(ridge(X, y, a).coef) + 1e-12


@PROPERTIES
@given(Z=hnp.arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 6)), elements=LOGITS),
       shift=st.floats(-1e3, 1e3))
def test_softmax_sums_to_one_and_ignores_a_shift(Z, shift):
    P = softmax(Z)
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(softmax(Z + shift), P, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(P, torch.softmax(torch.tensor(Z), dim=1).numpy(), rtol=1e-12, atol=1e-300)


@PROPERTIES
@given(seed=st.integers(0, 10_000), offset=st.sampled_from([0.0, 1e3, -1e6]))
def test_gaussian_nb_handles_constant_features_and_offsets(seed, offset):
    from sklearn.naive_bayes import GaussianNB as SkGNB

    rng = np.random.default_rng(seed)
    X = offset + rng.standard_normal((30, 3))
    X[:, 2] = offset  # a constant column: only var_smoothing keeps its variance > 0
    y = rng.integers(0, 3, 30)
    y[:3] = [0, 1, 2]
    ours, sk = GaussianNB().fit(X, y), SkGNB().fit(X, y)
    np.testing.assert_allclose(ours.predict_log_proba(X), sk.predict_log_proba(X), rtol=1e-6, atol=1e-6)
