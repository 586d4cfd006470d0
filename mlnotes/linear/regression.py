r"""Linear regression (线性回归) and ridge regression (岭回归): closed forms and gradient descent.

Model $\hat y = Xw + b$ with $X \in \mathbb R^{n\times d}$. Least squares minimises
$\lVert y - Xw - b\rVert^2$. With an intercept, centre first: $X_c = X - \bar x$, $y_c = y - \bar y$,
solve for $w$ on the centred data, then $b = \bar y - \bar x^\top w$ (the intercept is never
penalised). The **normal equations** (正规方程) are
$$X_c^\top X_c\, w = X_c^\top y_c \qquad\text{(ridge: } (X_c^\top X_c + \alpha I)\,w = X_c^\top y_c\text{)}.$$
Forming $X^\top X$ squares the condition number, $\kappa(X^\top X) = \kappa(X)^2$, so solving them
loses about twice as many digits as a method that works on $X$ itself: QR ($X = QR$, then
$Rw = Q^\top y$) or the SVD behind ``np.linalg.lstsq``. Ridge's objective is scikit-learn's
``Ridge``: $\lVert y - Xw - b\rVert^2 + \alpha\lVert w\rVert^2$ (no $1/n$).

Gradient descent on the mean squared error $L = \frac1n\lVert Xw + b - y\rVert^2$ uses
$\nabla_w L = \frac2n X^\top r$, $\partial L/\partial b = \frac2n \sum_i r_i$ with $r = Xw + b - y$;
SGD uses a mini-batch in place of the $n$ rows.

See chapter: chapters/linear_models.md
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlnotes._checks import check_int, check_real
from mlnotes.linear._validate import check_bool, check_X, check_X_y

METHODS = ("lstsq", "qr", "solve")


@dataclass(frozen=True)
class LinearFit:
    """A fitted linear model: ``coef`` (d,), ``intercept`` (a scalar of the same dtype)."""

    coef: np.ndarray
    intercept: np.floating

    def predict(self, X) -> np.ndarray:
        """Xw + b for X (n, d); returns (n,)."""
        X = check_X(X)
        if X.shape[1] != self.coef.shape[0]:
            raise ValueError(f"X must have {self.coef.shape[0]} features, got shape {X.shape}")
        return X @ self.coef + self.intercept


def _center(X: np.ndarray, y: np.ndarray, fit_intercept: bool):
    """(X − x̄, y − ȳ, x̄, ȳ), or the data untouched with zero means."""
    if not fit_intercept:
        return X, y, np.zeros(X.shape[1], X.dtype), X.dtype.type(0)
    x_mean, y_mean = X.mean(axis=0), y.mean()  # (d,), scalar
    return X - x_mean, y - y_mean, x_mean, y_mean


def solve_lstsq(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """argmin ‖y − Xw‖ by the SVD (LAPACK gelsd); the minimum-norm solution if X is rank-deficient."""
    return np.linalg.lstsq(X, y, rcond=None)[0]


def solve_qr(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """argmin ‖y − Xw‖ by QR: X = QR (Q: n×d orthonormal columns, R: d×d upper triangular), R w = Qᵀy."""
    from scipy.linalg import solve_triangular  # lazy: importing mlnotes.linear must not need scipy (browser drills)

    Q, R = np.linalg.qr(X)  # (n, d), (d, d)
    return solve_triangular(R, Q.T @ y)


def solve_normal(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The normal equations XᵀX w = Xᵀy by an LU solve: κ(XᵀX) = κ(X)², so ~2× the digits lost."""
    return np.linalg.solve(X.T @ X, X.T @ y)


_SOLVERS = {"lstsq": solve_lstsq, "qr": solve_qr, "solve": solve_normal}


def least_squares(X, y, *, fit_intercept=True, method="lstsq") -> LinearFit:
    """Ordinary least squares w, b = argmin ‖y − Xw − b‖² for X (n, d), y (n,); returns a :class:`LinearFit`.

    ``method``: ``"lstsq"`` (SVD, the default; minimum-norm w if X is rank-deficient), ``"qr"`` or
    ``"solve"`` (normal equations, ~2× the digits lost; raises ``LinAlgError`` if XᵀX is singular).
    Same as ``sklearn.linear_model.LinearRegression(fit_intercept=...)``. dtype of X kept.
    See chapter: chapters/linear_models.md
    """
    X, y = check_X_y(X, y)
    if method not in _SOLVERS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    Xc, yc, x_mean, y_mean = _center(X, y, check_bool("fit_intercept", fit_intercept))
    coef = _SOLVERS[method](Xc, yc)  # (d,)
    return LinearFit(coef, y_mean - x_mean @ coef)


