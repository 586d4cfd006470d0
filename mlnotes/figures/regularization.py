"""Figures of the Regularization chapter: pure ``draw(ax, ...)`` functions for explore() widgets.

The numbers come from :mod:`mlnotes.regularization` (cached per setting, never at import).
See chapter: chapters/regularization.md
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from matplotlib.ticker import NullLocator

from mlnotes.regularization import bias_variance as bv
from mlnotes.regularization import errata, priors
from mlnotes.regularization import experiments as ex
from mlnotes.regularization import mlp

RIGHT, WRONG, GREY, GOLD = "#1f5f8b", "#c0392b", "#999999", "#b9770e"


def _no_minor_ticks(*axes):
    """Log axes without minor ticks: cheaper to lay out and draw, and the grid stays readable."""
    for ax in axes:
        ax.xaxis.set_minor_locator(NullLocator())
        ax.yaxis.set_minor_locator(NullLocator())
BOX = (-0.6, 2.6, -1.0, 1.6)  # w1 from, to; w2 from, to: the geometry panel


@lru_cache(maxsize=None)
def _grids(penalty: str):
    """(W1, W2, loss, penalty) on a grid over BOX for the 2-D toy problem."""
    X, y = ex.toy2d()
    W1, W2 = np.meshgrid(np.linspace(BOX[0], BOX[1], 121), np.linspace(BOX[2], BOX[3], 99))
    W = np.stack([W1.ravel(), W2.ravel()])  # (2, G)
    loss = 0.5 * np.mean((X @ W - y[:, None]) ** 2, axis=0)  # (G,) ‖y − Xw‖²/(2n)
    return W1, W2, loss.reshape(W1.shape), ex.penalty_value(penalty, W).reshape(W1.shape)


def draw_penalty(axes, penalty, budget):
    """Left: the 2-D toy's loss contours, the penalty's constraint region P(w) ≤ budget·P(w_ls) and the solution.
    Right: the diabetes coefficients along the same penalty's path, against P(w)/P(w_ls)."""
    left, right = axes
    X, y = ex.toy2d()
    W1, W2, loss, pen = _grids(penalty)
    _, w = ex.at_budget(penalty, budget, ex.toy_path)
    w_ls = np.linalg.lstsq(X, y, rcond=None)[0]
    here = 0.5 * np.mean((X @ w - y) ** 2)
    left.contour(W1, W2, loss, levels=np.quantile(loss, [0.01, 0.04, 0.1, 0.2, 0.35]), colors=GREY, linewidths=0.5)
    left.contour(W1, W2, loss, levels=[here], colors=GOLD, linewidths=1.2)
    left.contourf(W1, W2, pen, levels=[0, ex.penalty_value(penalty, w[:, None])[0]], colors=[RIGHT], alpha=0.25)
    _, coefs, _ = ex.toy_path(penalty)
    left.plot(coefs[0], coefs[1], color=RIGHT, lw=0.8, ls=":", label="path of the solution")
    left.plot(*w_ls, "*", color="k", ms=9, label="least squares")
    left.plot(*w, "o", color=WRONG, ms=6, label="penalised solution")
    left.axhline(0, color="k", lw=0.5)
    left.axvline(0, color="k", lw=0.5)
    zero = "w₂ is exactly 0" if w[1] == 0 else f"w₂ = {w[1]:.2f} ≠ 0"
    left.set(xlim=BOX[:2], ylim=BOX[2:], aspect="equal", xlabel="w₁", ylabel="w₂",
             title=f"w = ({w[0]:.2f}, {w[1]:.2f}): {zero}")
    left.title.set_fontsize(9)
    left.legend(fontsize=7, frameon=False, loc="lower right")

    _, coefs, ratio = ex.diabetes_path(penalty)
    k, w_d = ex.at_budget(penalty, budget)
    names = ex.diabetes()[2]
    for j in range(coefs.shape[0]):
        right.plot(ratio, coefs[j], lw=1, color=WRONG if w_d[j] == 0 else RIGHT, alpha=0.9)
        right.annotate(names[j], (ratio[-1], coefs[j, -1]), fontsize=6, xytext=(2, 0), textcoords="offset points",
                       va="center")
    right.axvline(ratio[k], color="k", lw=0.8, ls=":")
    right.axhline(0, color="k", lw=0.5)
    right.set(xlim=(0, 1.08), ylim=(-45, 42), xlabel="P(w) / P(w least squares)", ylabel="coefficient",
              title=f"diabetes at {ratio[k]:.2f}: {int(np.sum(w_d == 0))} of {len(w_d)} weights exactly 0 (red)")
    right.title.set_fontsize(9)


PRIOR_N, PRIOR_SIGMA, PRIOR_TAU = 10, 1.0, 0.5  # 10 observations of noise std 1; prior std 0.5
PRIOR_B = PRIOR_TAU / np.sqrt(2)  # the Laplace scale with the same variance 2b² = τ²
XBARS = (0.0, 0.2, 0.5, 1.0)  # the slider: the observed mean
THETA = np.linspace(-1.0, 2.5, 701)


