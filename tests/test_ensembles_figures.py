"""The ensembles chapter's new figures (K-class GBDT, SHAP, target statistics, prediction shift): what they draw,
the values in their titles, bad arguments, and English text only."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from mlnotes.figures import ensembles as E  # noqa: E402
from mlnotes.trees import multiclass_log_loss  # noqa: E402
from mlnotes.trees.toy import blobs3  # noqa: E402


def texts(fig):
    return [t.get_text() for ax in fig.axes for t in (ax.title, ax.xaxis.label, ax.yaxis.label, *ax.texts)]


def no_cjk(strings):
    return not any("\u4e00" <= ch <= "\u9fff" for s in strings for ch in s)


def test_multiclass_figure_shows_three_scores_and_the_losses():
    model, scores, losses = E.multiclass_fit()
    assert set(scores) == set(E.MC_ROUNDS) and scores[10].shape == (E.MC_GRID, E.MC_GRID, 3)
    Xtr, ytr, Xte, yte = blobs3()
    np.testing.assert_allclose(losses[1, 9], multiclass_log_loss(yte, list(model.staged_raw(Xte))[9]), rtol=1e-12)
    fig = Figure()
    axes = fig.subplots(1, 4)
    E.draw_multiclass(axes, 10)
    assert [ax.get_title() for ax in axes[:3]] == [f"F_{k}(x): class {k}'s score" for k in range(3)]
    assert "30 trees" in axes[3].get_title() and f"{losses[1, 9]:.3f}" in axes[3].get_title()
    assert no_cjk(texts(fig))
    with pytest.raises(ValueError, match="n_rounds must be one of"):
        E.draw_multiclass(axes, 7)


def test_shap_figure_waterfall_ends_at_the_prediction():
    res = E.shap_diabetes()
    fig = Figure()
    left, right = fig.subplots(1, 2)
    E.draw_shap((left, right), 2)
    bars = left.patches  # the waterfall: from E[f], each bar starts where the previous ended
    ends = [b.get_x() + b.get_width() for b in bars]
    np.testing.assert_allclose(bars[0].get_x(), res["expected"], rtol=1e-12)
    np.testing.assert_allclose(ends[-1], res["pred"][2], rtol=1e-12)
    np.testing.assert_allclose([b.get_x() for b in bars[1:]], ends[:-1], rtol=1e-12)
    shares = [b.get_width() for b in right.patches[:10]]
    np.testing.assert_allclose(sum(shares), 1.0, rtol=1e-12)  # mean |SHAP| shares sum to 1
    lo, hi = left.get_xlim()
    assert lo <= min(min(ends), res["expected"]) and hi >= max(max(ends), res["expected"])
    assert no_cjk(texts(fig))
    with pytest.raises(ValueError, match="row must be a test-row index"):
        E.draw_shap((left, right), 1000)


def test_target_stats_and_shift_figures():
    fig = Figure()
    axes = fig.subplots(1, 2)
    E.draw_target_stats(axes, "greedy")
    assert "greedy" in axes[0].get_title() and len(axes[1].patches) == 8
    assert axes[1].patches[0].get_edgecolor()[:3] == (0.0, 0.0, 0.0)  # the chosen encoding is outlined
    with pytest.raises(ValueError, match="encoding must be one of"):
        E.draw_target_stats(axes, "one-hot")
    fig2 = Figure()
    ax = fig2.subplots()
    E.draw_shift(ax)
    labels = [t.get_text() for t in ax.get_legend().texts]
    assert labels[:2] == ["plain: residuals the trees fit", "plain: test MSE"] and "noise variance" in labels
    top = max(float(line.get_ydata().max()) for line in ax.lines if line.get_transform() == ax.transData)
    assert ax.get_ylim()[1] >= top and ax.get_ylim()[0] == 0
    assert no_cjk(texts(fig) + texts(fig2))
