"""Figures for the math-toolbox chapter: estimator bias, the CLT and LLN, MLE vs MAP, Bayes' rule, coin flips,
Newton's method, Taylor polynomials and finite-difference errors.

Pure draw functions ``draw_xxx(ax, **values)``; simulations are cached per setting (``functools.lru_cache``),
never run at import. English text only; fixed axis limits across frames.

See chapter: chapters/mathtools.md
"""

from __future__ import annotations

import functools
import math

import numpy as np

BLUE, ORANGE, GREEN, GREY, RED, PURPLE = "#1f77b4", "#ff7f0e", "#2ca02c", "#8c8c8c", "#d62728", "#9467bd"
BIAS_NS = (2, 3, 5, 10, 30)
CLT_NS = (1, 2, 10, 100)
CLT_REPS = 10_000
LLN_PATHS = 5
COIN_FLIPS = 2_000_000
CLT_DISTS = ("uniform", "exponential", "bernoulli(0.1)", "cauchy")
MLE_NS = (5, 30, 300)
MLE_PRIORS = ("flat Beta(1, 1)", "Beta(5, 5)", "Beta(30, 30)")
_PRIOR_AB = {"flat Beta(1, 1)": (1.0, 1.0), "Beta(5, 5)": (5.0, 5.0), "Beta(30, 30)": (30.0, 30.0)}
MLE_TRUE_P = 0.3
PREVALENCES = (0.001, 0.01, 0.05, 0.2, 0.5)
SENSITIVITY, SPECIFICITY = 0.99, 0.95
BAYES_PEOPLE = 1000
COIN_NS = (1, 2, 3, 4, 5, 6, 7, 8)
NEWTON_CASES = {  # name -> (f, f', x0, x-limits, y-limits)
    "x² − 2 from x₀ = 1": (lambda x: x * x - 2, lambda x: 2 * x, 1.0, (-0.5, 3.0), (-3.0, 7.0)),
    "x² − 2 from x₀ = −3": (lambda x: x * x - 2, lambda x: 2 * x, -3.0, (-3.5, 0.5), (-3.0, 10.0)),
    "x³ − 2x + 2 from x₀ = 0 (cycle)": (lambda x: x**3 - 2 * x + 2, lambda x: 3 * x * x - 2, 0.0, (-2.2, 1.5),
                                        (-3.0, 5.0)),
    "arctan x from x₀ = 1.5 (diverges)": (math.atan, lambda x: 1 / (1 + x * x), 1.5, (-6.0, 6.0), (-1.6, 1.6)),
}
NEWTON_STEPS = (0, 1, 2, 3)
TAYLOR_FUNCS = ("exp(x)", "sin(x)", "log(1 + x)")
TAYLOR_ORDERS = (1, 2, 4, 8)


# -- estimator bias --------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=16)
def variance_estimates(n, reps=20_000, seed=0):
    """(s² with ddof 0, s² with ddof 1) for ``reps`` standard-normal samples of size n: two (reps,) arrays."""
    from mlnotes.mathtools import var

    X = np.random.default_rng(seed).standard_normal((reps, n))
    return var(X, ddof=0, axis=1), var(X, ddof=1, axis=1)


_BIAS_BINS = np.linspace(0, 4, 61)


@functools.lru_cache(maxsize=1)
def bias_ylim() -> float:
    """The tallest histogram bar over every n of the slider, plus 10%: one y-limit that cuts no frame."""
    top = 0.0
    for n in BIAS_NS:
        for v in variance_estimates(n):
            top = max(top, np.histogram(v, bins=_BIAS_BINS, density=True)[0].max())
    return 1.1 * top


