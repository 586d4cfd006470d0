r"""Feature scaling (特征缩放): min-max normalization (归一化) and standardization (标准化), per column.

For column $j$ of $X \in \mathbb R^{n\times d}$:
$$\text{min-max:}\ x'_{ij} = a + (b-a)\,\frac{x_{ij}-\min_i x_{ij}}{\max_i x_{ij}-\min_i x_{ij}},\qquad
\text{standardize:}\ z_{ij} = \frac{x_{ij}-\mu_j}{\sigma_j},\ \sigma_j^2 = \frac1n\sum_i (x_{ij}-\mu_j)^2.$$
A (near-)constant column is divided by 1 instead of its range or $\sigma_j$, with scikit-learn's rules:
min-max when the range is below $10\,\varepsilon$ ($\varepsilon$ the machine epsilon of X's dtype: an
*absolute* threshold, 2.2e-15 in float64), standardization when $\sigma_j^2 \le n\varepsilon\sigma_j^2 +
(n\mu_j\varepsilon)^2$ (the rounding bound of the variance, $\varepsilon$ of float64). Such a column maps to
$a$ (min-max, plus its tiny spread) and to exactly $0$ (standardize): never NaN, and in float64 never a
few ulps of rounding blown up to unit scale. As in scikit-learn, the statistics of standardization are
accumulated in float64 and applied in X's dtype, so a float32 column one float32 ulp wide counts as a real
spread (in both). X keeps its floating dtype (float32 in → float32 out; integers and bools → float64).

Why it matters for gradient descent: linear regression with intercept, design $A = [\mathbf 1, X]$,
loss $L(\theta) = \frac1{2n}\lVert A\theta - y\rVert^2$, has Hessian $H = A^\top A/n$. With step
$\eta = 1/\lambda_{\max}(H)$ the error in the eigen-direction $i$ shrinks by $1-\lambda_i/\lambda_{\max}$ per
step, so the number of iterations grows like the condition number $\kappa = \lambda_{\max}/\lambda_{\min}$:
$$L(\theta_k) - L^* = \tfrac12\sum_i \lambda_i\,(1-\eta\lambda_i)^{2k}\,c_i^2,\qquad
c = Q^\top(\theta_0-\theta^*),\ H = Q\Lambda Q^\top.$$
A feature in $[0, 1000]$ beside one in $[0, 1]$ makes $\kappa$ huge; standardizing makes $H$ close to $I$.

See chapter: chapters/normalization.md
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlnotes._checks import check_int, check_real
from mlnotes.norms.core import as_float, in_dtype

SCALINGS = ("raw", "min-max", "standardized")


def _check_design(X) -> np.ndarray:
    X = as_float("X", X, allow_bool=True, ndim=2)  # bool columns (one-hot) are numbers here, as in sklearn
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"X must have at least one row and one column, got shape {X.shape}")
    return X


def _check_feature_range(feature_range, dtype) -> tuple:
    if not isinstance(feature_range, (tuple, list)):
        raise TypeError(f"feature_range must be a pair (low, high), got {type(feature_range).__name__}")
    if len(feature_range) != 2:
        raise ValueError(f"feature_range must be a pair (low, high), got {feature_range!r}")
    low = in_dtype("feature_range[0]", check_real("feature_range[0]", feature_range[0]), dtype)
    high = in_dtype("feature_range[1]", check_real("feature_range[1]", feature_range[1]), dtype)
    if not low < high:
        raise ValueError(f"feature_range must have low < high in X's dtype {np.dtype(dtype).name}, got "
                         f"{feature_range!r}")
    return low, high


def min_max_scale(X, feature_range=(0.0, 1.0)) -> np.ndarray:
    """Each column of X (n, d) mapped linearly onto feature_range; (n, d) in X's floating dtype.

    Same as ``sklearn.preprocessing.MinMaxScaler(feature_range).fit_transform(X)``, including its rule
    for near-constant columns: a range below 10·eps of X's dtype (absolute) is divided by 1, so the
    column maps to its low end plus its tiny spread. Raises ValueError for a bad shape, NaN/inf or
    low ≥ high, TypeError for a feature_range that is not a pair or X that is not numeric.
    See chapter: chapters/normalization.md
    """
    X = _check_design(X)
    low, high = _check_feature_range(feature_range, X.dtype)
    return _min_max_scale(X, low, high)


def _min_max_scale(X, low, high):
    """The computation of :func:`min_max_scale`: x' = low + (high − low)·(x − min)/range, per column."""
    lo, span = X.min(axis=0), X.max(axis=0) - X.min(axis=0)  # (d,), (d,)
    span = np.where(span < 10 * np.finfo(X.dtype).eps, 1, span)  # (near-)constant column: divide by 1, as sklearn
    return low + (high - low) * (X - lo) / span  # (n, d)


