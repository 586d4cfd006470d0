"""Figures for the generative-models chapter: samples, the GAN's discriminator, the VAE's latent space, diffusion.

Pure draw functions ``draw_xxx(ax, **values)``; each trained model is trained once per session
(``functools.lru_cache``), never at import. English text only; fixed axis limits across frames.

See chapter: chapters/generative.md
"""

from __future__ import annotations

import functools

import numpy as np

BLUE, ORANGE, GREEN, GREY, RED = "#1f77b4", "#ff7f0e", "#2ca02c", "#8c8c8c", "#d62728"
GAN_STEPS = (0, 100, 200, 300, 400, 500)
COLLAPSE_FROM = 200
COLLAPSE_STEPS = (0, 50, 100, 200)
COLLAPSE_LR = 2e-2
SATURATION_D_STEPS = 200
LATENT_VALUES = (-2.0, -1.0, 0.0, 1.0, 2.0)
DIFFUSION_TS = (0, 2, 5, 10, 20, 30, 40, 50)
ELBO_X = 4 / 3
ELBO_MEANS = (-1.0, 0.0, 1.0, 2.0)
ELBO_STDS = (0.25, 0.5, 1.0)
_LIM = 3.0


# -- cached models ----------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def gan_run():
    """The chapter's tiny GAN (default :class:`~mlnotes.generative.gan.GANConfig`), trained once."""
    from mlnotes.generative import train_gan

    return train_gan()


@functools.lru_cache(maxsize=1)
def collapse_thetas() -> dict:
    """θ_G after 0, 50, 100, 200 generator-only steps against the frozen D of step 200."""
    from mlnotes.generative import generator_alone

    return generator_alone(gan_run(), COLLAPSE_FROM, COLLAPSE_STEPS, lr=COLLAPSE_LR)


@functools.lru_cache(maxsize=1)
def vae_model():
    """The chapter's tiny VAE (default :class:`~mlnotes.generative.vae.VAEConfig`), trained once."""
    from mlnotes.generative import train_vae

    return train_vae()


@functools.lru_cache(maxsize=1)
def ddpm_model():
    """The chapter's tiny DDPM (default :class:`~mlnotes.generative.diffusion.DDPMConfig`), trained once."""
    from mlnotes.generative import train_ddpm

    return train_ddpm()


@functools.lru_cache(maxsize=1)
def ddpm_samples() -> dict:
    """{t: x_t (2000, 2)} of one reverse run from x_T ~ N(0, I), for every t of :data:`DIFFUSION_TS`."""
    return ddpm_model().sample(2000, seed=0, keep=DIFFUSION_TS)


@functools.lru_cache(maxsize=1)
def forward_samples() -> dict:
    """{t: x_t (2000, 2)} of q(x_t | x_0) for 2000 training points and one fixed noise draw."""
    import torch

    from mlnotes.generative import q_sample

    model = ddpm_model()
    x0 = torch.from_numpy(model.data[:2000])
    noise = torch.randn(x0.shape, generator=torch.Generator().manual_seed(1))
    return {t: q_sample(x0, t, noise, model.alpha_bar).numpy() for t in DIFFUSION_TS}


@functools.lru_cache(maxsize=1)
def naive_bayes_params():
    """(means (10, 64), variances (10, 64)) of scikit-learn's GaussianNB fitted to the digits in [0, 1]."""
    from sklearn.naive_bayes import GaussianNB

    from mlnotes.generative.data import digits01

    X, y = digits01()
    nb = GaussianNB().fit(X, y)
    return nb.theta_, nb.var_


# -- generative vs discriminative -----------------------------------------------------------------------

def _mosaic(rows, side=8, gap=1) -> np.ndarray:
    """Images (n_rows, n_cols, side²) → one array with white gaps, for a single imshow."""
    n_rows, n_cols = len(rows), len(rows[0])
    out = np.zeros((n_rows * (side + gap) - gap, n_cols * (side + gap) - gap))  # gaps: white once inverted
    for r, row in enumerate(rows):
        for c, img in enumerate(row):
            out[r * (side + gap):r * (side + gap) + side, c * (side + gap):c * (side + gap) + side] = (
                np.clip(np.asarray(img).reshape(side, side), 0, 1))
    return out


