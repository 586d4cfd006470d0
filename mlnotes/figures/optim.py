"""Figures of the Optimizers chapter: pure ``draw(ax, ...)`` functions for explore() widgets.

Heavy numbers (trajectories, moment traces) are computed once per hyperparameter setting and
cached, never at import. See chapter: chapters/optimizers.md
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from matplotlib.ticker import NullLocator, ScalarFormatter

from mlnotes.optim import SGD, Adam, Quadratic, RMSprop, Rosenbrock, Saddle, run, warmup_cosine_schedule
from mlnotes.optim import errata
from mlnotes.optim.analysis import uncorrected_step_ratio
from mlnotes.optim.minibatch import train_least_squares

RIGHT, WRONG, GREY = "#1f5f8b", "#c0392b", "#999999"
T_MAX = 200  # steps shown in the bias-correction figure
BETA1S, BETA2S = (0.5, 0.9, 0.99), (0.9, 0.999)  # the bias-correction figure's sliders


# -- Adam bias correction --------------------------------------------------------------------
@lru_cache(maxsize=None)
def adam_moments(beta1: float, beta2: float, steps: int = T_MAX, seed: int = 0):
    """Raw and bias-corrected moments of Adam on a noisy gradient stream g ~ N(1, 0.5²).

    Returns arrays over t = 1..steps: m, m̂, v, v̂, the corrected step |Δθ|/lr and the step
    without correction, each of shape (steps,).
    """
    grads = 1.0 + 0.5 * np.random.default_rng(seed).standard_normal(steps)
    p = np.zeros(1)
    opt = Adam([p], lr=1.0, betas=(beta1, beta2))
    rows = []
    for g in grads:
        before = p.copy()
        opt.step([np.array([g])])
        m, v, t = opt.state[0]["m"][0], opt.state[0]["v"][0], opt.t
        raw_step = m / (np.sqrt(v) + opt.eps)  # what Adam would do without bias correction
        rows.append((m, m / (1 - beta1**t), v, v / (1 - beta2**t), abs(p[0] - before[0]), raw_step))
    return tuple(np.array(col) for col in zip(*rows))


@lru_cache(maxsize=None)
def _bias_figure_limits():
    """(top of the moments panel, bottom and top of the step panel) over every slider setting."""
    runs = [adam_moments(b1, b2) for b1 in BETA1S for b2 in BETA2S]
    top = max(1.05 * float(np.max(np.concatenate([r[1], np.sqrt(r[3])]))) for r in runs)
    low = min(0.8 * float(np.min(np.concatenate([r[4], r[5]]))) for r in runs)
    high = max(1.25 * float(np.max(np.concatenate([r[4], r[5]]))) for r in runs)
    return top, low, high


def draw_adam_bias_correction(axes, beta1, beta2, t):
    """Adam's raw vs bias-corrected moments (left) and the step they give (right) over steps 1 to 200."""
    m, m_hat, v, v_hat, step, raw_step = adam_moments(beta1, beta2)
    ts = np.arange(1, len(m) + 1)
    left, right = axes
    left.plot(ts, m, color=GREY, label="raw m, √v")
    left.plot(ts, m_hat, color=RIGHT, label="corrected m̂, √v̂")
    left.plot(ts, np.sqrt(v), color=GREY, ls="--")
    left.plot(ts, np.sqrt(v_hat), color=RIGHT, ls="--")
    right.plot(ts, step, color=RIGHT, label="m̂/(√v̂+ε)")
    right.plot(ts, raw_step, color=GREY, label="m/(√v+ε)")
    right.plot(ts, uncorrected_step_ratio(ts, beta1, beta2), color="k", ls=":", lw=1,
               label="(1−β₁ᵗ)/√(1−β₂ᵗ): raw/corrected for a constant g")
    k = t - 1
    # One set of limits for every frame, holding all the data: the uncorrected step peaks at
    # ~6.6 × lr (t ≈ 12) with the defaults and ~17 × with β₁ = 0.5.
    top, low, high = _bias_figure_limits()
    left.set(ylim=(0, top), title=f"t = {t}:  m = {m[k]:.2f} → m̂ = {m_hat[k]:.2f},  √v = {np.sqrt(v[k]):.2f} → "
             f"√v̂ = {np.sqrt(v_hat[k]):.2f}")
    right.set(yscale="log", ylim=(low, high),
              title=f"step / lr at t = {t}: {step[k]:.2f} corrected, {raw_step[k]:.2f} raw")
    right.yaxis.set_major_formatter(ScalarFormatter())
    right.yaxis.set_minor_locator(NullLocator())
    for ax in axes:
        ax.set(xscale="log", xlim=(1, T_MAX), xlabel="step t")
        ax.xaxis.set_minor_locator(NullLocator())
        ax.title.set_fontsize(8)
        ax.axvline(t, color="k", lw=0.8, ls=":")
        ax.grid(alpha=0.3)
    left.legend(loc="lower right", fontsize=7, frameon=False)
    right.axhline(1.0, color="k", lw=0.6)
    right.legend(loc="upper right", fontsize=7, frameon=False)


