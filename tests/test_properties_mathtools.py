"""Property-based tests of mlnotes.mathtools: var/std/cov against numpy on offsets and scales (two-pass accuracy),
Welford against numpy, Newton's square root correctly rounded over the whole float range, the coin-flip formula
against the recurrence and the Markov chain for random rational p, the run-probability DP bounded and monotone in
m, Bayes' posterior against the definition, and central differences against the exact derivative of polynomials."""

import math
from fractions import Fraction

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from mlnotes import mathtools as mt
from tests.hypothesis_settings import PROPERTIES


@PROPERTIES
@given(z=hnp.arrays(np.float64, st.integers(2, 40), elements=st.floats(-2, 2)),
       offset=st.sampled_from([0.0, 1.0, -1e3, 1e6, 1e8]), scale=st.sampled_from([1e-3, 1.0, 1e3]),
       ddof=st.integers(0, 1))
def test_var_matches_numpy_two_pass(z, offset, scale, ddof):
    x = offset + scale * z
    want = np.var(x, ddof=ddof)
    # both are two-pass: they agree to rounding of x − x̄, a few ulp(|offset|) relative to the spread
    tol = 1e-12 * max(want, 1e-300) + 1e-14 * (abs(offset) + scale) ** 2
    assert abs(mt.var(x, ddof=ddof) - want) <= tol
    assert mt.var(x, ddof=ddof) >= 0


@PROPERTIES
@given(X=hnp.arrays(np.float64, st.tuples(st.integers(2, 12), st.integers(1, 4)), elements=st.floats(-1e3, 1e3)))
def test_cov_matches_numpy_and_is_psd(X):
    C = mt.cov(X)
    np.testing.assert_allclose(C, np.atleast_2d(np.cov(X, rowvar=False)), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(C, C.T)
    assert np.linalg.eigvalsh(C).min() >= -1e-8 * max(1.0, np.abs(C).max())


@PROPERTIES
@given(x=hnp.arrays(np.float64, st.integers(2, 50), elements=st.floats(-1e6, 1e6)))
def test_welford_matches_numpy(x):
    mu, v = mt.welford(x, ddof=1)
    np.testing.assert_allclose(mu, x.mean(), rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(v, np.var(x, ddof=1), rtol=1e-9, atol=1e-6)


@PROPERTIES
@given(a=st.floats(min_value=0.0, max_value=1.7976931348623157e308, allow_subnormal=True))
def test_newton_sqrt_is_math_sqrt(a):
    assert mt.newton_sqrt(a) == math.sqrt(a)


@PROPERTIES
@given(n=st.integers(1, 15), num=st.integers(1, 9), den=st.integers(1, 9))
def test_expected_flips_three_ways(n, num, den):
    p = Fraction(min(num, den), max(num, den))
    value = mt.expected_flips(n, p)
    assert value == mt.expected_flips_recurrence(n, p)[n] == mt.expected_flips_markov(n, p)
    assert value >= n  # at least n flips are needed


@PROPERTIES
@given(n=st.integers(1, 6), m=st.integers(0, 25))
def test_prob_run_within_is_a_monotone_probability(n, m):
    p_m, p_next = mt.prob_run_within(n, m), mt.prob_run_within(n, m + 1)
    assert 0 <= p_m <= p_next <= 1
    assert (p_m == 0) == (m < n)
    if m == n:
        assert p_m == mt.prob_all_heads(n)


@PROPERTIES
@given(prev=st.floats(0.001, 0.999), sens=st.floats(0.0, 1.0), spec=st.floats(0.0, 0.999))
def test_posterior_positive_is_bayes_rule(prev, sens, spec):
    post = mt.posterior_positive(prev, sens, spec)
    joint_pos = sens * prev + (1 - spec) * (1 - prev)
    np.testing.assert_allclose(post * joint_pos, sens * prev, rtol=1e-12, atol=1e-300)
    assert 0 <= post <= 1


@PROPERTIES
@given(coefs=hnp.arrays(np.float64, st.integers(1, 4), elements=st.floats(-3, 3)), x=st.floats(-2, 2))
def test_central_difference_on_polynomials(coefs, x):
    # central differences are exact for degree ≤ 2 and err by h²·f'''/6 for a cubic, plus rounding
    f = lambda v: float(np.polyval(coefs, v[0]))  # noqa: E731
    exact = np.polyval(np.polyder(coefs), x) if len(coefs) > 1 else 0.0
    got = mt.numerical_grad(f, np.array([x]), h=1e-5)[0]
    assert abs(got - exact) <= 1e-8 * (1 + np.abs(coefs).sum() * 8)
