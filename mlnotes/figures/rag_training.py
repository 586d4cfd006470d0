"""Figures of the chapter on training and compressing retrievers: pure ``draw(ax, ...)`` functions.

Measured data (scores, training histories, recall rows) are passed in by the chapter; the toys
(the 2-D product quantizer, the MaxSim token picture) are computed here, cached per setting.
See chapter: chapters/rag_training.md
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from mlnotes.rag.late_interaction import maxsim, mean_pooled_cosine, padded_doc, toy_vectors
from mlnotes.rag.pq import kmeans, nearest

COLORS = ("#0969da", "#d95f02", "#1a7f37", "#8250df", "#cf222e")
GREY = "#888888"
TEMPERATURES = (0.01, 0.02, 0.05, 0.2, 1.0)
PQ_KS = (2, 3, 4, 6, 8)
FILLERS = (0, 5, 10, 20, 40, 80)
TOY_QUERY = ("batch", "norm", "inference")
TOY_RELEVANT = ("batch", "normalization", "uses", "running", "statistics", "at", "inference")
TOY_DISTRACTOR = ("batch", "size", "matters")
TOY_SYNONYMS = {"norm": "normalization"}


def softmax(x, temperature: float) -> np.ndarray:
    """softmax(x / τ), stable: (n,) -> (n,)."""
    z = np.asarray(x, dtype=float) / temperature
    e = np.exp(z - z.max())
    return e / e.sum()


def draw_temperature(ax, scores, positive: int, temperature: float = 0.05):
    """The softmax over one question's candidate sections at temperature τ: the positive's bar in green,
    negatives in blue, sorted by cosine; the title gives the InfoNCE loss of this row."""
    scores = np.asarray(scores, dtype=float)
    order = np.argsort(-scores, kind="stable")
    p = softmax(scores, temperature)[order]
    colors = [COLORS[2] if i == positive else COLORS[0] for i in order]
    ax.bar(np.arange(len(p)), p, color=colors, width=0.8)
    for x, (i, s) in enumerate(zip(order, scores[order])):
        ax.text(x, -0.04, f"{s:.2f}", rotation=90, ha="center", va="top", fontsize=7, color=GREY)
    ax.set(ylim=(-0.2, 1.0), xlim=(-0.7, len(p) - 0.3), xticks=[], yticks=np.linspace(0, 1, 6),
           ylabel="softmax weight")
    ax.axhline(0, color="black", lw=0.6)
    loss = -np.log(softmax(scores, temperature)[positive])
    ax.set_title(f"τ = {temperature:g}: loss −log p(positive) = {loss:.2f}; "
                 f"top negative gets {p[colors.index(COLORS[0])]:.2f}", fontsize=9.5, loc="left")
    ax.text(0.99, 0.95, "green: the linked section\nblue: other sections\n(grey: cosine)", transform=ax.transAxes,
            ha="right", va="top", fontsize=8, color=GREY)


def draw_training(axes, histories: dict, frozen: dict):
    """Mean reciprocal rank per epoch on the validation and training questions, one line per kind of
    negatives; the dashed line is the frozen model; a ring marks the epoch early stopping keeps."""
    for ax, split in zip(axes, ("val", "train")):
        for color, (label, (history, best)) in zip(COLORS, histories.items()):
            epochs = [h["epoch"] for h in history]
            ax.plot(epochs, [h[split] for h in history], "o-", color=color, ms=3, lw=1.4, label=label)
            ax.plot([best], [history[best][split]], "o", ms=10, mfc="none", mec=color, mew=1.5)
        ax.axhline(frozen[split], color=GREY, ls="--", lw=1)
        ax.set(xlabel="epoch", title=f"MRR@10, {'validation' if split == 'val' else 'training'} questions")
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8, loc="lower left")


@lru_cache(maxsize=1)
def _toy_points(n: int = 300, seed: int = 0) -> np.ndarray:
    """A correlated 2-D cloud: a thin band along the diagonal (x and y carry nearly the same information)."""
    rng = np.random.default_rng(seed)
    along = rng.uniform(-2.2, 2.2, n)  # position along the diagonal
    across = 0.25 * rng.standard_normal(n)  # small spread across it
    return np.stack([along - across, along + across], axis=1)  # (n, 2)


@lru_cache(maxsize=16)
def pq_toy(k: int) -> tuple:
    """2-D PQ with M = 2 one-dimensional sub-spaces of k centroids: (points, reconstructions, grid, mse, used).

    ``used`` is how many of the k² grid cells reconstruct at least one point."""
    X = _toy_points()
    cbs = [np.sort(kmeans(X[:, [m]], k, n_iter=20, seed=m)[:, 0]) for m in range(2)]  # (k,) per axis
    codes = np.stack([nearest(X[:, [m]], cb[:, None]) for m, cb in enumerate(cbs)], axis=1)  # (n, 2)
    Xhat = np.stack([cbs[0][codes[:, 0]], cbs[1][codes[:, 1]]], axis=1)  # (n, 2)
    grid = np.array([[a, b] for a in cbs[0] for b in cbs[1]])  # (k², 2)
    used = len({tuple(c) for c in codes})
    return X, Xhat, grid, float(((X - Xhat) ** 2).sum(1).mean()), used


def draw_pq_toy(ax, k: int = 4):
    """A 2-D cloud quantized by product quantization with two 1-D sub-spaces (x and y) of k centroids each:
    the k² reconstruction points (crosses) form a grid; a grey line joins each point to its reconstruction."""
    from matplotlib.collections import LineCollection

    X, Xhat, grid, mse, used = pq_toy(k)
    ax.add_collection(LineCollection(np.stack([X, Xhat], axis=1), colors=GREY, linewidths=0.4, alpha=0.6))
    ax.scatter(X[:, 0], X[:, 1], s=6, color=COLORS[0])
    ax.scatter(grid[:, 0], grid[:, 1], marker="x", s=40, color=COLORS[4], lw=1.6)
    ax.set(xlim=(-3.4, 3.4), ylim=(-2.9, 2.9), aspect="equal", xticks=[], yticks=[], xlabel="sub-space 1 (x)",
           ylabel="sub-space 2 (y)")
    ax.set_title(f"{k} + {k} centroids stored → {k * k} cells, {used} used; mean squared error {mse:.3f}",
                 fontsize=9.5, loc="left")


def draw_recall_bytes(ax, rows, flat_bytes: int):
    """recall@10 of faiss.IndexPQ against exact search, per bytes per vector (log scale), one line per
    bits per sub-space; the label is the number of sub-spaces M."""
    from matplotlib.ticker import NullLocator

    for color, nbits in zip(COLORS, sorted({r["nbits"] for r in rows}, reverse=True)):
        mine = sorted((r for r in rows if r["nbits"] == nbits), key=lambda r: r["bytes"])
        ax.plot([r["bytes"] for r in mine], [r["recall"] for r in mine], "o-", color=color, label=f"{nbits} bits")
        for r in mine:
            ax.annotate(f"M={r['M']}", (r["bytes"], r["recall"]), textcoords="offset points", xytext=(3, -11),
                        fontsize=7, color=color)
    ticks = sorted({r["bytes"] for r in rows})
    ax.set(xscale="log", ylim=(0, 1.02), xlabel="bytes per vector (log scale)", ylabel="recall@10")
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.set_xlim(ticks[0] / 1.4, ticks[-1] * 1.6)
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_title(f"uncompressed float32: {flat_bytes} bytes per vector, recall 1", fontsize=9.5, loc="left")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")


@lru_cache(maxsize=1)
def toy_curves() -> dict:
    """Scores of the toy query against the relevant (padded) and the distractor document, per filler count."""
    Q = toy_vectors(TOY_QUERY, synonyms=TOY_SYNONYMS)
    dis = toy_vectors(TOY_DISTRACTOR, synonyms=TOY_SYNONYMS)
    ns = np.arange(0, max(FILLERS) + 1)
    rel = [toy_vectors(padded_doc(TOY_RELEVANT, int(n)), synonyms=TOY_SYNONYMS) for n in ns]
    return {"n": ns, "maxsim_rel": np.array([maxsim(Q, D) for D in rel]) / len(Q),
            "pooled_rel": np.array([mean_pooled_cosine(Q, D) for D in rel]),
            "maxsim_dis": np.full(len(ns), maxsim(Q, dis) / len(Q)), "pooled_dis": np.full(len(ns),
                                                                                         mean_pooled_cosine(Q, dis))}


def draw_maxsim(axes, n_filler: int = 10):
    """Left: token-by-token similarities of the toy query with the relevant document (the best match of
    each query token boxed). Right: both scores of both documents as unrelated filler tokens are added."""
    from matplotlib.patches import Rectangle

    ax, ax2 = axes
    words = padded_doc(TOY_RELEVANT, n_filler)
    S = toy_vectors(TOY_QUERY, synonyms=TOY_SYNONYMS) @ toy_vectors(words, synonyms=TOY_SYNONYMS).T
    shown = min(len(words), 17)
    ax.imshow(S[:, :shown], cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto")
    for i, j in enumerate(S.argmax(1)):
        if j < shown:
            ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, ec="black", lw=1.8))
    ax.set(yticks=range(len(TOY_QUERY)), yticklabels=TOY_QUERY, xticks=range(shown))
    ax.set_xticklabels(words[:shown], rotation=70, fontsize=7)
    ax.set_title(f"query × document tokens ({len(words)} tokens" + (", first 17 shown)" if shown < len(words)
                                                                      else ")"), fontsize=9, loc="left")
    c = toy_curves()
    for key, color, ls, label in (("maxsim_rel", COLORS[2], "-", "MaxSim / n_q, relevant"),
                                  ("maxsim_dis", COLORS[2], ":", "MaxSim / n_q, distractor"),
                                  ("pooled_rel", COLORS[1], "-", "pooled cosine, relevant"),
                                  ("pooled_dis", COLORS[1], ":", "pooled cosine, distractor")):
        ax2.plot(c["n"], c[key], ls, color=color, label=label, lw=1.6)
    ax2.axvline(n_filler, color=GREY, lw=1)
    ax2.set(xlabel="filler tokens in the relevant document", ylabel="score", ylim=(0, 1.05), xlim=(0, c["n"][-1]))
    ax2.legend(fontsize=7, loc="center right")
    ax2.grid(alpha=0.3)


def draw_positions(ax, positions: dict, n: int):
    """How many held-out questions have their first relevant passage at each position of an n-passage
    prompt, in rank order and in edge order; the shaded band is the middle of the prompt."""
    width = 0.4
    for off, color, (label, pos) in zip((-width / 2, width / 2), COLORS, positions.items()):
        counts = np.bincount(np.asarray(pos, dtype=int), minlength=n + 1)[1:]
        ax.bar(np.arange(1, n + 1) + off, counts, width=width, color=color, label=label)
    ax.axvspan(2.5, n - 1.5, color=GREY, alpha=0.2, lw=0)
    ax.text((n + 1) / 2, ax.get_ylim()[1] * 0.95, "the middle", ha="center", va="top", fontsize=8, color=GREY)
    ax.set(xlabel="position in the prompt (1 = first)", ylabel="questions", xticks=range(1, n + 1))
    ax.legend(fontsize=8)