def draw_variance_bias(ax, n=5):
    """Histograms of the two variance estimates over many samples of size n from N(0, 1), with their averages."""
    v0, v1 = variance_estimates(n)
    bins = _BIAS_BINS
    ax.hist(v0, bins=bins, color=ORANGE, alpha=0.5, density=True, label="ddof = 0 (divide by n)")
    ax.hist(v1, bins=bins, color=BLUE, alpha=0.5, density=True, label="ddof = 1 (divide by n − 1)")
    ax.axvline(1.0, color="k", lw=1.5, label="true σ² = 1")
    ax.axvline(v0.mean(), color=ORANGE, lw=2, ls="--", label=f"mean of ddof 0: {v0.mean():.3f}")
    ax.axvline(v1.mean(), color=BLUE, lw=2, ls="--", label=f"mean of ddof 1: {v1.mean():.3f}")
    ax.set_xlim(0, 4)
    ax.set_ylim(0, bias_ylim())
    ax.set_xlabel("estimated variance")
    ax.set_ylabel("density")
    ax.set_title(f"variance estimated from samples of n = {n}; (n − 1)/n = {(n - 1) / n:.3f}", fontsize=10)
    ax.legend(fontsize=7, loc="upper right")


# -- CLT and LLN ----------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=64)
def clt_means(dist, n):
    """10 000 sample means of n draws (cached per setting)."""
    from mlnotes.mathtools import sample_means

    return sample_means(dist, n, reps=CLT_REPS, seed=n)


def draw_clt(axes, dist="exponential", n=5):
    """Left: the sample means, standardized, against N(0, 1) (Cauchy: raw, against its own density). Right: their
    spread against n, measured and σ/√n."""
    from scipy import stats

    from mlnotes.mathtools import DISTRIBUTIONS, iqr

    if n not in CLT_NS:
        raise ValueError(f"n must be one of {CLT_NS} (the slider's values), got {n!r}")
    ax, ax_se = axes
    mu, sigma = DISTRIBUTIONS[dist]
    means = clt_means(dist, n)
    grid = np.linspace(-4, 4, 400)
    bins = np.linspace(-4, 4, 81)
    if sigma is None:
        ax.hist(np.clip(means, -4, 4), bins=bins, density=True, color=PURPLE, alpha=0.6,
                label="sample means (beyond ±4: at the edges)")
        ax.plot(grid, stats.cauchy.pdf(grid), color="k", lw=1.5, label="standard Cauchy")
        ax.set_xlabel("mean of n draws (not standardized: no σ)")
    else:
        z = math.sqrt(n) * (means - mu) / sigma
        ax.hist(np.clip(z, -4, 4), bins=bins, density=True, color=BLUE, alpha=0.6, label="standardized means")
        ax.plot(grid, stats.norm.pdf(grid), color="k", lw=1.5, label="N(0, 1)")
        ax.set_xlabel("√n (mean − μ) / σ")
    ax.set_xlim(-4, 4)
    ax.set_ylim(0, 1.6)
    ax.legend(fontsize=7, loc="upper right")
    ax.set_title(f"{dist}, n = {n}", fontsize=10)
    ns = np.array(CLT_NS)
    if sigma is None:
        spread = [iqr(clt_means(dist, k)) for k in CLT_NS]
        ax_se.plot(ns, spread, "o-", color=PURPLE, label="IQR of the mean (measured)")
        ax_se.axhline(2.0, color="k", ls="--", lw=1, label="IQR of one Cauchy draw = 2")
    else:
        spread = [clt_means(dist, k).std() for k in CLT_NS]
        ax_se.plot(ns, spread, "o", color=BLUE, label="std of the mean (measured)")
        ax_se.plot(ns, sigma / np.sqrt(ns), "-", color="k", lw=1, label="σ/√n")
    i = CLT_NS.index(n)
    ax_se.plot([n], [spread[i]], "o", ms=12, mfc="none", mec=RED, mew=2)
    ax_se.set_xscale("log")
    ax_se.set_yscale("log")
    ax_se.set_xlim(0.7, 150)
    ax_se.set_ylim(0.01, 5)
    ax_se.set_xlabel("n")
    ax_se.legend(fontsize=7, loc="lower left")
    ax_se.set_title("spread of the sample mean", fontsize=10)


