"""Figures of the CNN chapter: conv arithmetic, receptive fields, parameter sharing, degradation, NMS.

Pure draw functions ``draw_xxx(ax, **values)``; heavy data is computed once per setting
(``functools.lru_cache``), never at import. Fixed axis limits wherever the content allows.

See chapter: chapters/cnn.md
"""

from __future__ import annotations

import functools

import numpy as np

BLUE, ORANGE, GREEN, RED, GREY = "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#8c8c8c"
CONV_INPUT = 5  # the input of the conv-arithmetic figure is 5×5 (as in Dumoulin & Visin, 2016)
RF_LAYERS, RF_KERNELS, RF_STRIDES, RF_DILATIONS = (1, 3), (3, 5), (1, 2), (1, 2)
RF_CURVE_LAYERS = 4  # the right panel: r for 1..4 layers
DEPTHS = (4, 12, 24)
NMS_THRESHOLDS = (0.1, 0.3, 0.5, 0.7, 0.9)


# -- conv arithmetic ------------------------------------------------------------------------------------------

def _square(x, y, size=1.0):
    return [(x, y), (x + size, y), (x + size, y + size), (x, y + size)]


def draw_conv_arithmetic(ax, kernel_size=3, stride=1, padding=0, dilation=1):
    """A 5×5 input (blue) with its zero padding (dashed), the taps of output (0, 0) (dark) and of the next output
    along the row (orange outline), and the output grid with those two outputs marked."""
    from matplotlib.collections import PolyCollection

    from mlnotes.cnn.shapes import conv_output_size

    k, s, p, d, n = int(kernel_size), int(stride), int(padding), int(dilation), CONV_INPUT
    size = n + 2 * p
    try:
        out = conv_output_size(n, k, s, p, d)
    except ValueError:
        out = 0
    top = 8.0  # grid rows grow downwards from here: cell (i, j) at x = j, y = top − i − 1
    cells, faces, styles = [], [], []
    for i in range(size):
        for j in range(size):
            pad = not (p <= i < p + n and p <= j < p + n)
            cells.append(_square(j, top - i - 1))
            faces.append("white" if pad else "#cfe2f3")
            styles.append("--" if pad else "-")
    ax.add_collection(PolyCollection(cells, facecolors=faces, edgecolors="0.55", linewidths=0.8, linestyles=styles))
    taps = [_square(d * v, top - d * u - 1) for u in range(k) for v in range(k)]
    ax.add_collection(PolyCollection(taps, facecolors="#1f4e79", edgecolors="black", linewidths=1.2, alpha=0.85))
    if out > 1:
        nxt = [_square(s + d * v + 0.1, top - d * u - 0.9, 0.8) for u in range(k) for v in range(k)]
        ax.add_collection(PolyCollection(nxt, facecolors="none", edgecolors=ORANGE, linewidths=2.2))
    ox = 9.0
    grid = [_square(ox + j, top - i - 1) for i in range(out) for j in range(out)]
    colors = ["#1f4e79" if (i, j) == (0, 0) else ("#fde0c5" if (i, j) == (0, 1) else "#e8f4e4")
              for i in range(out) for j in range(out)]
    ax.add_collection(PolyCollection(grid, facecolors=colors, edgecolors="0.4", linewidths=0.8))
    ax.text(size / 2, top + 0.35, f"input {n}×{n}, padding {p}", ha="center", va="bottom", fontsize=9)
    ax.text(ox + 3, top + 0.35, f"output {out}×{out}", ha="center", va="bottom", fontsize=9)
    ax.text(0, 0.6, f"output size ⌊({n} + 2·{p} − {d}·({k} − 1) − 1) / {s}⌋ + 1 = {out}", fontsize=10, va="top")
    ax.set_title(f"kernel {k}×{k}, stride {s}, padding {p}, dilation {d}", fontsize=10)
    ax.set_xlim(-0.3, 15.3)
    ax.set_ylim(-0.4, top + 1.0)
    ax.set_aspect("equal")
    ax.axis("off")


# -- receptive field ------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=128)
def _probe(layers, k, s, d):
    from mlnotes.cnn.receptive import probe_receptive_field

    return probe_receptive_field([k] * layers, s, d, margin=0)


@functools.lru_cache(maxsize=16)
def _rf_curve(k, s, d):
    """(formula r_l, probed support) for l = 1..RF_CURVE_LAYERS."""
    from mlnotes.cnn.receptive import receptive_field, support_extent

    formula = receptive_field([k] * RF_CURVE_LAYERS, s, d)[0]
    probed = np.array([support_extent(_probe(n, k, s, d))[0] for n in range(1, RF_CURVE_LAYERS + 1)])
    return formula, probed


def rf_max() -> int:
    """The largest receptive field on the figure's grid (for its fixed y-limit)."""
    from mlnotes.cnn.receptive import receptive_field

    return int(receptive_field([max(RF_KERNELS)] * RF_CURVE_LAYERS, max(RF_STRIDES), max(RF_DILATIONS))[0][-1])