# -- trajectories -------------------------------------------------------------------------------
LANDSCAPES = {
    # name: (landscape, start, view box (x0, x1, y0, y1), steps, minimum)
    "ill-conditioned quadratic": (Quadratic(a=1.0, b=25.0), np.array([-4.0, 1.5]), (-4.5, 1.5, -2.0, 2.0), 60, (0, 0)),
    "Rosenbrock": (Rosenbrock(), np.array([-1.2, 1.0]), (-1.6, 1.6, -0.6, 1.6), 300, (1, 1)),
}
# Base learning rates per (landscape, optimizer), from a scan: at lr_scale = 1 each one makes
# progress and × 0.3 is visibly slow. × 3 makes plain SGD diverge on the quadratic (0.09 > 2/25)
# but not on Rosenbrock (0.006 is below where GD from (−1.2, 1) diverges); the chapter computes both.
BASE_LR = {
    "ill-conditioned quadratic": {"SGD": 0.03, "Momentum": 0.01, "RMSProp": 0.03, "Adam": 0.1},
    "Rosenbrock": {"SGD": 2e-3, "Momentum": 1e-3, "RMSProp": 0.03, "Adam": 0.1},
}


def make_optimizer(name: str, lr: float, beta: float):
    """A factory ``params -> optimizer`` for the trajectory figure (β: momentum / Adam's β₁)."""
    if name == "SGD":
        return lambda ps: SGD(ps, lr=lr)
    if name == "Momentum":
        return lambda ps: SGD(ps, lr=lr, momentum=beta)
    if name == "RMSProp":
        return lambda ps: RMSprop(ps, lr=lr, alpha=0.99)
    if name == "Adam":
        return lambda ps: Adam(ps, lr=lr, betas=(beta, 0.999))
    raise ValueError(f"optimizer must be SGD, Momentum, RMSProp or Adam, got {name!r}")


@lru_cache(maxsize=None)
def trajectory(landscape: str, optimizer: str, lr_scale: float, beta: float) -> np.ndarray:
    """The path (k, 2) of one optimizer on one landscape, with lr = lr_scale × BASE_LR."""
    land, x0, _, steps, _ = LANDSCAPES[landscape]
    return run(make_optimizer(optimizer, lr_scale * BASE_LR[landscape][optimizer], beta), land, x0, steps)


@lru_cache(maxsize=None)
def _contours(landscape: str):
    land, _, (x0, x1, y0, y1), _, _ = LANDSCAPES[landscape]
    X, Y = np.meshgrid(np.linspace(x0, x1, 160), np.linspace(y0, y1, 120))
    Z = land.value(np.stack([X, Y], axis=-1))
    return X, Y, np.log1p(Z)


