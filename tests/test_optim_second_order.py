"""Newton's method and L-BFGS: L-BFGS equal to torch.optim.LBFGS iterate for iterate (fixed steps) and to scipy's
L-BFGS-B minimum (with a line search); the two-loop recursion equal to the explicit BFGS inverse-Hessian matrix;
Newton's quadratic convergence, one step on a quadratic, attraction to saddles."""

import numpy as np
import pytest
from scipy.optimize import minimize

from mlnotes.optim import Quadratic, Rosenbrock, Saddle
from mlnotes.optim.reference import torch_lbfgs
from mlnotes.optim.second_order import as_fun, lbfgs, newton, two_loop

LANDS = {"quadratic": (Quadratic(a=1.0, b=25.0), [-4.0, 1.5]), "Rosenbrock": (Rosenbrock(), [-1.2, 1.0])}


def spd_quadratic(n, seed, cond=50.0):
    """f(x) = ½ xᵀAx − bᵀx with a random SPD A of condition ``cond``: -> fun, A, b."""
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    A = Q @ np.diag(np.geomspace(1.0, cond, n)) @ Q.T
    b = rng.standard_normal(n)
    return (lambda x: (float(0.5 * x @ A @ x - b @ x), A @ x - b)), A, b


@pytest.mark.parametrize("kw", [dict(max_iter=1), dict(max_iter=2), dict(max_iter=7), dict(max_iter=100),
                                dict(max_iter=40, history_size=3), dict(max_iter=60, lr=0.5, tolerance_grad=1e-12,
                                                                         tolerance_change=1e-15),
                                dict(max_iter=40, max_eval=10), dict(max_iter=100, tolerance_change=1e-3)],
                         ids=lambda kw: ",".join(f"{k}={v}" for k, v in kw.items()))