def standardize(X) -> np.ndarray:
    """Each column of X (n, d) to mean 0 and (population) std 1 (near-constant column → 0); (n, d), X's dtype.

    Same as ``sklearn.preprocessing.StandardScaler().fit_transform(X)`` (ddof = 0): the same float64
    statistics, the same rule for near-constant columns (σ² within the rounding bound of 0), which we
    map to exactly 0 where sklearn leaves the residue x − μ (a few ulps of |μ|). Raises ValueError for
    a bad shape or NaN/inf, TypeError for non-numeric X.
    See chapter: chapters/normalization.md
    """
    return _standardize(_check_design(X))


def _standardize(X):
    """The computation of :func:`standardize`: z = (x − μ)/σ per column, statistics in float64."""
    n, eps = X.shape[0], np.finfo(np.float64).eps
    mean = X.mean(axis=0, dtype=np.float64)  # μ (d,), accumulated in float64 like sklearn
    dev = X - mean  # (n, d) float64
    var = ((dev**2).sum(axis=0) - dev.sum(axis=0) ** 2 / n) / n  # σ² (d,), corrected two-pass (Chan et al.)
    constant = var <= n * eps * var + (n * mean * eps) ** 2  # σ² is rounding noise: sklearn's test
    sigma = np.sqrt(np.where(constant, 1.0, var))  # divide a constant column by 1, not by ~0
    Z = (X - mean.astype(X.dtype)) / sigma.astype(X.dtype)  # (n, d) in X's dtype
    return np.where(constant, 0, Z)  # constant column: exactly 0


def scaling_data(n: int = 200, scale: float = 1000.0, noise: float = 0.1, seed: int = 0):
    """Seeded regression data: X (n, 2) with x1 ~ U[0, 1], x2 ~ U[0, scale]; y (n,) = 2 + 3x1 − 2x2/scale + noise.

    See chapter: chapters/normalization.md
    """
    n = check_int("n", n, low=3)
    scale = check_real("scale", scale, low=0.0, low_open=True)
    noise = check_real("noise", noise, low=0.0)
    rng = np.random.default_rng(check_int("seed", seed, low=0))
    X = np.column_stack([rng.uniform(0, 1, n), rng.uniform(0, scale, n)])  # (n, 2)
    y = 2.0 + 3.0 * X[:, 0] - 2.0 * X[:, 1] / scale + noise * rng.standard_normal(n)  # (n,)
    return X, y


@dataclass(frozen=True)
class GDRun:
    """Gradient descent on least squares: losses, iterations to tolerance, step size, conditioning."""

    scaling: str
    X: np.ndarray  # (n, d) the design GD saw
    y: np.ndarray  # (n,)
    path: np.ndarray  # (steps+1, d+1) parameters [b, w_1..w_d]
    loss: np.ndarray  # (steps+1,) L(θ_k)
    excess: np.ndarray  # (steps+1,) (L(θ_k) − L*)/(L(θ_0) − L*)
    n_iter: int | None  # first k with excess ≤ tol (measured), None if not within max_iter
    predicted_iter: int  # the same count from the closed form (works far beyond max_iter)
    lr: float
    cond: float  # κ = λ_max/λ_min of the Hessian
    tol: float


def _excess_closed_form(H, theta0, theta_star, lr, k):
    """(L(θ_k) − L*)/(L(θ_0) − L*) from the eigen-decomposition, for an array of step counts k."""
    lam, Q = np.linalg.eigh(H)  # H = Q Λ Qᵀ
    c2 = (Q.T @ (theta0 - theta_star)) ** 2  # (d+1,)
    k = np.asarray(k, dtype=float)[..., None]
    shrink = np.abs(1 - lr * lam)  # per-direction contraction per step
    with np.errstate(under="ignore"):
        return (lam * c2 * shrink ** (2 * k)).sum(-1) / (lam * c2).sum()