@functools.lru_cache(maxsize=8)
def lln_paths(dist, n=10_000, paths=LLN_PATHS):
    """Running means of ``paths`` streams of n draws: (paths, n)."""
    from mlnotes.mathtools import running_mean

    return np.array([running_mean(dist, n, seed=s) for s in range(paths)])


def draw_lln(ax, dist="exponential"):
    """Running means of five streams of draws against the number of draws; the line is the true mean."""
    from mlnotes.mathtools import DISTRIBUTIONS

    mu, _ = DISTRIBUTIONS[dist]
    paths = lln_paths(dist)
    k = np.arange(1, paths.shape[1] + 1)
    centre = 0.0 if mu is None else mu
    for row, color in zip(paths, (BLUE, ORANGE, GREEN, RED, PURPLE)):
        ax.plot(k, np.clip(row, centre - 3, centre + 3), color=color, lw=1)
    if mu is not None:
        ax.axhline(mu, color="k", ls="--", lw=1, label=f"μ = {mu:g}")
        ax.legend(fontsize=8, loc="upper right")
    ax.set_xscale("log")
    ax.set_xlim(1, paths.shape[1])
    ax.set_ylim(centre - 3, centre + 3)
    ax.set_xlabel("number of draws n")
    ax.set_ylabel("running mean (clipped to ±3)")
    ax.set_title(f"{dist}: " + ("no mean to converge to" if mu is None else "the running mean settles at μ"),
                 fontsize=10)


# -- MLE vs MAP ------------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def coin_data(n_max=max(MLE_NS), seed=3):
    """A fixed sequence of n_max Bernoulli(0.3) outcomes; the first n are the data for sample size n."""
    return (np.random.default_rng(seed).random(n_max) < MLE_TRUE_P).astype(np.int64)


def draw_mle_map(ax, n=20, prior="flat Beta(1, 1)"):
    """The likelihood of p after n flips (scaled to peak 1), the prior and the posterior; MLE, MAP and the true p."""
    from scipy import stats

    from mlnotes.mathtools import bernoulli_mle, beta_bernoulli_map

    x = coin_data()[:n]
    k = int(x.sum())
    a, b = _PRIOR_AB[prior]
    p = np.linspace(0.001, 0.999, 500)
    loglik = k * np.log(p) + (n - k) * np.log1p(-p)
    post = stats.beta.pdf(p, k + a, n - k + b)
    prior_pdf = stats.beta.pdf(p, a, b)
    top = post.max()
    ax.plot(p, np.exp(loglik - loglik.max()) * top, color=BLUE, lw=2, label="likelihood (scaled)")
    ax.plot(p, prior_pdf / max(prior_pdf.max(), 1e-12) * top * 0.6, color=GREY, ls="--", label="prior (scaled)")
    ax.plot(p, post, color=ORANGE, lw=2, label="posterior")
    ax.axvline(bernoulli_mle(x), color=BLUE, lw=1, label=f"MLE k/n = {bernoulli_mle(x):.3f}")
    ax.axvline(beta_bernoulli_map(k, n, a, b), color=ORANGE, lw=1, ls="-.",
               label=f"MAP = {beta_bernoulli_map(k, n, a, b):.3f}")
    ax.axvline(MLE_TRUE_P, color="k", lw=1, ls=":", label=f"true p = {MLE_TRUE_P}")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, top * 1.45)
    ax.set_yticks([])
    ax.set_xlabel("p (probability of heads)")
    ax.set_title(f"{k} heads in n = {n} flips, prior {prior}", fontsize=10)
    ax.legend(fontsize=7, loc="upper right", ncol=2)


# -- Bayes' rule -------------------------------------------------------------------------------------------------