def draw_trajectories(ax, landscape, optimizer, lr_scale, beta):
    """An optimizer's path over the loss contours, with its final loss (or divergence) in the title."""
    land, _, (x0, x1, y0, y1), steps, minimum = LANDSCAPES[landscape]
    path = trajectory(landscape, optimizer, lr_scale, beta)
    ax.contour(*_contours(landscape), levels=12, colors=GREY, linewidths=0.5)
    shown = path[np.all(np.abs(path) < 50, axis=1)]
    ax.plot(shown[:, 0], shown[:, 1], ".-", color=RIGHT, ms=2.5, lw=1)
    ax.plot(*path[0], "o", color="k", ms=4)
    ax.plot(*minimum, "*", color=WRONG, ms=9)
    ax.set(xlim=(x0, x1), ylim=(y0, y1), xticks=[], yticks=[])
    lr = lr_scale * BASE_LR[landscape][optimizer]
    hyper = f"lr = {lr:g}" + (f", β = {beta:g}" if optimizer in ("Momentum", "Adam") else " (β unused)")
    outcome = trajectory_outcome(landscape, optimizer, lr_scale, beta)
    bad = outcome.startswith("DIVERG")
    ax.set_title(f"{optimizer}, {hyper} — {outcome}", fontsize=8, color=WRONG if bad else "k")


def trajectory_outcome(landscape: str, optimizer: str, lr_scale: float, beta: float) -> str:
    """"DIVERGED" (left the ±1e6 box), "DIVERGING: loss …" (ends above its start) or "loss after k steps: …"."""
    land, _, _, steps, _ = LANDSCAPES[landscape]
    path = trajectory(landscape, optimizer, lr_scale, beta)
    loss = land.value(path)
    if len(path) < steps + 1:
        return "DIVERGED"
    if loss[-1] > loss[0]:
        return f"DIVERGING: loss {loss[0]:.2g} → {loss[-1]:.1e}"
    return f"loss after {steps} steps: {loss[-1]:.1e}"


# -- warmup + cosine ----------------------------------------------------------------------------
def draw_schedule(ax, warmup_steps, total_steps):
    """Learning rate per step: linear warmup, then cosine decay to zero."""
    lr = warmup_cosine_schedule(base_lr=1.0, warmup_steps=warmup_steps, total_steps=total_steps)
    steps = np.arange(len(lr))
    ax.plot(steps, lr, color=RIGHT)
    ax.axvspan(0, warmup_steps, color=RIGHT, alpha=0.12, label=f"warmup: {warmup_steps} steps")
    ax.set(xlim=(0, 5000), ylim=(0, 1.05), xlabel="step", ylabel="lr / base lr",
           title=f"warmup {warmup_steps} steps, cosine decay until step {total_steps}")
    ax.legend(loc="upper right", frameon=False)
    ax.grid(alpha=0.3)


# -- saddle point -------------------------------------------------------------------------------
SADDLE_START, SADDLE_LR, SADDLE_STEPS = np.array([1.0, 1e-4]), 0.05, 110


def escape_step(path: np.ndarray, radius: float = 1.0):
    """First step at which |y| exceeds ``radius`` (None if it never does)."""
    hits = np.nonzero(np.abs(path[:, 1]) > radius)[0]
    return int(hits[0]) if len(hits) else None


@lru_cache(maxsize=None)
def saddle_paths(beta: float):
    """GD and momentum paths on f = x² − y² from just off the stable manifold."""
    gd = run(lambda ps: SGD(ps, lr=SADDLE_LR), Saddle(), SADDLE_START, SADDLE_STEPS)
    mom = run(lambda ps: SGD(ps, lr=SADDLE_LR, momentum=beta), Saddle(), SADDLE_START, SADDLE_STEPS)
    return gd, mom


