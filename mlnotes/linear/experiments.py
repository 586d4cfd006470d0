"""The measured experiments of the Linear models chapter: data, fits and numbers behind its figures and claims.

Everything is seeded and cached per setting (``functools.lru_cache``), never computed at import.
Many small BLAS calls run on one thread (:func:`single_thread`): on a shared 2-core machine,
BLAS threads fighting over the cores make a 30-feature logistic regression ~10× slower.

See chapter: chapters/linear_models.md
"""

from __future__ import annotations

import contextlib
from functools import lru_cache

import numpy as np

from mlnotes.linear import errata
from mlnotes.linear.calibration import brier_score, expected_calibration_error, reliability_curve
from mlnotes.linear.logistic import fit_logistic_gd, fit_logistic_newton, sigmoid
from mlnotes.linear.naive_bayes import GaussianNB
from mlnotes.linear.regression import solve_lstsq, solve_normal, solve_qr

CONDS = (1e0, 1e2, 1e4, 1e6, 1e8, 1e10, 1e12)  # condition numbers of the normal-equation figure
NE_METHODS = ("inv (notes)", "solve (normal eq.)", "QR", "lstsq (SVD)")
GD_LRS = (0.5, 2.0, 8.0, 16.0)  # the GD learning rates of the convergence figure
BIN_COUNTS = (2, 8, 16, 64)  # the discretization figure's slider
COPIES = (1, 4)  # how often each feature is repeated in the calibration figure


def single_thread():
    """A context limiting BLAS to one thread (threadpoolctl ships with scikit-learn), else a no-op."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


# -- erratum 6: the normal equation on ill-conditioned X ----------------------------------------
def ill_conditioned_problem(cond: float, *, n: int = 50, d: int = 5, seed: int = 0):
    """(X (n, d), y (n,), w (d,)) with κ(X) = cond and y = Xw exactly, so the least-squares answer is w = 1.

    X = U·diag(s)·Vᵀ with random orthonormal U, V and singular values s from 1 down to 1/cond.
    """
    rng = np.random.default_rng(seed)
    U, _ = np.linalg.qr(rng.standard_normal((n, d)))  # (n, d) orthonormal columns
    V, _ = np.linalg.qr(rng.standard_normal((d, d)))  # (d, d) orthogonal
    s = np.logspace(0.0, -np.log10(cond), d)  # (d,) singular values: κ = s[0]/s[-1]
    X = (U * s) @ V.T
    w = np.ones(d)
    return X, X @ w, w


def _inv(X, y):
    return errata.normal_equation_inv(X, y)


_NE_SOLVERS = dict(zip(NE_METHODS, (_inv, solve_normal, solve_qr, solve_lstsq)))


@lru_cache(maxsize=None)
def normal_equation_errors(method: str, cond: float):
    """(relative error ‖ŵ − w‖/‖w‖, relative residual ‖Xŵ − y‖/‖y‖, ŵ) of one method on one problem.

    A method that raises (a singular XᵀX) gets errors inf and ŵ = NaN.
    """
    X, y, w = ill_conditioned_problem(cond)
    try:
        w_hat = _NE_SOLVERS[method](X, y)
    except np.linalg.LinAlgError:
        return np.inf, np.inf, np.full_like(w, np.nan)
    return (float(np.linalg.norm(w_hat - w) / np.linalg.norm(w)),
            float(np.linalg.norm(X @ w_hat - y) / np.linalg.norm(y)), w_hat)


# -- logistic regression: GD vs Newton ------------------------------------------------------------
@lru_cache(maxsize=1)
def breast_cancer():
    """scikit-learn's breast-cancer data (569 × 30), standardized; y = 1 for benign."""
    from sklearn.datasets import load_breast_cancer

    X, y = load_breast_cancer(return_X_y=True)
    return (X - X.mean(axis=0)) / X.std(axis=0), y


@lru_cache(maxsize=None)
def convergence(lr: float, C: float = 1.0, n_iter: int = 300):
    """Objective gaps J/C − min over iterations: (GD with this lr (n_iter + 1,), Newton (k + 1,)), both ≥ 1e-16."""
    X, y = breast_cancer()
    with single_thread():
        newton = fit_logistic_newton(X, y, C=C, tol=1e-9)
        gd = fit_logistic_gd(X, y, lr=lr, n_iter=n_iter, C=C)
    best = newton.history[-1, 0]
    floor = 1e-16 * abs(best)
    return (np.maximum(gd.history[:, 0] - best, floor) / len(y),
            np.maximum(newton.history[:, 0] - best, floor) / len(y))


