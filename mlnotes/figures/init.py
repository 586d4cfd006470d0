"""Figures of the Initialization & activations chapter: pure ``draw(ax, ...)`` functions for explore().

Every heavy number (deep-network statistics, training runs) is computed once per setting and
cached, never at import. See chapter: chapters/initialization.md
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from matplotlib.ticker import NullLocator

from mlnotes.activations.dying import LEARNING_RATES, train_dying
from mlnotes.activations.functions import ACTIVATIONS
from mlnotes.init.deep import layer_statistics
from mlnotes.init.errata import naive_overflow_threshold, sigmoid_notes
from mlnotes.init.symmetry import distinct_units, forward, moons, train
from mlnotes.losses.stable import _log_sigmoid

RIGHT, WRONG, GREY, ACCENT = "#1f5f8b", "#c0392b", "#999999", "#2e8b57"
SHOWN_ACTIVATIONS = ("sigmoid", "tanh", "ReLU", "LeakyReLU", "ELU", "GELU", "GELU (tanh)", "SiLU")
STAT_ACTIVATIONS = ("tanh", "sigmoid", "ReLU")
STAT_DEPTHS = (20, 50)
STAT_YLIM = (1e-40, 1e40)
FLOOR = 1e-300  # an exact 0 is drawn here (off the log axis) and named in the title


# -- activation functions ----------------------------------------------------------------------------
def draw_activation(axes, activation):
    """The chosen activation (left) and its derivative (right) over x ∈ [−5, 5], the others in grey."""
    x = np.linspace(-5, 5, 401)
    left, right = axes
    for name in SHOWN_ACTIVATIONS:
        act = ACTIVATIONS[name]
        chosen = name == activation
        kw = dict(color=RIGHT, lw=2.2, zorder=3) if chosen else dict(color=GREY, lw=0.7, alpha=0.6)
        left.plot(x, act.forward(x), **kw)
        right.plot(x, act.derivative(x), **kw)
    d = ACTIVATIONS[activation].derivative(x)
    right.axhline(0.25, color=WRONG, lw=0.8, ls=":")
    right.text(-4.9, 0.27, "1/4 = max of sigmoid′", color=WRONG, fontsize=7)
    left.set(xlim=(-5, 5), ylim=(-1.6, 5.1), xlabel="x", title=f"{activation}(x)")
    right.set(xlim=(-5, 5), ylim=(-0.15, 1.25), xlabel="x",
              title=f"{activation}′(x): max {d.max():.3f}, at x = −3: {ACTIVATIONS[activation].derivative(np.array(-3.0)):.3f}")
    for ax in axes:
        ax.title.set_fontsize(9)
        ax.grid(alpha=0.3)
        ax.axhline(0, color="k", lw=0.5)
        ax.axvline(0, color="k", lw=0.5)


# -- activation statistics through depth ---------------------------------------------------------------
def _floor(v):
    return np.maximum(np.abs(v), FLOOR)


def _fmt(v: float) -> str:
    return "0" if v == 0 else f"{v:.1e}"


def draw_layer_stats(ax, init, activation, depth):
    """Per layer, on one log axis: the std of the activations h_l (forward) and of the gradients
    ∂L/∂h_l and ∂L/∂W_l (backward)."""
    s = layer_statistics(init, activation, depth)
    layers = np.arange(1, depth + 1)
    ax.plot(layers, _floor(s.act_std), "-", color=RIGHT, lw=1.8, label="forward: std of h_l")
    ax.plot(layers, _floor(s.grad_h_std), "-", color=WRONG, lw=1.8, label="backward: std of ∂L/∂h_l")
    ax.plot(layers, _floor(s.grad_w_std), "--", color="#7d3c98", lw=1.2, label="backward: std of ∂L/∂W_l")
    ax.set_title(f"{init} + {activation}, {depth} layers: h at layer {depth} {_fmt(s.act_std[-1])}; "
                 f"∂L/∂W at layer 1 {_fmt(s.grad_w_std[0])}, at layer {depth} {_fmt(s.grad_w_std[-1])}", fontsize=8)
    ax.set(yscale="log", ylim=STAT_YLIM, xlim=(0, STAT_DEPTHS[-1] + 1), xlabel="layer l")
    ax.set_yticks([1e-40, 1e-20, 1e0, 1e20, 1e40])
    ax.yaxis.set_minor_locator(NullLocator())
    ax.axhline(1.0, color="k", lw=0.6)
    ax.axvline(depth, color="k", lw=0.6, ls=":")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=7, frameon=False)


# -- zero / constant init: the symmetry problem ---------------------------------------------------
@lru_cache(maxsize=None)
def _boundary(init: str, step: int):
    shot = next(s for s in train(init) if s.step == step)
    gx, gy = np.meshgrid(np.linspace(-1.6, 2.6, 90), np.linspace(-1.2, 1.7, 70))
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    _, p = forward(grid, shot.W1, shot.b1, shot.w2, shot.b2)
    return gx, gy, p.reshape(gx.shape), shot


PARAM_LIMIT = 1.5  # colour scale of the parameter table (larger values saturate; each cell prints its value)


def draw_symmetry(axes, init, step):
    """Hidden units' parameters (left: one row per unit) and the decision regions (right) after ``step`` steps."""
    gx, gy, p, shot = _boundary(init, step)
    left, right = axes
    rows = np.column_stack([shot.W1, shot.b1, shot.w2])  # (hidden, 4)
    left.imshow(rows, cmap="RdBu_r", vmin=-PARAM_LIMIT, vmax=PARAM_LIMIT, aspect="auto")
    for (i, j), v in np.ndenumerate(rows):
        left.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=6.5)
    left.set_xticks(range(4), ["w₁", "w₂", "b", "w_out"])
    left.set_yticks(range(rows.shape[0]), [f"unit {j + 1}" for j in range(rows.shape[0])], fontsize=7)
    left.set_title(f"step {step}: {distinct_units(shot)} distinct unit(s) of {rows.shape[0]}", fontsize=9)
    X, y = moons()
    right.contourf(gx, gy, p, levels=[0, 0.5, 1], colors=["#d6e6f2", "#f6d5d1"])
    right.contour(gx, gy, p, levels=[0.5], colors="k", linewidths=0.8)
    right.scatter(X[:, 0], X[:, 1], c=np.where(y == 1, WRONG, RIGHT), s=6, lw=0)
    right.set(xlim=(-1.6, 2.6), ylim=(-1.2, 1.7), xticks=[], yticks=[])
    right.set_title(f"loss {shot.loss:.3f}, training accuracy {shot.accuracy:.0%}", fontsize=9)


