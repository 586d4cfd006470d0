"""Figures of the Decision trees chapter: pure ``draw(ax, ...)`` functions for explore() and figure().

Fits are computed once per hyperparameter setting and cached (functools.lru_cache), never at
import. See chapter: chapters/trees.md
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from mlnotes.trees import CARTClassifier, moons
from mlnotes.trees.categorical import all_partitions, category_order, category_stats, partition_gain, random_categorical
from mlnotes.trees.cost import fit_exponent

TRAIN, TEST, GREY = "#1f5f8b", "#c0392b", "#999999"
DEPTHS = (1, 2, 3, 5, 8)  # the max_depth slider of draw_boundary
LEAVES = (1, 5, 20)  # the min_samples_leaf slider of draw_boundary
LIMITS = (-1.6, 2.6, -1.3, 1.8)  # x0, x1, y0, y1 of the moons plots
N_TRAIN, NOISE = 200, 0.3
SHARES = (0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9)  # the p slider of draw_impurity
TARGETS = ("regression", "two classes", "three classes")  # the target dropdown of draw_partitions
CATEGORY_COUNTS = (4, 6, 8, 10)  # the number-of-categories slider of draw_partitions


def _binary_entropy(p):
    p = np.asarray(p, dtype=float)
    return -(p * np.log2(np.clip(p, 1e-300, 1.0)) + (1 - p) * np.log2(np.clip(1 - p, 1e-300, 1.0)))


def draw_impurity(ax, p_mark=None):
    """Entropy (bits), half-entropy, Gini and misclassification impurity of a two-class node against p,
    with the three values read off at the class share p_mark (if given)."""
    p = np.linspace(0.0, 1.0, 401)
    ent = _binary_entropy(p)
    ax.plot(p, ent, color=TRAIN, label="entropy (bits)")
    ax.plot(p, ent / 2, color=TRAIN, ls="--", label="entropy / 2")
    ax.plot(p, 2 * p * (1 - p), color=TEST, label="Gini = 1 − p² − (1−p)²")
    ax.plot(p, np.minimum(p, 1 - p), color=GREY, label="misclassification = min(p, 1−p)")
    ax.set(xlim=(0, 1), ylim=(0, 1.05), xlabel="p = share of class 1 in the node", ylabel="impurity",
           title="impurity of a two-class node")
    ax.grid(alpha=0.3)
    if p_mark is not None:
        if not 0.0 <= p_mark <= 1.0:
            raise ValueError(f"p_mark must be in [0, 1], got {p_mark!r}")
        values = (float(_binary_entropy(p_mark)), 2 * p_mark * (1 - p_mark), min(p_mark, 1 - p_mark))
        ax.axvline(p_mark, color="k", lw=0.8, ls=":")
        ax.scatter([p_mark] * 3, values, c=[TRAIN, TEST, GREY], s=18, zorder=3)
        ax.text(0.02, 0.97, f"p = {p_mark:g}\nentropy {values[0]:.3f}\nGini {values[1]:.3f}\n"
                            f"misclassification {values[2]:.3f}", transform=ax.transAxes, va="top", fontsize=7,
                bbox=dict(facecolor="white", edgecolor="none", alpha=0.85, pad=1.5))
    ax.legend(loc="lower center", fontsize=7, frameon=False)


@lru_cache(maxsize=None)
def _grid(n: int = 150):
    x0, x1, y0, y1 = LIMITS
    xx, yy = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    return np.c_[xx.ravel(), yy.ravel()]  # (n², 2)


@lru_cache(maxsize=None)
def boundary_fit(max_depth: int, min_samples_leaf: int):
    """CART on two moons: (P(class 1) on the plot grid (150, 150), train accuracy, test accuracy, leaves)."""
    Xtr, ytr, Xte, yte = moons(N_TRAIN, NOISE, 0)
    tree = CARTClassifier(max_depth=max_depth, min_samples_leaf=min_samples_leaf).fit(Xtr, ytr)
    proba = tree.predict_proba(_grid())[:, 1].reshape(150, 150)
    return (proba, float(np.mean(tree.predict(Xtr) == ytr)), float(np.mean(tree.predict(Xte) == yte)),
            tree.get_n_leaves())


def draw_boundary(axes, max_depth, min_samples_leaf):
    """A CART tree's decision regions on two moons (left) and train/test accuracy against depth (right)."""
    left, right = (axes, None) if not hasattr(axes, "__len__") else axes
    proba, acc_tr, acc_te, leaves = boundary_fit(max_depth, min_samples_leaf)
    Xtr, ytr, Xte, yte = moons(N_TRAIN, NOISE, 0)
    left.imshow(proba, origin="lower", extent=LIMITS, cmap="RdBu_r", vmin=0, vmax=1, alpha=0.45,
                interpolation="nearest", aspect="auto")
    left.scatter(*Xtr.T, c=ytr, cmap="RdBu_r", vmin=0, vmax=1, s=9, edgecolors="k", linewidths=0.3)
    left.set(xlim=LIMITS[:2], ylim=LIMITS[2:], xticks=[], yticks=[],
             title=f"depth ≤ {max_depth}, leaf ≥ {min_samples_leaf}: {leaves} leaves\n"
                   f"train acc {acc_tr:.2f}, test acc {acc_te:.2f}")
    left.title.set_fontsize(9)
    if right is None:
        return
    accs = np.array([boundary_fit(d, min_samples_leaf)[1:3] for d in DEPTHS])  # (len(DEPTHS), 2)
    right.plot(DEPTHS, accs[:, 0], "o-", color=TRAIN, label="train")
    right.plot(DEPTHS, accs[:, 1], "s-", color=TEST, label="test")
    right.axvline(max_depth, color="k", lw=0.8, ls=":")
    right.set(xlim=(0.5, 8.5), ylim=(0.75, 1.005), xticks=DEPTHS, xlabel="max_depth", ylabel="accuracy",
              title=f"min_samples_leaf = {min_samples_leaf}")
    right.title.set_fontsize(9)
    right.grid(alpha=0.3)
    right.legend(loc="lower right", fontsize=7, frameon=False)