def draw_saddle(axes, beta):
    """Gradient descent vs momentum leaving the saddle of x² − y² (path, and |y| per step)."""
    gd, mom = saddle_paths(beta)
    left, right = axes
    X, Y = np.meshgrid(np.linspace(-1.2, 1.2, 100), np.linspace(-1.5, 1.5, 100))
    left.contour(X, Y, X**2 - Y**2, levels=16, colors=GREY, linewidths=0.5)
    for path, color, name in ((gd, GREY, "GD"), (mom, RIGHT, f"momentum β = {beta:g}")):
        shown = path[np.abs(path[:, 1]) < 1.5]
        left.plot(shown[:, 0], shown[:, 1], ".-", ms=2, lw=1, color=color, label=name)
        right.plot(np.abs(path[:, 1]), color=color, label=f"{name}: escapes at step {escape_step(path)}")
    left.plot(0, 0, "x", color=WRONG, ms=8)
    left.set(xlim=(-1.2, 1.2), ylim=(-1.5, 1.5), xticks=[-1, 0, 1], yticks=[-1, 0, 1], title="f = x² − y²")
    left.legend(loc="lower left", fontsize=7, frameon=False)
    right.axhline(1.0, color="k", lw=0.6, ls=":")
    right.set(yscale="log", xlim=(0, SADDLE_STEPS), ylim=(1e-5, 1e2), xlabel="step", ylabel="|y|")
    right.yaxis.set_minor_locator(NullLocator())
    right.legend(loc="upper left", fontsize=7, frameon=False)
    right.grid(alpha=0.3)


# -- errata -----------------------------------------------------------------------------------
ERRATA = ("3: momentum update", "8: RMSProp σ", "9: Adam bias correction", "10: Adam has no warmup")


def draw_erratum(ax, erratum, notes):
    """One of the notes' optimizer mistakes: the right version, and (toggle) the notes' version."""
    if erratum == ERRATA[0]:
        quad = lambda w: 2 * w  # noqa: E731  f(w) = w², f'(w) = 2w
        right = errata.momentum_right(quad, 3.0, lr=0.05, beta=0.9, steps=60)
        ax.plot(right, color=RIGHT, label="w ← w + v (right)")
        if notes:
            ax.plot(errata.momentum_as_in_notes(quad, 3.0, lr=0.05, beta=0.9, steps=60), color=WRONG, ls="--",
                    label="v ← w + v (notes): w never moves")
        ax.set(xscale="linear", yscale="linear", xlim=(0, 60), ylim=(-3.5, 3.5), xlabel="step", ylabel="w",
               title="momentum on f(w) = w²")
    elif erratum == ERRATA[1]:
        grads = 0.01 * np.random.default_rng(0).standard_normal(2000)
        ax.plot(errata.rmsprop_sigma(grads, beta2=0.99), color=RIGHT, label="σ² EMA of g² (right)")
        if notes:
            ax.plot(errata.rmsprop_sigma(grads, beta2=0.99, as_in_notes=True), color=WRONG, ls="--",
                        label="no square inside the EMA (notes)")
        ax.axhline(0.01, color="k", lw=0.6, ls=":")
        ax.set(xscale="linear", yscale="log", xlim=(0, 2000), ylim=(1e-4, 3), xlabel="step", ylabel="σ",
               title="RMSProp's σ for gradients of size 0.01")
    elif erratum == ERRATA[2]:
        grads = np.ones(300)
        ax.plot(np.arange(1, 301), np.abs(errata.adam_updates(grads, lr=1e-3)) / 1e-3, color=RIGHT,
                label="v̂ = v/(1−β₂ᵗ), then √ (right)")
        if notes:
            ax.plot(np.arange(1, 301), np.abs(errata.adam_updates(grads, lr=1e-3, as_in_notes=True)) / 1e-3,
                    color=WRONG, ls="--", label="σ/(1−β₂ᵗ) and raw m (notes)")
        ax.set(xscale="log", yscale="linear", xlim=(1, 300), ylim=(0, 1.2), xlabel="step t", ylabel="|Δθ| / lr",
               title="Adam's step for a constant gradient")
    else:
        steps = np.arange(1, 301)
        ax.plot(steps, errata.adam_step_sizes_constant_grad(300) / 1e-3, color=RIGHT,
                label="torch-style Adam: full step from t = 1")
        if notes:
            ramp = warmup_cosine_schedule(base_lr=1.0, warmup_steps=100, total_steps=300)[1:]
            ax.plot(steps, ramp, color=WRONG, ls="--", label="warmup: a schedule you add on top")
        ax.set(xscale="linear", yscale="linear", xlim=(1, 300), ylim=(0, 1.2), xlabel="step t", ylabel="|Δθ| / lr",
               title="'Adam = RMSProp + momentum + warmup'?")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=8, frameon=False)


