r"""The law of large numbers and the central limit theorem, measured on four source distributions.

For i.i.d. draws with mean $\mu$ and finite variance $\sigma^2$, the sample mean $\bar X_n$
* **law of large numbers (大数定律)**: $\bar X_n \to \mu$ as $n\to\infty$;
* **central limit theorem (中心极限定理)**: $\sqrt n\,(\bar X_n - \mu)/\sigma \to \mathcal N(0, 1)$ in distribution,
  whatever the shape of the source. The spread of $\bar X_n$ is the **standard error** $\sigma/\sqrt n$.

Both need conditions the notes leave out: the LLN needs a finite mean, the CLT a finite variance.
The standard Cauchy distribution has neither; the mean of $n$ Cauchy draws is again standard Cauchy,
so averaging does not help at all.

Sources: Uniform(0, 1) ($\mu = \tfrac12$, $\sigma^2 = \tfrac1{12}$), Exponential(1) (1, 1),
Bernoulli(0.1) (0.1, 0.09), standard Cauchy (no mean, no variance).

See chapter: chapters/mathtools.md
"""

from __future__ import annotations

import math

import numpy as np

from mlnotes._checks import check_int

DISTRIBUTIONS = {  # name -> (mean, std); None where the moment does not exist
    "uniform": (0.5, math.sqrt(1 / 12)),
    "exponential": (1.0, 1.0),
    "bernoulli(0.1)": (0.1, 0.3),
    "cauchy": (None, None),
}


def _check_dist(dist):
    if dist not in DISTRIBUTIONS:
        raise ValueError(f"dist must be one of {list(DISTRIBUTIONS)}, got {dist!r}")
    return dist


def draw(dist, size, rng) -> np.ndarray:
    """Draws of the named source distribution, float64 array of the given shape."""
    _check_dist(dist)
    if dist == "uniform":
        return rng.random(size)
    if dist == "exponential":
        return rng.exponential(1.0, size)
    if dist == "bernoulli(0.1)":
        return (rng.random(size) < 0.1).astype(np.float64)
    return rng.standard_cauchy(size)


def sample_means(dist, n, reps=20_000, seed=0) -> np.ndarray:
    """``reps`` independent sample means of n draws each: a float64 array (reps,).

    See chapter: chapters/mathtools.md
    """
    n = check_int("n", n, low=1)
    reps = check_int("reps", reps, low=1)
    rng = np.random.default_rng(check_int("seed", seed, low=0))
    return draw(dist, (reps, n), rng).mean(axis=1)


def standardized_means(dist, n, reps=20_000, seed=0) -> np.ndarray:
    """√n (X̄_n − μ)/σ for ``reps`` sample means; ValueError for a source without a finite variance.

    See chapter: chapters/mathtools.md
    """
    mu, sigma = DISTRIBUTIONS[_check_dist(dist)]
    if sigma is None:
        raise ValueError(f"{dist} has no finite variance: the sample mean cannot be standardized")
    return math.sqrt(n) * (sample_means(dist, n, reps, seed) - mu) / sigma


def standard_error(dist, n) -> float:
    """σ/√n, the standard deviation of the mean of n draws; ValueError without a finite variance."""
    _, sigma = DISTRIBUTIONS[_check_dist(dist)]
    if sigma is None:
        raise ValueError(f"{dist} has no finite variance, so no standard error")
    return sigma / math.sqrt(check_int("n", n, low=1))


def running_mean(dist, n, seed=0) -> np.ndarray:
    """X̄_1, X̄_2, …, X̄_n of one stream of n draws: a float64 array (n,).

    See chapter: chapters/mathtools.md
    """
    n = check_int("n", n, low=1)
    x = draw(dist, n, np.random.default_rng(check_int("seed", seed, low=0)))
    return np.cumsum(x) / np.arange(1, n + 1)


def iqr(x) -> float:
    """Interquartile range: a spread that exists even when the variance does not (Cauchy)."""
    q1, q3 = np.percentile(np.asarray(x, dtype=np.float64), [25, 75])
    return float(q3 - q1)