def draw_priors(ax, xbar):
    """Posterior of a mean θ under a Gaussian and a Laplace prior (same variance), with both MAPs."""
    for prior, scale, color in (("Gaussian", PRIOR_TAU, GOLD), ("Laplace", PRIOR_B, RIGHT)):
        logp = priors.log_posterior_1d(THETA, xbar, PRIOR_N, PRIOR_SIGMA, prior, scale)
        dens = np.exp(logp - logp.max())
        dens /= np.trapezoid(dens, THETA)
        ax.plot(THETA, dens, color=color, lw=1.5, label=f"posterior, {prior} prior")
        ax.plot(THETA, np.exp(priors.log_prior(THETA, prior, scale)), color=color, lw=0.8, ls=":",
                label=f"{prior} prior")
        mode = priors.map_1d(xbar, PRIOR_N, PRIOR_SIGMA, prior, scale)
        ax.axvline(mode, color=color, lw=1.0, ls="--")
    ax.axvline(xbar, color="k", lw=0.8, label=f"observed mean x̄ = {xbar:g}")
    laplace = priors.map_1d(xbar, PRIOR_N, PRIOR_SIGMA, "Laplace", PRIOR_B)
    gauss = priors.map_1d(xbar, PRIOR_N, PRIOR_SIGMA, "Gaussian", PRIOR_TAU)
    ax.set(xlim=(THETA[0], THETA[-1]), ylim=(0, 2.2), xlabel="θ", ylabel="density",
           title=f"MAP (dashed): Gaussian prior {gauss:.3f}, Laplace prior {laplace:.3f}"
                 + (" — exactly 0" if laplace == 0 else ""))
    ax.title.set_fontsize(9)
    ax.legend(fontsize=7, frameon=False, loc="upper right")


L1_SOLVERS = ("subgradient descent", "proximal gradient (ISTA)")
SOLVER_ALPHA, SOLVER_STEPS = 5.0, 300


@lru_cache(maxsize=None)
def solver_paths():
    """(ISTA path, subgradient path, exact lasso w) on standardized diabetes at α = 5, 300 steps each."""
    from mlnotes.regularization import l1

    X, y, _ = ex.diabetes()
    exact = l1.lasso(X, y, SOLVER_ALPHA, fit_intercept=False).coef
    return (l1.lasso_ista(X, y, SOLVER_ALPHA, n_iter=SOLVER_STEPS),
            l1.lasso_subgradient(X, y, SOLVER_ALPHA, n_iter=SOLVER_STEPS), exact)


def draw_l1_solvers(ax, method):
    """The weights whose lasso optimum is exactly 0, step by step, under subgradient descent or ISTA."""
    ista, sub, exact = solver_paths()
    path = sub if method == L1_SOLVERS[0] else ista
    zero = np.flatnonzero(exact == 0)
    names = ex.diabetes()[2]
    for j in zero:
        ax.plot(path[:, j], lw=0.9, label=names[j])
    n_exact = int(np.sum(path[-1, zero] == 0))
    ax.set(xlim=(0, SOLVER_STEPS), ylim=(-3, 3), xlabel="step", ylabel="weight (optimum: 0)",
           title=f"{method}: after {SOLVER_STEPS} steps {n_exact} of {len(zero)} are exactly 0, "
                 f"largest |w| {np.max(np.abs(path[-1, zero])):.2g}")
    ax.title.set_fontsize(9)
    ax.legend(fontsize=7, frameon=False, loc="upper right", ncols=len(zero))
    ax.grid(alpha=0.3)


PATIENCE = 4  # early stopping's patience, in records (one every 5 epochs)


def draw_training(ax, p):
    """Training and validation loss of the digits network with dropout p; early stopping's best and stop epochs."""
    _, h = ex.training_run(p)
    stop, best = mlp.early_stopping(h["val_loss"], PATIENCE)
    ax.semilogy(h["epoch"], h["train_loss"], color=GREY, label="training loss")
    ax.semilogy(h["epoch"], h["val_loss"], color=RIGHT, label="validation loss")
    ax.axvline(h["epoch"][best], color=RIGHT, lw=0.8, ls="--",
               label=f"best: epoch {h['epoch'][best]} (val {h['val_loss'][best]:.3f})")
    ax.axvline(h["epoch"][stop], color=WRONG, lw=0.8, ls=":",
               label=f"early stopping (patience {PATIENCE * 5} epochs) stops at epoch {h['epoch'][stop]}")
    ax.set(xlim=(0, h["epoch"][-1]), ylim=(2e-4, 5), xlabel="epoch", ylabel="cross-entropy",
           title=f"dropout p = {p:g}: final val loss {h['val_loss'][-1]:.3f}, val accuracy {h['val_acc'][-1]:.3f}")
    ax.title.set_fontsize(9)
    ax.legend(fontsize=7, frameon=False, loc="lower left")
    ax.grid(alpha=0.3)
    _no_minor_ticks(ax)


BV_DEGREES, BV_NOISES, BV_SIZES = (1, 3, 15), (0.2, 0.5), (20, 100)
CURVE_DEGREES = tuple(range(16))


