"""Figures of the Ensembles chapter: pure ``draw(ax, ...)`` functions for explore() and figure().

Fits are computed once per setting and cached (functools.lru_cache), never at import.
See chapter: chapters/ensembles.md
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from mlnotes.figures.trees import GREY, N_TRAIN, NOISE, TEST, TRAIN  # noqa: F401 (N_TRAIN, NOISE: the moons)
from mlnotes.trees import (GBDTClassifier, bias_variance, boosting_curves, ensemble_shap, expected_value,
                           multiclass_log_loss, robust_loss_fit, wave_truth)
from mlnotes.trees.experiments import BV_MODELS, OUTLIER_LOSSES
from mlnotes.trees.leakage import prediction_shift, target_leakage
from mlnotes.trees.target_stats import ENCODINGS
from mlnotes.trees.toy import blobs3

ROUNDS = (10, 25, 50, 100, 200)  # the n_rounds slider of draw_boosting
LRS = (0.05, 0.2, 1.0)  # the learning_rate dropdown of draw_boosting
OUTLIER_COUNTS = (0, 4)  # the n_outliers control of draw_outliers
MC_ROUNDS = (1, 3, 10, 25, 50)  # the rounds slider of draw_multiclass
MC_LIMITS = (-6.5, 5.5, -4.0, 5.5)  # x0, x1, y0, y1 of the three-class plots (every training point inside)
MC_GRID = 90
CLASS_COLORS = ("#1f77b4", "#d62728", "#2ca02c")
SHAP_ROWS = (0, 1, 2, 3)  # the test-row slider of draw_shap


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


@lru_cache(maxsize=None)
def multiclass_fit():
    """Our GBDTClassifier (50 rounds of 3 depth-2 trees, lr 0.3) on three blobs: the raw scores on the
    plot grid after each round in MC_ROUNDS {m: (G, G, 3)}, and the train/test log loss per round (2, 50)."""
    Xtr, ytr, Xte, yte = blobs3()
    model = GBDTClassifier(max(MC_ROUNDS), learning_rate=0.3, max_depth=2, random_state=0).fit(Xtr, ytr)
    x0, x1, y0, y1 = MC_LIMITS
    xx, yy = np.meshgrid(np.linspace(x0, x1, MC_GRID), np.linspace(y0, y1, MC_GRID))
    grid = np.c_[xx.ravel(), yy.ravel()]
    scores = {m + 1: F.reshape(MC_GRID, MC_GRID, 3) for m, F in enumerate(model.staged_raw(grid))
              if m + 1 in MC_ROUNDS}
    losses = np.array([[multiclass_log_loss(y, F) for F in model.staged_raw(X)] for X, y in ((Xtr, ytr), (Xte, yte))])
    return model, scores, losses


def draw_multiclass(axes, n_rounds=10):
    """The three score functions F_0, F_1, F_2 of a three-class GBDT after n_rounds rounds (one tree
    per class a round), and the predicted class (arg max) with the training points."""
    if n_rounds not in MC_ROUNDS:
        raise ValueError(f"n_rounds must be one of {MC_ROUNDS}, got {n_rounds!r}")
    model, scores, losses = multiclass_fit()
    F = scores[n_rounds]  # (G, G, 3)
    top = max(float(np.abs(s).max()) for s in scores.values())  # one colour scale for every frame
    Xtr, ytr, _, _ = blobs3()
    for k in range(3):
        axes[k].imshow(F[..., k], origin="lower", extent=MC_LIMITS, cmap="RdBu_r", vmin=-top, vmax=top,
                       aspect="auto", interpolation="nearest")
        axes[k].set(xticks=[], yticks=[], xlim=MC_LIMITS[:2], ylim=MC_LIMITS[2:])
        axes[k].set_title(f"F_{k}(x): class {k}'s score", fontsize=8, color=CLASS_COLORS[k])
    pred = np.argmax(F, axis=2)
    from matplotlib.colors import ListedColormap

    axes[3].imshow(pred, origin="lower", extent=MC_LIMITS, cmap=ListedColormap(CLASS_COLORS), vmin=0, vmax=2,
                   alpha=0.35, aspect="auto", interpolation="nearest")
    axes[3].scatter(*Xtr.T, c=[CLASS_COLORS[k] for k in ytr], s=5, edgecolors="k", linewidths=0.2)
    axes[3].set(xticks=[], yticks=[], xlim=MC_LIMITS[:2], ylim=MC_LIMITS[2:])
    m = n_rounds - 1
    axes[3].set_title(f"arg max after {n_rounds} rounds ({3 * n_rounds} trees)\n"
                      f"log loss: train {losses[0, m]:.3f}, test {losses[1, m]:.3f}", fontsize=8)


@lru_cache(maxsize=None)
def shap_diabetes():
    """scikit-learn's GradientBoostingRegressor (100 depth-3 trees, lr 0.1, random_state 0) on the training
    half of diabetes (train_test_split, random_state 0), with TreeSHAP values on the test rows.

    Returns {"model", "X_test", "phi" (M, 10), "expected" E[f], "pred" (M,), "names"}."""
    from sklearn.datasets import load_diabetes
    from sklearn.ensemble import GradientBoostingRegressor
    from sklearn.model_selection import train_test_split

    data = load_diabetes()
    Xtr, Xte, ytr, _ = train_test_split(data.data, data.target, random_state=0)
    model = GradientBoostingRegressor(n_estimators=100, learning_rate=0.1, max_depth=3, random_state=0).fit(Xtr, ytr)
    trees = model.estimators_[:, 0]
    phi = ensemble_shap(trees, Xte, scale=model.learning_rate)[..., 0]  # (M, d)
    expected = float(model.init_.constant_[0, 0]) + model.learning_rate * sum(float(expected_value(t)[0])
                                                                             for t in trees)
    return {"model": model, "X_test": Xte, "phi": phi, "expected": expected, "pred": model.predict(Xte),
            "names": tuple(data.feature_names)}


def draw_shap(axes, row=0):
    """SHAP values of one test row (left: from E[f] to f(x), one bar per feature) and, for all test rows,
    mean |SHAP| against scikit-learn's impurity-based feature_importances_ (right; both sum to 1)."""
    res = shap_diabetes()
    if row not in range(len(res["phi"])):
        raise ValueError(f"row must be a test-row index below {len(res['phi'])}, got {row!r}")
    left, right = axes
    phi, names = res["phi"][row], res["names"]
    order = np.argsort(np.abs(phi))  # the largest at the top
    start = res["expected"] + np.concatenate([[0.0], np.cumsum(phi[order])[:-1]])
    left.barh(np.arange(len(phi)), phi[order], left=start, color=[TEST if v > 0 else TRAIN for v in phi[order]])
    left.axvline(res["expected"], color="k", lw=0.8, ls=":")
    left.axvline(res["pred"][row], color="k", lw=1.2)
    span = float(np.abs(res["phi"]).sum(axis=1).max())
    left.set(yticks=np.arange(len(phi)), yticklabels=[names[i] for i in order],
             xlim=(res["expected"] - 1.05 * span, res["expected"] + 1.05 * span), xlabel="prediction",
             title=f"test row {row}: E[f] = {res['expected']:.1f} (dotted) → f(x) = {res['pred'][row]:.1f}")
    left.title.set_fontsize(8)
    left.grid(alpha=0.3, axis="x")
    mean_abs = np.abs(res["phi"]).mean(axis=0)
    share = mean_abs / mean_abs.sum()
    mdi = res["model"].feature_importances_
    idx = np.argsort(share)
    y = np.arange(len(share))
    right.barh(y - 0.2, share[idx], height=0.4, color=TEST, label="mean |SHAP| (test rows)")
    right.barh(y + 0.2, mdi[idx], height=0.4, color=GREY, label="feature_importances_ (MDI)")
    right.set(yticks=y, yticklabels=[names[i] for i in idx], xlim=(0, 1.15 * max(share.max(), mdi.max())),
              xlabel="share of the total", title="global: SHAP vs impurity decrease")
    right.title.set_fontsize(8)
    right.grid(alpha=0.3, axis="x")
    right.legend(loc="lower right", fontsize=7, frameon=False)


