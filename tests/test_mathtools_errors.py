"""Bad inputs to mlnotes.mathtools raise the right exception, with a message naming the argument."""

from fractions import Fraction

import numpy as np
import pytest

from mlnotes import mathtools as mt

BAD = [
    ("var empty", lambda: mt.var([]), ValueError, r"x must not be empty"),
    ("var nan", lambda: mt.var([1.0, np.nan]), ValueError, r"x must contain only finite values"),
    ("var strings", lambda: mt.var(["a", "b"]), TypeError, r"x must be array-like of real numbers"),
    ("var ddof too big", lambda: mt.var([1.0, 2.0], ddof=2), ValueError, r"ddof must be smaller than .* \(2\)"),
    ("var ddof negative", lambda: mt.var([1.0, 2.0], ddof=-1), ValueError, r"ddof must be an integer >= 0"),
    ("var ddof float", lambda: mt.var([1.0, 2.0], ddof=0.5), TypeError, r"ddof must be an integer"),
    ("cov 1-d", lambda: mt.cov([1.0, 2.0]), ValueError, r"X must have 2 dimension"),
    ("cov one row", lambda: mt.cov([[1.0, 2.0]]), ValueError, r"ddof must be smaller"),
    ("welford empty", lambda: mt.welford([]), ValueError, r"xs must not be empty"),
    ("welford str", lambda: mt.welford([1.0, "2"]), TypeError, r"xs must hold real numbers"),
    ("welford inf", lambda: mt.welford([1.0, float("inf")]), ValueError, r"finite"),
    ("estimator n", lambda: mt.estimator_means(1), ValueError, r"n must be an integer >= 2"),
    ("dist name", lambda: mt.sample_means("normal", 3), ValueError, r"dist must be one of"),
    ("sample_means n", lambda: mt.sample_means("uniform", 0), ValueError, r"n must be an integer >= 1"),
    ("standardize cauchy", lambda: mt.standardized_means("cauchy", 3), ValueError, r"no finite variance"),
    ("se cauchy", lambda: mt.standard_error("cauchy", 3), ValueError, r"no finite variance"),
    ("bernoulli values", lambda: mt.bernoulli_mle([0, 2]), ValueError, r"x must hold only 0/1 outcomes"),
    ("bernoulli empty", lambda: mt.bernoulli_mle([]), ValueError, r"non-empty 1-D array of 0/1"),
    ("bernoulli p = 1", lambda: mt.bernoulli_nll(1.0, [0, 1]), ValueError, r"p must be in \(0.0, 1.0\)"),
    ("gaussian sigma", lambda: mt.gaussian_nll(0.0, 0.0, [1.0]), ValueError, r"sigma must be > 0"),
    ("gaussian x 2-d", lambda: mt.gaussian_mle([[1.0]]), ValueError, r"non-empty finite 1-D array"),
    ("map k > n", lambda: mt.beta_bernoulli_map(5, 3), ValueError, r"k must be an integer in \[0, 3\]"),
    ("map a < 1", lambda: mt.beta_bernoulli_map(1, 3, a=0.5), ValueError, r"a must be >= 1.0"),
    ("map no data flat", lambda: mt.beta_bernoulli_map(0, 0), ValueError, r"no unique mode"),
    ("bayes prevalence", lambda: mt.posterior_positive(1.5, 0.9, 0.9), ValueError, r"prevalence must be in \[0.0, 1.0\]"),
    ("bayes no positives", lambda: mt.posterior_positive(0.0, 0.9, 1.0), ValueError, r"P\(\+\) = 0"),
    ("screening n", lambda: mt.screening_counts(0.1, 0.9, 0.9, n=0), ValueError, r"n must be an integer >= 1"),
    ("flips n", lambda: mt.expected_flips(-1), ValueError, r"n must be an integer >= 0"),
    ("flips p 0", lambda: mt.expected_flips(2, 0.0), ValueError, r"p must be in \(0.0, 1.0\]"),
    ("flips p fraction", lambda: mt.expected_flips(2, Fraction(3, 2)), ValueError, r"p must be in \(0, 1\]"),
    ("markov n", lambda: mt.expected_flips_markov(0), ValueError, r"n must be an integer >= 1"),
    ("waits n", lambda: mt.waiting_times(0), ValueError, r"n must be an integer >= 1"),
    ("run m", lambda: mt.prob_run_within(2, -1), ValueError, r"m must be an integer >= 0"),
    ("newton x0", lambda: mt.newton(abs, abs, float("nan")), ValueError, r"x0 must be finite"),
    ("newton max_iter", lambda: mt.newton(abs, abs, 1.0, max_iter=0), ValueError, r"max_iter must be an integer >= 1"),
    ("sqrt negative", lambda: mt.newton_sqrt(-1.0), ValueError, r"a must be >= 0.0"),
    ("sqrt inf", lambda: mt.newton_sqrt(float("inf")), ValueError, r"a must be finite"),
    ("sqrt str", lambda: mt.newton_sqrt("2"), TypeError, r"a must be a real number"),
    ("sqrt_errors digits", lambda: mt.sqrt_errors(digits=5), ValueError, r"digits must be an integer >= 20"),
    ("derivatives order", lambda: mt.derivatives(abs, 0.0, -1), ValueError, r"order must be an integer >= 0"),
    ("numerical_grad method", lambda: mt.numerical_grad(sum, [1.0], method="backward"), ValueError,
     r"method must be one of"),
    ("numerical_grad h", lambda: mt.numerical_grad(sum, [1.0], h=0.0), ValueError, r"h must be > 0"),
    ("numerical_grad 2-d", lambda: mt.numerical_grad(np.sum, [[1.0]]), ValueError, r"x must be a 1-D array"),
    ("hessian h", lambda: mt.numerical_hessian(np.sum, [1.0], h=-1), ValueError, r"h must be > 0"),
]


@pytest.mark.parametrize("name,call,exc,match", BAD, ids=[b[0] for b in BAD])
def test_bad_input_raises(name, call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_numerical_argmin_reports_failure():
    with pytest.raises(RuntimeError, match="did not converge"):
        mt.numerical_argmin(lambda v: float("nan"), [0.0])