def draw_bias_variance(axes, degree, noise, n):
    """Left: 12 of the fits, the mean of all 200 and the truth. Right: bias², variance, noise and test MSE against degree."""
    left, right = axes
    r = bv.bias_variance(degree, noise, n)
    for fit in r.fits[:12]:
        left.plot(bv.GRID, fit, color=GREY, lw=0.5, alpha=0.7)
    x = bv.design(n)
    left.plot(x, bv.truth(x), ".", color="k", ms=3, label=f"the {n} inputs (noise-free)")
    left.plot(bv.GRID, r.fits.mean(axis=0), color=RIGHT, lw=1.8, label="average of 200 fits")
    left.plot(bv.GRID, bv.truth(bv.GRID), color="k", lw=1.2, ls="--", label="truth f(x)")
    left.set(xlim=(-1, 1), ylim=(-2.5, 2.5), xlabel="x", ylabel="y",
             title=f"degree {degree}, n = {n}, σ = {noise:g}: bias² {r.bias2:.3g}, variance {r.variance:.3g}")
    left.title.set_fontsize(9)
    left.legend(fontsize=7, frameon=False, loc="lower right")
    rows = [bv.bias_variance(d, noise, n) for d in CURVE_DEGREES]
    degs = np.array(CURVE_DEGREES)
    right.semilogy(degs, [max(q.bias2, 1e-5) for q in rows], color=GOLD, label="bias²")
    right.semilogy(degs, [q.variance for q in rows], color=WRONG, label="variance")
    right.semilogy(degs, [q.test_mse for q in rows], color=RIGHT, lw=2, label="test MSE (measured)")
    right.semilogy(degs, [q.train_mse for q in rows], color=GREY, label="training MSE")
    right.axhline(noise**2, color="k", lw=0.8, ls=":", label="noise σ²")
    right.axvline(degree, color="k", lw=0.8, ls="--")
    right.set(xlim=(0, 15), ylim=(1e-4, 3), xticks=range(0, 16, 3), xlabel="polynomial degree", ylabel="error",
              title=f"best degree here: {min(CURVE_DEGREES, key=lambda d: rows[d].test_mse)}")
    right.title.set_fontsize(9)
    right.legend(fontsize=7, frameon=False, loc="upper left", ncols=2)
    _no_minor_ticks(right)


LC_DEGREES, LC_SIZES, LC_NOISE = (1, 3, 12), (3, 5, 8, 12, 20, 30, 50, 80, 130, 200, 320), 0.3


def draw_learning_curves(ax, degree):
    """Training and test MSE against training-set size for one polynomial degree."""
    train, test = bv.learning_curve(degree, LC_NOISE, LC_SIZES)
    floor = bv.bias_variance(degree, LC_NOISE, LC_SIZES[-1]).bias2 + LC_NOISE**2
    ax.loglog(LC_SIZES, test, "o-", color=RIGHT, ms=3, label="test MSE")
    ax.loglog(LC_SIZES, train, "o-", color=GREY, ms=3, label="training MSE")
    ax.axhline(LC_NOISE**2, color="k", lw=0.8, ls=":", label="noise σ²")
    ax.axhline(floor, color=GOLD, lw=0.8, ls="--", label=f"bias² + σ² at n = {LC_SIZES[-1]}")
    ax.set(xlim=(LC_SIZES[0], LC_SIZES[-1]), ylim=(1e-2, 10), xlabel="training-set size n", ylabel="MSE",
           title=f"degree {degree}: training MSE {train[0]:.3f} → {train[-1]:.3f}, test MSE {test[0]:.3g} → {test[-1]:.3f}")
    ax.title.set_fontsize(9)
    ax.legend(fontsize=7, frameon=False, loc="upper right")
    ax.grid(alpha=0.3)
    _no_minor_ticks(ax)


OUTLIER_COUNTS = (0, 4)
FIT_STYLE = dict(zip(errata.FIT_NAMES, ((GREY, "-"), (WRONG, "--"), (RIGHT, "-"), (GOLD, ":"))))


def draw_outliers(ax, n_outliers):
    """A line fitted four ways to data whose rightmost points are outliers."""
    x, y = errata.outlier_data(n_outliers)
    fits = errata.outlier_fits(n_outliers)
    ax.plot(x[: len(x) - n_outliers], y[: len(x) - n_outliers], "o", color="k", ms=3, label="data")
    if n_outliers:
        ax.plot(x[-n_outliers:], y[-n_outliers:], "x", color=WRONG, ms=7, label="outliers")
    grid = np.array([0.0, 1.0])
    for name, (b, a) in fits.items():
        color, style = FIT_STYLE[name]
        ax.plot(grid, b + a * grid, style, color=color, lw=1.5, label=f"{name}: slope {a:.2f}")
    ax.set(xlim=(0, 1), ylim=(0, 10), xlabel="x", ylabel="y", title=f"{n_outliers} outliers (true slope 2)")
    ax.legend(fontsize=7, frameon=False, loc="upper left")
