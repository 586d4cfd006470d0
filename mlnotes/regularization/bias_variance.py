r"""The bias–variance decomposition (偏差-方差分解), computed exactly and checked by resampling.

Data $y = f(x) + \varepsilon$ with $\mathrm{Var}(\varepsilon) = \sigma^2$, $f(x) = \sin(2.5x) + 0.5x$, at $n$
fixed, evenly spaced inputs on $[-1, 1]$; each training set draws fresh noise. The model
$\hat f_D$ is the least-squares polynomial of a given degree (Legendre basis; minimum-norm when
the degree is $\ge n$), so $\hat f_D(x) = g(x)^\top P y$ is linear in $y$ ($P$ the pseudo-inverse of
the design matrix, $g(x)$ the basis at $x$). At a test point $x$,
$$\mathbb E\big[(y - \hat f_D(x))^2\big] = \underbrace{\big(g(x)^\top P f - f(x)\big)^2}_{\text{bias}^2}
+ \underbrace{\sigma^2\lVert P^\top g(x)\rVert^2}_{\text{variance}} + \underbrace{\sigma^2}_{\text{noise}},$$
averaged over a grid of $x$. Bias² and variance come from these exact formulas; the expected test
error is *measured* by fitting 200 noisy training sets and scoring them on fresh noisy targets,
so the identity is checked, not assumed.

See chapter: chapters/regularization.md
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from mlnotes._checks import check_int, check_real

GRID = np.linspace(-1.0, 1.0, 101)  # test inputs


def truth(x):
    """f(x) = sin(2.5x) + 0.5x."""
    x = np.asarray(x, dtype=float)
    return np.sin(2.5 * x) + 0.5 * x


@dataclass(frozen=True)
class BiasVariance:
    """Exact bias² and variance and the noise (averaged over the test grid); measured test and training MSE;
    the simulated fits (resamples, grid)."""

    bias2: float
    variance: float
    noise: float
    test_mse: float  # measured directly on fresh noisy targets
    test_mse_se: float  # its Monte Carlo standard error (over the training sets)
    train_mse: float
    fits: np.ndarray


def design(n: int) -> np.ndarray:
    """The n training inputs: evenly spaced on [−1, 1] (the middle point for n = 1)."""
    return np.linspace(-1.0, 1.0, n) if n > 1 else np.zeros(1)


@lru_cache(maxsize=None)
def bias_variance(degree: int, noise: float, n: int, *, resamples: int = 200, seed: int = 0) -> BiasVariance:
    """Exact bias² and variance, noise σ², and the measured test and training MSE of a degree-``degree``
    polynomial on ``n`` fixed inputs with noise std ``noise`` (``resamples`` training sets).
    See chapter: chapters/regularization.md
    """
    degree = check_int("degree", degree, low=0)
    noise = check_real("noise", noise, low=0.0)
    n = check_int("n", n, low=1)
    resamples = check_int("resamples", resamples, low=2)
    x = design(n)
    P = np.linalg.pinv(np.polynomial.legendre.legvander(x, degree))  # (D, n): coefficients = P y
    H = np.polynomial.legendre.legvander(GRID, degree) @ P  # (G, n): predictions on the grid = H y
    bias2 = float(np.mean((H @ truth(x) - truth(GRID)) ** 2))  # the noise-free fit is E[f̂]
    variance = float(noise**2 * np.mean(np.sum(H**2, axis=1)))  # Var f̂(x) = σ²‖H[x]‖²
    rng = np.random.default_rng([seed, degree, n, int(round(noise * 1000))])
    y = truth(x) + noise * rng.standard_normal((resamples, n))  # (R, n): fresh noise per training set
    fits = y @ H.T  # (R, G)
    y_test = truth(GRID) + noise * rng.standard_normal(fits.shape)  # fresh test targets
    train_pred = y @ (np.polynomial.legendre.legvander(x, degree) @ P).T  # (R, n)
    per_set = np.mean((y_test - fits) ** 2, axis=1)  # (R,) test MSE of each training set's fit
    return BiasVariance(bias2, variance, noise**2, float(per_set.mean()),
                        float(per_set.std(ddof=1) / np.sqrt(resamples)), float(np.mean((train_pred - y) ** 2)), fits)


def learning_curve(degree: int, noise: float, sizes) -> tuple[np.ndarray, np.ndarray]:
    """(mean training MSE, expected test MSE) of a degree-``degree`` polynomial for each training size."""
    rows = [bias_variance(degree, noise, int(n)) for n in sizes]
    return np.array([r.train_mse for r in rows]), np.array([r.test_mse for r in rows])
