"""Figures of the unsupervised-learning chapter: pure ``draw(ax, ...)`` functions for explore().

Every computation is cached in :mod:`mlnotes.unsupervised.experiments`, never run at import.
See chapter: chapters/unsupervised.md
"""

from __future__ import annotations

import numpy as np

from mlnotes.unsupervised import experiments as ex
from mlnotes.unsupervised.data import dataset
from mlnotes.unsupervised.pca import low_rank, sample_image

PALETTE = np.array(["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"])
NOISE, DARK = "#bbbbbb", "#222222"
STEPS = (0, 1, 2, 3, 4, 5, 6, 8, 10)  # the step slider of draw_kmeans_steps
KS = (2, 3, 4, 5, 6, 7, 8)
EPS = (0.1, 0.15, 0.2, 0.3)
MIN_SAMPLES = (3, 5, 10)
SVD_METHODS = ("notes: U and V swapped", "separate eigendecompositions", "V from AᵀA, U = AV/σ")
RANKS = (1, 2, 5, 10, 20, 50, 100)
COMPONENTS = (1, 2, 5, 10, 20, 40, 64)
EM_STEPS = (0, 1, 2, 3, 5, 8, 12, 20, 30, 50)
QUANT_VERSIONS = ("notes, float", "notes, uint8", "fixed")


def _colors(labels):
    labels = np.asarray(labels)
    return np.where(labels < 0, NOISE, PALETTE[np.maximum(labels, 0) % len(PALETTE)])


def _clean(ax, title, box=None):
    ax.set(xticks=[], yticks=[])
    if box is not None:
        ax.set(xlim=box[:2], ylim=box[2:])
    ax.set_title(title, fontsize=8)


def draw_kmeans_steps(ax, init="random", step=0):
    """Lloyd's k-means on five blobs, one iteration per slider step, from a random or a k-means++ start."""
    X, _ = ex.five_blobs()
    start, run = ex.kmeans_path(init)
    last = min(step, run.n_iter)
    path = np.stack([start] + [c for _, c in run.history])  # (n_iter + 1, k, 2)
    if last == 0:
        labels, centers = ex.assign_labels(X, start), start
    else:
        labels, centers = run.history[last - 1]
    ax.scatter(*X.T, s=12, c=_colors(labels), linewidths=0)
    for j in range(path.shape[1]):
        ax.plot(path[: last + 1, j, 0], path[: last + 1, j, 1], "-", color=DARK, lw=0.8)
    ax.scatter(*centers.T, s=90, marker="X", c=PALETTE[: len(centers)], edgecolors="k", linewidths=0.8, zorder=3)
    inertia = float(((X - centers[labels]) ** 2).sum())
    done = " (converged)" if step >= run.n_iter else ""
    _clean(ax, f"{init} start, after {last} iteration(s){done}: inertia {inertia:.0f}", ex.BLOB_BOX)


def draw_choose_k(axes, k=5):
    """k-means with k clusters (left), the inertia 'elbow' (middle) and the silhouette score (right) against k."""
    left, middle, right = axes
    X, _ = ex.five_blobs()
    curves = ex.choose_k(KS)
    labels, inertia, sil = curves[k]
    left.scatter(*X.T, s=9, c=_colors(labels), linewidths=0)
    _clean(left, f"k = {k}", ex.BLOB_BOX)
    ks = np.array(KS)
    inertias = np.array([curves[j][1] for j in KS])
    sils = np.array([curves[j][2] for j in KS])
    panels = ((middle, inertias, "inertia", inertias.max() * 1.08), (right, sils, "silhouette", 1.0))
    for ax, values, name, top in panels:
        ax.plot(ks, values, "o-", color=DARK, ms=3, lw=1)
        ax.plot([k], [values[KS.index(k)]], "o", color=PALETTE[1], ms=7)
        ax.set(xticks=ks, xlim=(1.5, 8.5), ylim=(0, top), xlabel="k")
        ax.set_title(f"{name} at k = {k}: {values[KS.index(k)]:.{0 if name == 'inertia' else 3}f}", fontsize=8)
        ax.grid(alpha=0.3)


