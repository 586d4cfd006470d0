"""The unsupervised chapter's figures render through explore() with finite data and fixed limits."""

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from mlnotes.explore import explore  # noqa: E402
from mlnotes.figures import unsupervised as F  # noqa: E402


@pytest.mark.parametrize("draw,ncols,values", [
    (F.draw_kmeans_steps, 1, dict(init="random", step=0)),
    (F.draw_kmeans_steps, 1, dict(init="k-means++", step=10)),
    (F.draw_choose_k, 3, dict(k=2)),
    (F.draw_dbscan, 1, dict(eps=0.1, min_samples=10)),
    (F.draw_zoo, 3, dict(data="unequal")),
    (F.draw_notes_quantization, 2, dict(version="notes, float", first_centres="two equal grey levels")),
    (F.draw_notes_quantization, 2, dict(version="notes, uint8", first_centres="8 distinct grey levels")),
    (F.draw_svd_erratum, 2, dict(method=F.SVD_METHODS[0])),
    (F.draw_low_rank, 2, dict(rank=1)),
    (F.draw_pca_digits, 2, dict(n_components=64)),
    (F.draw_em, 2, dict(step=50)),
])
def test_frames_render_finite(draw, ncols, values):
    grid = {k: [v] for k, v in values.items()}
    png = explore(draw, ncols=ncols, mode="static", **grid).frame(**values)
    assert png.startswith(b"\x89PNG")


def test_kmeans_steps_keep_their_limits():
    fig = Figure()
    ax = fig.subplots()
    seen = set()
    for step in F.STEPS:
        ax.clear()
        F.draw_kmeans_steps(ax, "random", step)
        seen.add((ax.get_xlim(), ax.get_ylim()))
    assert len(seen) == 1 and "converged" in ax.get_title()


def test_em_panel_shows_every_iteration_gap():
    fig = Figure()
    axes = fig.subplots(1, 2)
    F.draw_em(axes, 0)
    line = axes[1].lines[0]
    assert axes[1].get_yscale() == "log" and len(line.get_xdata()) >= 40
    lo, hi = axes[1].get_ylim()
    assert lo < line.get_ydata().min() and line.get_ydata().max() < hi