def digit_rows():
    """Three rows of ten 8×8 images: real digits 0–9, naive Bayes samples of 0–9, VAE samples from the prior."""
    from mlnotes.generative import sample_class_conditional
    from mlnotes.generative.data import digits01

    X, y = digits01()
    real = [X[np.flatnonzero(y == k)[0]] for k in range(10)]
    means, variances = naive_bayes_params()
    nb = [sample_class_conditional(means, variances, k, 1, seed=k)[0] for k in range(10)]
    z = np.random.default_rng(0).standard_normal((10, vae_model().config.latent))
    return real, nb, list(vae_model().decode(z))


def draw_digit_samples(ax):
    """Real digits, samples of Gaussian naive Bayes (pixels independent given the class), samples of the VAE."""
    real, nb, vae = digit_rows()
    ax.imshow(1 - _mosaic([real, nb, vae]), cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    for r, label in enumerate(("real digits", "naive Bayes p(x|y)", "VAE, z ~ N(0, I)")):
        ax.text(-1.5, r * 9 + 3.5, label, ha="right", va="center", fontsize=9)
    ax.set_xlim(-0.5, 10 * 9 - 1.5)
    ax.set_ylim(3 * 9 - 1.5, -0.5)
    ax.axis("off")


# -- GAN -------------------------------------------------------------------------------------------------

def _grid(n=60):
    g = np.linspace(-_LIM, _LIM, n)
    xx, yy = np.meshgrid(g, g)
    return xx, yy, np.stack([xx.ravel(), yy.ravel()], axis=1)


@functools.lru_cache(maxsize=16)
def d_surface(step):
    """(xx, yy, D(x) on a 60×60 grid over [−3, 3]²) of the discriminator at a snapshot step."""
    xx, yy, pts = _grid()
    return xx, yy, gan_run().d_prob(step, pts).reshape(xx.shape)


@functools.lru_cache(maxsize=16)
def gan_samples(step):
    """1000 generator samples (1000, 2) at a snapshot step (fixed z)."""
    return gan_run().sample(step)


def _draw_gan_panel(ax, theta_d_step, samples, title):
    from mlnotes.generative.data import ring_mixture

    xx, yy, prob = d_surface(theta_d_step)
    ax.contourf(xx, yy, prob, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.55)
    real, _ = ring_mixture(600, seed=99)
    ax.scatter(real[:, 0], real[:, 1], s=4, c="k", alpha=0.5, label="data", linewidths=0)
    shown = np.clip(samples[:600], -_LIM * 0.98, _LIM * 0.98)  # escaped samples are drawn at the border
    ax.scatter(shown[:, 0], shown[:, 1], s=5, c=ORANGE, label="G(z)", linewidths=0)
    ax.set_xlim(-_LIM, _LIM)
    ax.set_ylim(-_LIM, _LIM)
    ax.set_aspect("equal")
    ax.set_title(title, fontsize=10)
    ax.legend(loc="upper right", fontsize=7, markerscale=2, framealpha=0.8)
    ax.set_xticks([])
    ax.set_yticks([])


def gan_coverage(step):
    """:class:`~mlnotes.generative.gan_experiments.Coverage` of 1000 samples at a training step."""
    from mlnotes.generative import mode_coverage
    from mlnotes.generative.data import ring_centers

    c = gan_run().config
    return mode_coverage(gan_samples(step), ring_centers(c.modes, c.radius), c.std)


def draw_gan(ax, step=500):
    """The GAN after a number of steps: D(x) as colour (red = "real"), the data (black) and G's samples (orange)."""
    cov = gan_coverage(step)
    _draw_gan_panel(ax, step, gan_samples(step),
                    f"step {step}: {cov.near:.0%} near a mode, {cov.covered}/8 modes covered")


@functools.lru_cache(maxsize=8)
def collapse_samples(g_steps):
    """1000 samples after ``g_steps`` generator-only steps against the frozen D of step 200."""
    from mlnotes.generative import generator_samples

    return generator_samples(gan_run(), collapse_thetas()[g_steps])


def draw_collapse(ax, g_steps=0):
    """G trained alone against a frozen D (step 200): the samples run to where D is highest and pile up."""
    from mlnotes.generative import mode_coverage
    from mlnotes.generative.data import ring_centers

    s = collapse_samples(g_steps)
    cov = mode_coverage(s, ring_centers(), gan_run().config.std)
    _draw_gan_panel(ax, COLLAPSE_FROM, s, f"{g_steps} G-only steps: spread {s.std(0).mean():.2f}, "
                                          f"{cov.covered}/8 modes covered")


@functools.lru_cache(maxsize=1)
def saturation_result():
    """The saturation experiment of :func:`mlnotes.generative.saturation` on the chapter's GAN."""
    from mlnotes.generative import saturation

    return saturation(gan_run(), d_steps=SATURATION_D_STEPS)


def draw_saturation(ax):
    """|d loss / d logit| of one fake sample against D(G(z)): minimax vanishes as D(G(z)) → 0, non-saturating does not."""
    from mlnotes.generative import generator_logit_grad

    d = np.logspace(-5, np.log10(0.999), 300)
    sat = saturation_result()
    for kind, color in (("minimax", RED), ("non-saturating", BLUE)):
        ax.plot(d, np.abs(generator_logit_grad(d, kind)), color=color, label=f"{kind} (closed form)")
        ax.scatter(sat.d_values[:200], np.abs(sat.logit_grads[kind][:200]), s=6, color=color, alpha=0.5,
                   linewidths=0, label=f"{kind}, autograd at the trained D")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(1e-5, 1)
    ax.set_ylim(1e-6, 3)
    ax.set_xlabel("D(G(z)): the discriminator's belief that the fake is real")
    ax.set_ylabel("|∂ loss / ∂ logit|")
    ax.legend(fontsize=7, loc="lower right")
    ax.set_title("Generator gradient per fake sample", fontsize=10)


# -- VAE --------------------------------------------------------------------------------------------------

def draw_vae_reconstructions(ax):
    """Twelve digits (top) and the VAE's reconstructions σ(f(μ(x))) through its 2-D latent space (bottom)."""
    from mlnotes.generative.data import digits01

    X, _ = digits01()
    picks = X[1500:1512]
    ax.imshow(1 - _mosaic([list(picks), list(vae_model().reconstruct(picks))]), cmap="gray", vmin=0, vmax=1,
              interpolation="nearest")
    ax.text(-1.5, 3.5, "input", ha="right", va="center", fontsize=9)
    ax.text(-1.5, 12.5, "reconstruction", ha="right", va="center", fontsize=9)
    ax.set_xlim(-0.5, 12 * 9 - 1.5)
    ax.set_ylim(2 * 9 - 1.5, -0.5)
    ax.axis("off")


@functools.lru_cache(maxsize=1)
def vae_codes():
    """(μ (1797, 2), labels) of every digit under the trained encoder."""
    from mlnotes.generative.data import digits01

    X, y = digits01()
    return vae_model().encode(X)[0], y


def draw_vae_latent(axes, z1=0.0, z2=0.0):
    """Left: the encoder means μ(x) of all digits, coloured by class, and the chosen z. Right: the decoded image."""
    import matplotlib

    mu, y = vae_codes()
    ax, img_ax = axes
    cmap = matplotlib.colormaps["tab10"]
    ax.scatter(mu[:, 0], mu[:, 1], c=cmap(y), s=4, linewidths=0)
    for k in range(10):
        cx, cy = np.median(mu[y == k], axis=0)
        ax.text(cx, cy, str(k), fontsize=9, weight="bold", ha="center", va="center",
                bbox=dict(boxstyle="circle,pad=0.1", fc="white", ec=cmap(k), alpha=0.85))
    ax.plot([z1], [z2], marker="x", color="k", markersize=12, mew=3)
    ax.set_xlim(-3.2, 3.2)
    ax.set_ylim(-3.2, 3.2)
    ax.set_aspect("equal")
    ax.set_xlabel("z₁")
    ax.set_ylabel("z₂")
    ax.set_title("encoder means μ(x) by digit", fontsize=10)
    img = vae_model().decode(np.array([[z1, z2]]))[0].reshape(8, 8)
    img_ax.imshow(1 - img, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    img_ax.set_title(f"decoder at z = ({z1:g}, {z2:g})", fontsize=10)
    img_ax.set_xticks([])
    img_ax.set_yticks([])


def draw_elbo(axes, q_mean=0.0, q_std=1.0):
    """Left: prior, true posterior p(z|x) and the chosen q(z). Right: log p(x), the ELBO and the gap = KL(q ‖ posterior)."""
    from scipy import stats

    from mlnotes.generative import LinearGaussian, kl_normal

    model = LinearGaussian()
    ax, bar_ax = axes
    z = np.linspace(-3.5, 4, 400)
    m, s = model.posterior(ELBO_X)
    ax.plot(z, stats.norm.pdf(z), color=GREY, ls="--", label="prior p(z)")
    ax.plot(z, stats.norm.pdf(z, m, s), color=BLUE, lw=2, label="posterior p(z|x)")
    ax.plot(z, stats.norm.pdf(z, q_mean, q_std), color=ORANGE, lw=2, label="q(z)")
    ax.set_xlim(-3.5, 4)
    ax.set_ylim(0, 1.7)
    ax.set_xlabel("z")
    ax.legend(fontsize=7, loc="upper left")
    ax.set_title("the encoder's q against the true posterior", fontsize=10)
    log_px, elbo = model.log_evidence(ELBO_X), model.elbo(ELBO_X, q_mean, q_std)
    kl = kl_normal(q_mean, q_std, m, s)
    bar_ax.bar([0, 1], [log_px, elbo], color=[BLUE, ORANGE], width=0.6)
    bar_ax.annotate("", xy=(1, log_px), xytext=(1, elbo), arrowprops=dict(arrowstyle="<->", color=RED))
    bar_ax.text(1.35, (log_px + elbo) / 2, f"gap = KL(q‖p(z|x))\n= {kl:.3f}", color=RED, fontsize=8, va="center")
    bar_ax.axhline(0, color="k", lw=0.5)
    bar_ax.set_xticks([0, 1], ["log p(x)", "ELBO"])
    bar_ax.set_xlim(-0.6, 2.6)
    bar_ax.set_ylim(-12, 1)
    bar_ax.set_title(f"log p(x) = {log_px:.3f}, ELBO = {elbo:.3f}", fontsize=10)


# -- diffusion ------------------------------------------------------------------------------------------

def draw_diffusion(axes, t=50):
    """Left: the forward process q(x_t | x_0) on the data. Right: the trained reverse process at the same t."""
    model = ddpm_model()
    fwd, rev = forward_samples()[t], ddpm_samples()[t]
    ab = float(model.alpha_bar[t])
    for ax, pts, color, title in ((axes[0], fwd, BLUE, f"forward: x_t = √ᾱ x₀ + √(1−ᾱ) ε, ᾱ_t = {ab:.3f}"),
                                  (axes[1], rev, ORANGE, "reverse: sampling from x_T ~ N(0, I)")):
        ax.scatter(pts[:, 0], pts[:, 1], s=2, c=color, linewidths=0, alpha=0.7)
        ax.set_xlim(-_LIM, _LIM)
        ax.set_ylim(-_LIM, _LIM)
        ax.set_aspect("equal")
        ax.set_title(title, fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    axes[0].set_ylabel(f"t = {t} of {model.config.T}")
