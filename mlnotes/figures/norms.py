"""Figures for the normalization chapter: which values share statistics, small batches, momentum, scaling.

Pure draw functions ``draw_xxx(ax, **values)``; heavy data is computed once per session
(``functools.lru_cache``), never at import. English text only; fixed axis limits.

See chapter: chapters/normalization.md
"""

from __future__ import annotations

import functools

import numpy as np

METHODS = ("BatchNorm", "LayerNorm", "InstanceNorm", "GroupNorm")
CUBE_N, CUBE_C, CUBE_HW = 4, 6, 4  # the drawn block: batch, channels, flattened pixels
_DX, _DY = 0.55, 0.4  # the oblique projection of the N axis
_SHADE, _PLAIN, _EDGE = "#4a7fd0", "#ffffff", "#7a7a7a"
BLUE, ORANGE, GREEN, GREY = "#1f77b4", "#ff7f0e", "#2ca02c", "#8c8c8c"


# -- which values share one mean and std -----------------------------------------------------------

def _shared(method: str, groups: int, n: int, c: int) -> bool:
    """Is voxel (n, c, any pixel) in the set that shares the statistics with voxel (0, 0, 0)?"""
    if method == "BatchNorm":
        return c == 0
    if method == "LayerNorm":
        return n == 0
    if method == "InstanceNorm":
        return n == 0 and c == 0
    return n == 0 and c < CUBE_C // groups  # GroupNorm: sample 0, group 0


def _stats_text(method: str, groups: int) -> str:
    n, c, hw = CUBE_N, CUBE_C, CUBE_HW
    return {
        "BatchNorm": f"{c} means, one per channel,\neach over N·H·W = {n * hw} values",
        "LayerNorm": f"{n} means, one per sample,\neach over C·H·W = {c * hw} values",
        "InstanceNorm": f"{n * c} means, one per (sample, channel),\neach over H·W = {hw} values",
        "GroupNorm": f"{n * groups} means, one per (sample, group),\neach over (C/G)·H·W = {c // groups * hw} values",
    }[method]


def draw_norm_axes(ax, method: str = "BatchNorm", groups: int = 2):
    """An (N, C, H·W) block of cubes; the values sharing one mean and std under the chosen normalization are shaded."""
    from matplotlib.collections import PolyCollection

    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if method == "GroupNorm" and (groups < 1 or CUBE_C % groups):
        raise ValueError(f"groups must divide {CUBE_C}: one of 1, 2, 3, 6, got {groups!r}")
    polys, colors = [], []
    top = CUBE_HW
    for n in reversed(range(CUBE_N)):  # back to front: top and side faces of every depth slice
        ox, oy = n * _DX, n * _DY
        for c in range(CUBE_C):  # top face of voxel (n, c, top pixel)
            polys.append([(c + ox, top + oy), (c + 1 + ox, top + oy), (c + 1 + ox + _DX, top + oy + _DY),
                          (c + ox + _DX, top + oy + _DY)])
            colors.append(_SHADE if _shared(method, groups, n, c) else _PLAIN)
        for h in range(CUBE_HW):  # right side face of voxel (n, C−1, h)
            x0 = CUBE_C + ox
            polys.append([(x0, h + oy), (x0 + _DX, h + oy + _DY), (x0 + _DX, h + 1 + oy + _DY), (x0, h + 1 + oy)])
            colors.append(_SHADE if _shared(method, groups, n, CUBE_C - 1) else _PLAIN)
    for c in range(CUBE_C):  # front face: sample n = 0
        for h in range(CUBE_HW):
            polys.append([(c, h), (c + 1, h), (c + 1, h + 1), (c, h + 1)])
            colors.append(_SHADE if _shared(method, groups, 0, c) else _PLAIN)
    ax.add_collection(PolyCollection(polys, facecolors=colors, edgecolors=_EDGE, linewidths=0.6))
    ax.text(CUBE_C / 2, -0.45, "C (channels)", ha="center", va="top", fontsize=9)
    ax.text(-0.3, CUBE_HW / 2, "H, W", ha="right", va="center", rotation=90, fontsize=9)
    ax.text(CUBE_C + CUBE_N * _DX / 2 + 0.25, CUBE_N * _DY / 2 - 0.25, "N (batch)", ha="left", va="top",
            rotation=np.degrees(np.arctan2(_DY, _DX)), rotation_mode="anchor", fontsize=9)
    title = method if method != "GroupNorm" else f"GroupNorm (G = {groups})"
    ax.set_title(title, fontsize=11)
    ax.text(CUBE_C / 2 + CUBE_N * _DX / 2, -1.3, _stats_text(method, groups), ha="center", va="top", fontsize=8)
    ax.set_xlim(-1.0, CUBE_C + CUBE_N * _DX + 2.4)
    ax.set_ylim(-3.0, CUBE_HW + CUBE_N * _DY + 0.3)
    ax.set_aspect("equal")
    ax.axis("off")