# -- dying ReLU ----------------------------------------------------------------------------------------------
def draw_dying_relu(ax, lr):
    """Each ReLU unit's range of pre-activations over the training set after training at ``lr``, sorted;
    red if never positive (dead)."""
    run = train_dying(lr, "ReLU")
    lo, hi = run.pre.min(axis=0), run.pre.max(axis=0)
    order = np.argsort(hi)
    units = np.arange(len(order))
    colors = np.where(run.dead[order], WRONG, RIGHT)
    ax.vlines(units, lo[order], hi[order], colors=colors, lw=2)
    ax.axhline(0, color="k", lw=0.8)
    ax.set(xlim=(-1, len(order)), ylim=_dying_ylim(), xlabel="hidden unit (sorted by its largest pre-activation)",
           ylabel="pre-activation a = w·x + b")
    ax.set_title(f"lr {lr:g}: {int(run.dead.sum())} of {len(order)} ReLU units dead (gradient exactly 0); "
                 f"loss {run.loss:.3f}", fontsize=9)
    ax.grid(alpha=0.3)


DYING_LRS = LEARNING_RATES


@lru_cache(maxsize=None)
def _dying_ylim():
    """One y range for every frame of the dying-ReLU figure, holding every unit's range."""
    runs = [train_dying(lr, "ReLU") for lr in DYING_LRS]
    lo = min(float(r.pre.min()) for r in runs)
    hi = max(float(r.pre.max()) for r in runs)
    return 1.05 * lo, 1.05 * hi


# -- erratum: the notes' naive sigmoid, then a log ------------------------------------------------------------
SIGMOID_RANGES = {"float32": (-120.0, 5.0), "float64": (-800.0, 5.0)}


def draw_log_sigmoid(ax, dtype, notes):
    """log σ(x) for very negative x: the stable −softplus(−x), and (toggle) log of the notes' 1/(1 + e^{-x})."""
    lo, hi = SIGMOID_RANGES[dtype]
    x = np.linspace(lo, hi, 1211).astype(dtype)
    stable = _log_sigmoid(x)
    floor = 1.06 * lo  # where −inf is drawn
    ax.plot(x, stable, color=RIGHT, lw=2.5, label="stable: log σ(x) = −softplus(−x)")
    if notes:
        with np.errstate(divide="ignore"):
            naive = np.log(sigmoid_notes(x))
        bad = ~np.isfinite(naive)
        ax.plot(x[~bad], naive[~bad], color=WRONG, lw=1.3, ls="--", label="notes: log(1 / (1 + e^(−x)))")
        ax.plot(x[bad], np.full(int(bad.sum()), floor), "x", color=WRONG, ms=3, label="notes: −inf")
        cut = naive_overflow_threshold(dtype)
        ax.axvline(cut, color=WRONG, lw=0.8, ls=":")
        ax.set_title(f"{dtype}: below x = {cut:.1f}, e^(−x) overflows, σ = 0 and its log is −inf "
                     f"({int(bad.sum())} of {x.size} points)", fontsize=8)
    else:
        ax.set_title(f"{dtype}: the stable log σ(x) is finite everywhere (≈ x for x ≪ 0; {stable.min():.0f} at "
                     f"x = {lo:g})", fontsize=8)
    ax.set(xlim=(lo, hi), ylim=(1.12 * lo, 0.08 * abs(lo)), xlabel="x", ylabel="log σ(x)")
    ax.legend(loc="upper left", fontsize=7, frameon=False)
    ax.grid(alpha=0.3)