@pytest.mark.parametrize("land", list(LANDS))
def test_lbfgs_equals_torch_iterate_for_iterate(land, kw):
    landscape, x0 = LANDS[land]
    ours = lbfgs(as_fun(landscape), x0, **kw)
    path, n_iter, n_evals = torch_lbfgs(as_fun(landscape), x0, **kw)
    assert (ours.n_iter, ours.n_evals) == (n_iter, n_evals)
    assert ours.path.shape == path.shape
    first = min(len(path), 20)  # before the valley amplifies rounding, the agreement is to the last bits
    np.testing.assert_allclose(ours.path[:first], path[:first], rtol=1e-11, atol=1e-13)
    np.testing.assert_allclose(ours.path, path, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("history_size", [1, 2, 5, 100])
def test_lbfgs_equals_torch_on_random_quadratics(seed, history_size):
    fun, A, b = spd_quadratic(6, seed)
    x0 = np.random.default_rng(seed + 10).standard_normal(6)
    kw = dict(max_iter=50, history_size=history_size, tolerance_grad=1e-10, tolerance_change=1e-14)
    ours = lbfgs(fun, x0, **kw)
    path, n_iter, n_evals = torch_lbfgs(fun, x0, **kw)
    assert (ours.n_iter, ours.n_evals) == (n_iter, n_evals)
    np.testing.assert_allclose(ours.path[:10], path[:10], rtol=1e-11, atol=1e-13)
    np.testing.assert_allclose(ours.path, path, rtol=1e-6, atol=1e-8)  # rounding (torch's fused ops) grows


@pytest.mark.parametrize("land", list(LANDS))
@pytest.mark.parametrize("history_size", [3, 10, 100])
def test_lbfgs_with_line_search_reaches_scipys_minimum(land, history_size):
    landscape, x0 = LANDS[land]
    fun = as_fun(landscape)
    ours = lbfgs(fun, x0, max_iter=300, line_search="backtracking", history_size=history_size,
                 tolerance_grad=1e-10, tolerance_change=1e-15)
    sp = minimize(fun, x0, jac=True, method="L-BFGS-B",
                  options=dict(maxcor=history_size, gtol=1e-10, ftol=1e-15, maxiter=500))
    np.testing.assert_allclose(ours.x, sp.x, atol=1e-7)
    assert ours.n_iter < 2 * sp.nit + 5  # the same order of work
    f = landscape.value(ours.path)
    assert np.all(np.diff(f) <= 1e-12)  # the Armijo condition makes every accepted step go downhill


def test_lbfgs_solves_a_quadratic_like_scipy():
    fun, A, b = spd_quadratic(8, 3, cond=1e3)
    ours = lbfgs(fun, np.zeros(8), max_iter=200, line_search="backtracking", tolerance_grad=1e-11,
                 tolerance_change=0.0)
    np.testing.assert_allclose(ours.x, np.linalg.solve(A, b), rtol=1e-8, atol=1e-9)


def _bfgs_inverse(s_hist, y_hist, gamma):
    """The BFGS inverse-Hessian estimate as a matrix, from H₀ = γI: H ← (I − ρsyᵀ) H (I − ρysᵀ) + ρssᵀ."""
    n = len(s_hist[0])
    H = gamma * np.eye(n)
    for s, y in zip(s_hist, y_hist):
        rho = 1.0 / (y @ s)
        V = np.eye(n) - rho * np.outer(y, s)
        H = V.T @ H @ V + rho * np.outer(s, s)
    return H


@pytest.mark.parametrize("m", [1, 2, 4])
def test_two_loop_equals_the_explicit_bfgs_matrix(m):
    rng = np.random.default_rng(m)
    _, A, _ = spd_quadratic(5, m)
    s_hist = [rng.standard_normal(5) for _ in range(m)]
    y_hist = [A @ s for s in s_hist]  # curvature pairs of a quadratic: sᵀy > 0
    gamma = (s_hist[-1] @ y_hist[-1]) / (y_hist[-1] @ y_hist[-1])
    g = rng.standard_normal(5)
    np.testing.assert_allclose(two_loop(g, s_hist, y_hist, gamma), -_bfgs_inverse(s_hist, y_hist, gamma) @ g,
                               rtol=1e-10, atol=1e-12)
    H = _bfgs_inverse(s_hist, y_hist, gamma)
    for s, y in zip(s_hist[-1:], y_hist[-1:]):  # the secant equation H y = s holds for the newest pair
        np.testing.assert_allclose(H @ y, s, rtol=1e-10, atol=1e-12)


def test_two_loop_without_pairs_is_scaled_steepest_descent():
    g = np.array([1.0, -2.0])
    np.testing.assert_array_equal(two_loop(g, [], [], 0.5), -0.5 * g)


def test_newton_converges_quadratically_on_rosenbrock():
    path = newton(Rosenbrock(), [-1.2, 1.0], 7)
    err = np.linalg.norm(path - 1.0, axis=1)
    k = int(np.argmax(err < 0.1))
    assert err[k + 1] < err[k] ** 2 and err[k + 2] < err[k + 1] ** 2 and err[-1] == 0.0
    assert Rosenbrock().value(path[2]) > Rosenbrock().value(path[0])  # not a descent method far away


def test_newton_solves_a_quadratic_in_one_step_and_jumps_onto_a_saddle():
    fun, A, b = spd_quadratic(2, 0)
    np.testing.assert_allclose(newton(Quadratic(a=3.0, b=7.0), [2.0, -1.0], 1)[-1], 0.0, atol=1e-15)
    np.testing.assert_allclose(newton(Saddle(), [0.3, 0.9], 1)[-1], 0.0, atol=1e-15)
    np.testing.assert_allclose(newton(Saddle(), [0.3, 0.9], 0), [[0.3, 0.9]])


def test_newton_on_a_singular_hessian_raises():
    class Flat:
        def grad(self, x):
            return np.zeros(2)

        def hessian(self, x):
            return np.zeros((2, 2))

    with pytest.raises(np.linalg.LinAlgError):
        newton(Flat(), [0.0, 0.0], 1)