def ridge(X, y, alpha, *, fit_intercept=True) -> LinearFit:
    """Ridge regression argmin ‖y − Xw − b‖² + α‖w‖² (b not penalised) for X (n, d), y (n,), α ≥ 0.

    Solves (X_cᵀX_c + αI) w = X_cᵀy_c; α = 0 falls back to ``lstsq``. Same as
    ``sklearn.linear_model.Ridge(alpha, fit_intercept=...)``. dtype of X kept.
    See chapter: chapters/linear_models.md, chapters/regularization.md
    """
    X, y = check_X_y(X, y)
    alpha = check_real("alpha", alpha, low=0.0)
    Xc, yc, x_mean, y_mean = _center(X, y, check_bool("fit_intercept", fit_intercept))
    coef = _ridge_coef(Xc, yc, alpha)
    return LinearFit(coef, y_mean - x_mean @ coef)


def _ridge_coef(Xc: np.ndarray, yc: np.ndarray, alpha: float) -> np.ndarray:
    """(XᵀX + αI)⁻¹ Xᵀy by a solve (never an explicit inverse); plain least squares at α = 0."""
    if alpha == 0:
        return solve_lstsq(Xc, yc)
    d = Xc.shape[1]
    A = Xc.T @ Xc + Xc.dtype.type(alpha) * np.eye(d, dtype=Xc.dtype)  # (d, d), positive definite for α > 0
    return np.linalg.solve(A, Xc.T @ yc)


@dataclass(frozen=True)
class GDConfig:
    """Gradient descent on the MSE: ``lr``, ``n_epochs``, ``batch_size`` (None = full batch), ``seed``."""

    lr: float = 0.1
    n_epochs: int = 100
    batch_size: int | None = None
    seed: int = 0


def fit_linear_gd(X, y, config: GDConfig = GDConfig(), *, fit_intercept=True):
    """Linear regression by (mini-batch) gradient descent on L = mean((Xw + b − y)²), from w = 0, b = 0.

    ``config.batch_size=None`` is full-batch GD (one step per epoch); 1 is pure SGD. Mini-batches are
    drawn without replacement from ``np.random.default_rng(config.seed)``. Returns ``(fit, losses)``
    with the full-data MSE before training and after every epoch, shape (n_epochs + 1,).
    See chapter: chapters/linear_models.md
    """
    X, y = check_X_y(X, y)
    lr = check_real("lr", config.lr, low=0.0)
    n_epochs = check_int("n_epochs", config.n_epochs, low=0)
    n = X.shape[0]
    batch = n if config.batch_size is None else check_int("batch_size", config.batch_size, low=1, high=n)
    fit_intercept = check_bool("fit_intercept", fit_intercept)
    rng = np.random.default_rng(check_int("seed", config.seed, low=0))
    w, b = np.zeros(X.shape[1], X.dtype), X.dtype.type(0)
    losses = [np.mean((X @ w + b - y) ** 2)]
    for _ in range(n_epochs):
        order = rng.permutation(n) if batch < n else np.arange(n)
        for start in range(0, n, batch):
            w, b = _gd_step(X[order[start:start + batch]], y[order[start:start + batch]], w, b, lr, fit_intercept)
        losses.append(np.mean((X @ w + b - y) ** 2))
    return LinearFit(w, b), np.array(losses)


def _gd_step(Xb: np.ndarray, yb: np.ndarray, w: np.ndarray, b, lr: float, fit_intercept: bool):
    """One step on a batch: r = Xw + b − y, w ← w − lr·(2/m)Xᵀr, b ← b − lr·(2/m)Σr."""
    r = Xb @ w + b - yb  # (m,) residuals
    grad_w = 2 * Xb.T @ r / len(yb)  # (d,)
    grad_b = 2 * r.mean() if fit_intercept else 0
    return w - lr * grad_w, b - lr * grad_b
