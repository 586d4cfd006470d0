"""The generative chapter's figures: fixed limits, English text, and every explore() grid renders."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from mlnotes.book import figure  # noqa: E402
from mlnotes.explore import explore  # noqa: E402
from mlnotes.figures import generative as G  # noqa: E402


def texts(fig):
    return [t.get_text() for ax in fig.axes for t in (ax.title, ax.xaxis.label, ax.yaxis.label, *ax.texts)]


def no_cjk(strings):
    return not any("\u4e00" <= ch <= "\u9fff" for s in strings for ch in s)


def test_gan_frames_share_limits_and_report_coverage():
    for step in (0, 500):
        fig = Figure()
        ax = fig.subplots()
        G.draw_gan(ax, step)
        assert ax.get_xlim() == (-3.0, 3.0) and ax.get_ylim() == (-3.0, 3.0)
        assert f"step {step}" in ax.get_title() and "modes covered" in ax.get_title()
        assert no_cjk(texts(fig))


def test_collapse_frames_draw_escaped_samples_on_the_border():
    fig = Figure()
    ax = fig.subplots()
    G.draw_collapse(ax, 200)
    offsets = np.concatenate([c.get_offsets() for c in ax.collections if hasattr(c, "get_offsets")])
    assert np.all(np.abs(offsets) <= 3.0)
    assert "1/8 modes covered" in ax.get_title()


def test_saturation_axes_show_both_regimes():
    fig = Figure()
    ax = fig.subplots()
    G.draw_saturation(ax)
    assert ax.get_xscale() == "log" and ax.get_xlim() == (1e-5, 1)
    lo, hi = ax.get_ylim()
    ys = np.concatenate([line.get_ydata() for line in ax.lines])
    assert lo <= ys.min() and ys.max() <= hi  # no curve clipped


def test_latent_frames_fixed_limits_and_decoded_image():
    fig = Figure()
    axes = fig.subplots(1, 2)
    G.draw_vae_latent(axes, 2.0, -2.0)
    assert axes[0].get_xlim() == (-3.2, 3.2) and axes[0].get_ylim() == (-3.2, 3.2)
    assert axes[1].images[0].get_array().shape == (8, 8)
    assert "(2, -2)" in axes[1].get_title()


def test_elbo_bars_stay_inside_the_axes():
    from mlnotes.generative import LinearGaussian

    lg = LinearGaussian()
    lowest = min(lg.elbo(G.ELBO_X, m, s) for m in G.ELBO_MEANS for s in G.ELBO_STDS)
    fig = Figure()
    axes = fig.subplots(1, 2)
    G.draw_elbo(axes, -1.0, 0.25)
    assert axes[1].get_ylim()[0] <= lowest  # the worst ELBO of the grid is not cut off


def test_diffusion_frames():
    fig = Figure()
    axes = fig.subplots(1, 2)
    G.draw_diffusion(axes, 0)
    assert all(ax.get_xlim() == (-3.0, 3.0) for ax in axes)
    assert "t = 0 of 50" in axes[0].get_ylabel()


def test_every_explore_grid_renders_and_static_figures_render(monkeypatch):
    monkeypatch.setenv("MLNOTES_EXPLORE", "static")
    grids = [
        (G.draw_gan, dict(step=list(G.GAN_STEPS)), {}),
        (G.draw_collapse, dict(g_steps=list(G.COLLAPSE_STEPS)), {}),
        (G.draw_vae_latent, dict(z1=[-2.0, 2.0], z2=[0.0]), dict(ncols=2)),
        (G.draw_elbo, dict(q_mean=list(G.ELBO_MEANS), q_std=list(G.ELBO_STDS)), dict(ncols=2)),
        (G.draw_diffusion, dict(t=list(G.DIFFUSION_TS)), dict(ncols=2)),
    ]
    for draw, grid, kw in grids:
        frames = explore(draw, **kw, **grid).frames()
        assert len(frames) == int(np.prod([len(v) for v in grid.values()]))
        assert len(set(frames)) == len(frames)  # every setting looks different
    for draw in (G.draw_digit_samples, G.draw_vae_reconstructions, G.draw_saturation):
        assert figure(draw, figsize=(6, 2)).png.startswith(b"\x89PNG")
