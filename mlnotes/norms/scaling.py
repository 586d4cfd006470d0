r"""Feature scaling (特征缩放): min-max normalization (归一化) and standardization (标准化), per column.

For column $j$ of $X \in \mathbb R^{n\times d}$:
$$\text{min-max:}\ x'_{ij} = a + (b-a)\,\frac{x_{ij}-\min_i x_{ij}}{\max_i x_{ij}-\min_i x_{ij}},\qquad
\text{standardize:}\ z_{ij} = \frac{x_{ij}-\mu_j}{\sigma_j},\ \sigma_j^2 = \frac1n\sum_i (x_{ij}-\mu_j)^2.$$
A constant column (range 0, $\sigma_j = 0$) is mapped to $a$ (min-max) and to $0$ (standardize),
as scikit-learn does (it divides by 1 instead of 0): never NaN.

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

from mlnotes._checks import check_array, check_int, check_real

SCALINGS = ("raw", "min-max", "standardized")


def _check_design(X) -> np.ndarray:
    X = check_array("X", X, ndim=2)
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"X must have at least one row and one column, got shape {X.shape}")
    return X


def min_max_scale(X, feature_range=(0.0, 1.0)) -> np.ndarray:
    """Each column of X (n, d) mapped linearly onto feature_range (constant column → its low end); (n, d).

    Same as ``sklearn.preprocessing.MinMaxScaler(feature_range).fit_transform(X)``.
    See chapter: chapters/normalization.md
    """
    X = _check_design(X)
    if not isinstance(feature_range, (tuple, list)) or len(feature_range) != 2:
        raise ValueError(f"feature_range must be a pair (low, high), got {feature_range!r}")
    low = check_real("feature_range[0]", feature_range[0])
    high = check_real("feature_range[1]", feature_range[1])
    if not low < high:
        raise ValueError(f"feature_range must have low < high, got {feature_range!r}")
    lo, span = X.min(axis=0), np.ptp(X, axis=0)  # (d,), (d,)
    span = np.where(span == 0, 1.0, span)  # constant column: divide by 1, as sklearn
    return low + (high - low) * (X - lo) / span  # (n, d)


def standardize(X) -> np.ndarray:
    """Each column of X (n, d) to mean 0 and (population) std 1 (constant column → 0); (n, d).

    Same as ``sklearn.preprocessing.StandardScaler().fit_transform(X)`` (ddof = 0).
    See chapter: chapters/normalization.md
    """
    X = _check_design(X)
    mean = X.mean(axis=0)  # (d,)
    centered = X - mean  # (n, d)
    std = np.sqrt((centered**2).mean(axis=0))  # (d,), biased
    constant = np.ptp(X, axis=0) == 0
    centered[:, constant] = 0.0  # exactly 0, not a rounding residue of x − mean
    return centered / np.where(constant, 1.0, std)


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

    Converged = relative excess loss (L − L*)/(L₀ − L*) ≤ tol. See chapter: chapters/normalization.md
    """
    X = _check_design(X)
    y = check_array("y", y, shape=(X.shape[0],))
    max_iter = check_int("max_iter", max_iter, low=1)
    tol = check_real("tol", tol, low=0.0, high=1.0, low_open=True, high_open=True)
    A = np.column_stack([np.ones(len(X)), X])  # (n, d+1) with the intercept column
    H = A.T @ A / len(A)  # Hessian (d+1, d+1)
    lam = np.linalg.eigvalsh(H)
    lr = 1.0 / lam[-1] if lr is None else check_real("lr", lr, low=0.0, low_open=True)
    theta_star = np.linalg.lstsq(A, y, rcond=None)[0]  # (d+1,)
    loss_star = 0.5 * np.mean((A @ theta_star - y) ** 2)
    theta = np.zeros(A.shape[1])
    path = [theta]
    with np.errstate(over="ignore", invalid="ignore"):  # a too-large lr diverges to inf: reported, not raised
        for _ in range(max_iter):
            theta = theta - lr * A.T @ (A @ theta - y) / len(A)  # θ ← θ − η ∇L
            path.append(theta)
        path = np.array(path)  # (max_iter+1, d+1)
        loss = 0.5 * np.mean((path @ A.T - y) ** 2, axis=1)  # (max_iter+1,)
    excess = (loss - loss_star) / (loss[0] - loss_star)
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
