"""Figures of the Decision trees & ensembles chapter: pure ``draw(ax, ...)`` functions for explore().

Fits are computed once per hyperparameter setting and cached (functools.lru_cache), never at
import. See chapter: chapters/trees.md
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from mlnotes.trees import CARTClassifier, bias_variance, boosting_curves, moons, robust_loss_fit, wave_truth
from mlnotes.trees.experiments import BV_MODELS, OUTLIER_LOSSES

TRAIN, TEST, GREY = "#1f5f8b", "#c0392b", "#999999"
DEPTHS = (1, 2, 3, 5, 8)  # the max_depth slider of draw_boundary
LEAVES = (1, 5, 20)  # the min_samples_leaf slider of draw_boundary
ROUNDS = (10, 25, 50, 100, 200)  # the n_rounds slider of draw_boosting
LRS = (0.05, 0.2, 1.0)  # the learning_rate dropdown of draw_boosting
LIMITS = (-1.6, 2.6, -1.3, 1.8)  # x0, x1, y0, y1 of the moons plots
N_TRAIN, NOISE = 200, 0.3
SHARES = (0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9)  # the p slider of draw_impurity
OUTLIER_COUNTS = (0, 4)  # the n_outliers control of draw_outliers


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


def draw_boosting(ax, n_rounds, learning_rate):
    """GBDT train and test log loss on two moons against boosting rounds, with a marker at n_rounds."""
    if learning_rate not in LRS:
        raise ValueError(f"learning_rate must be one of {LRS}, got {learning_rate!r}")
    if not 1 <= n_rounds <= max(ROUNDS):
        raise ValueError(f"n_rounds must be in [1, {max(ROUNDS)}], got {n_rounds!r}")
    curves = boosting_curves(LRS, n_rounds=max(ROUNDS))
    rounds = np.arange(1, max(ROUNDS) + 1)
    for lr, (tr, te) in curves.items():
        if lr != learning_rate:
            ax.plot(rounds, te, color=GREY, lw=0.8, alpha=0.5)
    tr, te = curves[learning_rate]
    ax.plot(rounds, tr, color=TRAIN, label="train")
    ax.plot(rounds, te, color=TEST, label="test")
    k = n_rounds - 1
    ax.plot([n_rounds, n_rounds], [tr[k], te[k]], "o", color="k", ms=4)
    best = int(np.argmin(te))
    ax.axvline(best + 1, color=TEST, lw=0.6, ls=":")
    ax.text(0.02, 0.04, f"lr = {learning_rate:g}, {n_rounds} rounds: train {tr[k]:.3f}, test {te[k]:.3f}\n"
                        f"best test {te[best]:.3f} at round {best + 1} (grey: other learning rates)",
            transform=ax.transAxes, fontsize=7)
    top = 1.05 * max(float(np.max(te)) for _, te in curves.values())  # every test curve fits, in every frame
    ax.set(xscale="log", xlim=(1, max(ROUNDS)), ylim=(0, top), xlabel="boosting rounds", ylabel="log loss",
           title="GBDT (depth-2 trees) on two moons")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper right", fontsize=7, frameon=False)


def draw_bias_variance(ax, resample="fresh"):
    """Measured bias² and variance of a deep tree, bagged deep trees and boosted stumps (stacked bars)."""
    res = bias_variance(BV_MODELS, resample=resample)
    b2 = np.array([res[m]["bias2"] for m in BV_MODELS])
    var = np.array([res[m]["variance"] for m in BV_MODELS])
    x = np.arange(len(BV_MODELS))
    top = float(np.max(b2 + var))
    bars = [ax.bar(x, b2, color=TRAIN, label="bias²"),
            ax.bar(x, var, bottom=b2, color=TEST, alpha=0.8, label="variance")]
    for i in x:
        ax.text(i, b2[i] + var[i] + 0.03 * top, f"{b2[i]:.3f} + {var[i]:.3f}", ha="center", fontsize=7)
    n = res[BV_MODELS[0]]["n_replicates"]
    ax.set(xticks=x, xticklabels=BV_MODELS, xlim=(-0.6, len(BV_MODELS) - 0.4), ylim=(0, 1.45 * top),
           ylabel="squared error", title=f"bias² and variance over {n} {resample} training sets")
    ax.grid(alpha=0.3, axis="y")
    ax.legend(handles=bars, loc="upper center", fontsize=7, frameon=False, ncols=2)  # these bars only


def draw_bias_variance_fits(axes, model="deep tree"):
    """Bias² and variance bars (left) and one model's mean fit ± one standard deviation (right)."""
    if model not in BV_MODELS:
        raise ValueError(f"model must be one of {BV_MODELS}, got {model!r}")
    left, right = axes
    draw_bias_variance(left)
    for k in (0, len(BV_MODELS)):  # outline the chosen model's bias² and variance segments
        left.patches[k + BV_MODELS.index(model)].set_edgecolor("k")
        left.patches[k + BV_MODELS.index(model)].set_linewidth(1.5)
    res = bias_variance(BV_MODELS)[model]
    x = res["x"]
    right.fill_between(x, res["mean"] - res["std"], res["mean"] + res["std"], color=TEST, alpha=0.25,
                       label="mean ± 1 std over training sets")
    right.plot(x, wave_truth(x), color="k", lw=1, label="true f(x)")
    right.plot(x, res["mean"], color=TRAIN, label="mean prediction")
    right.set(xlim=(-3, 3), ylim=(-3.2, 3.2), xlabel="x", ylabel="y",
              title=f"{model}: bias² {res['bias2']:.3f}, variance {res['variance']:.3f}")
    right.title.set_fontsize(9)
    right.grid(alpha=0.3)
    right.legend(loc="lower right", fontsize=7, frameon=False)


@lru_cache(maxsize=None)
def _outlier_ylim() -> tuple:
    """y-limits holding every point and every fit of every frame of draw_outliers (fixed across frames)."""
    values = [v for loss in OUTLIER_LOSSES for k in OUTLIER_COUNTS
              for v in (robust_loss_fit(loss, k)["y"], robust_loss_fit(loss, k)["pred"])]
    lo, hi = min(float(v.min()) for v in values), max(float(v.max()) for v in values)
    pad = 0.05 * (hi - lo)
    return (lo - pad, hi + 6 * pad)  # room above for the legend


def draw_outliers(ax, loss="squared_error", n_outliers=4):
    """scikit-learn's GBDT fitted with a given loss on wave data with a few gross outliers."""
    if loss not in OUTLIER_LOSSES:
        raise ValueError(f"loss must be one of {OUTLIER_LOSSES}, got {loss!r}")
    res = robust_loss_fit(loss, n_outliers)
    x, y, out = res["x"][:, 0], res["y"], res["outlier"]
    ax.scatter(x[~out], y[~out], s=9, color=GREY, label="data")
    if out.any():
        ax.scatter(x[out], y[out], s=30, marker="x", color=TEST,
                   label=f"{int(out.sum())} outliers (+{res['shift']:g})")
    ax.plot(res["grid"], wave_truth(res["grid"]), color="k", lw=1, label="true f(x)")
    ax.plot(res["grid"], res["pred"], color=TRAIN, lw=1.5, label=f"GBDT, loss = {loss}")
    ax.set(xlim=(-3, 3), ylim=_outlier_ylim(), xlabel="x", ylabel="y",
           title=f"loss = {loss}: mean squared distance to f = {res['mse']:.3f}")
    ax.title.set_fontsize(9)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=7, frameon=False)
