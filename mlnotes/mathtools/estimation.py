r"""Maximum likelihood (极大似然估计, MLE) and maximum a posteriori (最大后验, MAP) estimates.

MLE picks the parameter that makes the observed data most probable,
$\hat\theta = \arg\max_\theta \sum_i \log p(x_i\mid\theta)$, i.e. it minimizes the negative log-likelihood (NLL).

* **Bernoulli** ($x_i\in\{0,1\}$, $k$ ones out of $n$): $\text{NLL}(p) = -k\log p - (n-k)\log(1-p)$,
  minimized at $\hat p = k/n$.
* **Gaussian**: $\text{NLL}(\mu,\sigma) = \frac n2\log(2\pi\sigma^2) + \sum_i\frac{(x_i-\mu)^2}{2\sigma^2}$, minimized
  at $\hat\mu = \bar x$ and $\hat\sigma^2 = \frac1n\sum(x_i-\bar x)^2$: the ddof = 0 variance, biased low.

MAP adds a prior, $\arg\max_\theta [\log p(x\mid\theta) + \log p(\theta)]$. With a Beta($a$, $b$) prior on
a Bernoulli $p$ the posterior is Beta($k+a$, $n-k+b$) and
$$\hat p_\text{MAP} = \frac{k + a - 1}{n + a + b - 2},$$
the MLE with $a-1$ pseudo-ones and $b-1$ pseudo-zeros added; it tends to the MLE as $n$ grows.
A Gaussian prior on regression weights gives ridge (L2), a Laplace prior the lasso (L1).

See chapter: chapters/mathtools.md
"""

from __future__ import annotations

import math

import numpy as np

from mlnotes._checks import check_int, check_real


def _binary(x) -> np.ndarray:
    arr = np.asarray(x)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"x must be a non-empty 1-D array of 0/1 outcomes, got shape {arr.shape}")
    if arr.dtype.kind not in "biuf" or not np.all((arr == 0) | (arr == 1)):
        raise ValueError("x must hold only 0/1 outcomes")
    return arr.astype(np.float64)


def _sample(x) -> np.ndarray:
    arr = np.asarray(x)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"x must be array-like of real numbers, got dtype {arr.dtype}")
    arr = arr.astype(np.float64)
    if arr.ndim != 1 or arr.size == 0 or not np.all(np.isfinite(arr)):
        raise ValueError(f"x must be a non-empty finite 1-D array, got shape {arr.shape}")
    return arr


def bernoulli_nll(p, x) -> float:
    """−Σ log p(x_i | p) = −k log p − (n − k) log(1 − p) for outcomes x ∈ {0, 1}; p in (0, 1).

    See chapter: chapters/mathtools.md
    """
    p = check_real("p", p, low=0.0, high=1.0, low_open=True, high_open=True)
    return _bernoulli_nll(p, _binary(x))


def _bernoulli_nll(p, x):
    k, n = x.sum(), len(x)  # heads, flips
    return float(-k * math.log(p) - (n - k) * math.log1p(-p))  # −k log p − (n − k) log(1 − p)


def bernoulli_mle(x) -> float:
    """p̂ = k/n, the fraction of ones.

    See chapter: chapters/mathtools.md
    """
    x = _binary(x)
    return float(x.sum() / len(x))


def gaussian_nll(mu, sigma, x) -> float:
    """(n/2) log(2πσ²) + Σ (x_i − μ)² / (2σ²); σ > 0.

    See chapter: chapters/mathtools.md
    """
    mu = check_real("mu", mu)
    sigma = check_real("sigma", sigma, low=0.0, low_open=True)
    x = _sample(x)
    return float(0.5 * len(x) * math.log(2 * math.pi * sigma**2) + np.sum((x - mu) ** 2) / (2 * sigma**2))


def gaussian_mle(x) -> tuple[float, float]:
    """(μ̂, σ̂²) = (x̄, Σ (x_i − x̄)²/n): the mean and the ddof = 0 variance.

    See chapter: chapters/mathtools.md
    """
    return _gaussian_mle(_sample(x))


def _gaussian_mle(x):
    mu = x.mean()  # ∂NLL/∂μ = 0  ⇒  μ̂ = x̄
    return float(mu), float(np.mean((x - mu) ** 2))  # ∂NLL/∂σ = 0  ⇒  σ̂² = Σ (x_i − x̄)² / n


def beta_bernoulli_map(k, n, a=1.0, b=1.0) -> float:
    """MAP of p under a Beta(a, b) prior after k ones in n trials: (k + a − 1)/(n + a + b − 2).

    Needs a, b ≥ 1 with a + b > 2 or n ≥ 1 so the posterior mode is interior or well defined.
    See chapter: chapters/mathtools.md
    """
    n = check_int("n", n, low=0)
    k = check_int("k", k, low=0, high=n)
    a = check_real("a", a, low=1.0)
    b = check_real("b", b, low=1.0)
    if n + a + b - 2 <= 0:
        raise ValueError("with no data a flat Beta(1, 1) prior has no unique mode; use a, b > 1 or n >= 1")
    return _beta_bernoulli_map(k, n, a, b)


def _beta_bernoulli_map(k, n, a, b):
    # the posterior is Beta(k + a, n − k + b); its mode is (α − 1)/(α + β − 2)
    return (k + a - 1) / (n + a + b - 2)


def numerical_argmin(fun, x0, bounds=None) -> np.ndarray:
    """argmin of ``fun`` found by scipy.optimize.minimize (L-BFGS-B), to ~1e-10: the numerical check of a closed form.

    See chapter: chapters/mathtools.md
    """
    from scipy.optimize import minimize

    res = minimize(fun, np.atleast_1d(np.asarray(x0, dtype=np.float64)), method="L-BFGS-B", bounds=bounds,
                   options=dict(ftol=1e-15, gtol=1e-12, maxiter=10_000))
    if not res.success:
        raise RuntimeError(f"the numerical optimization did not converge: {res.message}")
    return res.x
