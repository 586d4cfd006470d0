"""The chapter's figures draw what their captions say (bars, lines, limits) on small inputs."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from mlnotes.figures import rag_training as figs  # noqa: E402


def _axes(n=1):
    fig = Figure(figsize=(6, 3))
    return fig.subplots(1, n) if n > 1 else fig.add_subplot()


def test_temperature_bars_sum_to_one_and_flatten_with_tau():
    scores = np.array([0.5, 0.7, 0.2, 0.6])
    for tau in figs.TEMPERATURES:
        ax = _axes()
        figs.draw_temperature(ax, scores=scores, positive=3, temperature=tau)
        heights = [p.get_height() for p in ax.patches]
        np.testing.assert_allclose(sum(heights), 1.0)
        assert ax.get_ylim() == (-0.2, 1.0) and f"τ = {tau:g}" in ax.get_title(loc="left")
    sharp, flat = figs.softmax(scores, 0.01), figs.softmax(scores, 1.0)
    assert sharp.max() > flat.max() and np.isclose(flat.sum(), 1)


def test_pq_toy_error_falls_and_wastes_cells():
    mse = [figs.pq_toy(k)[3] for k in figs.PQ_KS]
    assert all(a > b for a, b in zip(mse, mse[1:]))
    X, Xhat, grid, _, used = figs.pq_toy(8)
    assert len(grid) == 64 and used < 64 and len(np.unique(Xhat, axis=0)) == used
    ax = _axes()
    figs.draw_pq_toy(ax, k=4)
    assert "16 cells" in ax.get_title(loc="left")


def test_maxsim_curves_and_figure():
    c = figs.toy_curves()
    assert np.ptp(c["maxsim_rel"]) < 1e-12 and c["pooled_rel"][0] > c["pooled_rel"][-1]
    axes = _axes(2)
    figs.draw_maxsim(axes, n_filler=20)
    assert len(axes[1].lines) == 5 and axes[1].get_ylim() == (0, 1.05)


def test_training_recall_and_positions_figures():
    history = [{"epoch": e, "val": 0.5 + 0.01 * e, "train": 0.5 + 0.02 * e} for e in range(4)]
    axes = _axes(2)
    figs.draw_training(axes, histories={"a": (history, 2)}, frozen={"val": 0.5, "train": 0.5})
    assert len(axes[0].lines) == 3  # curve, best-epoch ring, frozen line
    ax = _axes()
    rows = [{"M": m, "nbits": 8, "bytes": m, "recall": r} for m, r in ((2, 0.5), (8, 0.7))]
    figs.draw_recall_bytes(ax, rows=rows, flat_bytes=1536)
    assert ax.get_xscale() == "log" and "1536" in ax.get_title(loc="left")
    ax = _axes()
    figs.draw_positions(ax, positions={"rank order": [1, 1, 5], "edge order": [1, 1, 10]}, n=10)
    assert len(ax.patches) >= 20
