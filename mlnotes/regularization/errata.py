r"""Claims of the source notes about regularization that the data contradict, as runnable experiments.

**"MAE + L1 penalty is the lasso", "L1 is more robust to outliers"** (004). The lasso
(Tibshirani, 1996) is the *squared* loss plus an L1 penalty, $\frac1{2n}\lVert y - Xw\rVert^2 + \alpha\lVert w\rVert_1$
(scikit-learn's ``Lasso``). Robustness to outlying targets comes from the *loss*: the absolute
loss (MAE, least absolute deviations) caps each point's pull, the squared loss does not, whatever
the penalty. :func:`outlier_fits` fits one line four ways on data with a few outliers.

**"Underfitting is caused by too few training samples; add samples to fix it"** (001). An
underfitting (high-bias) model has a training error that *rises* with more data, up to
bias² + noise, and a test error that falls to the same floor and stays there; more data closes the
gap of an overfitting model instead. Measured by :func:`mlnotes.regularization.bias_variance.learning_curve`.

See chapter: chapters/regularization.md
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from mlnotes.linear.regression import least_squares
from mlnotes.regularization.l1 import lasso

FIT_NAMES = ("least squares", "lasso (squared loss + L1)", "least absolute deviations (MAE)", "MAE + L1")
LASSO_ALPHA = 0.02


def outlier_data(n_outliers: int, n: int = 40, seed: int = 0):
    """y = 1 + 2x + noise on x ∈ [0, 1]; the ``n_outliers`` points with the largest x get y += 6."""
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(0, 1, n))
    y = 1 + 2 * x + 0.1 * rng.standard_normal(n)
    if n_outliers:
        y[-n_outliers:] += 6.0
    return x, y


@lru_cache(maxsize=None)
def outlier_fits(n_outliers: int) -> dict:
    """(intercept, slope) of each fit in :data:`FIT_NAMES`; the penalised ones use α = 0.02 (scikit-learn's scaling)."""
    from sklearn.linear_model import QuantileRegressor

    x, y = outlier_data(n_outliers)
    X = x[:, None]
    fits = {}
    ols = least_squares(X, y)
    fits[FIT_NAMES[0]] = (float(ols.intercept), float(ols.coef[0]))
    las = lasso(X, y, LASSO_ALPHA)
    fits[FIT_NAMES[1]] = (float(las.intercept), float(las.coef[0]))
    for name, alpha in ((FIT_NAMES[2], 0.0), (FIT_NAMES[3], LASSO_ALPHA)):  # median regression = MAE loss
        q = QuantileRegressor(quantile=0.5, alpha=alpha, solver="highs").fit(X, y)
        fits[name] = (float(q.intercept_), float(q.coef_[0]))
    return fits