@lru_cache(maxsize=None)
def partition_landscape(target: str, n_categories: int):
    """Gain of every partition of one seeded node, and which are prefix splits of the sorted categories.

    Returns (gains (P,) sorted descending, is_prefix (P,) bool, the criterion). For three classes the
    order is the share of class 1 only (the naive "sort by the target mean"). See chapter: chapters/trees.md
    """
    x, y = random_categorical(target, n_categories, seed=n_categories)
    criterion = "squared_error" if target == "regression" else "gini"
    _, counts, sums = category_stats(x, y, criterion)
    masks = all_partitions(n_categories)
    gains = partition_gain(counts, sums, masks, criterion)
    order = category_order(counts, sums, criterion, by_class=1)
    prefix = {frozenset(order[: j + 1].tolist()) for j in range(n_categories - 1)}
    prefix |= {frozenset(range(n_categories)) - p for p in prefix}  # either side may be listed
    is_prefix = np.array([frozenset(np.flatnonzero(m).tolist()) in prefix for m in masks])
    rank = np.argsort(-gains, kind="stable")
    return gains[rank], is_prefix[rank], criterion


def draw_partitions(ax, target="regression", n_categories=6):
    """Impurity decrease of every two-group partition of C categories (ranked), with the C − 1 splits of
    the categories sorted by their mean target (share of class 1) highlighted."""
    if target not in TARGETS:
        raise ValueError(f"target must be one of {TARGETS}, got {target!r}")
    gains, is_prefix, criterion = partition_landscape(target, n_categories)
    rel = gains / gains[0]  # (P,) share of the best decrease
    rank = np.arange(1, len(gains) + 1)
    ax.scatter(rank[~is_prefix], rel[~is_prefix], s=8, color=GREY, label="all other partitions")
    ax.scatter(rank[is_prefix], rel[is_prefix], s=22, color=TEST, zorder=3,
               label="prefix splits of the sorted categories")
    first = int(np.argmax(is_prefix))  # the best prefix split's rank − 1
    ax.scatter([rank[first]], [rel[first]], s=90, facecolors="none", edgecolors="k", zorder=4)
    verdict = "the best partition" if first == 0 else f"rank {first + 1}: it misses the best"
    ax.text(0.98, 0.97, f"{len(gains)} partitions of {n_categories} categories\nbest sorted split: {verdict}",
            transform=ax.transAxes, ha="right", va="top", fontsize=7,
            bbox=dict(facecolor="white", edgecolor="none", alpha=0.85, pad=1.5))
    name = "squared error" if criterion == "squared_error" else "Gini"
    ax.set(xscale="log", xlim=(0.8, 2 ** (max(CATEGORY_COUNTS) - 1)), ylim=(-0.05, 1.08),
           xlabel="rank of the partition (1 = largest decrease)", ylabel="decrease / best decrease",
           title=f"{target}: {name} decrease of every partition")
    ax.title.set_fontsize(9)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left", fontsize=7, frameon=False)


def draw_cost(axes, n_rows, seconds_n, n_features, seconds_d, fixed_d=8, fixed_n=8000):
    """Measured fit time of a fully grown tree against rows (left) and features (right), log-log,
    each with its fitted power law."""
    from matplotlib.ticker import FuncFormatter, NullFormatter

    for ax, x, sec, label, fixed in ((axes[0], n_rows, seconds_n, "rows n", f"d = {fixed_d}"),
                                     (axes[1], n_features, seconds_d, "features d", f"n = {fixed_n}")):
        x, sec = np.asarray(x, float), np.asarray(sec, float)
        alpha = fit_exponent(x, sec)
        c = np.exp(np.mean(np.log(sec) - alpha * np.log(x)))
        ax.plot(x, sec * 1e3, "o", color=TRAIN)
        ax.plot(x, c * x ** alpha * 1e3, color=TEST, lw=1, label=f"fit: time ∝ {label.split()[-1]}^{alpha:.2f}")
        ax.set(xscale="log", yscale="log", xlabel=label, ylabel="fit time (ms)", title=f"{fixed}")
        ax.set_ylim(0.5 * sec.min() * 1e3, 2 * sec.max() * 1e3)
        ax.set_xticks(x, [f"{v:g}" for v in x], minor=False)  # the measured sizes, in plain numbers
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.title.set_fontsize(9)
        ax.grid(alpha=0.3, which="both")
        ax.legend(loc="upper left", fontsize=7, frameon=False)