def draw_norm_axes_all(axes, groups: int = 2):
    """Four blocks side by side: the values sharing one mean/std under BatchNorm, LayerNorm, InstanceNorm, GroupNorm."""
    for ax, method in zip(np.ravel(axes), METHODS):
        draw_norm_axes(ax, method, groups)


# -- small batches ---------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def batch_stat_data():
    """(batch_stat_error(), bn_train_eval_gap()) over BATCH_SIZES, computed once per session (the figure's data)."""
    from mlnotes.norms import BATCH_SIZES, batch_stat_error, bn_train_eval_gap

    err = batch_stat_error(BATCH_SIZES)
    gap = bn_train_eval_gap(BATCH_SIZES[1:])
    return err, gap


def draw_batch_stat_error(ax, batch_size: int = 8):
    """Error of the batch mean and variance, and the BatchNorm train/eval output gap, against batch size (log scale)."""
    err, gap = batch_stat_data()
    b = err["batch_sizes"]
    if batch_size not in b:
        raise ValueError(f"batch_size must be one of {list(b)}, got {batch_size!r}")
    ax.plot(b, err["mean_err_theory"], color=BLUE, lw=1, ls=":", label="theory √(2/(πB))")
    ax.plot(b, err["mean_err"], "o-", color=BLUE, ms=4, label="batch mean: E|μ_B − μ|/σ")
    ax.plot(b, err["var_err"], "s-", color=ORANGE, ms=4, label="batch variance: E|σ²_B − σ²|/σ²")
    ax.plot(b[1:], gap, "^-", color=GREEN, ms=4, label="BN output: mean |y_train − y_eval|")
    i = int(np.flatnonzero(b == batch_size)[0])
    ax.axvline(batch_size, color=GREY, lw=1)
    ax.plot([batch_size] * 2, [err["mean_err"][i], err["var_err"][i]], "o", color="k", ms=7, mfc="none")
    text = f"B = {batch_size}: mean err {err['mean_err'][i]:.2f}, var err {err['var_err'][i]:.2f}"
    if i > 0:
        ax.plot(batch_size, gap[i - 1], "o", color="k", ms=7, mfc="none")
        text += f", train/eval gap {gap[i - 1]:.2f}"
    else:
        text += " (BN refuses to train on 1 value)"
    ax.text(0.98, 0.97, text, transform=ax.transAxes, ha="right", va="top", fontsize=8,
            bbox=dict(facecolor="white", edgecolor="none", alpha=0.85))
    ax.set_xscale("log", base=2)
    ax.set_xlim(0.8, 330)
    ax.set_ylim(0, 1.08)
    ax.set_xticks(b, [str(v) for v in b])
    ax.minorticks_off()
    ax.set_xlabel("batch size B")
    ax.set_ylabel("relative error")
    ax.legend(loc="center right", fontsize=7.5, frameon=False)


# -- running-statistics momentum (erratum 11) ------------------------------------------------------

MOMENTUM_STEPS = 60
POP_MEAN = 5.0


@functools.lru_cache(maxsize=1)
def _batch_means():
    rng = np.random.default_rng(0)
    return POP_MEAN + 2.0 * rng.standard_normal((MOMENTUM_STEPS, 16)).mean(axis=1)  # (steps,), std 0.5


def draw_bn_momentum(ax, momentum: float = 0.1, notes: bool = False):
    """Running mean of noisy batch means over training steps: PyTorch's momentum convention and (toggle) the notes'."""
    from mlnotes.norms import running_mean_trajectory

    means = _batch_means()
    steps = np.arange(MOMENTUM_STEPS + 1)
    torch_rm = running_mean_trajectory(means, momentum)
    ax.axhline(POP_MEAN, color=GREY, ls="--", lw=1, label="population mean")
    ax.plot(steps[1:], means, ".", color=GREY, ms=5, label="batch means μ_t (B = 16)")
    ax.plot(steps, torch_rm, color=BLUE, lw=2, label=f"PyTorch: (1−m)·μ̄ + m·μ_t, m = {momentum:g}")
    text = f"after step 1: PyTorch {torch_rm[1]:.2f}"
    if notes:
        notes_rm = running_mean_trajectory(means, momentum, notes=True)
        ax.plot(steps, notes_rm, color=ORANGE, lw=2, ls="-", label=f"notes: p·μ̄ + (1−p)·μ_t, p = {momentum:g}")
        text += f", notes {notes_rm[1]:.2f}"
    ax.text(0.98, 0.04, text, transform=ax.transAxes, ha="right", va="bottom", fontsize=8,
            bbox=dict(facecolor="white", edgecolor="none", alpha=0.85))
    ax.set_xlim(0, MOMENTUM_STEPS)
    ax.set_ylim(-0.3, 7.3)
    ax.set_xlabel("training step t")
    ax.set_ylabel("running mean μ̄")
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 0.1), fontsize=7.5, frameon=False)


