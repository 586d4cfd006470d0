"""mlnotes.svm against scikit-learn (SVC, pairwise kernels), torch autograd (the hinge subgradient), and by hand."""

import numpy as np
import pytest
import torch
from sklearn.datasets import make_blobs
from sklearn.metrics.pairwise import polynomial_kernel as sk_poly
from sklearn.metrics.pairwise import rbf_kernel as sk_rbf
from sklearn.svm import SVC as SklearnSVC

from mlnotes.svm import (SVC, blobs, fit_hinge_subgradient, hinge_loss, hinge_subgradient_step, kernel_matrix,
                         linear_kernel, outlier_point, polynomial_feature_map, polynomial_kernel, rbf_feature_map_1d,
                         rbf_kernel, smo_solve, squared_distances, svm_objective)
from mlnotes.svm.experiments import compare_with_sklearn, outlier_fit, soft_margin_fit

RNG = np.random.default_rng(0)
A, B = RNG.standard_normal((7, 3)), RNG.standard_normal((5, 3))


# -- kernels -----------------------------------------------------------------------------------------
def test_kernels_equal_sklearn():
    np.testing.assert_allclose(rbf_kernel(A, B, gamma=0.7), sk_rbf(A, B, gamma=0.7), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(polynomial_kernel(A, B, degree=3, gamma=0.5, coef0=1.0),
                               sk_poly(A, B, degree=3, gamma=0.5, coef0=1.0), rtol=1e-12)
    np.testing.assert_allclose(linear_kernel(A, B), A @ B.T, rtol=1e-14)
    np.testing.assert_allclose(squared_distances(A, B), ((A[:, None] - B[None]) ** 2).sum(-1), rtol=1e-12, atol=1e-13)
    np.testing.assert_array_equal(kernel_matrix(A, None, "rbf", gamma=0.3), rbf_kernel(A, A, gamma=0.3))


def test_rbf_kernel_is_sklearns_bit_for_bit():
    """Same formula order as sklearn's euclidean_distances: the RBF drill's browser reference (mlnotes.drills.svm)
    prints the same digits as sklearn's, even where ‖x‖² + ‖z‖² − 2x·z rounds (coordinates near 1e4)."""
    rng = np.random.default_rng(22)
    big = 1e4 + rng.standard_normal((5, 2))
    for X, Z, gamma in ((A, B, 0.7), (A, A.copy(), 1.0), (big, big.copy(), 1.0), (A[:, :1], B[:, :1], 3.0),
                        (A, B[:2], 1000.0)):
        np.testing.assert_array_equal(rbf_kernel(X, Z, gamma=gamma), sk_rbf(X, Z, gamma=gamma))


def test_kernels_keep_float32():
    a32, b32 = A.astype(np.float32), B.astype(np.float32)
    for K in (rbf_kernel(a32, b32), polynomial_kernel(a32, b32), linear_kernel(a32, b32), squared_distances(a32)):
        assert K.dtype == np.float32
    np.testing.assert_allclose(rbf_kernel(a32, b32, gamma=0.7), sk_rbf(A, B, gamma=0.7), rtol=1e-5, atol=1e-6)


def test_squared_distances_never_negative():
    X = 1e4 + RNG.standard_normal((20, 2))
    d2 = squared_distances(X, X.copy())
    assert d2.min() >= 0
    assert rbf_kernel(X, X.copy()).max() <= 1.0


@pytest.mark.parametrize("D,degree,gamma,coef0",
                         [(2, 2, 1.0, 1.0), (3, 3, 0.5, 2.0), (4, 2, 2.0, 0.0), (1, 5, 1.0, 1.0)])
def test_polynomial_feature_map_is_the_kernel(D, degree, gamma, coef0):
    X, Z = RNG.standard_normal((6, D)), RNG.standard_normal((4, D))
    phi_x, phi_z = polynomial_feature_map(X, degree, gamma, coef0), polynomial_feature_map(Z, degree, gamma, coef0)
    from math import comb
    assert phi_x.shape == (6, comb(D + 1 + degree - 1, degree))  # monomials of degree `degree` in D + 1 variables
    np.testing.assert_allclose(phi_x @ phi_z.T, polynomial_kernel(X, Z, degree, gamma, coef0), rtol=1e-12, atol=1e-12)


def test_polynomial_feature_map_by_hand():
    # (x·z + 1)² in 2-D: φ(x) = (x1², √2 x1x2, √2 x1, x2², √2 x2, 1) up to the order of the monomials
    phi = polynomial_feature_map(np.array([[2.0, 3.0]]), degree=2)[0]
    np.testing.assert_allclose(np.sort(phi), np.sort([4.0, np.sqrt(2) * 6, np.sqrt(2) * 2, 9.0, np.sqrt(2) * 3, 1.0]))


def test_rbf_feature_map_converges():
    x, z = np.linspace(-2, 2, 41), np.array([0.5])
    exact = np.exp(-0.5 * (x - 0.5) ** 2)
    errors = [np.abs(rbf_feature_map_1d(x, 0.5, m) @ rbf_feature_map_1d(z, 0.5, m)[0] - exact).max()
              for m in (2, 5, 10, 20)]
    assert all(a > b for a, b in zip(errors, errors[1:])) and errors[-1] < 1e-10


# -- the dual, against LIBSVM -------------------------------------------------------------------------
@pytest.mark.parametrize("kernel", ["linear", "rbf", "poly"])
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_svc_equals_sklearn(seed, kernel):
    diff = compare_with_sklearn(seed, kernel)
    assert diff["same_support"]
    # LIBSVM caches the kernel in float32: agreement to that rounding in float64 ...
    assert diff["dual_coef"] < 1e-4 and diff["decision"] < 1e-4 and diff["intercept"] < 1e-5
    # ... and to the solver tolerance once our kernel is rounded the same way
    tight = compare_with_sklearn(seed, kernel, gram_dtype="float32")
    assert tight["same_support"]
    assert tight["dual_coef"] < 1e-9 and tight["intercept"] < 1e-9 and tight["decision"] < 1e-8


@pytest.mark.parametrize("C", [0.1, 1.0, 10.0])
def test_svc_blobs_and_string_labels(C):
    X, y01 = make_blobs(60, centers=2, cluster_std=2.0, random_state=3)
    labels = np.array(["cat", "dog"])[y01]
    ours = SVC(C=C, kernel="rbf", gamma="scale", tol=1e-10, gram_dtype="float32").fit(X, labels)
    ref = SklearnSVC(C=C, kernel="rbf", gamma="scale", tol=1e-10).fit(X, labels)
    assert ours.gamma_ == pytest.approx(ref._gamma, rel=1e-12)
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))
    np.testing.assert_allclose(ours.decision_function(X), ref.decision_function(X), atol=1e-8)
    np.testing.assert_array_equal(ours.classes_, ref.classes_)