def draw_base_rate(ax, prevalence=0.01):
    """1000 people as a 25 × 40 grid: sick and positive (red), sick but negative (dark), healthy but positive
    (orange), healthy and negative (light)."""
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    from mlnotes.mathtools import posterior_positive

    n = BAYES_PEOPLE
    sick = round(n * prevalence)
    tp = round(sick * SENSITIVITY)
    fp = round((n - sick) * (1 - SPECIFICITY))
    codes = np.full(n, 3)  # healthy, negative
    codes[:tp] = 0  # sick, positive
    codes[tp:sick] = 1  # sick, negative
    codes[sick:sick + fp] = 2  # healthy, positive
    colors = [RED, "#444444", ORANGE, "#e8e8e8"]
    ax.imshow(codes.reshape(25, 40), cmap=ListedColormap(colors), vmin=0, vmax=3, interpolation="nearest")
    ax.set_xticks(np.arange(-0.5, 40, 1), minor=True)
    ax.set_yticks(np.arange(-0.5, 25, 1), minor=True)
    ax.grid(which="minor", color="white", lw=0.5)
    ax.tick_params(which="both", length=0, labelbottom=False, labelleft=False)
    names = ["sick, test +", "sick, test −", "healthy, test +", "healthy, test −"]
    ax.legend(handles=[Patch(color=c, label=t) for c, t in zip(colors, names)], fontsize=7, loc="upper center",
              bbox_to_anchor=(0.5, -0.02), ncol=4, frameon=False)
    post = posterior_positive(prevalence, SENSITIVITY, SPECIFICITY)
    ax.set_title(f"prevalence {prevalence:g}: {tp} true + and {fp} false + per 1000; P(sick | +) = {post:.1%}",
                 fontsize=9)


# -- coin flips ----------------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=16)
def coin_waits(n):
    """Simulated waiting times for n heads in a row (from 2 million flips)."""
    from mlnotes.mathtools import waiting_times

    return waiting_times(n, COIN_FLIPS, seed=n)


def draw_coin_waits(ax, n=3):
    """The distribution of the number of flips until n heads in a row: simulated histogram, mean and 2^(n+1) − 2."""
    w = coin_waits(n)
    formula = 2 ** (n + 1) - 2
    upper = 6 * formula + 10
    bins = np.arange(n, upper + 2) - 0.5 if upper < 80 else np.linspace(n - 0.5, upper, 60)
    ax.hist(w, bins=bins, density=True, color=BLUE, alpha=0.7, label=f"{len(w):,} simulated waits")
    ax.axvline(w.mean(), color=ORANGE, lw=2, label=f"simulated mean {w.mean():.2f}")
    ax.axvline(formula, color="k", lw=1.5, ls="--", label=f"2^(n+1) − 2 = {formula}")
    ax.set_xlim(0, upper)
    ax.set_xlabel("flips until n heads in a row")
    ax.set_ylabel("share")
    ax.set_title(f"n = {n}: at least {n} flips, a long right tail", fontsize=10)
    ax.legend(fontsize=8, loc="upper right")


# -- Newton ------------------------------------------------------------------------------------------------------------

def draw_newton(ax, case="x² − 2 from x₀ = 1", steps=2):
    """The function, and the tangent line at each of the first ``steps`` iterates down to where it crosses zero."""
    from mlnotes.mathtools import newton

    f, df, x0, xlim, ylim = NEWTON_CASES[case]
    xs = newton(f, df, x0, max_iter=max(NEWTON_STEPS)).iterates
    grid = np.linspace(*xlim, 400)
    ax.plot(grid, [f(v) for v in grid], color="k", lw=1.5)
    ax.axhline(0, color=GREY, lw=0.8)
    for k in range(min(steps, len(xs) - 1)):
        x, x_next = xs[k], xs[k + 1]
        line = np.linspace(min(x, x_next), max(x, x_next), 20)
        ax.plot(line, f(x) + df(x) * (line - x), color=ORANGE, lw=1.2)
        ax.plot([x, x], [0, f(x)], color=GREY, lw=0.8, ls=":")
    shown = xs[:steps + 1]
    inside = [v for v in shown if xlim[0] <= v <= xlim[1]]
    ax.plot(inside, [0] * len(inside), "o", color=BLUE, ms=5)
    if inside:
        ax.plot([inside[-1]], [0], "o", color=RED, ms=8)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    last = xs[min(steps, len(xs) - 1)]
    ax.set_title(f"{case}: x_{min(steps, len(xs) - 1)} = {last:.10g}", fontsize=9)
    ax.set_xlabel("x")