def draw_target_stats(axes, encoding="greedy"):
    """Left: the encoded noise category of each training row against its label. Right: train and test
    AUC of a GBDT on (signal, encoding) for every encoding, the chosen one outlined."""
    if encoding not in ENCODINGS:
        raise ValueError(f"encoding must be one of {ENCODINGS}, got {encoding!r}")
    res = target_leakage()
    left, right = axes
    code, y = res[encoding]["code"], res["y"]
    jitter = np.random.default_rng(0).uniform(-0.25, 0.25, len(y))
    left.scatter(code, y + jitter, s=3, c=[TEST if v else TRAIN for v in y], alpha=0.5)
    left.set(xlim=(-0.05, 1.05), ylim=(-0.5, 1.5), yticks=[0, 1], yticklabels=["y = 0", "y = 1"],
             xlabel="encoded category (training rows)",
             title=f"{encoding}: AUC of the encoding alone {res[encoding]['auc_code']:.2f}")
    left.title.set_fontsize(8)
    left.grid(alpha=0.3, axis="x")
    x = np.arange(len(ENCODINGS))
    train = [res[e]["train_auc"] for e in ENCODINGS]
    test = [res[e]["test_auc"] for e in ENCODINGS]
    bars = right.bar(x - 0.2, np.array(train) - 0.5, bottom=0.5, width=0.4, color=GREY, label="train AUC")
    right.bar(x + 0.2, np.array(test) - 0.5, bottom=0.5, width=0.4, color=TRAIN, label="test AUC")  # from chance
    bars[ENCODINGS.index(encoding)].set_edgecolor("k")
    right.axhline(res["signal only"]["test_auc"], color=TEST, lw=1, ls="--", label="test AUC, signal only")
    right.set(xticks=x, xticklabels=ENCODINGS, ylim=(0.5, 1.08), ylabel="AUC (bars start at chance, 0.5)",
              title="GBDT on (signal, encoding)")
    right.title.set_fontsize(8)
    right.tick_params(axis="x", labelsize=7)
    right.grid(alpha=0.3, axis="y")
    right.legend(loc="upper right", fontsize=6, frameon=False, ncols=3)


def draw_shift(ax):
    """Mean squared residual the trees are fitted to (training rows) and test MSE, by round, for plain
    and ordered boosting, with the noise variance."""
    res = prediction_shift()
    rounds = np.arange(1, len(res["plain"]["seen"]) + 1)
    for name, color in (("plain", TEST), ("ordered", TRAIN)):
        ax.plot(rounds, res[name]["seen"], color=color, ls="--", label=f"{name}: residuals the trees fit")
        ax.plot(rounds, res[name]["test"], color=color, label=f"{name}: test MSE")
    ax.axhline(res["noise_var"], color="k", lw=0.8, ls=":", label="noise variance")
    top = max(float(res[n][k].max()) for n in ("plain", "ordered") for k in ("seen", "test"))
    ax.set(xlim=(1, rounds[-1]), ylim=(0, 1.05 * top), xlabel="boosting round", ylabel="mean squared residual",
           title="prediction shift: training residuals vs new rows")
    ax.title.set_fontsize(9)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper right", fontsize=7, frameon=False)
