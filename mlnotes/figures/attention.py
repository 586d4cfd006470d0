"""Figures of the attention chapter: √d_k scaling, masks, positional encoding, a learned map, cost.

Heavy data is computed once per hyper-parameter value (functools.lru_cache), never at import.
See chapter: chapters/attention.md
"""

from __future__ import annotations

import functools

import numpy as np

MASK_TYPES = ("none", "causal", "sliding window", "causal window")  # each combined with padding (pad > 0)
SCALE_LABEL = {"none": "q·k (unscaled)", "sqrt": "q·k / √d_k", "linear": "q·k / d_k (notes)"}
D_K_VALUES = (1, 4, 16, 64, 256, 1024)


@functools.lru_cache(maxsize=64)
def _saturation(d_k: int, scale: str):
    """The Saturation summary for one d_k and scaling (cached: the widget and the curves share it)."""
    from mlnotes.attention.scaling import saturation

    return saturation(d_k, scale)


@functools.lru_cache(maxsize=64)
def _scaling_data(d_k: int, scale: str):
    """Mean sorted softmax weights (S,) and the Saturation summary for one d_k and scaling."""
    from mlnotes.attention.core import softmax
    from mlnotes.attention.scaling import scaled_scores

    p = softmax(scaled_scores(d_k, scale))  # (n, S)
    return np.sort(p, axis=-1)[:, ::-1].mean(axis=0), _saturation(d_k, scale)  # (S,), Saturation


def draw_scaling(ax, d_k=64, scaled=True, notes=False):
    """Sorted attention weights of a query over 16 random keys, for q·k with or without 1/√d_k (notes: 1/d_k)."""
    scale = "sqrt" if scaled else "none"
    profile, sat = _scaling_data(int(d_k), scale)
    S = profile.size
    edges = np.arange(S + 1) + 0.5  # key rank r covers [r − 0.5, r + 0.5]
    ax.stairs(profile, edges, fill=True, color="#0969da", alpha=0.85, label=SCALE_LABEL[scale])  # one artist
    text = (f"d_k = {d_k}\nstd of scores = {sat.score_std:.2f}\nmean max weight = {sat.max_weight:.2f}\n"
            f"mean ‖∂softmax‖ = {sat.jacobian_norm:.3f}")
    if notes:
        p_lin, s_lin = _scaling_data(int(d_k), "linear")
        ax.stairs(p_lin, edges, baseline=None, color="#cf222e", lw=2.2, label=SCALE_LABEL["linear"])
        text += f"\n÷d_k: max weight {s_lin.max_weight:.2f}"
    ax.axhline(1 / S, color="0.3", ls="--", lw=1, label="uniform 1/S")
    ax.text(0.97, 0.95, text, transform=ax.transAxes, ha="right", va="top", fontsize=8,
            bbox=dict(boxstyle="round", fc="white", ec="0.7"))
    ax.set(xlim=(0.5, S + 0.5), ylim=(0, 1.0), xlabel="key, sorted by weight", ylabel="attention weight",
           title=f"softmax of {SCALE_LABEL[scale]}")
    ax.legend(loc="center right", fontsize=8)


@functools.lru_cache(maxsize=1)
def _saturation_curves():
    """max weight and Jacobian norm vs d_k for the three scalings."""
    return {s: np.array([[_saturation(d, s).max_weight, _saturation(d, s).jacobian_norm] for d in D_K_VALUES])
            for s in ("none", "sqrt", "linear")}


def draw_saturation(ax):
    """Mean largest attention weight (solid) and softmax-Jacobian norm (dashed) against d_k, for three scalings."""
    curves = _saturation_curves()
    short = {"none": "unscaled", "sqrt": "/√d_k", "linear": "/d_k (notes)"}
    for (scale, vals), color in zip(curves.items(), ("#cf222e", "#0969da", "#8250df")):
        ax.plot(D_K_VALUES, vals[:, 0], "o-", color=color, label=f"max weight, {short[scale]}")
        ax.plot(D_K_VALUES, vals[:, 1], "s--", color=color, alpha=0.7, label=f"‖J‖, {short[scale]}")
    ax.set(xscale="log", xlim=(0.8, 1300), ylim=(0, 1.45), xlabel="d_k", ylabel="mean over random queries",
           title="unscaled scores saturate softmax: weight → 1, gradient → 0")
    ax.legend(fontsize=7, ncol=3, loc="upper center")


