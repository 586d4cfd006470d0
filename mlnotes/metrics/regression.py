r"""Regression metrics (回归指标): MAE, MSE, RMSE, R² and MAPE, equal to ``sklearn.metrics``.

For targets $y_i$, predictions $\hat y_i$ and weights $w_i$ (1 by default), with
$\langle a \rangle = \sum_i w_i a_i / \sum_i w_i$ the weighted mean:
$$\mathrm{MAE} = \langle |y - \hat y| \rangle,\qquad \mathrm{MSE} = \langle (y - \hat y)^2 \rangle,\qquad
\mathrm{RMSE} = \sqrt{\mathrm{MSE}},$$
$$R^2 = 1 - \frac{\sum_i w_i (y_i - \hat y_i)^2}{\sum_i w_i (y_i - \bar y)^2}\ \ (\bar y = \langle y \rangle),\qquad
\mathrm{MAPE} = \Big\langle \frac{|y - \hat y|}{\max(|y|, \epsilon)} \Big\rangle .$$
MAE is in the units of $y$ and is minimized by the median; MSE is in squared units, RMSE back in
the units of $y$, both minimized by the mean, so one large error moves them far more than MAE.
$R^2$ compares with always predicting the mean: 1 is perfect, 0 is as good as the mean, and
it is negative for a model worse than the mean (it is not a square). MAPE is a fraction
(0.1 = 10 %, not 10), with $\epsilon$ = float64's machine epsilon as in sklearn, so a target of
exactly 0 gives an enormous, finite error.

Several outputs (``y`` of shape (n, m)): each metric is computed per column; ``multioutput``
``"raw_values"`` returns the m values, ``"uniform_average"`` their mean (RMSE: the mean of the
per-column RMSEs, as sklearn), ``"variance_weighted"`` (R² only) weighs each column by its
variance, or an (m,) array of weights. R² of a constant target: 1.0 if predicted exactly, else
0.0 (sklearn's ``force_finite=True``); fewer than two samples raise ``ValueError`` (sklearn warns
and returns NaN).

Dtypes: floating inputs keep their dtype (float32 in, float32 arithmetic, as sklearn); integer
and boolean ones become float64. Results are Python floats, or arrays for ``"raw_values"``.

See chapter: chapters/metrics_ranking.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_same_shape
from mlnotes.metrics._targets import check_sample_weight, total_weight
from mlnotes.metrics._validate import check_scores

MULTIOUTPUT = ("raw_values", "uniform_average")


def _check(y_true, y_pred, sample_weight, multioutput, extra=()) -> tuple:
    """(n,) or (n, m) targets and predictions as (n, m) in a common float dtype, weights, the multioutput."""
    t = check_scores("y_true", y_true, ndim=(1, 2))
    p = check_scores("y_pred", y_pred, ndim=(1, 2))
    check_same_shape("y_true", t, "y_pred", p)
    if t.shape[0] == 0 or (t.ndim == 2 and t.shape[1] == 0):
        raise ValueError(f"y_true must not be empty, got shape {t.shape}")
    dtype = np.result_type(t.dtype if t.dtype.kind == "f" else np.float64,
                           p.dtype if p.dtype.kind == "f" else np.float64)
    t, p = t.astype(dtype).reshape(len(t), -1), p.astype(dtype).reshape(len(p), -1)  # (n, m)
    w = check_sample_weight(sample_weight, len(t))
    if w is not None:
        total_weight(w, len(t))
    if isinstance(multioutput, str):
        if multioutput not in MULTIOUTPUT + tuple(extra):
            names = ", ".join(repr(m) for m in MULTIOUTPUT + tuple(extra))
            raise ValueError(f"multioutput must be one of {names} or an array of output weights, got {multioutput!r}")
    else:
        multioutput = check_scores("multioutput", multioutput, ndim=1).astype(np.float64)
        if len(multioutput) != t.shape[1]:
            raise ValueError(f"multioutput must have one weight per output ({t.shape[1]}), got {len(multioutput)}")
    return t, p, w, multioutput


def _mean(a: np.ndarray, w) -> np.ndarray:
    """Weighted mean over samples of each column: (n, m) -> (m,)."""
    return np.average(a, axis=0, weights=w)


def _reduce(per_output: np.ndarray, multioutput):
    """The per-output values, their mean, or their weighted mean."""
    if isinstance(multioutput, str) and multioutput == "raw_values":
        return per_output
    weights = None if isinstance(multioutput, str) else multioutput
    return float(np.average(per_output, weights=weights))


def mae(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average"):
    """Mean absolute error ⟨|y − ŷ|⟩: (n,) or (n, m) -> float (or (m,)). = ``mean_absolute_error``.

    See chapter: chapters/metrics_ranking.md
    """
    t, p, w, multioutput = _check(y_true, y_pred, sample_weight, multioutput)
    return _reduce(_mean(np.abs(p - t), w), multioutput)


def mse(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average"):
    """Mean squared error ⟨(y − ŷ)²⟩: (n,) or (n, m) -> float (or (m,)). = ``mean_squared_error``.

    See chapter: chapters/metrics_ranking.md
    """
    t, p, w, multioutput = _check(y_true, y_pred, sample_weight, multioutput)
    return _reduce(_mean((t - p) ** 2, w), multioutput)


def rmse(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average"):
    """Root mean squared error √MSE per output: (n,) or (n, m) -> float (or (m,)). = ``root_mean_squared_error``.

    See chapter: chapters/metrics_ranking.md
    """
    t, p, w, multioutput = _check(y_true, y_pred, sample_weight, multioutput)
    return _reduce(np.sqrt(_mean((t - p) ** 2, w)), multioutput)


def mape(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average"):
    """Mean absolute percentage error ⟨|y − ŷ| / max(|y|, eps)⟩ as a fraction: -> float (or (m,)).

    = ``mean_absolute_percentage_error``. See chapter: chapters/metrics_ranking.md
    """
    t, p, w, multioutput = _check(y_true, y_pred, sample_weight, multioutput)
    eps = float(np.finfo(np.float64).eps)  # sklearn's floor for |y| (a Python float: float32 stays float32)
    return _reduce(_mean(np.abs(p - t) / np.maximum(np.abs(t), eps), w), multioutput)


def r2(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average"):
    """Coefficient of determination 1 − SS_res / SS_tot per output: (n,) or (n, m) -> float (or (m,)).

    = ``r2_score`` (with its default ``force_finite=True``). Needs at least 2 samples.
    See chapter: chapters/metrics_ranking.md
    """
    t, p, w, multioutput = _check(y_true, y_pred, sample_weight, multioutput, extra=("variance_weighted",))
    if len(t) < 2:
        raise ValueError("R² needs at least 2 samples: with one, the variance of y_true is 0/0")
    ss_res, ss_tot = _r2_sums(t, p, w)  # (m,) each
    scores = _r2_from_sums(ss_res, ss_tot)  # (m,)
    if isinstance(multioutput, str) and multioutput == "variance_weighted":
        if not np.any(ss_tot):  # every column constant: sklearn takes the plain mean
            return float(np.mean(scores))
        return float(np.average(scores, weights=ss_tot))
    return _reduce(scores, multioutput)


def _r2_sums(t: np.ndarray, p: np.ndarray, w) -> tuple:
    """Σ w (y − ŷ)² and Σ w (y − ȳ)² of each column: (n, m), (n, m) -> (m,), (m,)."""
    weights = np.ones((len(t), 1), dtype=t.dtype) if w is None else w.astype(t.dtype)[:, None]  # (n, 1)
    ss_res = np.sum(weights * (t - p) ** 2, axis=0)  # (m,) residual sum of squares
    y_bar = np.average(t, axis=0, weights=weights[:, 0])  # (m,) weighted mean
    ss_tot = np.sum(weights * (t - y_bar) ** 2, axis=0)  # (m,) total sum of squares
    return ss_res, ss_tot


def _r2_from_sums(ss_res: np.ndarray, ss_tot: np.ndarray) -> np.ndarray:
    """1 − SS_res / SS_tot; a constant column scores 1.0 if predicted exactly, else 0.0 (force_finite)."""
    scores = np.ones_like(ss_res)  # (m,) constant and exact: 1.0
    ok = ss_tot != 0
    scores[ok] = 1 - ss_res[ok] / ss_tot[ok]
    scores[(ss_res != 0) & ~ok] = 0.0  # constant target, imperfect prediction
    return scores