def test_kkt_conditions_and_zero_duality_gap():
    X, y = make_blobs(80, centers=2, cluster_std=2.5, random_state=5)
    model = SVC(C=1.0, kernel="rbf", gamma=0.5, tol=1e-10).fit(X, y)
    s = np.where(y == 1, 1.0, -1.0)
    a, m = model.alpha_, s * model.decision_function(X)
    assert np.all((a >= 0) & (a <= model.C)) and abs(a @ s) < 1e-12
    tol = 1e-8
    assert np.all(m[a == 0] >= 1 - tol)
    free = (a > 0) & (a < model.C)
    assert free.any() and np.all(np.abs(m[free] - 1) < tol)
    assert np.all(m[a == model.C] <= 1 + tol)
    assert model.primal_objective(X) == pytest.approx(model.dual_objective(), rel=1e-8)


def test_linear_svc_coef_margin_and_hard_margin():
    X, y = blobs(40, True, 0)
    model = SVC(C=1e6, kernel="linear", tol=1e-10).fit(X, y)
    w = model.coef_[0]
    assert model.margin_width_ == pytest.approx(2 / np.linalg.norm(w), rel=1e-10)
    m = y * model.decision_function(X)
    assert m.min() == pytest.approx(1.0, abs=1e-8)  # separable: a hard margin, every slack 0
    np.testing.assert_allclose(m[model.support_], 1.0, atol=1e-8)  # every SV sits on the margin
    with pytest.raises(AttributeError, match="linear"):
        SVC(kernel="rbf").fit(X, y).coef_


