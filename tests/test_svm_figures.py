"""The SVM chapter's figures draw with fixed limits, finite data and English text, and render through explore()."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from mlnotes.explore import explore  # noqa: E402
from mlnotes.figures import svm as F  # noqa: E402
from mlnotes.svm.kernels import rbf_feature_map_1d  # noqa: E402


def titles(fig):
    return " ".join(ax.get_title() for ax in fig.axes)


@pytest.mark.parametrize("draw,ncols,values", [
    (F.draw_soft_margin, 1, dict(data="separable", C=100.0)),
    (F.draw_soft_margin, 1, dict(data="overlapping", C=0.01)),
    (F.draw_kernels, 1, dict(kernel="rbf", gamma=50.0, C=100.0)),
    (F.draw_kernels, 1, dict(kernel="poly", gamma=0.1, C=1.0)),
    (F.draw_outlier, 2, dict(position=-6.0)),
    (F.draw_rbf_terms, 1, dict(n_terms=1)),
    (F.draw_subgradient, 1, dict(schedule="constant", lr=0.3)),
])
def test_frames_render_finite(draw, ncols, values):
    grid = {k: [v] for k, v in values.items()}
    png = explore(draw, ncols=ncols, mode="static", **grid).frame(**values)
    assert png.startswith(b"\x89PNG")


def test_limits_are_fixed_across_frames():
    fig = Figure()
    ax = fig.subplots()
    limits = set()
    for C in F.CS:
        ax.clear()
        F.draw_soft_margin(ax, "overlapping", C)
        limits.add((ax.get_xlim(), ax.get_ylim()))
    assert len(limits) == 1
    assert "support vectors" in ax.get_title() and "margin 2/‖w‖" in ax.get_title()


def test_rbf_terms_stay_inside_the_axes():
    x = np.linspace(-3, 3, 301)
    for n in F.TERMS:
        approx = rbf_feature_map_1d(x, 1.0, n) @ rbf_feature_map_1d(np.array([0.5]), 1.0, n)[0]
        assert -1.5 < approx.min() and approx.max() < 2.5  # the ylim of draw_rbf_terms


def test_outlier_panel_title_reports_alpha_and_angles():
    fig = Figure()
    axes = fig.subplots(1, 2)
    F.draw_outlier(axes, 3.0)
    assert "its α = 0.00" in titles(fig) and "SVM turns 0°" in titles(fig) and "LR turns 0°" not in titles(fig)
    gap_axes = Figure().subplots()
    F.draw_subgradient(gap_axes, "sqrt", 0.03)
    assert gap_axes.get_yscale() == "log"
