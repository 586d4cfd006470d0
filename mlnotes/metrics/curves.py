r"""ROC and precision–recall curves, and AUC computed three ways, equal to ``sklearn.metrics``.

A score $s$ and a threshold $\tau$ predict positive when $s \ge \tau$. Sweeping $\tau$ down over
the distinct scores gives, with $M$ positives and $N$ negatives,
$$\mathrm{TPR}(\tau) = \frac{TP(\tau)}{M},\qquad \mathrm{FPR}(\tau) = \frac{FP(\tau)}{N},\qquad
P(\tau) = \frac{TP(\tau)}{TP(\tau) + FP(\tau)},\qquad R(\tau) = \mathrm{TPR}(\tau).$$
The ROC curve (ROC 曲线) joins $(\mathrm{FPR}, \mathrm{TPR})$ from $(0, 0)$ (threshold $+\infty$)
to $(1, 1)$. The area under it, AUC, equals

1. the trapezoid rule over the ROC points, $\sum_k \tfrac12(\mathrm{FPR}_{k+1} - \mathrm{FPR}_k)
   (\mathrm{TPR}_{k+1} + \mathrm{TPR}_k)$ (a tie block is a diagonal segment, hence ½);
2. the rank (Mann–Whitney) formula with ranks $r_i$ in **ascending** score order (lowest
   score = rank 1; tied scores share their average rank):
   $$\mathrm{AUC} = \frac{\sum_{i:\,y_i=1} r_i - M(M+1)/2}{M N};$$
   ranking in descending order instead (the notes' wording) gives exactly $1 - \mathrm{AUC}$,
   since a descending rank is $n + 1 - r_i$;
3. the probability that a random positive outranks a random negative, ties counting ½:
   $$\mathrm{AUC} = \Pr(s^+ > s^-) + \tfrac12\Pr(s^+ = s^-) = \frac{1}{MN}\sum_{i:\,y_i=1}
   \sum_{j:\,y_j=0}\Big(\mathbb 1[s_i > s_j] + \tfrac12\mathbb 1[s_i = s_j]\Big),$$
   by exact pair counting or by Monte Carlo over $K$ random pairs (standard error
   $\le 1/(2\sqrt K)$).

AUC depends only on the order of the scores, so any strictly increasing transform leaves it
unchanged. Average precision is the step-function area under the PR curve,
$\mathrm{AP} = \sum_k (R_k - R_{k-1})\,P_k$ (no interpolation), as in sklearn (the kernel is here;
the public :func:`~mlnotes.metrics.averaging.average_precision` also averages over labels).

``roc_curve`` and ``precision_recall_curve`` take, as sklearn's do, ``pos_label`` (which of two
labels is positive; by default 1, for labels in {0, 1} or {-1, 1}, and required otherwise) and
``sample_weight`` (each sample counts $w_i \ge 0$ times: $TP(\tau) = \sum_{i:\,s_i \ge \tau} w_i y_i$,
and a sample of weight 0 is dropped first, as in sklearn).

Where sklearn differs: with one class in ``y_true``, ROC and AUC raise ``ValueError`` here
(sklearn warns and returns NaN for AUC); with no positive, the PR curve and AP raise
``ValueError`` here (sklearn warns, sets recall to 1 and returns AP = 0.0, a number that
looks like a real, terrible score).

Dtypes: ``y_true`` holds two labels (integers, booleans, whole floats, or strings with
``pos_label``; the teaching functions ``auc_rank``, ``auc_pairs``, ``auc_monte_carlo`` take 0/1
only); ``sample_weight`` is boolean, integer or floating; ``y_score`` is boolean,
integer or floating (strings, objects and complex numbers raise ``TypeError``) and is used in
its own dtype, since only its order and ties matter. As in sklearn, FPR, TPR, precision and
recall are float64 whatever the score dtype (they are ratios of counts), ROC thresholds are
float64 (they start at +inf), and PR thresholds are values of ``y_score`` in its dtype
(float32 in, float32 out). Scalars are Python floats.

See chapter: chapters/metrics.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_int, check_real, check_same_shape
from mlnotes.metrics._targets import binarize, check_sample_weight
from mlnotes.metrics._validate import check_binary_scores, check_classes_present, check_labels, check_scores


def _curve_inputs(y_true, y_score, pos_label, sample_weight, *, need_both: bool) -> tuple:
    """Check and binarize: -> t (n',) int64 0/1, s (n',) own dtype, w (n',) or None; zero weights dropped.

    ``need_both``: raise unless both classes occur (ROC/AUC); else at least one positive (PR).
    """
    s = check_scores("y_score", y_score, ndim=1)
    t = check_labels("y_true", y_true)
    check_same_shape("y_true", t, "y_score", s)
    w = check_sample_weight(sample_weight, len(t))
    if w is not None:  # a sample of weight 0 is absent (sklearn drops it before anything else)
        keep = w != 0
        if not np.any(keep):
            raise ValueError("sample_weight must not be all zero: no sample would count")
        t, s, w = t[keep], s[keep], w[keep]
    t = binarize("y_true", t, pos_label)
    check_classes_present(t, need_both=need_both)
    return t, s, w


def _binary_clf_curve(t: np.ndarray, s: np.ndarray, w=None) -> tuple:
    """(Weighted) FP and TP counts at each distinct score, thresholds descending: (n,), (n,) -> 3 × (T,).

    Works in the scores' own dtype (no negation: -s wraps for unsigned and fails for bool).
    """
    order = np.argsort(s, kind="stable")[::-1]  # (n,) highest score first
    s_sorted, t_sorted = s[order], t[order]
    # (T,) last index of each tie block (!= rather than np.diff, which overflows at ±1e308)
    last = np.r_[np.flatnonzero(s_sorted[1:] != s_sorted[:-1]), len(s) - 1]
    if w is None:
        tps = np.cumsum(t_sorted)[last].astype(np.float64)  # (T,) positives with s >= threshold
        fps = 1.0 + last - tps  # (T,) the rest of the samples above the threshold
    else:
        w_sorted = w[order].astype(np.float64)
        tps = np.cumsum(t_sorted * w_sorted)[last]  # (T,) weight of positives with s >= threshold
        fps = np.cumsum((1 - t_sorted) * w_sorted)[last]  # (T,) weight of negatives
    return fps, tps, s_sorted[last]


def roc_curve(y_true, y_score, *, pos_label=None, sample_weight=None,
              drop_intermediate=False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ROC points: (n,) labels, (n,) scores -> fpr, tpr, thresholds, each (T + 1,).

    ``y_true``: two labels; ``pos_label`` names the positive one (default: 1, for labels in
    {0, 1} or {-1, 1}). ``sample_weight`` (n,) >= 0 weighs each sample's count.
    ``thresholds[0]`` is +inf (nothing predicted positive). ``drop_intermediate`` drops
    collinear points exactly as sklearn does (its default is True, ours False: every threshold).
    All three are float64, as in sklearn. ``ValueError`` if ``y_true`` holds one class (where
    sklearn's roc_curve warns and returns NaN true positive rates, and roc_auc_score NaN).
    See chapter: chapters/metrics.md
    """
    t, s, w = _curve_inputs(y_true, y_score, pos_label, sample_weight, need_both=True)
    return _roc(t, s, w, drop_intermediate)


def _roc(t, s, w, drop_intermediate) -> tuple:
    """The ROC points of checked 0/1 targets and scores: -> fpr, tpr, thresholds (T + 1,)."""
    fps, tps, thresholds = _binary_clf_curve(t, s, w)
    if drop_intermediate and len(fps) > 2:
        keep = np.r_[True, np.logical_or(np.diff(fps, 2), np.diff(tps, 2)), True]  # corners only
        fps, tps, thresholds = fps[keep], tps[keep], thresholds[keep]
    fps, tps = np.r_[0.0, fps], np.r_[0.0, tps]  # start at (0, 0)
    return fps / fps[-1], tps / tps[-1], np.r_[np.inf, thresholds.astype(np.float64)]


def precision_recall_curve(y_true, y_score, *, pos_label=None, sample_weight=None, drop_intermediate=False):
    """PR points: (n,) labels, (n,) scores -> precision (T + 1,), recall (T + 1,), thresholds (T,) ascending.

    ``pos_label`` and ``sample_weight`` as in :func:`roc_curve`. The last point is (recall 0,
    precision 1) with no threshold, as in sklearn. Precision and recall are float64;
    thresholds are values of ``y_score`` in its dtype, as in sklearn. With no positive in
    ``y_true`` recall is 0/0: ``ValueError`` here, where sklearn warns and sets recall to 1 at
    every threshold. See chapter: chapters/metrics.md
    """
    t, s, w = _curve_inputs(y_true, y_score, pos_label, sample_weight, need_both=False)
    return _pr(t, s, w, drop_intermediate)


def _pr(t, s, w, drop_intermediate) -> tuple:
    """The PR points of checked 0/1 targets (at least one positive) and scores."""
    fps, tps, thresholds = _binary_clf_curve(t, s, w)
    if drop_intermediate and len(fps) > 2:
        keep = np.r_[True, np.logical_or(np.diff(tps[:-1]), np.diff(tps[1:])), True]
        fps, tps, thresholds = fps[keep], tps[keep], thresholds[keep]
    prec = tps / (tps + fps)  # (T,) never 0/0: each threshold is a score of weight > 0, so TP + FP > 0
    rec = tps / tps[-1]  # (T,)
    return np.r_[prec[::-1], 1.0], np.r_[rec[::-1], 0.0], thresholds[::-1]


def _average_precision(t: np.ndarray, s: np.ndarray, w=None) -> float:
    """Average precision Σ (R_k − R_{k−1}) P_k of checked 0/1 targets (at least one positive): -> float."""
    prec, rec, _ = _pr(t, s, w, False)
    ap = -np.sum(np.diff(rec) * prec[:-1])  # recall runs from 1 down to 0: minus each step
    return float(min(1.0, max(0.0, ap)))  # the sum may round to 1 + 2^-52


def auc_trapezoid(y_true, y_score) -> float:
    """AUC by the trapezoid rule over every ROC point: (n,) labels, (n,) scores -> float.

    See chapter: chapters/metrics.md
    """
    fpr, tpr, _ = roc_curve(y_true, y_score)
    return float(np.trapezoid(tpr, fpr))


def rank_average(x) -> np.ndarray:
    """1-based ranks in ascending order, ties sharing their average rank: (n,) -> (n,) float64.

    ``x`` is boolean, integer or floating; equals ``scipy.stats.rankdata(x, method="average")``
    (float64 ranks, as scipy). See chapter: chapters/metrics.md
    """
    x = check_scores("x", x, ndim=1)
    order = np.argsort(x, kind="stable")  # (n,)
    xs = x[order]
    starts = np.r_[True, xs[1:] != xs[:-1]]  # (n,) first element of each tie block
    first = np.flatnonzero(starts)  # (G,) 0-based start of each block
    counts = np.diff(np.r_[first, len(x)])  # (G,)
    block_rank = first + (counts + 1) / 2  # (G,) mean of ranks first+1 … first+count
    ranks = np.empty(len(x))
    ranks[order] = block_rank[np.cumsum(starts) - 1]
    return ranks


def auc_rank(y_true, y_score, *, order="ascending") -> float:
    """AUC by the rank (Mann–Whitney) formula: (n,), (n,) -> float.

    ``order="ascending"`` (lowest score = rank 1) is right; ``"descending"`` is the notes'
    wording (erratum 14) and returns 1 − AUC. See chapter: chapters/metrics.md
    """
    t, s = check_binary_scores(y_true, y_score, need_both=True)
    if order not in ("ascending", "descending"):
        raise ValueError(f"order must be 'ascending' or 'descending', got {order!r}")
    return _auc_rank(t, s, order)


def _auc_rank(t: np.ndarray, s: np.ndarray, order: str) -> float:
    """(Σ ranks of the positives − M(M+1)/2) / (M·N): (n,) in {0, 1}, (n,) -> float."""
    ranks = rank_average(s)  # (n,) ascending: lowest score = rank 1, ties averaged
    if order == "descending":
        ranks = len(s) + 1 - ranks  # (n,) the notes' order: highest score = rank 1
    m = int(t.sum())  # M positives
    n = len(t) - m  # N negatives
    return float((ranks[t == 1].sum() - m * (m + 1) / 2) / (m * n))


def auc_pairs(y_true, y_score, *, chunk=2048) -> float:
    """AUC as P(positive outranks negative), ties ½, counting all M·N pairs exactly: (n,), (n,) -> float.

    See chapter: chapters/metrics.md
    """
    t, s = check_binary_scores(y_true, y_score, need_both=True)
    return _auc_pairs(s[t == 1], s[t == 0], check_int("chunk", chunk, low=1))


def _auc_pairs(pos: np.ndarray, neg: np.ndarray, chunk: int) -> float:
    """Mean over all (positive, negative) pairs of 1[s⁺ > s⁻] + ½·1[s⁺ = s⁻]: (M,), (N,)."""
    wins = ties = 0
    for start in range(0, len(pos), chunk):  # bounded memory: (chunk, N) at a time
        block = pos[start:start + chunk, None]  # (c, 1)
        wins += int(np.sum(block > neg))  # (c, N) compared at once
        ties += int(np.sum(block == neg))
    return (wins + 0.5 * ties) / (len(pos) * len(neg))


def auc_monte_carlo(y_true, y_score, *, n_pairs=100_000, seed=0) -> float:
    """AUC estimated from n_pairs random (positive, negative) pairs, ties ½: (n,), (n,) -> float.

    Standard error <= 1 / (2 sqrt(n_pairs)) (0.0016 for the default). See chapter: chapters/metrics.md
    """
    t, s = check_binary_scores(y_true, y_score, need_both=True)
    n_pairs = check_int("n_pairs", n_pairs, low=1)
    seed = check_int("seed", seed, low=0)
    pos, neg = s[t == 1], s[t == 0]
    rng = np.random.default_rng(seed)
    sp = pos[rng.integers(len(pos), size=n_pairs)]  # (K,)
    sn = neg[rng.integers(len(neg), size=n_pairs)]  # (K,)
    return float(np.mean((sp > sn) + 0.5 * (sp == sn)))


def predict_at(y_score, threshold) -> np.ndarray:
    """Hard predictions 1[score >= threshold]: (n,) bool/int/float scores -> (n,) int64 in {0, 1}.

    See chapter: chapters/metrics.md
    """
    s = check_scores("y_score", y_score, ndim=1)
    threshold = check_real("threshold", threshold)
    return (s >= threshold).astype(np.int64)


def operating_point(y_true, y_score, threshold) -> dict:
    """FPR, TPR (= recall) and precision of the rule score >= threshold: (n,), (n,), float -> dict of floats.

    Precision is 0.0 when nothing is predicted positive. See chapter: chapters/metrics.md
    """
    t, s = check_binary_scores(y_true, y_score, need_both=True)
    pred = predict_at(s, threshold)  # (n,)
    tp = int(np.sum(pred & t))
    fp = int(np.sum(pred & (1 - t)))
    m = int(t.sum())
    return {"fpr": fp / (len(t) - m), "tpr": tp / m, "recall": tp / m,
            "precision": tp / (tp + fp) if tp + fp else 0.0}


def __getattr__(name: str):
    """``average_precision`` lived here before it moved to :mod:`mlnotes.metrics.averaging` (kept working)."""
    if name == "average_precision":
        from mlnotes.metrics.averaging import average_precision

        return average_precision
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