# -- feature scaling and gradient descent ----------------------------------------------------------

GD_SHOWN = 200  # iterations shown in the loss panel
SCALING_COLORS = {"raw": ORANGE, "min-max": GREEN, "standardized": BLUE}


@functools.lru_cache(maxsize=1)
def gd_runs():
    """scaling_gd_runs() with its defaults, computed once per session (the figure's data): {scaling: GDRun}."""
    from mlnotes.norms import scaling_gd_runs

    return scaling_gd_runs()


@functools.lru_cache(maxsize=4)
def _slice_grid(scaling: str):
    """Loss over (w1, w2) at the optimal intercept b*, equal-aspect window: (W1, W2, L, levels, path, w*)."""
    run = gd_runs()[scaling]
    A = np.column_stack([np.ones(len(run.X)), run.X])  # (n, 3)
    theta_star = np.linalg.lstsq(A, run.y, rcond=None)[0]  # [b*, w1*, w2*]
    w_star = theta_star[1:]
    half = 1.3 * np.max(np.abs(w_star))  # the start (0, 0) is inside; same range on both axes
    grid = np.linspace(-half, half, 101)
    W1, W2 = np.meshgrid(w_star[0] + grid, w_star[1] + grid)  # (101, 101)
    resid = theta_star[0] + run.X @ np.stack([W1.ravel(), W2.ravel()]) - run.y[:, None]  # (n, 101²)
    L = 0.5 * np.mean(resid**2, axis=0).reshape(W1.shape)
    l_start = 0.5 * np.mean((theta_star[0] - run.y) ** 2)  # at w = (0, 0), where GD starts
    levels = L.min() + (l_start - L.min()) * np.array([0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0])
    return W1, W2, L, levels, run.path[:GD_SHOWN + 1, 1:], w_star


def draw_scaling_gd(axes, scaling: str = "raw"):
    """GD on least squares: loss contours and path (left), excess loss per step, raw/min-max/standardized (right)."""
    runs = gd_runs()
    if scaling not in runs:
        raise ValueError(f"scaling must be one of {list(runs)}, got {scaling!r}")
    ax, ax2 = axes
    W1, W2, L, levels, path, w_star = _slice_grid(scaling)
    ax.contour(W1, W2, L, levels=levels, colors=GREY, linewidths=0.7)
    ax.plot(path[:, 0], path[:, 1], ".-", color=SCALING_COLORS[scaling], ms=2.5, lw=0.8)
    ax.plot(*w_star, "*", color="k", ms=9)
    ax.set_xlim(W1[0, 0], W1[0, -1])
    ax.set_ylim(W2[0, 0], W2[-1, 0])
    ax.set_aspect("equal")
    ax.set_xlabel("w1 (weight of x1)")
    ax.set_ylabel("w2 (weight of x2)")
    r = runs[scaling]
    dist = np.linalg.norm(path[-1] - w_star) / np.linalg.norm(w_star)
    ax.text(0.03, 0.03, f"GD, {GD_SHOWN} steps: |w − w*|/|w*| = {dist:.2g}", transform=ax.transAxes, fontsize=7.5,
            bbox=dict(facecolor="white", edgecolor="none", alpha=0.85))
    ax.set_title(f"{scaling}: loss at b = b*, κ = {r.cond:.3g}", fontsize=9)
    k = np.arange(GD_SHOWN + 1)
    for name, run in runs.items():
        sel = name == scaling
        done = f"{run.n_iter} steps" if run.n_iter is not None else f"~{run.predicted_iter:.2g} steps"
        ax2.plot(k, np.maximum(run.excess[:GD_SHOWN + 1], 1e-12), color=SCALING_COLORS[name], lw=2.2 if sel else 1,
                 alpha=1.0 if sel else 0.45, label=f"{name}: {done}")
    ax2.axhline(r.tol, color=GREY, ls=":", lw=1)
    ax2.set_yscale("log")
    ax2.set_xlim(0, GD_SHOWN)
    ax2.set_ylim(1e-12, 3)
    ax2.set_xlabel("GD iteration")
    ax2.set_ylabel("(L − L*)/(L₀ − L*)")
    ax2.set_title(f"steps to reach {r.tol:g} (lr = 1/λ_max each)", fontsize=9)
    ax2.legend(loc="upper right", bbox_to_anchor=(1.0, 0.9), fontsize=7.5, frameon=False)
