"""Figures of the Linear models chapter: pure ``draw(ax, ...)`` functions for explore() widgets.

The numbers come from :mod:`mlnotes.linear.experiments` (cached per setting, never at import).
See chapter: chapters/linear_models.md
"""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import NullLocator

from mlnotes.linear import errata
from mlnotes.linear import experiments as ex

RIGHT, WRONG, GREY, GOLD = "#1f5f8b", "#c0392b", "#999999", "#b9770e"


def _no_minor_ticks(*axes):
    """Log axes without minor ticks: cheaper to lay out and draw, and the grid stays readable."""
    for ax in axes:
        ax.xaxis.set_minor_locator(NullLocator())
        ax.yaxis.set_minor_locator(NullLocator())
METHOD_STYLE = {"inv (notes)": (WRONG, "o-"), "solve (normal eq.)": (GOLD, "s-"), "QR": (GREY, "^-"),
                "lstsq (SVD)": (RIGHT, "D-")}
SHUFFLE_SEEDS = (0, 42)
COND_SLIDER = (1e0, 1e4, 1e8, 1e12)  # the κ(X) slider of draw_normal_equation (the curves use every κ)
W_LIM = 6.0  # the coefficient panel's y-range ±W_LIM holds every value found (checked in the tests)


def _drop_containers(*axes):
    """Remove bar containers left by the previous frame (explore() clears patches, not containers, whose
    labels would otherwise pile up in the legend)."""
    for ax in axes:
        del ax.containers[:]  # their patches are already gone


def draw_normal_equation(axes, cond, notes):
    """Erratum 6: coefficient error vs κ(X) per method (left) and the coefficients found at this κ (right)."""
    left, right = axes
    _drop_containers(right)
    methods = [m for m in ex.NE_METHODS if notes or m != "inv (notes)"]
    conds = np.array(ex.CONDS)
    for m in methods:
        color, style = METHOD_STYLE[m]
        err = np.array([ex.normal_equation_errors(m, c)[0] for c in conds])
        left.plot(conds, np.clip(err, 1e-17, 1e2), style, color=color, ms=3.5, lw=1.2, label=m)
    left.axvline(cond, color="k", lw=0.8, ls=":")
    left.plot(conds, np.clip(conds**2 * 2.2e-16, 1e-17, 1e2), color="k", lw=0.6, ls="--", label="κ²·ε (machine ε)")
    left.set(xscale="log", yscale="log", xlim=(0.5, 2e12), ylim=(1e-17, 1e2), xlabel="condition number κ(X)",
             ylabel="‖ŵ − w‖ / ‖w‖")
    left.legend(fontsize=7, frameon=False, loc="upper left")
    left.grid(alpha=0.3)
    _no_minor_ticks(left)
    d = len(ex.ill_conditioned_problem(cond)[2])
    width = 0.8 / len(methods)
    for k, m in enumerate(methods):
        w_hat = ex.normal_equation_errors(m, cond)[2]
        right.bar(np.arange(d) + (k - (len(methods) - 1) / 2) * width, w_hat, width, color=METHOD_STYLE[m][0],
                  label=m)
    right.axhline(1.0, color="k", lw=0.8, ls="--", label="true w = 1")
    right.set(ylim=(-W_LIM, W_LIM), xticks=range(d), xticklabels=[f"w{j + 1}" for j in range(d)],
              title=f"the coefficients found at κ = {cond:.0e}")
    right.title.set_fontsize(9)
    right.legend(fontsize=7, frameon=False, loc="upper right", ncols=2)


def draw_convergence(ax, lr):
    """Logistic regression on breast cancer: objective gap per iteration of GD (this lr) and of Newton."""
    gd, newton = ex.convergence(lr)
    ax.semilogy(np.arange(len(gd)), gd, color=GREY, label=f"gradient descent, lr = {lr:g}")
    ax.semilogy(np.arange(len(newton)), newton, "o-", color=RIGHT, ms=3, label="Newton / IRLS")
    ax.set(xlim=(0, len(gd) - 1), ylim=(1e-18, 3), xlabel="iteration", ylabel="(J − J*) / n",
           title=f"after {len(gd) - 1} GD steps: gap {gd[-1]:.1e};  Newton: {newton[-1]:.0e} after "
                 f"{len(newton) - 1} steps")
    ax.title.set_fontsize(9)
    ax.legend(frameon=False, fontsize=8)
    ax.grid(alpha=0.3)
    _no_minor_ticks(ax)


def draw_calibration(ax, model, copies):
    """Reliability diagram of one model on the test half, features repeated ``copies`` times."""
    r = ex.calibration(model, copies)
    _drop_containers(ax)
    ax.plot([0, 1], [0, 1], color="k", lw=0.8, ls="--", label="perfectly calibrated")
    ax.plot(r["mean_pred"], r["frac_pos"], "o-", color=RIGHT if model.startswith("logistic") else WRONG, ms=4,
            label=model)
    counts, edges = np.histogram(r["p"], bins=20, range=(0, 1))
    ax.bar(edges[:-1], 0.25 * counts / counts.max(), width=0.05, align="edge", color=GREY, alpha=0.4,
           label="histogram of predictions")
    ax.set(xlim=(0, 1), ylim=(0, 1), xlabel="mean predicted P(y = 1) in the bin", ylabel="fraction of positives",
           title=f"{model}, each feature × {copies}: Brier {r['brier']:.4f}, ECE {r['ece']:.3f}")
    ax.title.set_fontsize(9)
    ax.legend(frameon=False, fontsize=8, loc="upper left")
    ax.grid(alpha=0.3)


def draw_discretization(ax, n_bins):
    """True U-shaped risk, logistic regression on raw age, and on one-hot age bins."""
    r = ex.discretization(n_bins)
    ax.plot(r["grid"], r["truth"], color="k", lw=1.2, ls="--", label=f"true P(y=1 | age) (test log loss {r['true_loss']:.3f})")
    ax.plot(r["grid"], r["raw"], color=GREY, lw=1.5, label=f"LR on raw age ({r['raw_loss']:.3f})")
    ax.plot(r["grid"], r["binned"], color=RIGHT, lw=1.5, label=f"LR on {n_bins} one-hot bins ({r['binned_loss']:.3f})")
    for edge in r["edges"]:
        ax.axvline(edge, color=RIGHT, lw=0.4, alpha=0.5)
    ax.set(xlim=ex.AGE_RANGE, ylim=(0, 1), xlabel="age", ylabel="P(y = 1)")
    ax.legend(frameon=False, fontsize=8, loc="upper center")
    ax.grid(alpha=0.3)


def draw_shuffle(ax, seed, notes):
    """Erratum 5: the orders from two calls with the same seed (one row each), notes' version or fixed."""
    first, second = errata.two_shuffles(seed, notes=notes)
    ax.imshow(np.vstack([first, second]), cmap="viridis", aspect="auto", vmin=0, vmax=len(first) - 1)
    for row, order in enumerate((first, second)):
        for col, v in enumerate(order):
            ax.text(col, row, str(v), ha="center", va="center", fontsize=8, color="w" if v < 7 else "k")
    same = np.array_equal(first, second)
    ax.set(yticks=[0, 1], yticklabels=["call 1", "call 2"], xticks=[],
           title=f"{'notes: if seed:' if notes else 'fixed: default_rng(seed)'}, seed = {seed} → "
                 f"{'same order, reproducible' if same else 'DIFFERENT orders: the seed was ignored'}")
    ax.title.set_color("k" if same else WRONG)
    ax.title.set_fontsize(9)