# -- Taylor -----------------------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=8)
def taylor_coefs(func):
    """Taylor coefficients at 0 up to order 10, by torch autograd."""
    import torch

    from mlnotes.mathtools import taylor_coefficients

    fn = {"exp(x)": torch.exp, "sin(x)": torch.sin, "log(1 + x)": torch.log1p}[func]
    return taylor_coefficients(fn, 0.0, max(TAYLOR_ORDERS))


def draw_taylor(axes, func="exp(x)", order=2):
    """Left: f and its Taylor polynomial at 0. Right: the absolute error |f − T_K| on a log scale."""
    from mlnotes.mathtools import taylor_polynomial

    ax, ax_err = axes
    f = {"exp(x)": np.exp, "sin(x)": np.sin, "log(1 + x)": np.log1p}[func]
    lo = -0.95 if func == "log(1 + x)" else -3.0
    x = np.linspace(lo, 3.0, 400)
    approx = taylor_polynomial(taylor_coefs(func)[:order + 1], 0.0, x)
    ax.plot(x, f(x), color="k", lw=2, label=func)
    ax.plot(x, approx, color=ORANGE, lw=1.5, label=f"Taylor, order {order}")
    ax.set_xlim(-3, 3)
    ax.set_ylim(-4, 12)
    ax.axvline(0, color=GREY, lw=0.6)
    ax.legend(fontsize=8, loc="upper left")
    ax.set_title(f"{func} around 0", fontsize=10)
    err = np.abs(f(x) - approx)
    ax_err.semilogy(x, np.maximum(err, 1e-17), color=RED)
    ax_err.set_xlim(-3, 3)
    ax_err.set_ylim(1e-17, 1e3)
    ax_err.set_title("|f(x) − Taylor(x)|", fontsize=10)
    ax_err.set_xlabel("x")


# -- finite differences ------------------------------------------------------------------------------------------

FD_HS = tuple(10.0 ** np.arange(-14, -0.5, 0.5))


def fd_curves():
    """{method: errors} of the derivative of sin at x = 1 for every h in :data:`FD_HS`."""
    from mlnotes.mathtools import fd_errors

    return {m: fd_errors(np.sin, np.cos, 1.0, FD_HS, m) for m in ("forward", "central")}


def draw_fd_errors(ax):
    """Error of forward and central differences for d/dx sin at x = 1 against the step h: rounding left, truncation right."""
    eps = np.finfo(float).eps
    for (method, err), color in zip(fd_curves().items(), (ORANGE, BLUE)):
        ax.loglog(FD_HS, np.maximum(err, 1e-17), "o-", color=color, ms=3, label=method)
    ax.axvline(np.sqrt(eps), color=ORANGE, ls=":", lw=1, label="√ε")
    ax.axvline(eps ** (1 / 3), color=BLUE, ls=":", lw=1, label="ε^(1/3)")
    ax.set_xlim(1e-14, 1e-1)
    ax.set_ylim(1e-13, 1e0)
    ax.set_xlabel("step h")
    ax.set_ylabel("|estimate − cos(1)|")
    ax.legend(fontsize=8, loc="upper center")
    ax.set_title("finite differences: rounding error ~ ε/h, truncation ~ h or h²", fontsize=10)
