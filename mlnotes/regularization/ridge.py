r"""L2 (ridge) along a path, through the SVD: how much each direction of the data is shrunk.

With the centred data $X_c = U\Sigma V^\top$ (singular values $s_k$), ridge's solution
$w(\alpha) = (X_c^\top X_c + \alpha I)^{-1}X_c^\top y_c$ is
$$w(\alpha) = V\,\mathrm{diag}\!\Big(\frac{s_k}{s_k^2 + \alpha}\Big)\,U^\top y_c ,$$
so one SVD gives the whole path. Compared with least squares ($1/s_k$), direction $k$ is
multiplied by the **shrinkage factor** $s_k^2/(s_k^2 + \alpha) \in (0, 1]$: the directions in which
the data vary least (small $s_k$, the unstable ones) are shrunk most, and no weight becomes
exactly 0 at any finite $\alpha$. The **effective degrees of freedom** are $\sum_k s_k^2/(s_k^2+\alpha)$.

See chapter: chapters/regularization.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_real
from mlnotes.linear._validate import as_float, check_bool, check_X, check_X_y
from mlnotes.linear.regression import _center


def ridge_path(X, y, alphas, *, fit_intercept=True):
    """Ridge coefficients for every α ≥ 0 from one SVD: returns ``(coefs (d, m), intercepts (m,))``.

    Equal to ``sklearn.linear_model.Ridge(alpha).fit(X, y)`` for each α (objective ‖y − Xw − b‖² + α‖w‖²).
    See chapter: chapters/regularization.md
    """
    X, y = check_X_y(X, y)
    alphas = as_float("alphas", alphas, ndim=1, like=X)
    if alphas.size == 0 or np.any(alphas < 0):
        raise ValueError("alphas must be a non-empty list of values >= 0")
    Xc, yc, x_mean, y_mean = _center(X, y, check_bool("fit_intercept", fit_intercept))
    coefs = _ridge_path_svd(Xc, yc, alphas)  # (d, m)
    return coefs, y_mean - x_mean @ coefs


def _ridge_path_svd(Xc: np.ndarray, yc: np.ndarray, alphas: np.ndarray) -> np.ndarray:
    """w(α) = V·diag(s/(s² + α))·Uᵀy for every α, from one SVD of the centred X: (d, m)."""
    U, s, Vt = np.linalg.svd(Xc, full_matrices=False)  # (n, r), (r,), (r, d)
    Uty = U.T @ yc  # (r,): y in the basis of the left singular vectors
    with np.errstate(divide="ignore", invalid="ignore"):  # s = 0 (rank-deficient X): that direction gets 0
        factors = np.where(s[:, None] > 0, s[:, None] / (s[:, None] ** 2 + alphas[None, :]), 0.0)  # (r, m)
    return Vt.T @ (factors * Uty[:, None])  # (d, m)


def shrinkage_factors(X, alpha, *, fit_intercept=True) -> np.ndarray:
    """s_k²/(s_k² + α) for each singular value of the (centred) X, largest first. See chapter: chapters/regularization.md"""
    X = check_X(X)
    alpha = check_real("alpha", alpha, low=0.0)
    Xc = X - X.mean(axis=0) if check_bool("fit_intercept", fit_intercept) else X
    s = np.linalg.svd(Xc, compute_uv=False)  # singular values, largest first
    return s**2 / (s**2 + alpha)
