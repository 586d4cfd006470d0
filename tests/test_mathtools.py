"""mlnotes.mathtools against numpy, torch, statistics, scipy, sympy and mpmath: moments (ddof), the CLT's standard
error, MLE/MAP closed forms vs numerical optimization, Bayes' rule, the coin-flip expectation three ways and by
simulation, Newton's method (√ correctly rounded, quadratic convergence, failure modes), Taylor coefficients,
finite-difference gradients and Hessians; float32 kept where the input is float32."""

import math
import statistics
from fractions import Fraction

import numpy as np
import pytest
import torch
from scipy import optimize, stats

from mlnotes import mathtools as mt
from mlnotes.mathtools.coins import waiting_times


# -- moments ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("ddof", [0, 1, 2])
def test_var_std_equal_numpy_torch_statistics(ddof):
    x = np.random.default_rng(ddof).normal(5, 3, size=37)
    np.testing.assert_allclose(mt.var(x, ddof=ddof), np.var(x, ddof=ddof), rtol=1e-14)
    np.testing.assert_allclose(mt.std(x, ddof=ddof), np.std(x, ddof=ddof), rtol=1e-14)
    np.testing.assert_allclose(mt.var(x, ddof=ddof), torch.var(torch.tensor(x), correction=ddof).item(), rtol=1e-14)
    if ddof == 1:
        np.testing.assert_allclose(mt.var(x, ddof=1), statistics.variance(x), rtol=1e-14)


def test_var_axis_and_mean():
    X = np.random.default_rng(1).normal(size=(4, 6))
    np.testing.assert_allclose(mt.var(X, ddof=1, axis=1), np.var(X, ddof=1, axis=1), rtol=1e-14)
    np.testing.assert_allclose(mt.mean(X, axis=0), X.mean(axis=0), rtol=1e-14)
    assert mt.mean([1, 2, 3, 4]) == 2.5 and mt.var([1, 2, 3, 4]) == 1.25


def test_cov_equals_numpy_and_torch():
    X = np.random.default_rng(2).normal(size=(50, 4))
    np.testing.assert_allclose(mt.cov(X), np.cov(X, rowvar=False), rtol=1e-13)
    np.testing.assert_allclose(mt.cov(X, ddof=0), np.cov(X, rowvar=False, ddof=0), rtol=1e-13)
    np.testing.assert_allclose(mt.cov(X), torch.cov(torch.tensor(X).T).numpy(), rtol=1e-13)
    np.testing.assert_allclose(np.diag(mt.cov(X)), mt.var(X, ddof=1, axis=0), rtol=1e-13)


def test_float32_is_kept():
    x = np.arange(10, dtype=np.float32)
    assert mt.var(x).dtype == np.float32 and mt.std(x, ddof=1).dtype == np.float32
    assert mt.mean(x).dtype == np.float32 and mt.cov(x.reshape(5, 2)).dtype == np.float32


def test_welford_matches_two_pass_and_survives_a_large_offset():
    x = 1e9 + np.random.default_rng(3).standard_normal(5000)
    mu, v = mt.welford(x, ddof=1)
    # the data themselves are rounded to ulp(1e9) ≈ 1.2e-7, so agreement is ~1e-8, not ~1e-15
    np.testing.assert_allclose([mu, v], [x.mean(), np.var(x, ddof=1)], rtol=1e-6)
    naive = np.mean(x**2) - np.mean(x) ** 2
    assert abs(naive - v) > 0.01
    assert mt.welford(iter([1, 2, 3, 4])) == (2.5, 1.25)


def test_estimator_bias_is_n_minus_1_over_n():
    m = mt.estimator_means(4, reps=100_000, seed=1)
    assert abs(m["var_ddof0"] - 0.75) < 0.01 and abs(m["var_ddof1"] - 1) < 0.01
    c4 = math.sqrt(2 / 3) * math.gamma(2) / math.gamma(1.5)
    assert abs(m["std_ddof1"] - c4) < 0.005


# -- LLN / CLT -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("dist", ["uniform", "exponential", "bernoulli(0.1)"])
def test_standard_error_and_moments(dist):
    mu, sigma = mt.DISTRIBUTIONS[dist]
    draws = mt.sample_means(dist, 1, reps=200_000, seed=4)
    assert abs(draws.mean() - mu) < 5 * sigma / math.sqrt(200_000)
    assert abs(draws.std() / sigma - 1) < 0.01
    means = mt.sample_means(dist, 25, reps=20_000, seed=5)
    assert abs(means.std() / mt.standard_error(dist, 25) - 1) < 0.03


def test_clt_normality_improves_and_cauchy_does_not_concentrate():
    for n, bound in ((1, 0.1), (100, 0.02)):
        z = mt.standardized_means("exponential", n, reps=20_000, seed=6)
        ks = stats.kstest(z, "norm").statistic
        assert (ks > bound) if n == 1 else (ks < bound)
    for n in (1, 100):
        assert abs(mt.iqr(mt.sample_means("cauchy", n, seed=n)) - 2) < 0.1


