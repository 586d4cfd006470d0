r"""L1 (lasso), elastic net: soft-thresholding and cyclic coordinate descent (坐标下降), with paths.

scikit-learn's objective, for $X \in \mathbb R^{n\times d}$, strength $\alpha$ and mix $\rho$
(``l1_ratio``; $\rho = 1$ is the **lasso**):
$$\min_w\ \frac{1}{2n}\lVert y - Xw\rVert^2 + \alpha\rho\lVert w\rVert_1 + \frac{\alpha(1-\rho)}{2}\lVert w\rVert_2^2 .$$
The L1 term has no gradient at 0, but one coordinate at a time the problem has a closed form.
With $G = X^\top X$ and the partial-residual correlation
$z_j = x_j^\top\bigl(y - \sum_{k\ne j} x_k w_k\bigr) = (X^\top y)_j - G_j w + G_{jj} w_j$,
$$w_j \leftarrow \frac{S(z_j,\ n\alpha\rho)}{G_{jj} + n\alpha(1-\rho)},\qquad
S(z, t) = \mathrm{sign}(z)\max(|z| - t, 0),$$
the **soft-threshold** (软阈值): any $|z_j| \le n\alpha\rho$ gives exactly $w_j = 0$. Sweeping
$j = 1..d$ until no coordinate moves is coordinate descent. At
$\alpha \ge \alpha_{\max} = \max_j |x_j^\top y| / (n\rho)$ every weight is 0; a **path** solves a
decreasing grid of $\alpha$'s, each warm-started from the previous solution.

Two slower ways to the same minimum, for comparison: **proximal gradient (ISTA)**,
$w \leftarrow S\bigl(w - \eta\nabla f(w),\ \eta\alpha\bigr)$ with $\eta = 1/\lambda_{\max}(X^\top X/n)$,
also lands on exact zeros; **subgradient descent**, $w \leftarrow w - \eta\bigl(\nabla f(w) + \alpha\,\mathrm{sign}(w)\bigr)$,
does not: a weight whose optimum is 0 keeps jumping across 0 by about $\eta\alpha$.

See chapter: chapters/regularization.md
"""

from __future__ import annotations

import math

import numpy as np

from mlnotes._checks import check_int, check_real
from mlnotes.linear._validate import as_float, check_bool, check_X_y
from mlnotes.linear.regression import LinearFit, _center


def soft_threshold(z, t) -> np.ndarray:
    """S(z, t) = sign(z)·max(|z| − t, 0) elementwise, for t ≥ 0; floating dtype of z kept.

    The proximal operator of t·|·|: argmin_w ½(w − z)² + t|w|. See chapter: chapters/regularization.md
    """
    z = as_float("z", z)
    t = check_real("t", t, low=0.0)
    return np.sign(z) * np.maximum(np.abs(z) - t, 0)


def _soft(z: float, t: float) -> float:
    """Scalar soft-threshold (the inner loop's hot path)."""
    return math.copysign(max(abs(z) - t, 0.0), z)


def coordinate_descent(G: np.ndarray, Xty: np.ndarray, w: np.ndarray, l1: float, l2: float, *, tol: float,
                       max_iter: int) -> int:
    """Cyclic coordinate descent on ½wᵀGw − (Xᵀy)ᵀw + l1·‖w‖₁ + ½·l2·‖w‖², updating w (d,) in place.

    G = XᵀX (d, d), Xty = Xᵀy (d,); l1 = nαρ, l2 = nα(1 − ρ). Stops after the first sweep whose largest
    change is ≤ tol·max|w| (or when w = 0). Returns the number of sweeps.
    """
    d = len(w)
    G_rows, w_list = G.tolist(), w.tolist()  # plain floats: the loop below is all scalar work
    c = (Xty - G @ w).tolist()  # c_j = x_jᵀ(y − Xw), kept up to date as w changes
    sweep = 0
    for sweep in range(1, max_iter + 1):
        w_max = d_max = 0.0
        for j in range(d):
            z = c[j] + G_rows[j][j] * w_list[j]  # x_jᵀ(residual without feature j)
            denom = G_rows[j][j] + l2
            new = _soft(z, l1) / denom if denom > 0 else 0.0  # an all-zero column keeps w_j = 0
            delta = new - w_list[j]
            if delta != 0.0:
                for k in range(d):  # c ← c − G[:, j]·Δw_j
                    c[k] -= G_rows[j][k] * delta
                w_list[j] = new
            d_max, w_max = max(d_max, abs(delta)), max(w_max, abs(new))
        if w_max == 0.0 or d_max <= tol * w_max:
            break
    w[:] = w_list
    return sweep


