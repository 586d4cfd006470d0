"""Figures of the Metrics chapter: pure ``draw(ax, ...)`` functions for explore() widgets.

``CALIBRATION_MODELS`` is re-exported for the chapter's calibration widget.

Classifier scores, curves and histograms are computed once per setting and cached, never at
import. See chapter: chapters/metrics.md
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from mlnotes.metrics import (CALIBRATION_MODELS, auc_pairs, auc_rank, auc_trapezoid, average_precision,
                             breast_cancer_scores, confusion_matrix, imbalance_report, operating_point,
                             precision_recall_curve, precision_recall_fbeta, predict_at, rank_average, roc_curve)

NEG, POS, RIGHT, WRONG, GREY = "#1f77b4", "#d95f02", "#1f5f8b", "#c0392b", "#999999"
THRESHOLDS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
POSITIVE_RATES = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5)
FEATURES = ("all", "weak")
ORDERS = ("ascending", "descending")
BINS = np.linspace(0.0, 1.0, 21)


@lru_cache(maxsize=None)
def _histograms(features: str):
    """Score histograms of benign and malignant test tumours and a y-limit fitting both: (20,), (20,), float."""
    y, s = breast_cancer_scores(features)
    neg, _ = np.histogram(s[y == 0], BINS)
    pos, _ = np.histogram(s[y == 1], BINS)
    return neg, pos, 1.15 * max(neg.max(), pos.max())


@lru_cache(maxsize=None)
def _curves(features: str):
    """ROC and PR curves, AUC and AP of the breast-cancer classifier."""
    y, s = breast_cancer_scores(features)
    fpr, tpr, _ = roc_curve(y, s)
    prec, rec, _ = precision_recall_curve(y, s)
    return fpr, tpr, prec, rec, auc_trapezoid(y, s), average_precision(y, s), float(y.mean())


def draw_threshold(axes, threshold, features="all"):
    """Breast-cancer test scores of benign and malignant tumours with the decision threshold (left) and the
    confusion matrix it gives, titled with precision, recall and F1 (right)."""
    hist_ax, cm_ax = axes
    y, s = breast_cancer_scores(features)
    neg, pos, top = _histograms(features)
    hist_ax.stairs(neg, BINS, color=NEG, fill=True, alpha=0.45, label="benign (y = 0)")
    hist_ax.stairs(pos, BINS, color=POS, fill=True, alpha=0.45, label="malignant (y = 1)")
    hist_ax.axvspan(threshold, 1.0, color=GREY, alpha=0.15, lw=0)
    hist_ax.axvline(threshold, color="k", lw=1.2)
    hist_ax.set(xlim=(0, 1), ylim=(0, top), xlabel="score P(malignant)", ylabel="test tumours",
                title=f"threshold = {threshold:g} (shaded: predicted malignant)")
    hist_ax.legend(loc="upper center", fontsize=7, framealpha=0.9, edgecolor="none")
    pred = predict_at(s, threshold)
    cm = confusion_matrix(y, pred, labels=[0, 1])  # (2, 2) [[TN, FP], [FN, TP]]
    p, r, f = precision_recall_fbeta(y, pred)
    cm_ax.imshow(cm, cmap="Blues", vmin=0, vmax=len(y), extent=(-0.5, 1.5, 1.5, -0.5))
    for (i, j), name in np.ndenumerate(np.array([["TN", "FP"], ["FN", "TP"]])):
        cm_ax.text(j, i, f"{name}\n{cm[i, j]}", ha="center", va="center", fontsize=10,
                   color="white" if cm[i, j] > 0.5 * len(y) else "black")
    cm_ax.set(xticks=[0, 1], yticks=[0, 1], xticklabels=["benign", "malignant"],
              yticklabels=["benign", "malignant"], xlabel="predicted", ylabel="true", xlim=(-0.5, 1.5),
              ylim=(1.5, -0.5), title=f"P = {p:.3f}   R = {r:.3f}   F1 = {f:.3f}")
    for ax in axes:
        ax.title.set_fontsize(9)


def draw_roc_pr(axes, threshold, features="all"):
    """ROC curve (left) and precision-recall curve (right) of the breast-cancer classifier, with the
    operating point of the chosen threshold marked on both."""
    roc_ax, pr_ax = axes
    y, s = breast_cancer_scores(features)
    fpr, tpr, prec, rec, auc, ap, base = _curves(features)
    point = operating_point(y, s, threshold)
    roc_ax.plot(fpr, tpr, color=RIGHT, lw=1.5, label=f"ROC, AUC = {auc:.3f}")
    roc_ax.plot([0, 1], [0, 1], color=GREY, ls="--", lw=1, label="random, AUC = 0.5")
    roc_ax.plot(point["fpr"], point["tpr"], "o", color=WRONG, ms=7,
                label=f"threshold {threshold:g}: FPR {point['fpr']:.2f}, TPR {point['tpr']:.2f}")
    roc_ax.set(xlabel="false positive rate", ylabel="true positive rate (recall)", title="ROC curve")
    pr_ax.step(rec, prec, where="post", color=RIGHT, lw=1.5, label=f"PR, AP = {ap:.3f}")
    pr_ax.axhline(base, color=GREY, ls="--", lw=1, label=f"random, precision = {base:.2f}")
    pr_ax.plot(point["recall"], point["precision"], "o", color=WRONG, ms=7,
               label=f"threshold {threshold:g}: R {point['recall']:.2f}, P {point['precision']:.2f}")
    pr_ax.set(xlabel="recall", ylabel="precision", title="precision-recall curve")
    for ax in axes:
        ax.set(xlim=(-0.02, 1.02), ylim=(-0.02, 1.02), aspect="equal")
        ax.title.set_fontsize(9)
        ax.grid(alpha=0.3)
        ax.legend(loc="lower left" if ax is pr_ax else "lower right", fontsize=7, frameon=False)


IMBALANCE_METRICS = ("accuracy", "precision", "recall", "f1", "ap")


def draw_imbalance(ax, positive_rate):
    """Accuracy, precision, recall, F1 and average precision of the always-negative rule, a logistic
    regression and a class-weighted one, on test data with the chosen fraction of positives."""
    report = imbalance_report(positive_rate)
    rows = (("always negative", report.baseline, GREY),
            ("logistic regression", report.model, RIGHT),
            ("class_weight='balanced'", report.balanced, POS))
    x = np.arange(len(IMBALANCE_METRICS))
    width = 0.27
    handles = []  # this frame's bars only (a reused Axes may still list earlier frames' containers)
    for k, (name, values, color) in enumerate(rows):
        heights = [values[m] for m in IMBALANCE_METRICS]
        bars = ax.bar(x + (k - 1) * width, heights, width, color=color, label=name)
        ax.bar_label(bars, fmt="%.2f", fontsize=6, padding=1)
        handles.append(bars)
    ax.set(xticks=x, xticklabels=["accuracy", "precision", "recall", "F1", "AP (ranking)"], ylim=(0, 1.25),
           xlim=(-0.6, len(x) - 0.4), ylabel="score on the test half",
           title=f"positive rate {positive_rate:.0%} ({report.n_test_positives} test positives): "
                 f"always-negative accuracy = {report.baseline['accuracy']:.2f}")
    ax.title.set_fontsize(9)
    ax.legend(handles=handles, loc="upper right", fontsize=7, frameon=False, ncols=3)


# A small ranking example with two positive/negative ties (at 0.35 and 0.8).
AUC_EXAMPLE_SCORES = np.array([0.1, 0.2, 0.35, 0.35, 0.5, 0.6, 0.7, 0.8, 0.8, 0.9])
AUC_EXAMPLE_LABELS = np.array([0, 0, 0, 1, 0, 1, 0, 0, 1, 1])


def draw_auc_rank(ax, order="ascending"):
    """Ten scored samples on a line with their ranks in the chosen order, and the rank formula's AUC:
    ascending ranks give the true AUC, descending ranks (the notes) give 1 - AUC."""
    s, y = AUC_EXAMPLE_SCORES, AUC_EXAMPLE_LABELS
    ranks = rank_average(s if order == "ascending" else -s)  # (n,) ties share the average rank
    m, n = int(y.sum()), int((1 - y).sum())
    value, truth = auc_rank(y, s, order=order), auc_pairs(y, s)
    ax.axhline(0, color=GREY, lw=0.8)
    for label, marker, color, level in ((1, "o", POS, 0.35), (0, "s", NEG, -0.35)):
        idx = np.flatnonzero(y == label)
        ax.plot(s[idx], np.full(len(idx), level), marker, color=color, ms=9, ls="none",
                label="positive" if label else "negative")
        for i in idx:
            ax.text(s[i], level + (0.22 if label else -0.22), f"{ranks[i]:g}", ha="center", va="center",
                    fontsize=8, color=color, fontweight="bold" if label else "normal")
    ok = bool(np.isclose(value, truth))
    first = "lowest score = rank 1" if order == "ascending" else "highest score = rank 1: the notes' order"
    verdict = "= AUC ✓" if ok else "= 1 − AUC ✗"
    ax.set_title(f"ranks in {order} order ({first})\n(Σ positive ranks − M(M+1)/2) / (MN) = "
                 f"({ranks[y == 1].sum():g} − {m * (m + 1) // 2}) / {m * n} = {value:.3f} {verdict}\n"
                 f"true AUC = P(positive outranks negative) = {truth:.3f}", fontsize=9, color=RIGHT if ok else WRONG)
    ax.set(xlim=(0, 1), ylim=(-1, 1), yticks=[], xlabel="score (rank numbers: positives above, negatives below)")
    ax.legend(loc="lower left", fontsize=7, frameon=False, ncols=2)


# -- calibration --------------------------------------------------------------------------------------------------
TEMPERATURES = (0.5, 1.0, 2.0, 4.0)
STRATEGIES = ("uniform", "quantile")
CAL_BINS = 10
HIST_EDGES = np.linspace(0.0, 1.0, 21)


@lru_cache(maxsize=None)
def _calibration(model: str, temperature: float, strategy: str):
    """Reliability bins, scores and the ECE / log loss / Brier / AUC of one model at one temperature."""
    from mlnotes.metrics import (brier_score, calibration_logits, log_loss, reliability_bins, roc_auc,
                                 with_temperature)
    from mlnotes.metrics.calibration import _ece

    y, z = calibration_logits(model)
    p = with_temperature(z, temperature)
    bins = reliability_bins(y, p, n_bins=CAL_BINS, strategy=strategy)
    return p, bins, _ece(bins), log_loss(y, p), brier_score(y, p), roc_auc(y, z)


@lru_cache(maxsize=None)
def _hist_top(model: str) -> float:
    """A y-limit for the score histograms of one model that fits every temperature."""
    return 1.1 * max(np.histogram(_calibration(model, t, "uniform")[0], HIST_EDGES)[0].max() for t in TEMPERATURES)


def draw_calibration(axes, model="naive Bayes", temperature=1.0, strategy="uniform"):
    """Reliability diagram (left: fraction of positives against mean predicted probability in each bin, the gaps
    that ECE averages drawn in red) and the histogram of predicted probabilities (right), for a model whose
    log-odds are divided by a temperature."""
    rel_ax, hist_ax = axes
    p, bins, ece, ll, brier, auc = _calibration(model, float(temperature), strategy)
    keep = bins.nonempty
    conf, acc = bins.mean_predicted[keep], bins.fraction_positive[keep]
    rel_ax.plot([0, 1], [0, 1], color=GREY, ls="--", lw=1, label="perfectly calibrated")
    rel_ax.vlines(conf, np.minimum(conf, acc), np.maximum(conf, acc), color=WRONG, lw=2, label="gap |acc − conf|")
    rel_ax.plot(conf, acc, "o-", color=RIGHT, ms=5, lw=1.2, label=f"{CAL_BINS} {strategy} bins")
    for edge in bins.edges[1:-1]:
        rel_ax.axvline(edge, color=GREY, lw=0.4, alpha=0.5)
    rel_ax.set(xlim=(0, 1), ylim=(0, 1), aspect="equal", xlabel="mean predicted probability (conf)",
               ylabel="fraction of positives (acc)",
               title=f"{model}, T = {temperature:g}: ECE = {ece:.3f}")
    rel_ax.legend(loc="upper left", fontsize=7, frameon=False)
    hist_ax.hist(p, HIST_EDGES, color=POS, alpha=0.6)
    hist_ax.set(xlim=(0, 1), ylim=(0, _hist_top(model)), xlabel="predicted probability", ylabel="test samples",
                title=f"log loss {ll:.3f}, Brier {brier:.3f}, AUC {auc:.3f}")
    for ax in axes:
        ax.title.set_fontsize(9)


# -- bootstrap ----------------------------------------------------------------------------------------------------
SAMPLE_SIZES = (50, 100, 200, 400, 800)
D_PRIME = 1.0
N_RESAMPLES = 500


@lru_cache(maxsize=None)
def _bootstrap(n: int):
    """The bootstrap of the AUC of n binormal test scores (seed 0)."""
    from mlnotes.metrics import binormal_scores, bootstrap_auc

    y, s = binormal_scores(n, d_prime=D_PRIME)
    return bootstrap_auc(y, s, n_resamples=N_RESAMPLES)


WIDTH_TICKS = (0.05, 0.1, 0.2, 0.4)
AUC_BINS = np.linspace(0.45, 1.0, 56)


@lru_cache(maxsize=None)
def _bootstrap_top() -> float:
    """A y-limit for the resampled-AUC histograms that fits every sample size."""
    return 1.3 * max(np.histogram(_bootstrap(n).distribution, AUC_BINS)[0].max() for n in SAMPLE_SIZES)


def draw_bootstrap(axes, n=200):
    """Bootstrap distribution of the test AUC of n binormal samples with its 95 % percentile interval and the
    population AUC (left), and the interval width against n on log axes beside a 1/sqrt(n) line (right)."""
    from mlnotes.metrics import binormal_auc

    dist_ax, width_ax = axes
    result, truth = _bootstrap(n), binormal_auc(D_PRIME)
    dist_ax.hist(result.distribution, AUC_BINS, color=NEG, alpha=0.55,
                 label=f"{N_RESAMPLES} resampled AUCs")
    dist_ax.axvspan(result.low, result.high, color=POS, alpha=0.15, lw=0, label="95 % interval")
    dist_ax.axvline(result.estimate, color="k", lw=1.2, label=f"test AUC {result.estimate:.3f}")
    dist_ax.axvline(truth, color=WRONG, ls="--", lw=1.2, label=f"population AUC {truth:.3f}")
    dist_ax.set(xlim=(0.45, 1.0), ylim=(0, _bootstrap_top()), xlabel="AUC", ylabel="resamples",
                title=f"n = {n}: AUC {result.estimate:.3f}, 95 % CI [{result.low:.3f}, {result.high:.3f}]")
    dist_ax.legend(loc="upper left", fontsize=7, frameon=False)
    widths = [_bootstrap(m).width for m in SAMPLE_SIZES]
    sizes = np.array(SAMPLE_SIZES, dtype=float)
    width_ax.loglog(sizes, widths, "o-", color=NEG, lw=1.2, ms=4, label="95 % interval width")
    width_ax.loglog(sizes, widths[0] * np.sqrt(sizes[0] / sizes), color=GREY, ls="--", lw=1, label="∝ 1/√n")
    width_ax.plot([n], [_bootstrap(n).width], "o", color=WRONG, ms=8)
    width_ax.set(xlim=(35, 1150), ylim=(0.04, 0.6), xlabel="test samples n", ylabel="interval width",
                 title="the interval narrows like 1/√n", yticks=WIDTH_TICKS, yticklabels=[f"{t:g}" for t in WIDTH_TICKS])
    width_ax.minorticks_off()
    width_ax.legend(loc="upper right", fontsize=7, frameon=False)
    for ax in axes:
        ax.title.set_fontsize(9)


# -- multi-class AUC ---------------------------------------------------------------------------------------------
CLASS_COLORS = ("#1b9e77", "#d95f02", "#7570b3")


def draw_one_vs_rest(ax):
    """One-vs-rest ROC curve of each wine cultivar and the micro-averaged ROC curve, with their AUCs."""
    from mlnotes.metrics import roc_auc, wine_probabilities

    y, P = wine_probabilities()
    for c, color in enumerate(CLASS_COLORS):
        fpr, tpr, _ = roc_curve((y == c).astype(int), P[:, c])
        ax.plot(fpr, tpr, color=color, lw=1.4, label=f"class {c} vs rest: AUC {roc_auc((y == c).astype(int), P[:, c]):.3f}")
    T = (y[:, None] == np.arange(3)).astype(int)  # (n, 3) one-vs-rest targets
    fpr, tpr, _ = roc_curve(T.ravel(), P.ravel())
    ax.plot(fpr, tpr, color="k", ls=":", lw=1.6, label=f"micro (all cells pooled): AUC {roc_auc(y, P, multi_class='ovr', average='micro'):.3f}")
    ax.plot([0, 1], [0, 1], color=GREY, ls="--", lw=1)
    ax.set(xlim=(-0.02, 1.02), ylim=(-0.02, 1.02), aspect="equal", xlabel="false positive rate",
           ylabel="true positive rate", title="wine, 2 features: one-vs-rest ROC curves")
    ax.title.set_fontsize(9)
    ax.legend(loc="lower right", fontsize=7, frameon=False)