def draw_dbscan(ax, eps=0.2, min_samples=5):
    """DBSCAN on noisy moons: core points (large), border points (small), noise (grey crosses)."""
    X, _ = ex.noisy_moons()
    labels, core = ex.dbscan_moons(eps, min_samples)
    noise = labels < 0
    ax.scatter(*X[core].T, s=14, c=_colors(labels[core]), linewidths=0)
    border = ~core & ~noise
    ax.scatter(*X[border].T, s=14, facecolors="none", edgecolors=_colors(labels[border]), linewidths=0.8)
    ax.scatter(*X[noise].T, s=14, marker="x", c=NOISE, linewidths=0.8)
    n_clusters = len(set(labels[~noise].tolist()))
    _clean(ax, f"eps = {eps:g}, min_samples = {min_samples}: {n_clusters} cluster(s), {int(noise.sum())} noise, "
               f"{int(border.sum())} border", ex.MOON_BOX)


def draw_zoo(axes, data="moons"):
    """k-means, a GMM fitted by EM and DBSCAN on one data set, with the adjusted Rand index to the truth."""
    X, _ = dataset(data)
    results = ex.clustering_zoo(data)
    lo, hi = X.min(0) - 0.3, X.max(0) + 0.3
    for ax, (method, (labels, ari)) in zip(axes, results.items()):
        ax.scatter(*X.T, s=9, c=_colors(labels), linewidths=0)
        _clean(ax, f"{method}: ARI {ari:.2f}", (lo[0], hi[0], lo[1], hi[1]))


def draw_notes_quantization(axes, version="notes, float", first_centres="8 distinct grey levels"):
    """The photo quantized to 8 grey levels by the notes' k-means or the fixed one (left) and its histogram."""
    left, right = axes
    seed = 0 if first_centres == "8 distinct grey levels" else ex.duplicate_starts()[0][0]
    image, n_nan, n_iter = ex.notes_quantization(version, seed)
    shown = np.nan_to_num(image, nan=-1.0)  # a NaN centre is painted red (the colormap's 'under' colour)
    left.imshow(shown, cmap=_grey_with_red(), vmin=0, vmax=255, interpolation="nearest")
    _clean(left, f"{version}, {first_centres}: {n_iter} iterations, {n_nan} NaN centre(s)")
    levels, counts = np.unique(np.round(shown, 1), return_counts=True)
    right.bar(np.arange(len(levels)), counts, color=DARK)
    right.set(xticks=np.arange(len(levels)), xlim=(-0.6, 7.6), ylim=(0, counts.sum() * 1.02))
    right.set_xticklabels([f"{v:.0f}" for v in levels], fontsize=6)
    right.set_title("pixels per grey level", fontsize=8)


def _grey_with_red():
    from matplotlib import colormaps

    return colormaps["gray"].with_extremes(under="#d62728")