# -- mini-batches -------------------------------------------------------------------------------
BATCH_SIZES = (1, 8, 32, 128, 512)


@lru_cache(maxsize=None)
def _minibatch_curve(batch_size: int):
    return train_least_squares(batch_size)


def draw_minibatch(ax, batch_size):
    """Full-data loss against samples seen for batch GD, mini-batch SGD and single-sample SGD."""
    for b in BATCH_SIZES:
        seen, loss = _minibatch_curve(b)
        chosen = b == batch_size
        ax.plot(seen / 512, loss, color=RIGHT if chosen else GREY, lw=1.6 if chosen else 0.7, alpha=1 if chosen else 0.6,
                label=f"batch {b}" + (" (GD)" if b == 512 else " (SGD)" if b == 1 else ""))
    seen, loss = _minibatch_curve(batch_size)
    ax.set(yscale="log", xlim=(0, 5), ylim=(3e-3, 5), xlabel="epochs (samples seen / N)", ylabel="loss",
           title=f"batch {batch_size}: {len(seen) - 1} updates in 5 epochs, final loss {loss[-1]:.4f}")
    ax.title.set_fontsize(9)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper right", fontsize=7, frameon=False)


# -- learning rate vs batch size ------------------------------------------------------------------
def draw_batch_lr(axes, optimizer, batch_size):
    """Excess loss after 2 epochs against lr for each batch size (left), best lr against batch size (right)."""
    from mlnotes.optim import batch_scaling as bs

    left, right = axes
    lrs, sizes = np.array(bs.LRS), np.array(bs.BATCH_SIZES)
    best = np.array([bs.best_lr(optimizer, b) for b in sizes])
    floor = np.array([bs.final_excess_loss(optimizer, int(b)).min() for b in sizes])
    for b in sizes:
        loss = bs.final_excess_loss(optimizer, int(b))
        chosen = b == batch_size
        ok = np.isfinite(loss)  # diverged rates are left out
        left.plot(lrs[ok], loss[ok], color=RIGHT if chosen else GREY,
                  lw=1.8 if chosen else 0.6, alpha=1 if chosen else 0.5, zorder=3 if chosen else 1)
    k = list(sizes).index(batch_size)
    left.axvline(best[0] * batch_size, color="k", ls="--", lw=0.9, label=f"linear rule: {best[0] * batch_size:.3g}")
    left.axvline(best[0] * np.sqrt(batch_size), color="k", ls=":", lw=0.9,
                 label=f"√ rule: {best[0] * np.sqrt(batch_size):.3g}")
    left.plot(best[k], floor[k], "o", color=WRONG, ms=5, zorder=4)
    left.set(xscale="log", yscale="log", xlim=(lrs[0], lrs[-1]), ylim=(2e-5, 20), xlabel="learning rate",
             ylabel="loss − minimum after 2 epochs",
             title=f"{optimizer}, batch {batch_size}: best lr {best[k]:.3g} → {floor[k]:.1e}")
    left.legend(loc="lower left", fontsize=7, frameon=False)
    ok = floor < 10 * floor[0]  # reached the noise floor of batch 1 (within 10×) in 2 epochs
    right.plot(sizes, best, "-", color=RIGHT, lw=1)
    right.plot(sizes[ok], best[ok], "o", color=RIGHT, ms=4, label="best lr (measured)")
    if not ok.all():
        right.plot(sizes[~ok], best[~ok], "o", mfc="white", color=RIGHT, ms=4,
                   label="best lr, but loss > 10 × batch 1's")
    right.plot(sizes, best[0] * sizes, "k--", lw=0.9, label="∝ B (linear)")
    right.plot(sizes, best[0] * np.sqrt(sizes), "k:", lw=0.9, label="∝ √B")
    if optimizer == "SGD":
        right.axhline(2 / bs.problem()[4], color=WRONG, lw=0.8, label="2/λ_max: GD's stability limit")
    right.plot(batch_size, best[k], "o", color=WRONG, ms=6, zorder=4)
    right.set(xscale="log", yscale="log", xlim=(0.8, 320), ylim=(3e-3, 30), xlabel="batch size B",
              title="best learning rate vs batch size")
    right.legend(loc="upper left", fontsize=7, frameon=False)
    for ax in axes:
        ax.title.set_fontsize(9)
        ax.grid(alpha=0.3)
        ax.xaxis.set_minor_locator(NullLocator())
        ax.yaxis.set_minor_locator(NullLocator())


