"""Math toolbox (数学基础): moments and their estimators, the law of large numbers and the CLT, MLE and MAP,
Bayes' rule, coin-flip expectations, Newton's method, Taylor expansion, the Hessian and gradient checking.

See chapter: chapters/mathtools.md
"""

from mlnotes.mathtools.bayes import posterior_positive, screening_counts
from mlnotes.mathtools.calculus import (cubic_saddle, derivatives, fd_errors, numerical_grad, numerical_hessian,
                                        quadratic_model, rosenbrock, taylor_coefficients, taylor_polynomial)
from mlnotes.mathtools.coins import (expected_flips, expected_flips_markov, expected_flips_recurrence,
                                     prob_all_heads, prob_run_within, waiting_times)
from mlnotes.mathtools.estimation import (bernoulli_mle, bernoulli_nll, beta_bernoulli_map, gaussian_mle,
                                          gaussian_nll, numerical_argmin)
from mlnotes.mathtools.limits import (DISTRIBUTIONS, iqr, running_mean, sample_means, standard_error,
                                      standardized_means)
from mlnotes.mathtools.moments import cov, estimator_means, mean, std, var, welford
from mlnotes.mathtools.roots import NewtonResult, newton, newton_minimize, newton_sqrt, sqrt_errors

__all__ = [
    "mean", "var", "std", "cov", "welford", "estimator_means",
    "DISTRIBUTIONS", "sample_means", "standardized_means", "standard_error", "running_mean", "iqr",
    "bernoulli_nll", "bernoulli_mle", "gaussian_nll", "gaussian_mle", "beta_bernoulli_map", "numerical_argmin",
    "posterior_positive", "screening_counts",
    "expected_flips", "expected_flips_recurrence", "expected_flips_markov", "waiting_times", "prob_all_heads",
    "prob_run_within",
    "newton", "NewtonResult", "newton_sqrt", "sqrt_errors", "newton_minimize",
    "derivatives", "taylor_coefficients", "taylor_polynomial", "numerical_grad", "numerical_hessian", "fd_errors",
    "quadratic_model", "rosenbrock", "cubic_saddle",
]