def test_running_mean_converges():
    r = mt.running_mean("uniform", 100_000, seed=1)
    assert abs(r[-1] - 0.5) < 0.005 and r.shape == (100_000,)
    np.testing.assert_allclose(r[:3], np.cumsum(np.random.default_rng(1).random(3)) / [1, 2, 3])


# -- MLE / MAP -------------------------------------------------------------------------------------------------

def test_bernoulli_mle_equals_numerical_and_nll_equals_scipy():
    x = np.array([1, 0, 0, 1, 1, 1, 0, 1])
    p_num = mt.numerical_argmin(lambda v: mt.bernoulli_nll(v[0], x), [0.3], bounds=[(1e-9, 1 - 1e-9)])[0]
    assert mt.bernoulli_mle(x) == 5 / 8
    np.testing.assert_allclose(p_num, 5 / 8, rtol=1e-7)
    np.testing.assert_allclose(mt.bernoulli_nll(0.4, x), -stats.bernoulli.logpmf(x, 0.4).sum(), rtol=1e-13)


def test_gaussian_mle_equals_scipy_fit_and_nll_equals_scipy():
    x = np.random.default_rng(7).normal(-2, 0.5, 300)
    mu, var = mt.gaussian_mle(x)
    loc, scale = stats.norm.fit(x)
    np.testing.assert_allclose([mu, var], [loc, scale**2], rtol=1e-10)
    np.testing.assert_allclose(mt.gaussian_nll(0.1, 1.3, x), -stats.norm.logpdf(x, 0.1, 1.3).sum(), rtol=1e-13)


def test_map_equals_numerical_argmax_and_tends_to_mle():
    for k, n, a, b in ((3, 10, 2.0, 5.0), (0, 4, 3.0, 3.0), (40, 100, 10.0, 2.0)):
        obj = lambda v: -(stats.binom.logpmf(k, n, v[0]) + stats.beta.logpdf(v[0], a, b))  # noqa: E731
        num = mt.numerical_argmin(obj, [0.5], bounds=[(1e-9, 1 - 1e-9)])[0]
        np.testing.assert_allclose(mt.beta_bernoulli_map(k, n, a, b), num, rtol=1e-6)
    assert mt.beta_bernoulli_map(7, 10) == 0.7  # flat prior: MAP = MLE
    assert abs(mt.beta_bernoulli_map(3000, 10_000, 30, 30) - 0.3) < 0.002


# -- Bayes -----------------------------------------------------------------------------------------------------

def test_base_rate_by_hand_and_by_simulation():
    assert math.isclose(mt.posterior_positive(0.01, 0.99, 0.95), 1 / 6, rel_tol=1e-14)
    assert mt.posterior_positive(0.5, 0.9, 0.9) == pytest.approx(0.9)
    assert mt.posterior_positive(0.0, 0.9, 0.9) == 0.0
    c = mt.screening_counts(0.2, 0.8, 0.7, n=200_000, seed=1)
    assert sum(c.values()) == 200_000
    p = c["TP"] / (c["TP"] + c["FP"])
    assert abs(p - mt.posterior_positive(0.2, 0.8, 0.7)) < 0.01


# -- coins -----------------------------------------------------------------------------------------------------

def test_expected_flips_three_ways_and_by_hand():
    assert [int(mt.expected_flips(n)) for n in range(1, 6)] == [2, 6, 14, 30, 62]
    for p in (Fraction(1, 2), Fraction(2, 7), Fraction(1)):
        rec = mt.expected_flips_recurrence(12, p)
        for n in range(1, 13):
            assert mt.expected_flips(n, p) == rec[n] == mt.expected_flips_markov(n, p)
    assert mt.expected_flips(1, 0.25) == 4 and mt.expected_flips(3, 1.0) == 3


def test_expected_flips_matches_a_linear_solve():
    n, p = 4, 0.3
    A, rhs = np.eye(n), np.ones(n)  # E_s − p E_{s+1} − (1 − p) E_0 = 1
    for s in range(n):
        A[s, 0] -= 1 - p
        if s + 1 < n:
            A[s, s + 1] -= p
    np.testing.assert_allclose(np.linalg.solve(A, rhs)[0], float(mt.expected_flips(n, p)), rtol=1e-12)


def test_waiting_times_by_hand_and_statistically():
    w = waiting_times(2, 2_000_000, seed=1)
    assert w.min() == 2 and abs(w.mean() - 6) < 5 * w.std() / math.sqrt(len(w))
    assert abs(np.mean(w == 2) - 0.25) < 0.005
    assert abs(np.mean(w <= 10) - float(mt.prob_run_within(2, 10))) < 0.005


def test_prob_run_within_by_enumeration():
    import itertools

    for n, m in ((2, 5), (3, 7), (1, 3)):
        hits = sum(any(seq[i:i + n] == (1,) * n for i in range(m - n + 1)) for seq in itertools.product((0, 1), repeat=m))
        assert mt.prob_run_within(n, m) == Fraction(hits, 2**m)
    assert mt.prob_all_heads(4) == Fraction(1, 16)