# -- Newton and L-BFGS --------------------------------------------------------------------------
SECOND_ORDER_STEPS = 80  # iterations shown


@lru_cache(maxsize=None)
def second_order_paths(landscape: str):
    """Paths of GD (the trajectory figure's SGD at ×1), Newton, and L-BFGS with fixed steps (torch's default,
    lr = 1) and with a backtracking line search, both with tight tolerances."""
    from mlnotes.optim.second_order import as_fun, lbfgs, newton

    land, x0, _, _, _ = LANDSCAPES[landscape]
    fun, tol = as_fun(land), dict(tolerance_grad=1e-12, tolerance_change=1e-15)  # run until the error is ~0
    return {"GD": trajectory(landscape, "SGD", 1.0, 0.9)[:SECOND_ORDER_STEPS + 1],
            "Newton": newton(land, x0, 8),
            "L-BFGS, fixed steps": lbfgs(fun, x0, max_iter=SECOND_ORDER_STEPS, **tol).path,
            "L-BFGS + line search": lbfgs(fun, x0, max_iter=SECOND_ORDER_STEPS, line_search="backtracking", **tol).path}


def draw_second_order(axes, landscape):
    """GD, Newton and L-BFGS: paths over the contours (left) and distance to the minimum per iteration (right)."""
    land, _, (x0, x1, y0, y1), _, minimum = LANDSCAPES[landscape]
    left, right = axes
    left.contour(*_contours(landscape), levels=12, colors=GREY, linewidths=0.5)
    styles = {"GD": (GREY, ".", "-"), "Newton": (WRONG, "o", "-"), "L-BFGS, fixed steps": ("#8fb8d8", ".", "--"),
              "L-BFGS + line search": (RIGHT, ".", "-")}
    for name, path in second_order_paths(landscape).items():
        color, marker, ls = styles[name]
        shown = path[np.all(np.abs(path) < 50, axis=1)]
        left.plot(shown[:, 0], shown[:, 1], marker=marker, ls=ls, color=color, ms=3, lw=1, label=name)
        dist = np.linalg.norm(path - np.array(minimum, float), axis=1)
        right.plot(np.arange(len(path)), np.maximum(dist, 1e-16), marker=marker, ls=ls, color=color, ms=3, lw=1,
                   label=f"{name}: {dist[-1]:.0e} after {len(path) - 1}")
    left.plot(*minimum, "*", color="k", ms=9)
    left.set(xlim=(x0, x1), ylim=(y0, y1), xticks=[], yticks=[], title=landscape)
    right.set(yscale="log", xlim=(0, SECOND_ORDER_STEPS), ylim=(1e-16, 1e2), xlabel="iteration",
              ylabel="distance to the minimum", title="error per iteration (0 drawn at 1e-16)")
    right.yaxis.set_minor_locator(NullLocator())
    right.legend(loc="lower right", fontsize=7, frameon=False)
    for ax in axes:
        ax.title.set_fontsize(9)
    right.grid(alpha=0.3)