@functools.lru_cache(maxsize=256)
def _mask_data(mask_type: str, L: int, window: int, pad: int):
    """The (L, L) mask (the chosen pattern AND a padding mask), the attention weights on fixed random q, k,
    and the number of padded tokens."""
    from mlnotes.attention.core import sdpa_numpy
    from mlnotes.attention.masks import causal_mask, combine_masks, padding_mask, sliding_window_mask

    if mask_type not in MASK_TYPES:
        raise ValueError(f"mask_type must be one of {MASK_TYPES}, got {mask_type!r}")
    n_pad = min(int(pad), L - 1)
    keys = padding_mask([L - n_pad], L)[0]  # (1, L): True for the L − n_pad real tokens
    pattern = {"none": np.ones((L, L), dtype=bool), "causal": causal_mask(L),
               "sliding window": sliding_window_mask(L, window),
               "causal window": sliding_window_mask(L, window, True)}[mask_type]
    mask = combine_masks(pattern, keys)  # (L, L): a key is kept only if both masks keep it
    rng = np.random.default_rng(L)
    q, k = rng.standard_normal((2, L, 8))  # fixed random queries and keys, d_k = 8
    _, w = sdpa_numpy(q, k, k, mask=mask, scale=0.6, return_weights=True)  # (L, L)
    return mask, w, n_pad


def _mask_title(mask_type: str, window: int, n_pad: int) -> str:
    """e.g. 'causal window (w = 2) + padding (2)', or 'no mask'."""
    parts = [] if mask_type == "none" else [mask_type + (f" (w = {window})" if "window" in mask_type else "")]
    if n_pad:
        parts.append(f"padding ({n_pad})")
    return " + ".join(parts) or "no mask"


def draw_mask(axes, mask_type="causal", L=12, window=2, pad=2):
    """Left: which keys (columns) each query (row) may attend to (a pattern AND a padding mask);
    right: the resulting attention weights."""
    mask, w, n_pad = _mask_data(mask_type, int(L), int(window), int(pad))
    from matplotlib.colors import ListedColormap

    left, right = axes
    left.imshow(mask, cmap=ListedColormap(["#eaeef2", "#0969da"]), vmin=0, vmax=1)
    right.imshow(w, cmap="magma_r", vmin=0, vmax=1)
    ticks = np.arange(0, L, 1 if L <= 8 else 2)
    title = _mask_title(mask_type, int(window), n_pad)
    for ax, text in ((left, f"{title}\n(blue = attend)"), (right, "attention weights\n(each kept row sums to 1)")):
        ax.set(xticks=ticks, yticks=ticks, xlim=(-0.5, L - 0.5), ylim=(L - 0.5, -0.5), xlabel="key j",
               ylabel="query i", title=text)
        ax.title.set_fontsize(9)
        if n_pad:
            ax.axhspan(L - n_pad - 0.5, L - 0.5, color="0.5", alpha=0.25, hatch="xx", lw=0)
    if n_pad:
        right.text(L / 2 - 0.5, L - n_pad / 2 - 0.5, "pad queries: output ignored", ha="center", va="center",
                   fontsize=7, color="black")


@functools.lru_cache(maxsize=16)
def _pe_data(d_model: int, L: int = 64):
    """The (L, d) encoding, cos-similarity vs offset, and the same measured from position 10."""
    from mlnotes.attention.positional import pe_dot_by_offset, sinusoidal_pe

    pe = sinusoidal_pe(L + 10, d_model)  # (L + 10, d)
    curve = pe_dot_by_offset(L - 1, d_model) / (d_model / 2)  # ‖PE_p‖² = d/2
    from_10 = pe[10:10 + L] @ pe[10] / (d_model / 2)  # offsets 0 … L−1 from position 10
    return pe[:L], curve, from_10