# -- Newton -----------------------------------------------------------------------------------------------------

def test_newton_sqrt_is_correctly_rounded():
    rng = np.random.default_rng(0)
    values = [0.0, 5e-324, 2.2250738585072014e-308, 1.0, 2.0, 0.25, 1.7976931348623157e308]
    values += list(10 ** rng.uniform(-320, 308, 3000)) + list(rng.random(1000))
    assert all(mt.newton_sqrt(a) == math.sqrt(a) for a in values)


def test_newton_iterates_and_scipy():
    res = mt.newton(lambda x: x * x - 2, lambda x: 2 * x, 1.0)
    assert res.iterates[:3] == (1.0, 1.5, 1.4166666666666667) and res.status == "converged"
    assert abs(res.root - math.sqrt(2)) <= math.ulp(math.sqrt(2))
    assert optimize.newton(lambda x: x * x - 2, 1.0, fprime=lambda x: 2 * x) == res.iterates[5]


def test_newton_failure_modes():
    assert mt.newton(lambda x: x**3 - 2 * x + 2, lambda x: 3 * x * x - 2, 0.0).status == "cycle"
    assert mt.newton(lambda x: x * x - 2, lambda x: 2 * x, 0.0).status == "zero derivative"
    far = mt.newton(math.atan, lambda x: 1 / (1 + x * x), 1.5, max_iter=100)
    assert far.status in ("zero derivative", "diverged") and abs(far.root) > 1e100
    assert mt.newton(lambda x: x - 1, lambda x: 1.0, 5.0, max_iter=1).status in ("max_iter", "converged")
    assert mt.newton(lambda x: x + 1, lambda x: 1e-300, 1.0).status == "diverged"  # x overflows to inf


def test_quadratic_convergence_in_high_precision():
    e = mt.sqrt_errors(a=3, x0=2, steps=7, digits=300)
    ratios = [float(e[k + 1] / e[k] ** 2) for k in range(3, 7)]
    np.testing.assert_allclose(ratios[-1], 1 / (2 * math.sqrt(3)), rtol=1e-8)


def test_newton_minimize_quadratic_and_saddle():
    A = np.array([[3.0, 1.0], [1.0, 2.0]])
    path = mt.newton_minimize(lambda v: A @ v - 1, lambda v: A, [4.0, -4.0], steps=2)
    np.testing.assert_allclose(path[1], np.linalg.solve(A, np.ones(2)), rtol=1e-13)
    np.testing.assert_allclose(path[2], path[1], rtol=1e-13)


# -- calculus -----------------------------------------------------------------------------------------------

def test_taylor_coefficients_equal_sympy():
    import sympy

    s = sympy.symbols("s")
    for fn, expr, x0 in ((torch.exp, sympy.exp(s), 0.5), (torch.cos, sympy.cos(s), 1.0),
                         (lambda t: 1 / (1 - t), 1 / (1 - s), 0.2)):
        ours = mt.taylor_coefficients(fn, x0, 6)
        series = sympy.series(expr, s, x0, 7).removeO().subs(s, sympy.Symbol("u") + x0).expand()
        theirs = [float(series.coeff(sympy.Symbol("u"), k)) for k in range(7)]
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-13)


def test_taylor_polynomial_horner():
    np.testing.assert_allclose(mt.taylor_polynomial([1, 2, 3], 1.0, np.array([1.0, 2.0])), [1.0, 6.0])


def test_numerical_grad_and_hessian_equal_autograd():
    v0 = np.array([-0.7, 0.4])
    auto = torch.func.grad(mt.rosenbrock)(torch.tensor(v0)).numpy()
    np.testing.assert_allclose(mt.numerical_grad(mt.rosenbrock, v0), auto, rtol=1e-8)
    np.testing.assert_allclose(mt.numerical_grad(mt.rosenbrock, v0, h=1e-7, method="forward"), auto, rtol=1e-5)
    H = torch.autograd.functional.hessian(mt.rosenbrock, torch.tensor(v0)).numpy()
    np.testing.assert_allclose(mt.numerical_hessian(mt.rosenbrock, v0), H, rtol=1e-6)
    np.testing.assert_allclose(mt.numerical_hessian(mt.cubic_saddle, np.zeros(2)), np.diag([2.0, -2.0]), atol=1e-6)


def test_fd_error_v_shape():
    hs = 10.0 ** np.arange(-12, 0)
    central, forward = mt.fd_errors(np.sin, np.cos, 1.0, hs, "central"), mt.fd_errors(np.sin, np.cos, 1.0, hs,
                                                                                     "forward")
    assert central.min() < 1e-9 and forward.min() < 1e-7
    assert central[-1] > 100 * central.min() and central[0] > 100 * central.min()  # truncation and rounding


def test_quadratic_model_half_and_notes():
    H = np.diag([2.0, -4.0])
    u = np.array([1.0, 1.0])
    assert mt.quadratic_model(H, u) == -1.0 and mt.quadratic_model(H, u, half=False) == -2.0