def test_smo_hand_worked_two_points():
    # x = ±1 in 1-D, linear kernel: w = 1, b = 0, α = ½ each (margin exactly 2)
    r = smo_solve(np.array([[1.0, -1.0], [-1.0, 1.0]]), np.array([1.0, -1.0]), C=10.0, tol=1e-12)
    np.testing.assert_allclose(r.alpha, [0.5, 0.5], rtol=1e-12)
    assert r.bias == pytest.approx(0.0, abs=1e-12) and r.converged


def test_smo_stops_at_max_iter():
    X, y = make_blobs(60, centers=2, cluster_std=3.0, random_state=0)
    model = SVC(C=10.0, kernel="rbf", gamma=1.0, max_iter=3).fit(X, y)
    assert model.n_iter_ == 3 and not model.converged_


# -- the primal -----------------------------------------------------------------------------------------
def test_hinge_step_equals_torch_autograd():
    X, y = RNG.standard_normal((25, 3)), np.where(RNG.random(25) < 0.5, -1.0, 1.0)
    w, b, C, lr = RNG.standard_normal(3), 0.3, 0.7, 0.05
    wt = torch.tensor(w, requires_grad=True)
    bt = torch.tensor(b, dtype=torch.float64, requires_grad=True)
    J = wt @ wt / 2 + C * torch.relu(1 - torch.tensor(y) * (torch.tensor(X) @ wt + bt)).sum()
    J.backward()
    new_w, new_b = hinge_subgradient_step(w, b, X, y, C, lr)
    np.testing.assert_allclose(new_w, w - lr * wt.grad.numpy(), rtol=1e-14)
    assert new_b == pytest.approx(b - lr * bt.grad.item(), rel=1e-14)
    assert svm_objective(w, b, X, y, C) == pytest.approx(J.item(), rel=1e-14)


def test_hinge_loss_by_hand():
    np.testing.assert_array_equal(hinge_loss([-1.0, 0.0, 0.5, 1.0, 3.0]), [2.0, 1.0, 0.5, 0.0, 0.0])


def test_subgradient_reaches_the_dual_optimum():
    X, y = blobs(60, False, 1)
    fit = fit_hinge_subgradient(X, y, C=1.0, lr=0.03, n_iter=3000)
    ref = SklearnSVC(C=1.0, kernel="linear", tol=1e-10).fit(X, y)
    best = svm_objective(ref.coef_[0], ref.intercept_[0], X, y, 1.0)
    assert (fit.objective.min() - best) / best < 1e-4
    np.testing.assert_allclose(fit.w, ref.coef_[0], atol=2e-3)
    const = fit_hinge_subgradient(X, y, C=1.0, lr=0.03, n_iter=3000, schedule="constant")
    assert (const.objective[-500:].min() - best) / best > 1e-4  # a constant step keeps bouncing on the kink


# -- the chapter's claims --------------------------------------------------------------------------------
def test_outlier_beyond_the_margin_changes_nothing():
    for p in (1.0, 1.5, 3.0, 6.0):
        fit = outlier_fit(p)
        assert fit.svm_alpha < 1e-10 and fit.svm_angle < 1e-6 and fit.svm_shift < 1e-6
        assert fit.lr_shift > 0 or p > 5  # logistic regression always moves (invisibly far away)
    inside = outlier_fit(0.5)
    assert inside.svm_alpha > 0 and inside.svm_shift > 0.1
    wrong = outlier_fit(-2.0)
    assert wrong.svm_alpha == pytest.approx(1.0) and wrong.svm_angle > 5  # a bounded SV, α = C, and it tilts


def test_outlier_point_sits_at_the_requested_margin():
    X, y = blobs(40, True, 0)
    model = SVC(C=1.0, kernel="linear", tol=1e-10).fit(X, y)
    for p in (-3.0, 0.0, 2.5):
        pt = outlier_point(p, model.coef_[0], model.intercept_[0], X, y)
        assert model.decision_function(pt[None])[0] == pytest.approx(p, abs=1e-12)


def test_soft_margin_trends():
    widths = [soft_margin_fit(C, False)[2].margin_width_ for C in (0.01, 0.1, 1.0, 10.0, 100.0)]
    n_sv = [len(soft_margin_fit(C, False)[2].support_) for C in (0.01, 0.1, 1.0, 10.0, 100.0)]
    assert all(a > b for a, b in zip(widths, widths[1:])) and all(a >= b for a, b in zip(n_sv, n_sv[1:]))