def draw_svd_erratum(axes, method=SVD_METHODS[0]):
    """A square patch of the photo (left) and U·diag(s)·Vᵀ rebuilt from eigendecompositions (right)."""
    left, right = axes
    A = ex.square_patch()
    B = ex.svd_rebuilt({SVD_METHODS[0]: "notes", SVD_METHODS[1]: "independent"}.get(method, "paired"))
    err = np.linalg.norm(B - A) / np.linalg.norm(A)
    left.imshow(A, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    _clean(left, f"A: {A.shape[0]}×{A.shape[1]} patch of the photo")
    right.imshow(np.clip(B, -0.5, 1.5), cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    _clean(right, f"{method}: ‖UΣVᵀ − A‖/‖A‖ = {err:.1e}")


def draw_low_rank(axes, rank=10):
    """The photo's best rank-k approximation (left) and the share of ‖A‖²_F its first k singular values keep."""
    left, right = axes
    A = sample_image()
    approx, s = low_rank(A, rank)
    m, n = A.shape
    left.imshow(np.clip(approx, 0, 1), cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    _clean(left, f"rank {rank}: {rank * (m + n + 1) / (m * n):.1%} of the numbers, "
                 f"error {np.linalg.norm(A - approx) / np.linalg.norm(A):.3f}")
    energy = np.cumsum(s**2) / np.sum(s**2)
    ks = np.arange(1, len(s) + 1)
    right.plot(ks, energy, color=DARK, lw=1.2)
    right.plot([rank], [energy[rank - 1]], "o", color=PALETTE[1], ms=6)
    right.set(xscale="log", xlim=(1, len(s)), ylim=(min(energy[0], 0.8) - 0.02, 1.005), xlabel="k")
    right.set_title(f"Σ_{{i≤k}} σ_i² / Σ σ_i² = {energy[rank - 1]:.4f}", fontsize=8)
    right.grid(alpha=0.3)


def draw_pca_digits(axes, n_components=10):
    """Cumulative explained variance of the digits' PCA (left) and eight digits rebuilt from k components (right)."""
    left, right = axes
    X, pca = ex.digits_pca()
    ratio = np.cumsum(pca.explained_variance_ratio)
    ks = np.arange(1, len(ratio) + 1)
    left.plot(ks, ratio, color=DARK, lw=1.2)
    left.plot([n_components], [ratio[n_components - 1]], "o", color=PALETTE[1], ms=6)
    left.set(xlim=(0, 65), ylim=(0, 1.02), xlabel="components k")
    left.set_title(f"explained variance with k = {n_components}: {ratio[n_components - 1]:.1%}", fontsize=8)
    left.grid(alpha=0.3)
    W = pca.components[:n_components]
    rebuilt = (X[:6] - pca.mean) @ W.T @ W + pca.mean  # (6, 64): project on k components and back
    tiles = np.zeros((19, 59))  # 2 rows of 6 digits, 8×8 each, with 1-pixel gaps
    for i in range(6):
        tiles[1:9, 1 + 10 * i: 9 + 10 * i] = X[i].reshape(8, 8)
        tiles[10:18, 1 + 10 * i: 9 + 10 * i] = rebuilt[i].reshape(8, 8)
    right.imshow(np.clip(tiles, 0, 16), cmap="gray_r", vmin=0, vmax=16, interpolation="nearest")
    _clean(right, f"top: digits; bottom: rebuilt from {n_components} of 64 components")


def draw_em(axes, step=0):
    """EM for a 3-component GMM: samples coloured by responsibility, 2σ ellipses (left); log-likelihood (right)."""
    from matplotlib.patches import Ellipse

    from mlnotes.unsupervised.gmm import e_step

    left, right = axes
    X, _, _ = ex.em_data()
    run = ex.em_path()
    last = min(step, run.n_iter - 1)
    weights, means, covs = run.history[last]
    _, log_resp = e_step(X, weights, means, covs)
    rgb = np.exp(log_resp) @ np.array([[0.12, 0.47, 0.71], [0.84, 0.15, 0.16], [0.17, 0.63, 0.17]])
    left.scatter(*X.T, s=10, c=np.clip(rgb, 0, 1), linewidths=0)
    for j, color in enumerate(PALETTE[:3]):
        values, vectors = np.linalg.eigh(covs[j])
        angle = np.degrees(np.arctan2(vectors[1, 1], vectors[0, 1]))
        left.add_patch(Ellipse(means[j], 4 * np.sqrt(values[1]), 4 * np.sqrt(values[0]), angle=angle,
                               fill=False, color=color, lw=1.5))
        left.plot(*means[j], "+", color="k", ms=8)
    _clean(left, f"EM iteration {last}: weights {np.round(weights, 2)}", ex.EM_BOX)
    ll = run.log_likelihood
    gap = ll[-1] - ll[:-1]  # (n_iter − 1,) distance to the final value: never increases
    right.plot(np.arange(len(gap)), gap, color=DARK, lw=1.2)
    if last < len(gap):
        right.plot([last], [gap[last]], "o", color=PALETTE[1], ms=6)
    right.set(yscale="log", xlim=(-1, len(ll)), ylim=(gap.min() / 3, gap.max() * 3), xlabel="iteration",
              ylabel="final − current")
    right.set_title(f"mean log-likelihood {ll[last]:.4f} (final {ll[-1]:.4f})", fontsize=8)
    right.grid(alpha=0.3)