def _check_common(X, y, l1_ratio, tol, max_iter):
    X, y = check_X_y(X, y)
    l1_ratio = check_real("l1_ratio", l1_ratio, low=0.0, high=1.0)
    tol = check_real("tol", tol, low=0.0)
    return X, y, l1_ratio, tol, check_int("max_iter", max_iter, low=1)


def alpha_max(X, y, l1_ratio=1.0) -> float:
    """The smallest α at which every weight is 0: max_j |x_jᵀy| / (n·l1_ratio) (no centring: centre first).

    See chapter: chapters/regularization.md
    """
    X, y = check_X_y(X, y)
    l1_ratio = check_real("l1_ratio", l1_ratio, low=0.0, high=1.0, low_open=True)
    return float(np.max(np.abs(X.T @ y)) / (X.shape[0] * l1_ratio))


def lasso(X, y, alpha, *, l1_ratio=1.0, fit_intercept=True, tol=1e-10, max_iter=10_000) -> LinearFit:
    """Lasso (l1_ratio = 1) or elastic net by coordinate descent from w = 0; the intercept is not penalised.

    X (n, d), y (n,), α ≥ 0. Returns a :class:`~mlnotes.linear.regression.LinearFit`. Equal to
    ``sklearn.linear_model.Lasso(alpha)`` / ``ElasticNet(alpha, l1_ratio=...)`` at a tight ``tol``.
    See chapter: chapters/regularization.md
    """
    X, y, l1_ratio, tol, max_iter = _check_common(X, y, l1_ratio, tol, max_iter)
    alpha = check_real("alpha", alpha, low=0.0)
    Xc, yc, x_mean, y_mean = _center(X, y, check_bool("fit_intercept", fit_intercept))
    n = X.shape[0]
    w = np.zeros(X.shape[1], dtype=X.dtype)
    coordinate_descent(Xc.T @ Xc, Xc.T @ yc, w, n * alpha * l1_ratio, n * alpha * (1 - l1_ratio), tol=tol,
                       max_iter=max_iter)
    return LinearFit(w, y_mean - x_mean @ w)


def lasso_path(X, y, *, alphas=None, n_alphas=100, eps=1e-3, l1_ratio=1.0, tol=1e-10, max_iter=10_000):
    """Coefficients along a decreasing α grid, warm-started: returns ``(alphas (m,), coefs (d, m))``.

    No intercept (centre X and y first, as for scikit-learn's ``lasso_path``). Default grid: ``n_alphas``
    values log-spaced from :func:`alpha_max` down to ``eps``·α_max. Equal to
    ``sklearn.linear_model.lasso_path`` (l1_ratio = 1) and ``enet_path``.
    See chapter: chapters/regularization.md
    """
    X, y, l1_ratio, tol, max_iter = _check_common(X, y, l1_ratio, tol, max_iter)
    if alphas is None:
        top = alpha_max(X, y, l1_ratio)
        alphas = top * np.logspace(0.0, np.log10(check_real("eps", eps, low=0.0, low_open=True)),
                                   check_int("n_alphas", n_alphas, low=1))
    alphas = np.sort(as_float("alphas", alphas, ndim=1))[::-1]
    if alphas.size == 0 or alphas[-1] < 0:
        raise ValueError("alphas must be a non-empty list of values >= 0")
    n = X.shape[0]
    G, Xty = X.T @ X, X.T @ y  # computed once for the whole path
    w = np.zeros(X.shape[1], dtype=X.dtype)
    coefs = np.empty((X.shape[1], len(alphas)), dtype=X.dtype)
    for k, alpha in enumerate(alphas):  # warm start: w carries over from the previous α
        coordinate_descent(G, Xty, w, n * alpha * l1_ratio, n * alpha * (1 - l1_ratio), tol=tol, max_iter=max_iter)
        coefs[:, k] = w
    return alphas, coefs


