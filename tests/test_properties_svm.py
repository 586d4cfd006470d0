"""Property-based tests of mlnotes.svm: kernels are symmetric PSD and equal scikit-learn's on random inputs
(float32 and float64, huge and tiny values); the SMO solution is feasible, satisfies the KKT conditions and equals
LIBSVM's on random small problems; the hinge subgradient step equals torch autograd."""

import numpy as np
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn.metrics.pairwise import polynomial_kernel as sk_poly
from sklearn.metrics.pairwise import rbf_kernel as sk_rbf
from sklearn.svm import SVC as SklearnSVC

from mlnotes.svm import SVC, hinge_subgradient_step, polynomial_kernel, rbf_kernel, smo_solve
from tests.hypothesis_settings import PROPERTIES


@st.composite
def matrices(draw, dtype=np.float64, max_n=8, max_d=4, scale=None):
    n, d = draw(st.integers(1, max_n)), draw(st.integers(1, max_d))
    scale = scale if scale is not None else draw(st.sampled_from([1e-3, 1.0, 1e2]))
    A = draw(hnp.arrays(dtype, (n, d), elements=st.floats(-1, 1, width=32)))
    return (A * scale).astype(dtype)


@PROPERTIES
@given(A=matrices(), gamma=st.floats(1e-3, 10.0))
def test_rbf_is_symmetric_psd_in_unit_interval_and_equals_sklearn(A, gamma):
    K = rbf_kernel(A, gamma=gamma)
    np.testing.assert_allclose(K, K.T, rtol=0, atol=0)
    assert K.min() >= 0 and K.max() <= 1 and np.all(np.diag(K) == 1)
    assert np.linalg.eigvalsh(K).min() > -1e-10
    np.testing.assert_allclose(K, sk_rbf(A, gamma=gamma), rtol=1e-9, atol=1e-12)


@PROPERTIES
@given(A=matrices(dtype=np.float32, scale=1.0), B=matrices(dtype=np.float32, scale=1.0), gamma=st.floats(0.01, 5.0))
def test_float32_kernels_stay_float32_and_close(A, B, gamma):
    B = np.resize(B, (B.shape[0], A.shape[1])).astype(np.float32)
    K = rbf_kernel(A, B, gamma=gamma)
    assert K.dtype == np.float32
    np.testing.assert_allclose(K, sk_rbf(A.astype(float), B.astype(float), gamma=gamma), rtol=1e-4, atol=1e-5)
    P = polynomial_kernel(A, B, degree=2, gamma=gamma, coef0=1.0)
    assert P.dtype == np.float32
    np.testing.assert_allclose(P, sk_poly(A.astype(float), B.astype(float), degree=2, gamma=gamma, coef0=1.0),
                               rtol=1e-4, atol=1e-5)


@st.composite
def problems(draw):
    n = draw(st.integers(4, 16))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 2)) * draw(st.sampled_from([0.1, 1.0, 10.0]))
    y = np.where(np.arange(n) % 2 == 0, -1.0, 1.0)
    X[y > 0] += draw(st.floats(0.0, 3.0))
    return X, y, draw(st.sampled_from([0.01, 1.0, 100.0])), draw(st.sampled_from(["linear", "rbf"]))


@PROPERTIES
@given(problem=problems())
def test_smo_is_feasible_satisfies_kkt_and_equals_libsvm(problem):
    X, y, C, kernel = problem
    ours = SVC(C=C, kernel=kernel, gamma=0.5, tol=1e-10, gram_dtype="float32").fit(X, y)
    a = ours.alpha_
    assert ours.converged_ and np.all((a >= 0) & (a <= C)) and abs(a @ y) <= 1e-10 * max(1.0, C)
    m = y * ours.decision_function(X)
    scale = max(1.0, np.abs(ours.dual_coef_).max() * np.abs(X).max() ** 2) * 1e-6
    assert np.all(m[a == 0] >= 1 - scale)
    assert np.all(m[a == C] <= 1 + scale)
    ref = SklearnSVC(C=C, kernel=kernel, gamma=0.5, tol=1e-10).fit(X, y)
    f_ref, f_ours = ref.decision_function(X), ours.decision_function(X)
    np.testing.assert_allclose(f_ours, f_ref, atol=1e-6 * max(1.0, np.abs(f_ref).max()))
    assert ours.dual_objective() == np.float64(ours.dual_objective())  # finite


@PROPERTIES
@given(seed=st.integers(0, 2**16), n=st.integers(1, 20), d=st.integers(1, 4), C=st.floats(1e-3, 1e3),
       lr=st.floats(1e-4, 1.0))
def test_hinge_step_equals_torch(seed, n, d, C, lr):
    rng = np.random.default_rng(seed)
    X, w, b = rng.standard_normal((n, d)), rng.standard_normal(d), float(rng.standard_normal())
    y = np.where(rng.random(n) < 0.5, -1.0, 1.0)
    wt, bt = torch.tensor(w, requires_grad=True), torch.tensor(b, dtype=torch.float64, requires_grad=True)
    (wt @ wt / 2 + C * torch.relu(1 - torch.tensor(y) * (torch.tensor(X) @ wt + bt)).sum()).backward()
    new_w, new_b = hinge_subgradient_step(w, b, X, y, C, lr)
    np.testing.assert_allclose(new_w, w - lr * wt.grad.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(new_b, b - lr * bt.grad.item(), rtol=1e-12, atol=1e-12)


@PROPERTIES
@given(seed=st.integers(0, 2**16))
def test_two_identical_points_with_opposite_labels(seed):
    # a degenerate pair (a_ij = 0 for the two copies): SMO must not divide by zero
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((6, 2))
    X[1] = X[0]
    y = np.array([1.0, -1.0, 1.0, -1.0, 1.0, -1.0])
    K = X @ X.T
    result = smo_solve(K, y, C=1.0, tol=1e-8)
    assert np.all(np.isfinite(result.alpha)) and np.isfinite(result.bias)
    assert np.all((result.alpha >= 0) & (result.alpha <= 1.0))