def draw_receptive_field(axes, layers=2, kernel_size=3, stride=1, dilation=1):
    """Left: |∂y₀₀/∂x| of one output pixel of an all-ones conv stack over its input (the measured receptive
    field, outlined: the formula's r×r). Right: r against depth, formula (line) and gradient probe (dots)."""
    from matplotlib.patches import Rectangle

    ax, ax2 = axes
    n, k, s, d = int(layers), int(kernel_size), int(stride), int(dilation)
    grad = _probe(n, k, s, d)
    formula, probed = _rf_curve(k, s, d)
    r = int(formula[n - 1])
    ax.imshow(np.sqrt(grad / grad.max()), cmap="magma", origin="upper", extent=(-0.5, r - 0.5, r - 0.5, -0.5),
              vmin=0, vmax=1, interpolation="nearest")
    ax.add_patch(Rectangle((-0.5, -0.5), r, r, fill=False, ec=GREEN, lw=2))
    holes = int(np.sum(grad == 0))
    ax.set_title(f"{n} layer(s): r = {r} (formula) = {int(probed[n - 1])} (probe)" + (f"\n{holes} input pixels never read"
                 if holes else "\nevery pixel in the field is read"), fontsize=9)
    ax.set_xlabel("input column", fontsize=8)
    ax.set_ylabel("input row", fontsize=8)
    ax.tick_params(labelsize=7)
    depth = np.arange(1, len(formula) + 1)
    ax2.plot(depth, formula, "-", color=BLUE, lw=2, label="formula")
    ax2.plot(depth, probed, "o", color=ORANGE, ms=6, mfc="none", mew=2, label="gradient probe")
    ax2.plot([n], [r], "o", color=RED, ms=9, label="this stack")
    ax2.set(yscale="log", ylim=(1, 2 * rf_max()), xlim=(0.5, len(formula) + 0.5), xticks=depth,
            xlabel="layers", ylabel="receptive field r (pixels)")
    ax2.set_title(f"k = {k}, s = {s}, d = {d}", fontsize=9)
    ax2.legend(fontsize=8, loc="upper left")


# -- parameter sharing: a convolution as a matrix -------------------------------------------------------------

def draw_conv_matrix(axes):
    """The 25×25 matrix of a 3×3 convolution (padding 1) on a 5×5 input, coloured by which of the 9 kernel
    weights each entry holds, beside a fully connected layer of the same shape (625 different weights)."""
    from mlnotes.cnn.sharing import conv_as_matrix

    weight = (np.arange(9, dtype=np.float64) + 1).reshape(1, 1, 3, 3)  # 9 distinct values: tap index + 1
    m = conv_as_matrix(weight, (5, 5), padding=1)
    rng = np.random.default_rng(0)
    dense = rng.uniform(0.5, 9.5, m.shape)
    for ax, mat, cmap, title in [(axes[0], dense, "viridis", f"fully connected: {m.size} different weights"),
                                 (axes[1], np.ma.masked_equal(m, 0), "tab10",
                                  f"3×3 convolution: {np.count_nonzero(m)} non-zeros, {len(np.unique(m[m != 0]))} different")]:
        ax.imshow(mat, cmap=cmap, vmin=0.5, vmax=10.5 if cmap == "tab10" else 9.5, interpolation="nearest")
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("input pixel (of 25)", fontsize=8)
        ax.set_ylabel("output pixel (of 25)", fontsize=8)
        ax.tick_params(labelsize=7)


# -- degradation: plain vs residual ---------------------------------------------------------------------------

def _smooth(x, w=5):
    return np.convolve(x, np.ones(w) / w, mode="valid")


def draw_degradation(axes, depth=24, no_bn=False):
    """Left: training loss of a plain MLP and its residual twin (both with BatchNorm) on the digits, and with
    ``no_bn`` the plain net without BatchNorm (the vanishing-gradient case). Right: the gradient norm of each
    hidden layer at initialisation (plain with and without BatchNorm, residual)."""
    from mlnotes.cnn.residual import grad_norms_at_init, train_curve

    ax, ax2 = axes
    depth = int(depth)
    runs = [(False, True, RED, "plain"), (True, True, BLUE, "residual")]
    if no_bn:
        runs.append((False, False, ORANGE, "plain, no BN"))
    for residual, bn, color, name in runs:
        losses, final = train_curve(depth, residual, bn)
        sm = _smooth(losses)
        ax.plot(np.arange(sm.size) + 3, sm, color=color, lw=2, ls="-" if bn else "--",
                label=f"{name}: final {final:.3f}")
    ax.set(yscale="log", ylim=(1e-3, 4), xlim=(0, 60), xlabel="SGD step", ylabel="training loss (5-step mean)")
    ax.set_title(f"{depth} hidden layers" + (", BatchNorm unless marked" if no_bn else ", BatchNorm"), fontsize=9)
    ax.legend(fontsize=8, loc="lower left")
    layers = np.arange(1, depth + 1)
    for residual, bn, color, style, name in [(False, True, RED, "-o", "plain + BN"),
                                             (False, False, ORANGE, "--s", "plain, no BN"),
                                             (True, True, BLUE, "-^", "residual + BN")]:
        ax2.plot(layers, grad_norms_at_init(depth, residual, bn), style, color=color, ms=3, lw=1.5, label=name)
    ax2.set(yscale="log", ylim=(1e-12, 1e2), xlim=(0.5, max(DEPTHS) + 0.5), xlabel="hidden layer (input side → output)",
            ylabel="‖∂L/∂W‖ at initialisation")
    ax2.set_title("gradient norm per layer", fontsize=9)
    ax2.legend(fontsize=8, loc="lower right")