def lasso_ista(X, y, alpha, *, n_iter=500):
    """Proximal gradient (ISTA) on the lasso objective from w = 0 (no intercept): returns w per step (n_iter + 1, d).

    See chapter: chapters/regularization.md
    """
    X, y = check_X_y(X, y)
    alpha = check_real("alpha", alpha, low=0.0)
    n = X.shape[0]
    lr = n / np.linalg.eigvalsh(X.T @ X)[-1]  # 1/L, L = λ_max(XᵀX/n): the gradient's Lipschitz constant
    w = np.zeros(X.shape[1], dtype=X.dtype)
    path = [w]
    for _ in range(check_int("n_iter", n_iter, low=0)):
        grad = X.T @ (X @ w - y) / n  # ∇ of (1/2n)‖y − Xw‖²
        w = soft_threshold(w - lr * grad, lr * alpha)  # the prox of lr·α‖·‖₁
        path.append(w)
    return np.array(path)


def lasso_subgradient(X, y, alpha, *, n_iter=500, lr=None):
    """Subgradient descent w ← w − lr·(∇f + α·sign(w)) from w = 0 (no intercept): w per step (n_iter + 1, d).

    ``lr`` defaults to ISTA's 1/L. See chapter: chapters/regularization.md
    """
    X, y = check_X_y(X, y)
    alpha = check_real("alpha", alpha, low=0.0)
    n = X.shape[0]
    lr = n / np.linalg.eigvalsh(X.T @ X)[-1] if lr is None else check_real("lr", lr, low=0.0)
    w = np.zeros(X.shape[1], dtype=X.dtype)
    path = [w]
    for _ in range(check_int("n_iter", n_iter, low=0)):
        w = w - lr * (X.T @ (X @ w - y) / n + alpha * np.sign(w))  # sign(0) = 0: a valid subgradient
        path.append(w)
    return np.array(path)


def logistic_l1(X, y, C, *, n_iter=2000):
    """L1-penalised logistic regression, C·Σ log loss + ‖w‖₁ (intercept unpenalised), by accelerated proximal
    gradient (FISTA).

    X (n, d), y (n,) labels 0/1, C > 0 (scikit-learn's convention). On the objective divided by C·n: a gradient
    step on the mean log loss from the extrapolated point, then the soft-threshold with lr/(C·n) on w; Nesterov's
    momentum (t_{k+1} = (1 + √(1 + 4t_k²))/2). Returns (w (d,), b). Every weight is exactly 0 once
    C ≤ 1/max_j|x_jᵀ(y − ȳ)|, and b is then logit(ȳ). See chapter: chapters/regularization.md
    """
    from mlnotes.linear._validate import check_labels, check_X
    from mlnotes.linear.logistic import check_C, sigmoid

    X = check_X(X)
    y = check_labels(y, X.shape[0], binary=True).astype(X.dtype)
    C = check_C(C)
    n = X.shape[0]
    Xt = np.hstack([X, np.ones((n, 1), X.dtype)])  # [X, 1]
    lr = 4 * n / np.linalg.eigvalsh(Xt.T @ Xt)[-1]  # 1/L: the mean log loss's Hessian is ≤ X̃ᵀX̃/(4n)
    theta = point = np.zeros(X.shape[1] + 1, X.dtype)
    t = 1.0
    for _ in range(check_int("n_iter", n_iter, low=0)):
        new = point - lr * Xt.T @ (sigmoid(Xt @ point) - y) / n  # gradient step from the extrapolated point
        new[:-1] = soft_threshold(new[:-1], lr / (C * n))  # prox of ‖w‖₁/(C·n); b is not penalised
        t_next = (1 + np.sqrt(1 + 4 * t * t)) / 2
        point = new + (t - 1) / t_next * (new - theta)  # Nesterov extrapolation
        theta, t = new, t_next
    return theta[:-1], theta[-1]
