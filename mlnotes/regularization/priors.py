r"""Regularization as a prior (先验): L2 is MAP with a Gaussian prior, L1 is MAP with a Laplace prior.

With Gaussian noise, $y = Xw + \varepsilon$, $\varepsilon \sim \mathcal N(0, \sigma^2 I)$, the negative
log-posterior of $w$ is, up to a constant,
$$-\log p(w\mid y) = \frac{1}{2\sigma^2}\lVert y - Xw\rVert^2 - \log p(w).$$
* **Gaussian prior** $w_j \sim \mathcal N(0, \tau^2)$: $-\log p(w) = \lVert w\rVert^2/(2\tau^2)$. Times
  $2\sigma^2$: $\lVert y - Xw\rVert^2 + (\sigma^2/\tau^2)\lVert w\rVert^2$, i.e. ridge with
  $\alpha = \sigma^2/\tau^2$. The MAP is the posterior mean $(X^\top X + \alpha I)^{-1}X^\top y$.
* **Laplace prior** $p(w_j) = e^{-|w_j|/b}/(2b)$: $-\log p(w) = \lVert w\rVert_1 / b$. Times $\sigma^2/n$:
  $\frac1{2n}\lVert y - Xw\rVert^2 + \frac{\sigma^2}{nb}\lVert w\rVert_1$, i.e. the lasso with
  $\alpha = \sigma^2/(nb)$.

In one dimension with $n$ observations of mean $\bar x$ (likelihood $\mathcal N(\bar x; \theta, \sigma^2/n)$),
the MAPs are $\bar x \cdot \frac{n\tau^2}{n\tau^2 + \sigma^2}$ (Gaussian: scaled, never 0) and
$S\big(\bar x, \frac{\sigma^2}{nb}\big)$ (Laplace: soft-thresholded, exactly 0 while
$|\bar x| \le \sigma^2/(nb)$). The Laplace density's kink at 0 is what makes L1 solutions sparse.

See chapter: chapters/regularization.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_real
from mlnotes.linear._validate import as_float, check_X_y
from mlnotes.regularization.l1 import soft_threshold

PRIORS = ("Gaussian", "Laplace")


def _check_prior(prior: str) -> str:
    if prior not in PRIORS:
        raise ValueError(f"prior must be one of {PRIORS}, got {prior!r}")
    return prior


def log_prior(theta, prior: str, scale) -> np.ndarray:
    """log p(θ) for a Gaussian (std ``scale``) or Laplace (scale b = ``scale``) prior; θ any shape."""
    theta = as_float("theta", theta)
    scale = check_real("scale", scale, low=0.0, low_open=True)
    if _check_prior(prior) == "Gaussian":
        return -0.5 * (theta / scale) ** 2 - np.log(np.sqrt(2 * np.pi) * scale)
    return -np.abs(theta) / scale - np.log(2 * scale)


def log_posterior_1d(theta, xbar, n, sigma, prior, scale) -> np.ndarray:
    """Unnormalised log p(θ | data) for n observations N(θ, σ²) with mean ``xbar``; θ any shape."""
    theta = as_float("theta", theta)
    n = check_real("n", n, low=0.0, low_open=True)
    sigma = check_real("sigma", sigma, low=0.0, low_open=True)
    return -n * (theta - check_real("xbar", xbar)) ** 2 / (2 * sigma**2) + log_prior(theta, prior, scale)


def map_1d(xbar, n, sigma, prior, scale) -> float:
    """The 1-D MAP in closed form: shrunk (Gaussian) or soft-thresholded (Laplace). See chapter: chapters/regularization.md"""
    xbar, n = check_real("xbar", xbar), check_real("n", n, low=0.0, low_open=True)
    sigma, scale = check_real("sigma", sigma, low=0.0, low_open=True), check_real("scale", scale, low=0.0, low_open=True)
    if _check_prior(prior) == "Gaussian":
        return xbar * n * scale**2 / (n * scale**2 + sigma**2)
    return float(soft_threshold(xbar, sigma**2 / (n * scale)))


def map_gaussian(X, y, sigma, tau) -> np.ndarray:
    """MAP (= posterior mean) of w under w_j ~ N(0, τ²) and noise N(0, σ²), no intercept: (XᵀX + σ²/τ² I)⁻¹Xᵀy.

    See chapter: chapters/regularization.md
    """
    X, y = check_X_y(X, y)
    sigma, tau = check_real("sigma", sigma, low=0.0, low_open=True), check_real("tau", tau, low=0.0, low_open=True)
    return np.linalg.solve(X.T @ X + (sigma / tau) ** 2 * np.eye(X.shape[1]), X.T @ y)


def map_laplace(X, y, sigma, b) -> np.ndarray:
    """MAP of w under Laplace(0, b) priors and noise N(0, σ²), no intercept, by a generic optimizer.

    Minimises ‖y − Xw‖²/(2σ²) + ‖w‖₁/b with L-BFGS-B on w = u − v, u, v ≥ 0 (smooth, with bounds),
    an independent route to the lasso with α = σ²/(n·b). See chapter: chapters/regularization.md
    """
    from scipy.optimize import minimize

    X, y = check_X_y(X, y)
    sigma, b = check_real("sigma", sigma, low=0.0, low_open=True), check_real("b", b, low=0.0, low_open=True)
    d = X.shape[1]

    def objective(uv):
        w = uv[:d] - uv[d:]
        r = X @ w - y
        g = X.T @ r / sigma**2
        return r @ r / (2 * sigma**2) + uv.sum() / b, np.concatenate([g + 1 / b, -g + 1 / b])

    result = minimize(objective, np.zeros(2 * d), jac=True, method="L-BFGS-B", bounds=[(0, None)] * (2 * d),
                      options=dict(ftol=1e-15, gtol=1e-12, maxiter=10_000))
    return result.x[:d] - result.x[d:]
