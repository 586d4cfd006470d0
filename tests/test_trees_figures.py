"""The trees and ensembles chapters' figures draw with fixed limits, English text, and render through explore()."""

import time

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PathCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from mlnotes.explore import explore  # noqa: E402
from mlnotes.figures import ensembles as E  # noqa: E402
from mlnotes.figures import trees as F  # noqa: E402


def texts(fig):
    return [t.get_text() for ax in fig.axes for t in (ax.title, ax.xaxis.label, ax.yaxis.label, *ax.texts)]


def no_cjk(strings):
    return not any("\u4e00" <= ch <= "\u9fff" for s in strings for ch in s)


def test_draw_impurity_limits_and_curves():
    fig = Figure()
    ax = fig.subplots()
    F.draw_impurity(ax)
    assert ax.get_xlim() == (0, 1) and ax.get_ylim() == (0, 1.05)
    ent, half, g, err = (line.get_ydata() for line in ax.lines)
    assert max(ent) == 1.0 and max(g) == 0.5 and max(err) == 0.5 and np.all(g <= half + 1e-12)
    assert no_cjk(texts(fig))


def test_draw_boundary_panels_and_accuracies():
    fig = Figure()
    axes = fig.subplots(1, 2)
    F.draw_boundary(axes, 8, 1)
    left, right = axes
    assert left.get_xlim() == F.LIMITS[:2] and right.get_ylim() == (0.75, 1.005)
    proba, acc_tr, acc_te, leaves = F.boundary_fit(8, 1)
    assert proba.shape == (150, 150) and acc_tr > acc_te and f"{acc_te:.2f}" in left.get_title()
    # deeper trees fit the training set better; a min leaf size caps the number of leaves
    train = [F.boundary_fit(d, 1)[1] for d in F.DEPTHS]
    assert np.all(np.diff(train) >= 0) and F.boundary_fit(8, 20)[3] <= F.N_TRAIN // 20
    F.draw_boundary(Figure().subplots(), 2, 5)  # a single Axes draws the boundary only
    assert no_cjk(texts(fig))


def data_outside(ax) -> list:
    """Plotted data (lines in data coordinates, scatter points, bars, filled bands) outside the axes' limits."""
    (x0, x1), (y0, y1) = sorted(ax.get_xlim()), sorted(ax.get_ylim())
    inside = lambda xy: (xy[:, 0] >= x0) & (xy[:, 0] <= x1) & (xy[:, 1] >= y0) & (xy[:, 1] <= y1)  # noqa: E731
    bad = []
    for line in ax.lines:
        if line.get_transform() != ax.transData:  # axvline/axhline: drawn in axes coordinates
            continue
        xy = np.column_stack([line.get_xdata(), line.get_ydata()]).astype(float)
        if not inside(xy).all():
            bad.append(f"line {line.get_label()!r}")
    for coll in ax.collections:  # scatter points, or the vertices of a filled band
        pts = (coll.get_offsets() if isinstance(coll, PathCollection)
               else np.vstack([p.vertices for p in coll.get_paths()]))
        if len(pts) and not inside(np.asarray(pts, dtype=float)).all():
            bad.append(f"collection {coll.get_label()!r}")
    for patch in ax.patches:
        top = patch.get_y() + patch.get_height()
        if top > y1 or patch.get_y() < y0:
            bad.append("bar")
    return bad


def test_draw_boosting_and_bias_variance():
    fig = Figure()
    ax = fig.subplots()
    E.draw_boosting(ax, 50, 0.2)
    assert ax.get_xlim() == (1, 200) and ax.get_ylim()[0] == 0
    curves = E.boosting_curves(E.LRS, n_rounds=200)
    assert ax.get_ylim()[1] > max(te.max() for _, te in curves.values())  # the overfitting is seen
    marker = ax.lines[-2]  # the last line is the best-round marker
    assert list(marker.get_xdata()) == [50, 50]
    fig2 = Figure()
    ax2 = fig2.subplots()
    E.draw_bias_variance(ax2)
    assert len(ax2.patches) == 6 and data_outside(ax2) == []
    assert "over 20 fresh training sets" in ax2.get_title()
    assert no_cjk(texts(fig) + texts(fig2))
    with pytest.raises(ValueError, match="learning_rate must be one of"):
        E.draw_boosting(ax, 50, 0.3)
    with pytest.raises(ValueError, match=r"n_rounds must be in \[1, 200\]"):
        E.draw_boosting(ax, 0, 0.2)


def test_explore_grids_render_fast():
    full = explore(F.draw_boundary, ncols=2, max_depth=list(F.DEPTHS), min_samples_leaf=list(F.LEAVES), mode="static")
    assert [len(c.values) for c in full.controls] == [5, 3]  # the suggested grid: 15 frames
    F.draw_boundary(Figure().subplots(1, 2), 1, 1)  # warm the caches
    E.draw_boosting(Figure().subplots(), 10, 0.05)
    boundary = explore(F.draw_boundary, ncols=2, max_depth=[1, 8], min_samples_leaf=[1, 20], mode="static")
    boosting = explore(E.draw_boosting, n_rounds=[10, 200], learning_rate=[0.05, 1.0], mode="static")
    start = time.process_time()  # CPU time: other jobs on a shared machine do not count
    frames = boundary.frames() + boosting.frames()
    per_frame = (time.process_time() - start) / len(frames)
    assert len(frames) == 8 and len(set(frames)) == 8
    assert per_frame < 0.5  # generous: the machine is shared; typically ~0.1 s including PNG encoding