def separable_newton(steps: int = 12):
    """‖w‖ after each Newton step with no penalty (C = ∞) on linearly separable 2-D data, and with C = 1."""
    rng = np.random.default_rng(3)
    X = np.vstack([rng.normal(-2, 0.6, (20, 2)), rng.normal(2, 0.6, (20, 2))])
    y = np.repeat([0, 1], 20)
    norms = {}
    for C in (np.inf, 1.0):
        norms[C] = [float(np.linalg.norm(fit_logistic_newton(X, y, C=C, max_iter=k, tol=0.0).coef))
                    for k in range(steps + 1)]
    return np.array(norms[np.inf]), np.array(norms[1.0])


# -- calibration ----------------------------------------------------------------------------------
def calibration_data(copies: int, n: int = 4000, d: int = 4, seed: int = 0):
    """Two Gaussian classes with d independent features (shift ±0.5), each feature repeated ``copies`` times.

    Returns (X_train, y_train, X_test, y_test), half and half. With copies = 1 naive Bayes' assumption holds.
    """
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    X = rng.standard_normal((n, d)) + np.outer(y - 0.5, np.ones(d))  # class means ∓0.5 on every feature
    X = np.repeat(X, copies, axis=1)  # copies of each column: perfectly correlated features
    half = n // 2
    return X[:half], y[:half], X[half:], y[half:]


@lru_cache(maxsize=None)
def calibration(model: str, copies: int, n_bins: int = 10):
    """Reliability curve, Brier score and ECE on the test half for ``model`` in {"logistic regression",
    "Gaussian naive Bayes"}: dict with keys frac_pos, mean_pred, brier, ece, p."""
    X, y, X_test, y_test = calibration_data(copies)
    with single_thread():
        if model == "logistic regression":
            p = fit_logistic_newton(X, y, C=1.0).predict_proba(X_test)
        elif model == "Gaussian naive Bayes":
            p = GaussianNB().fit(X, y).predict_proba(X_test)[:, 1]
        else:
            raise ValueError(f"model must be 'logistic regression' or 'Gaussian naive Bayes', got {model!r}")
    frac_pos, mean_pred = reliability_curve(y_test, p, n_bins)
    return dict(frac_pos=frac_pos, mean_pred=mean_pred, brier=brier_score(y_test, p),
                ece=expected_calibration_error(y_test, p, n_bins), p=p)


# -- feature discretization -----------------------------------------------------------------------
AGE_RANGE = (18.0, 80.0)


def risk(age):
    """The true P(y = 1 | age): U-shaped, lowest at 45."""
    return sigmoid(0.004 * (np.asarray(age, dtype=float) - 45.0) ** 2 - 1.5)


def age_data(n: int, seed: int):
    """n ages uniform on [18, 80] and labels drawn from :func:`risk`."""
    rng = np.random.default_rng(seed)
    age = rng.uniform(*AGE_RANGE, n)
    return age, (rng.random(n) < risk(age)).astype(np.int64)


def one_hot_bins(x, edges) -> np.ndarray:
    """One-hot bin membership (n, len(edges) + 1) for the inner bin ``edges``; values outside fall in the end bins."""
    idx = np.searchsorted(edges, np.asarray(x, dtype=float), side="right")  # (n,) bin of each value
    return np.eye(len(edges) + 1)[idx]


@lru_cache(maxsize=None)
def discretization(n_bins: int, n_train: int = 400):
    """Logistic regression on raw age vs on one-hot quantile bins of age (C = 10 for both).

    Returns dict: grid (200,), truth, raw and binned P(y = 1) on the grid, their test log losses
    (5000 fresh points), the inner edges, and both models' P(y = 1) at age 300 (an outlier).
    """
    age, y = age_data(n_train, 1)
    age_test, y_test = age_data(5000, 2)
    edges = np.quantile(age, np.linspace(0, 1, n_bins + 1)[1:-1])  # (n_bins − 1,) inner quantile edges
    scale = lambda a: (np.asarray(a, dtype=float)[:, None] - 49.0) / 18.0  # noqa: E731 - standardize raw age
    with single_thread():
        raw = fit_logistic_newton(scale(age), y, C=10.0)
        binned = fit_logistic_newton(one_hot_bins(age, edges), y, C=10.0)
    grid = np.linspace(*AGE_RANGE, 200)

    def test_loss(fit, feats):
        p = np.clip(fit.predict_proba(feats), 1e-15, 1 - 1e-15)
        return float(-np.mean(y_test * np.log(p) + (1 - y_test) * np.log(1 - p)))

    return dict(grid=grid, truth=risk(grid), raw=raw.predict_proba(scale(grid)),
                binned=binned.predict_proba(one_hot_bins(grid, edges)), edges=edges,
                raw_loss=test_loss(raw, scale(age_test)), binned_loss=test_loss(binned, one_hot_bins(age_test, edges)),
                true_loss=float(-np.mean(y_test * np.log(risk(age_test)) + (1 - y_test) * np.log(1 - risk(age_test)))),
                raw_at_300=float(raw.predict_proba(scale([300.0]))[0]),
                binned_at_300=float(binned.predict_proba(one_hot_bins([300.0], edges))[0]))
