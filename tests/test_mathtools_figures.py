"""The math-toolbox chapter's figures: fixed limits that cut nothing the text talks about, English text, and every
explore() grid renders distinct frames."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from mlnotes.book import figure  # noqa: E402
from mlnotes.explore import explore  # noqa: E402
from mlnotes.figures import mathtools as M  # noqa: E402


def texts(fig):
    return [t.get_text() for ax in fig.axes for t in (ax.title, ax.xaxis.label, ax.yaxis.label, *ax.texts)]


def no_cjk(strings):
    return not any("\u4e00" <= ch <= "\u9fff" for s in strings for ch in s)


def test_variance_bias_bars_fit_in_every_frame():
    for n in M.BIAS_NS:
        fig = Figure()
        ax = fig.subplots()
        M.draw_variance_bias(ax, n)
        tallest = max(p.get_height() for p in ax.patches)
        assert tallest <= ax.get_ylim()[1] and ax.get_xlim() == (0, 4)
        assert no_cjk(texts(fig))


def test_clt_frames_fixed_limits_and_markers():
    for dist in M.CLT_DISTS:
        fig = Figure()
        axes = fig.subplots(1, 2)
        M.draw_clt(axes, dist, 10)
        assert axes[0].get_xlim() == (-4, 4) and axes[1].get_ylim() == (0.01, 5)
        ys = np.concatenate([np.asarray(line.get_ydata(), float) for line in axes[1].lines])
        assert ys.min() >= 0.01 and ys.max() <= 5  # every measured spread is inside the axes


def test_clt_rejects_an_n_off_the_slider():
    import pytest

    fig = Figure()
    with pytest.raises(ValueError, match="n must be one of"):
        M.draw_clt(fig.subplots(1, 2), "uniform", 7)


def test_lln_and_mle_and_bayes_and_coin():
    fig = Figure()
    ax = fig.subplots()
    M.draw_lln(ax, "cauchy")
    assert "no mean" in ax.get_title()
    fig = Figure()
    ax = fig.subplots()
    M.draw_mle_map(ax, 30, "Beta(30, 30)")
    assert ax.get_xlim() == (0, 1) and "heads in n = 30" in ax.get_title()
    fig = Figure()
    ax = fig.subplots()
    M.draw_base_rate(ax, 0.01)
    assert "16.7%" in ax.get_title()
    fig = Figure()
    ax = fig.subplots()
    M.draw_coin_waits(ax, 3)
    assert "= 14" in " ".join(t.get_text() for t in ax.get_legend().get_texts())


def test_newton_frames_show_the_iterates():
    fig = Figure()
    ax = fig.subplots()
    M.draw_newton(ax, "x² − 2 from x₀ = 1", 3)
    assert "x_3 = 1.414215686" in ax.get_title()


def test_taylor_and_fd():
    fig = Figure()
    axes = fig.subplots(1, 2)
    M.draw_taylor(axes, "sin(x)", 8)
    assert axes[1].get_yscale() == "log"
    fig = Figure()
    ax = fig.subplots()
    M.draw_fd_errors(ax)
    assert ax.get_xscale() == "log" and len(ax.lines) == 4


def test_every_explore_grid_renders(monkeypatch):
    monkeypatch.setenv("MLNOTES_EXPLORE", "static")
    grids = [
        (M.draw_variance_bias, dict(n=list(M.BIAS_NS)), {}),
        (M.draw_lln, dict(dist=list(M.CLT_DISTS)), {}),
        (M.draw_clt, dict(dist=["exponential", "cauchy"], n=[1, 100]), dict(ncols=2)),
        (M.draw_mle_map, dict(n=list(M.MLE_NS), prior=list(M.MLE_PRIORS)), {}),
        (M.draw_base_rate, dict(prevalence=list(M.PREVALENCES)), {}),
        (M.draw_coin_waits, dict(n=list(M.COIN_NS)), {}),
        (M.draw_newton, dict(case=list(M.NEWTON_CASES), steps=[0, 3]), {}),
        (M.draw_taylor, dict(func=list(M.TAYLOR_FUNCS), order=[1, 8]), dict(ncols=2)),
    ]
    for draw, grid, kw in grids:
        frames = explore(draw, **kw, **grid).frames()
        assert len(frames) == int(np.prod([len(v) for v in grid.values()]))
        assert len(set(frames)) == len(frames)
    assert figure(M.draw_fd_errors).png.startswith(b"\x89PNG")