def test_impurity_marker_bias_variance_fits_and_outliers():
    fig = Figure()
    ax = fig.subplots()
    F.draw_impurity(ax, 0.2)
    assert "entropy 0.722" in ax.texts[0].get_text() and "Gini 0.320" in ax.texts[0].get_text()
    with pytest.raises(ValueError, match=r"p_mark must be in \[0, 1\]"):
        F.draw_impurity(ax, 1.5)
    fig2 = Figure()
    axes = fig2.subplots(1, 2)
    E.draw_bias_variance_fits(axes, "boosted stumps")
    assert axes[1].get_xlim() == (-3, 3) and "boosted stumps" in axes[1].get_title()
    assert axes[0].patches[2].get_linewidth() == 1.5  # the chosen model's bar is outlined
    with pytest.raises(ValueError, match="model must be one of"):
        E.draw_bias_variance_fits(axes, "forest")
    fig3 = Figure()
    ax3 = fig3.subplots()
    E.draw_outliers(ax3, "huber", 4)
    assert "huber" in ax3.get_title() and "4 outliers (+6)" in [t.get_text() for t in ax3.get_legend().texts]
    with pytest.raises(ValueError, match="loss must be one of"):
        E.draw_outliers(ax3, "l1", 4)
    assert no_cjk(texts(fig) + texts(fig2) + texts(fig3))


@pytest.mark.parametrize("draw,ncols,grid", [
    (F.draw_impurity, 1, dict(p_mark=F.SHARES)),
    (F.draw_boundary, 2, dict(max_depth=F.DEPTHS, min_samples_leaf=F.LEAVES)),
    (E.draw_boosting, 1, dict(n_rounds=E.ROUNDS, learning_rate=E.LRS)),
    (E.draw_bias_variance_fits, 2, dict(model=E.BV_MODELS)),
    (E.draw_outliers, 1, dict(loss=E.OUTLIER_LOSSES, n_outliers=E.OUTLIER_COUNTS)),
    (F.draw_partitions, 1, dict(target=F.TARGETS, n_categories=F.CATEGORY_COUNTS)),
    (E.draw_multiclass, 4, dict(n_rounds=E.MC_ROUNDS)),
    (E.draw_shap, 2, dict(row=E.SHAP_ROWS)),
    (E.draw_target_stats, 2, dict(encoding=E.ENCODINGS)),
], ids=["impurity", "boundary", "boosting", "bias_variance", "outliers", "partitions", "multiclass", "shap",
        "target_stats"])
def test_no_frame_hides_its_data(draw, ncols, grid):
    """Every frame of every widget keeps all its plotted data inside the axes (the old boosting figure cut the
    test loss off at 0.8, where the text quotes 1.5), and the limits do not move between frames."""
    import itertools

    limits = set()
    for values in itertools.product(*grid.values()):
        fig = Figure()
        axes = fig.subplots(1, ncols)
        draw(axes, **dict(zip(grid, values)))
        for ax in np.atleast_1d(axes):
            assert data_outside(ax) == [], (draw.__name__, values)
        limits.add(tuple(tuple(ax.get_xlim()) + tuple(ax.get_ylim()) for ax in np.atleast_1d(axes)))
    assert len(limits) == 1, f"{draw.__name__}: the axes move between frames"


def test_bias_variance_legend_survives_frame_reuse():
    """explore() reuses one figure and removes the drawn patches, but not the axes' bar containers: a legend
    built from every labelled artist would list bias² and variance twice from the second frame on."""
    from mlnotes.explore import FrameRenderer

    renderer = FrameRenderer(E.draw_bias_variance_fits, ncols=2, figsize=(8.4, 3.2))
    for model in E.BV_MODELS:
        renderer.render({"model": model})
        assert [t.get_text() for t in renderer.axes[0].get_legend().texts] == ["bias²", "variance"]


def test_partitions_figure_marks_the_sorted_splits():
    gains, is_prefix, criterion = F.partition_landscape("regression", 6)
    assert len(gains) == 2 ** 5 - 1 and is_prefix.sum() == 5 and criterion == "squared_error"
    assert np.all(np.diff(gains) <= 0) and is_prefix[0]  # ranked; the best partition is a sorted split
    gains3, prefix3, _ = F.partition_landscape("three classes", 8)
    assert not prefix3[0]  # the frame the chapter quotes: one order misses the best partition
    fig = Figure()
    ax = fig.subplots()
    F.draw_partitions(ax, "three classes", 8)
    assert "rank" in ax.texts[0].get_text() and "misses" in ax.texts[0].get_text()
    assert ax.get_xscale() == "log" and no_cjk(texts(fig))
    with pytest.raises(ValueError, match="target must be one of"):
        F.draw_partitions(ax, "four classes", 6)


def test_cost_figure_fits_power_laws():
    fig = Figure()
    axes = fig.subplots(1, 2)
    n = np.array([100, 200, 400, 800])
    F.draw_cost(axes, n, 1e-6 * n ** 1.5, np.array([1, 2, 4, 8]), 1e-3 * np.array([1, 2, 4, 8]))
    legends = [ax.get_legend().texts[0].get_text() for ax in axes]
    assert "n^1.50" in legends[0] and "d^1.00" in legends[1]
    assert all(data_outside(ax) == [] for ax in axes) and no_cjk(texts(fig))