# -- NMS --------------------------------------------------------------------------------------------------------

def draw_nms(ax, iou_threshold=0.5, per_class=False):
    """A detector's raw boxes on a 100×100 image after NMS: kept boxes solid (colour = class, with score),
    suppressed ones dashed grey."""
    from mlnotes.cnn.boxes import batched_nms, nms, toy_detections
    from matplotlib.patches import Rectangle

    boxes, scores, labels, _ = toy_detections()
    keep = batched_nms(boxes, scores, labels, iou_threshold) if per_class else nms(boxes, scores, iou_threshold)
    kept = set(keep.tolist())
    colors = (BLUE, GREEN)
    for i in np.argsort(scores):  # low scores first, so the best boxes are drawn on top
        x1, y1, x2, y2 = boxes[i]
        if i in kept:
            ax.add_patch(Rectangle((x1, y1), x2 - x1, y2 - y1, fill=False, ec=colors[labels[i]], lw=2.2))
            ax.text(x1 + 0.8, y1 + 0.8, f"{scores[i]:.2f}", color="white", fontsize=7, va="top",
                    bbox=dict(boxstyle="square,pad=0.1", fc=colors[labels[i]], ec="none"))
        else:
            ax.add_patch(Rectangle((x1, y1), x2 - x1, y2 - y1, fill=False, ec=GREY, lw=0.8, ls="--"))
    ax.set(xlim=(0, 100), ylim=(109, 0), aspect="equal", xticks=[], yticks=[])
    ax.axhline(100, color="0.3", lw=0.8)  # the image's bottom edge; the legend sits below it
    mode = "per class" if per_class else "class-agnostic"
    ax.set_title(f"IoU threshold {iou_threshold:g} ({mode}): kept {len(kept)} of {len(boxes)} boxes", fontsize=9)
    ax.plot([], [], color=BLUE, lw=2.2, label="kept, class 0")
    ax.plot([], [], color=GREEN, lw=2.2, label="kept, class 1")
    ax.plot([], [], color=GREY, lw=0.8, ls="--", label="suppressed")
    ax.legend(fontsize=7, loc="lower center", ncol=3, frameon=False, handlelength=1.5, columnspacing=1.0)


# -- a first run: edge detectors on a digit -------------------------------------------------------------------

SOBEL = np.array([[[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]]])  # (1, 3, 3): responds to vertical edges


@functools.lru_cache(maxsize=1)
def feature_maps():
    """(digit (8, 8), conv with the vertical and horizontal Sobel kernels (2, 8, 8), max-pooled |response| (2, 4, 4))."""
    from mlnotes.cnn.conv import conv2d
    from mlnotes.cnn.data import load_digits_arrays
    from mlnotes.cnn.pool import max_pool2d

    digit = load_digits_arrays()[0][0] / 16.0  # a "0", values in [0, 1]
    weight = np.stack([SOBEL, np.swapaxes(SOBEL, 1, 2)])  # (2, 1, 3, 3): vertical-edge and horizontal-edge kernels
    y = conv2d(digit[None, None], weight, padding=1)  # (1, 2, 8, 8): padding 1 keeps 8×8
    return digit, y[0], max_pool2d(np.abs(y), 2)[0]


def draw_feature_maps(axes):
    """A digit, its two Sobel feature maps (padding 1 keeps 8×8) and their 2×2 max-pooled magnitudes (4×4)."""
    digit, y, pooled = feature_maps()
    panels = [(digit, "input 8×8", "gray_r", 0, 1), (y[0], "vertical edges 8×8", "RdBu_r", -4, 4),
              (y[1], "horizontal edges 8×8", "RdBu_r", -4, 4), (pooled[0], "|vertical|, max-pooled 4×4", "Greys", 0, 4)]
    for ax, (img, title, cmap, lo, hi) in zip(axes, panels):
        ax.imshow(img, cmap=cmap, vmin=lo, vmax=hi, interpolation="nearest")
        ax.set_title(title, fontsize=8)
        ax.set_xticks([])
        ax.set_yticks([])
