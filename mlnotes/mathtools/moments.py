r"""Mean, variance, standard deviation and covariance, from scratch; population vs sample (``ddof``).

For observations $x_1..x_n$ with mean $\bar x = \frac1n\sum_i x_i$:
$$s^2_\text{ddof} = \frac{1}{n - \text{ddof}}\sum_{i=1}^n (x_i - \bar x)^2,\qquad s = \sqrt{s^2}.$$
``ddof = 0`` is the population variance (the variance of the data themselves, and the maximum-likelihood
estimate for a Gaussian); ``ddof = 1`` (Bessel's correction) is the unbiased estimate of $\sigma^2$ from a
sample: $\mathbb E[s^2_0] = \frac{n-1}{n}\sigma^2$ because $\bar x$ is fitted to the same data. The square
root of an unbiased estimate is still biased low ($\mathbb E[s_1] < \sigma$, Jensen). Covariance of
columns $j, k$ of $X$ (rows = observations): $C_{jk} = \frac{1}{n-\text{ddof}}\sum_i (X_{ij}-\bar X_j)(X_{ik}-\bar X_k)$.

Defaults differ between libraries: ``np.var``/``np.std`` use ddof = 0, ``torch.var``/``torch.std`` use
correction = 1, ``np.cov`` uses ddof = 1. The two-pass form (subtract the mean, then square) avoids the
cancellation of $\overline{x^2} - \bar x^2$; Welford's one-pass update does the same for a stream:
$$\delta = x_k - \bar x_{k-1},\quad \bar x_k = \bar x_{k-1} + \delta/k,\quad M_k = M_{k-1} + \delta\,(x_k - \bar x_k),\quad s^2 = M_n/(n-\text{ddof}).$$

See chapter: chapters/mathtools.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_int


def _data(name, x, ndim=None):
    """x as a floating array (float32 kept, anything else → float64), finite, non-empty."""
    arr = np.asarray(x)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be array-like of real numbers, got dtype {arr.dtype}")
    arr = arr if arr.dtype.kind == "f" else arr.astype(np.float64)
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimension(s), got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite values (no NaN or inf)")
    return arr


def _ddof(ddof, n):
    ddof = check_int("ddof", ddof, low=0)
    if n - ddof <= 0:
        raise ValueError(f"ddof must be smaller than the number of observations ({n}), got {ddof}")
    return ddof


def mean(x, axis=None):
    """x̄ = Σ x_i / n over ``axis`` (all elements by default); float32 stays float32.

    See chapter: chapters/mathtools.md
    """
    x = _data("x", x)
    return np.sum(x, axis=axis) / (x.size if axis is None else x.shape[axis])


def var(x, ddof=0, axis=None):
    """s² = Σ (x_i − x̄)² / (n − ddof), two-pass; ddof = 0 population, ddof = 1 sample (unbiased).

    See chapter: chapters/mathtools.md
    """
    x = _data("x", x)
    return _var(x, _ddof(ddof, x.size if axis is None else x.shape[axis]), axis)


def _var(x, ddof, axis):
    n = x.size if axis is None else x.shape[axis]
    x_bar = np.sum(x, axis=axis, keepdims=True) / n  # the mean, first pass
    return np.sum((x - x_bar) ** 2, axis=axis) / (n - ddof)  # Σ (x_i − x̄)² / (n − ddof), second pass


def std(x, ddof=0, axis=None):
    """s = √(s²) with the same ``ddof`` as :func:`var`.

    See chapter: chapters/mathtools.md
    """
    return np.sqrt(var(x, ddof=ddof, axis=axis))


def cov(X, ddof=1):
    """Covariance matrix (d, d) of the columns of X (n, d), rows = observations; ddof = 1 as ``np.cov``.

    See chapter: chapters/mathtools.md
    """
    X = _data("X", X, ndim=2)
    return _cov(X, _ddof(ddof, X.shape[0]))


def _cov(X, ddof):
    n = X.shape[0]
    centred = X - X.sum(axis=0) / n  # (n, d): each column minus its mean
    return centred.T @ centred / (n - ddof)  # (d, d): C_jk = Σ_i centred_ij centred_ik / (n − ddof)


def welford(xs, ddof=0) -> tuple[float, float]:
    """(mean, variance) of a stream in one pass (Welford 1962), as float64; ``xs`` any iterable of numbers.

    See chapter: chapters/mathtools.md
    """
    count, mu, m2 = 0, 0.0, 0.0
    for value in xs:
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise TypeError(f"xs must hold real numbers, got {type(value).__name__} {value!r}")
        x = float(value)
        if not np.isfinite(x):
            raise ValueError("xs must contain only finite values (no NaN or inf)")
        count += 1
        delta = x - mu
        mu += delta / count  # x̄_k
        m2 += delta * (x - mu)  # M_k: uses the old and the new mean
    if count == 0:
        raise ValueError("xs must not be empty")
    return mu, m2 / (count - _ddof(ddof, count))


def estimator_means(n, sigma=1.0, reps=200_000, seed=0) -> dict:
    """Average over ``reps`` Gaussian samples of size n of: s² with ddof 0, s² with ddof 1, and s with ddof 1.

    Returns {"var_ddof0", "var_ddof1", "std_ddof1"} (floats) to compare with σ², σ², σ.
    See chapter: chapters/mathtools.md
    """
    n = check_int("n", n, low=2)
    reps = check_int("reps", reps, low=1)
    X = sigma * np.random.default_rng(check_int("seed", seed, low=0)).standard_normal((reps, n))
    v0, v1 = var(X, ddof=0, axis=1), var(X, ddof=1, axis=1)
    return {"var_ddof0": float(v0.mean()), "var_ddof1": float(v1.mean()), "std_ddof1": float(np.sqrt(v1).mean())}