def gd_linear_regression(X, y, *, lr=None, max_iter: int = 2000, tol: float = 1e-6, scaling: str = "raw") -> GDRun:
    """Full-batch GD on ½·mean((b + Xw − y)²) from θ = 0 with lr (default 1/λ_max(H)); a :class:`GDRun`.

    Converged = relative excess loss (L − L*)/(L₀ − L*) ≤ tol. GD runs in X's floating dtype (path, loss
    and excess are float32 for float32 X; y is cast to it); the problem's own numbers (H, its
    eigenvalues and κ, the optimum θ*, L* and the closed-form step count) are computed in float64.
    See chapter: chapters/normalization.md
    """
    X = _check_design(X)
    y = as_float("y", y, like=X, shape=(X.shape[0],))
    max_iter = check_int("max_iter", max_iter, low=1)
    tol = check_real("tol", tol, low=0.0, high=1.0, low_open=True, high_open=True)
    A64 = np.column_stack([np.ones(len(X)), X.astype(np.float64)])  # (n, d+1) with the intercept column
    H = A64.T @ A64 / len(A64)  # Hessian (d+1, d+1)
    lam = np.linalg.eigvalsh(H)
    lr = 1.0 / lam[-1] if lr is None else check_real("lr", lr, low=0.0, low_open=True)
    theta_star = np.linalg.lstsq(A64, y.astype(np.float64), rcond=None)[0]  # (d+1,)
    loss_star = 0.5 * np.mean((A64 @ theta_star - y) ** 2)
    A, step = A64.astype(X.dtype), in_dtype("lr", lr, X.dtype, positive=True)  # GD itself in X's dtype
    theta = np.zeros(A.shape[1], X.dtype)
    path = [theta]
    with np.errstate(over="ignore", invalid="ignore"):  # a too-large lr diverges to inf: reported, not raised
        for _ in range(max_iter):
            theta = theta - step * A.T @ (A @ theta - y) / len(A)  # θ ← θ − η ∇L
            path.append(theta)
        path = np.array(path)  # (max_iter+1, d+1)
        loss = 0.5 * np.mean((path @ A.T - y) ** 2, axis=1)  # (max_iter+1,)
        excess = ((loss - loss_star) / (loss[0] - loss_star)).astype(X.dtype)
    hit = np.flatnonzero(excess <= tol)
    return GDRun(scaling, X, y, path, loss, excess, int(hit[0]) if hit.size else None,
                 _predicted_iterations(H, theta_star, lr, tol), float(lr), float(lam[-1] / lam[0]), tol)


def _predicted_iterations(H, theta_star, lr, tol) -> int:
    """Smallest k with closed-form relative excess ≤ tol (bisection on k; -1 if GD does not converge)."""
    theta0 = np.zeros_like(theta_star)
    lam = np.linalg.eigvalsh(H)
    live = lam > 1e-12 * lam[-1]  # directions that carry loss
    if np.any(np.abs(1 - lr * lam[live]) >= 1):
        return -1
    lo, hi = 0, 1
    while _excess_closed_form(H, theta0, theta_star, lr, hi) > tol:
        lo, hi = hi, hi * 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if _excess_closed_form(H, theta0, theta_star, lr, mid) > tol else (lo, mid)
    return hi


def scaling_gd_runs(n: int = 200, scale: float = 1000.0, max_iter: int = 2000, tol: float = 1e-6,
                    seed: int = 0) -> dict:
    """GD on the same seeded data, raw vs min-max vs standardized design: {scaling: GDRun}.

    Each run uses its own safe step 1/λ_max(H). See chapter: chapters/normalization.md
    """
    X, y = scaling_data(n, scale, seed=seed)
    designs = {"raw": X, "min-max": min_max_scale(X), "standardized": standardize(X)}
    return {k: gd_linear_regression(v, y, max_iter=max_iter, tol=tol, scaling=k) for k, v in designs.items()}