def draw_positional_encoding(axes, d_model=64):
    """Left: the sinusoidal encoding (positions × dimensions); right: similarity of PE[p] and PE[p+k] against k."""
    pe, curve, from_10 = _pe_data(int(d_model))
    left, right = axes
    L = pe.shape[0]
    left.imshow(pe, cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto", interpolation="nearest")
    left.set(xlim=(-0.5, d_model - 0.5), ylim=(L - 0.5, -0.5), xlabel="dimension (even: sin, odd: cos)",
             ylabel="position p", title=f"PE, d_model = {d_model}")
    k = np.arange(L)
    right.plot(k, curve, color="#0969da", label="PE[0]·PE[k] / (d/2)")
    right.plot(k[::3], from_10[::3], "o", ms=4, color="#cf222e", label="PE[10]·PE[10+k] / (d/2)")
    right.axhline(0, color="0.6", lw=0.8)
    right.set(xlim=(0, L - 1), ylim=(-0.4, 1.05), xlabel="offset k", ylabel="cosine similarity",
              title="depends only on the offset k")
    right.legend(fontsize=8, loc="upper right")


@functools.lru_cache(maxsize=1)
def _reversal():
    """The trained tiny reversal model (about a second on one CPU thread)."""
    from mlnotes.attention.tiny import train_reversal

    return train_reversal()


def reversal_result():
    """The trained model behind :func:`draw_learned_attention`: ``train_reversal()`` with its defaults, trained
    once per session (a ReversalResult)."""
    return _reversal()


def draw_learned_attention(ax, step=250):
    """Attention map of the one-layer model trained to reverse 8 tokens, after a given number of training steps."""
    r = _reversal()
    if step not in r.snapshot_steps:
        raise ValueError(f"step must be one of {r.snapshot_steps}, got {step!r}")
    m = r.snapshots[r.snapshot_steps.index(step)]  # (L, L)
    L = m.shape[0]
    ax.imshow(m, cmap="magma_r", vmin=0, vmax=1)
    ax.set(xticks=range(L), yticks=range(L), xlim=(-0.5, L - 0.5), ylim=(L - 0.5, -0.5),
           xlabel="input position j", ylabel="output position i",
           title=f"after {step} steps: mean anti-diagonal weight {np.mean(np.diag(m[:, ::-1])):.2f}")
    ax.title.set_fontsize(9)
    if step == r.snapshot_steps[-1]:
        ax.text(L - 1, L - 1, f"accuracy {r.accuracy:.3f}", ha="right", va="bottom", fontsize=8,
                bbox=dict(boxstyle="round", fc="white", ec="0.7"))


@functools.lru_cache(maxsize=4)
def _timings(lengths: tuple, d: int):
    """Measured attention times for the given lengths (cached: measured once per session)."""
    from mlnotes.attention.cost import time_attention

    return time_attention(lengths, d=d, repeats=5)


def draw_cost(ax, lengths=(64, 128, 256, 512, 1024), seconds=None, d=64):
    """Log-log plot of attention time against sequence length L, with the fitted exponent and an L² guide."""
    from mlnotes.attention.cost import fit_exponent

    lengths = np.asarray(lengths, dtype=float)
    seconds = _timings(tuple(int(x) for x in lengths), int(d)) if seconds is None else np.asarray(seconds, float)
    alpha = fit_exponent(lengths, seconds)
    c = np.exp(np.mean(np.log(seconds) - alpha * np.log(lengths)))
    ax.loglog(lengths, seconds * 1e3, "o", color="#0969da", label="measured (numpy, d = %d)" % d)
    ax.loglog(lengths, c * lengths**alpha * 1e3, "-", color="#0969da", alpha=0.6, label=f"fit: t ∝ L^{alpha:.2f}")
    guide = seconds[-1] * (lengths / lengths[-1]) ** 2 * 1e3
    ax.loglog(lengths, guide, "--", color="0.4", label="L² guide")
    ax.set(xlim=(lengths.min() / 1.5, lengths.max() * 1.5), xlabel="sequence length L", ylabel="time (ms)",
           title="self-attention cost grows like L²")
    ax.legend(fontsize=8)
