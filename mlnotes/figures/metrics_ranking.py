"""Figures of the Regression & ranking metrics chapter: pure ``draw(ax, ...)`` functions for explore() widgets.

See chapter: chapters/metrics_ranking.md
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from mlnotes.metrics import hit_rate_at_k, mae, mrr, ndcg_at_k, precision_at_k, recall_at_k, rmse

MEAN_C, MEDIAN_C, GREY, DOT = "#c0392b", "#1f5f8b", "#999999", "#555555"
OUTLIERS = (0.0, 5.0, 10.0, 20.0, 40.0)
N_TARGETS = 20
C_GRID = np.linspace(-2.0, 4.0, 241)


@lru_cache(maxsize=1)
def _residual_base() -> np.ndarray:
    """19 standard-normal targets (seed 0): the data the outlier is added to."""
    return np.random.default_rng(0).standard_normal(N_TARGETS - 1)


def outlier_targets(outlier) -> np.ndarray:
    """19 standard-normal targets and one more at ``outlier``: -> (20,) float64.

    See chapter: chapters/metrics_ranking.md
    """
    return np.r_[_residual_base(), float(outlier)]


def _constant_losses(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """MAE and RMSE of predicting the constant c for every c of C_GRID: -> (C,), (C,)."""
    err = y[None, :] - C_GRID[:, None]  # (C, n)
    return np.mean(np.abs(err), axis=1), np.sqrt(np.mean(err**2, axis=1))


def draw_outlier(axes, outlier=0.0):
    """Left: MAE and RMSE of a constant prediction c, each divided by its minimum, for 19 normal targets and
    one outlier; MAE is smallest at the median, RMSE at the mean. Right: the MAE of the median and the RMSE of
    the mean (each metric's best constant) against the value of the outlier."""
    loss_ax, grow_ax = axes
    y = outlier_targets(outlier)
    m_abs, m_sq = _constant_losses(y)
    loss_ax.plot(C_GRID, m_abs / m_abs.min(), color=MEDIAN_C, lw=1.5, label="MAE(c) / min")
    loss_ax.plot(C_GRID, m_sq / m_sq.min(), color=MEAN_C, lw=1.5, label="RMSE(c) / min")
    loss_ax.axvline(np.median(y), color=MEDIAN_C, ls="--", lw=1, label=f"median {np.median(y):.2f}")
    loss_ax.axvline(np.mean(y), color=MEAN_C, ls="--", lw=1, label=f"mean {np.mean(y):.2f}")
    loss_ax.plot(y[:-1], np.full(N_TARGETS - 1, 1.02), "|", color=DOT, ms=8)
    loss_ax.set(xlim=(C_GRID[0], C_GRID[-1]), ylim=(1.0, 2.6), xlabel="constant prediction c",
                ylabel="loss / its minimum", title=f"19 targets ~ N(0, 1) and one at {outlier:g}")
    loss_ax.legend(loc="upper left", fontsize=7, frameon=False)
    sizes = np.array(OUTLIERS)
    rows = [outlier_targets(o) for o in sizes]
    for fn, name, center, color in ((mae, "MAE of the median", np.median, MEDIAN_C),
                                    (rmse, "RMSE of the mean", np.mean, MEAN_C)):
        grow_ax.plot(sizes, [fn(r, np.full(N_TARGETS, center(r))) for r in rows], color=color, lw=1.3, label=name)
        grow_ax.plot([outlier], [fn(y, np.full(N_TARGETS, center(y)))], "o", color=color, ms=6)
    grow_ax.set(xlim=(-1, 41), ylim=(0, 10), xlabel="outlier value", ylabel="error",
                title="the best constant's error as the outlier grows")
    grow_ax.legend(loc="upper left", fontsize=7, frameon=False)
    for ax in axes:
        ax.title.set_fontsize(9)


POSITIONS = tuple(range(1, 11))
RANK_METRICS = ("hit rate@5", "MRR", "precision@5", "recall@5", "NDCG@5", "NDCG@10")


def position_metrics(position) -> dict:
    """Each metric of RANK_METRICS for one query of 10 documents whose one relevant document is at ``position``.

    See chapter: chapters/metrics_ranking.md
    """
    ranked, relevant = [list(range(1, 11))], [{int(position)}]
    grades = np.zeros((1, 10))
    grades[0, int(position) - 1] = 1.0
    scores = -np.arange(10.0)[None, :]  # (1, 10) the list order
    return dict(zip(RANK_METRICS, (hit_rate_at_k(ranked, relevant, 5), mrr(ranked, relevant),
                                   precision_at_k(ranked, relevant, 5), recall_at_k(ranked, relevant, 5),
                                   ndcg_at_k(grades, scores, 5), ndcg_at_k(grades, scores, 10))))


def draw_position(ax, position=1):
    """Hit rate@5, MRR, precision@5, recall@5, NDCG@5 and NDCG@10 of one query whose single relevant document
    sits at the chosen position of a list of 10."""
    values = position_metrics(position)
    bars = ax.bar(range(len(values)), list(values.values()), color=[MEDIAN_C] * 4 + [MEAN_C] * 2)
    ax.bar_label(bars, fmt="%.3f", fontsize=7, padding=1)
    ax.set(xticks=range(len(values)), xticklabels=list(values), ylim=(0, 1.15), ylabel="score",
           title=f"the one relevant document at position {position} of 10")
    ax.title.set_fontsize(9)
    ax.tick_params(axis="x", labelsize=8)
