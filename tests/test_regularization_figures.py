"""Every figure of the Regularization chapter renders finite, deterministic frames; claims the captions rely on."""

import numpy as np
import pytest

from mlnotes.explore import FrameRenderer
from mlnotes.figures import regularization as figs
from mlnotes.regularization import errata
from mlnotes.regularization import experiments as ex

FIGURES = [
    (figs.draw_penalty, dict(ncols=2, figsize=(8.4, 3.2)),
     [dict(penalty=p, budget=b) for p in ex.PENALTIES for b in (0.8, 0.2)]),
    (figs.draw_priors, dict(figsize=(6.4, 3)), [dict(xbar=x) for x in (0.0, 1.0)]),
    (figs.draw_l1_solvers, dict(figsize=(6.4, 2.8)), [dict(method=m) for m in figs.L1_SOLVERS]),
    (figs.draw_training, dict(figsize=(6.4, 2.8)), [dict(p=0.0), dict(p=0.5)]),
    (figs.draw_bias_variance, dict(ncols=2, figsize=(8, 2.8)), [dict(degree=15, noise=0.5, n=20),
                                                               dict(degree=1, noise=0.2, n=100)]),
    (figs.draw_learning_curves, dict(figsize=(6.4, 3)), [dict(degree=d) for d in figs.LC_DEGREES]),
    (figs.draw_outliers, dict(figsize=(6.4, 3)), [dict(n_outliers=k) for k in figs.OUTLIER_COUNTS]),
]


@pytest.mark.parametrize("draw,figure_kw,frames", FIGURES, ids=[f[0].__name__ for f in FIGURES])
def test_figures_render_finite_frames(draw, figure_kw, frames):
    renderer = FrameRenderer(draw, **figure_kw)
    pngs = [renderer.render(values) for values in frames]
    assert all(png.startswith(b"\x89PNG") for png in pngs)
    assert renderer.render(frames[0]) == pngs[0]


def test_lasso_budgets_give_zeros_ridge_none():
    for b in ex.BUDGETS:
        assert np.all(ex.at_budget(ex.PENALTIES[1], b)[1] != 0)
    assert np.sum(ex.at_budget(ex.PENALTIES[0], 0.2)[1] == 0) >= 5
    assert ex.at_budget(ex.PENALTIES[0], 0.5, ex.toy_path)[1][1] == 0  # the toy's w₂ sits on the diamond's corner
    for pen in ex.PENALTIES:  # every budget of the slider is reached by the path
        for b in ex.BUDGETS:
            k, _ = ex.at_budget(pen, b)
            assert abs(ex.diabetes_path(pen)[2][k] - b) < 0.05


def test_the_diabetes_path_fits_the_panel():
    for pen in ex.PENALTIES:
        assert np.abs(ex.diabetes_path(pen)[1]).max() < 42


def test_outliers_move_the_lasso_not_the_lad_fit():
    clean, dirty = errata.outlier_fits(0), errata.outlier_fits(4)
    for name in errata.FIT_NAMES:
        assert abs(clean[name][1] - 2) < 0.3
    assert abs(dirty["lasso (squared loss + L1)"][1] - 2) > 2
    assert abs(dirty["least absolute deviations (MAE)"][1] - 2) < 0.2
