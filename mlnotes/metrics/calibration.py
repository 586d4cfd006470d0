r"""Scores of predicted probabilities: log loss, Brier score, the reliability diagram and ECE.

For $n$ samples with (weighted, $w_i$) true classes $y_i$ and predicted class probabilities
$\hat p_{ik}$ (rows sum to 1; a 1-D input is $P(\text{positive})$ of a binary problem):

* **log loss** (对数损失, cross-entropy of the labels): $\mathrm{LL} = -\frac{1}{\sum_i w_i}\sum_i w_i
  \log \hat p_{i, y_i}$, with $\hat p$ clipped to $[\epsilon, 1 - \epsilon]$,
  $\epsilon$ = the machine epsilon of the input's float dtype, as in sklearn (so a confident
  mistake costs at most $-\log\epsilon \approx 36$ in float64, not $\infty$);
* **Brier score** (布里尔分数): the mean squared error of the probabilities,
  $\mathrm{BS} = \frac{1}{\sum_i w_i}\sum_i w_i \sum_k (\mathbb 1[y_i = k] - \hat p_{ik})^2$, halved for
  two classes (``scale_by_half="auto"``), so the binary score is $\overline{(y - \hat p)^2}$;
* **reliability diagram** (可靠性图) of a binary classifier: cut $[0, 1]$ into $B$ bins, and in each
  non-empty bin $b$ compare the mean predicted probability $\mathrm{conf}_b$ with the fraction of
  positives $\mathrm{acc}_b$ (sklearn's ``calibration_curve``);
* **expected calibration error** (ECE, 期望校准误差), the gap averaged over bins by their share of
  samples: $\mathrm{ECE} = \sum_b \frac{n_b}{n}\,|\mathrm{acc}_b - \mathrm{conf}_b|$.

**The binning** (defined exactly as ``sklearn.calibration.calibration_curve``): ``"uniform"``
edges $e_b = b/B$; ``"quantile"`` edges at the $b/B$ quantiles of $\hat p$ (linear
interpolation), so each bin holds about $n/B$ samples. Bins are closed on the right: bin 1 is
$[e_0, e_1]$, bin $b > 1$ is $(e_{b-1}, e_b]$ (``np.searchsorted(edges[1:-1], p)``), so a
probability exactly on an edge falls in the lower bin. ECE depends on $B$ and on this choice.

Where sklearn differs: probabilities outside [0, 1] raise in both; multi-class rows that do not
sum to 1 raise ``ValueError`` here (sklearn warns and scores them anyway).

Dtypes: ``y_true`` holds class labels; ``y_proba`` / ``y_prob`` are floating (kept: float32 in,
float32 arithmetic, as sklearn) or integer/boolean (as float64). Results are Python floats;
``calibration_curve`` returns float64 arrays.

See chapter: chapters/metrics.md
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlnotes._checks import check_int, check_same_shape
from mlnotes.metrics._targets import binarize, check_sample_weight, same_kind, total_weight
from mlnotes.metrics._validate import check_labels, check_scores

STRATEGIES = ("uniform", "quantile")


def _check_proba(name: str, y_proba, n: int) -> np.ndarray:
    """Probabilities in [0, 1], (n,) or (n, K), in a floating dtype (integers/booleans as float64)."""
    p = check_scores(name, y_proba, ndim=(1, 2))
    if p.shape[0] != n:
        raise ValueError(f"{name} must have one row per sample ({n}), got shape {p.shape}")
    if p.dtype.kind != "f":
        p = p.astype(np.float64)
    if np.any(p < 0) or np.any(p > 1):
        raise ValueError(f"{name} must hold probabilities in [0, 1], got values from {p.min()} to {p.max()}")
    return p


def _positive(t: np.ndarray, classes: np.ndarray, pos_label, one_class_ok: bool) -> np.ndarray:
    """Which samples are positive for a 1-D P(positive): ``pos_label``, else 1 for 0/1 or -1/1 labels
    (Brier) or the greater label (as sklearn): (n,) -> (n,) bool."""
    if pos_label is not None:
        if not same_kind(pos_label, t):
            raise TypeError(f"pos_label must be a label of the same kind as y_true, got {pos_label!r}")
        return t == pos_label
    values = set(classes.tolist())
    if one_class_ok and t.dtype.kind != "U" and (values <= {0, 1} or values <= {-1, 1}):
        return t == 1
    if one_class_ok and t.dtype.kind == "U":
        raise ValueError(f"y_true holds labels {classes.tolist()}: pass pos_label (which one is positive?)")
    if len(classes) < 2:
        raise ValueError(f"y_true holds one class ({classes.tolist()[0]!r}): pass labels with both classes, so that "
                         "it is clear which one y_proba is the probability of")
    return t == classes[-1]  # the greater label is positive, as in sklearn


def _one_hot(y_true, y_proba, labels, pos_label=None, *, one_class_ok=False) -> tuple[np.ndarray, np.ndarray]:
    """Targets and probabilities as (n, K) one-hot and (n, K) rows: a 1-D y_proba is P(positive)."""
    t = check_labels("y_true", y_true)
    p = _check_proba("y_proba", y_proba, len(t))
    if p.ndim == 2 and p.shape[1] == 1:
        p = p[:, 0]
    classes = np.unique(t if labels is None else check_labels("labels", labels))
    if labels is not None and not np.all(np.isin(t, classes)):
        raise ValueError(f"y_true holds labels not in labels: {np.setdiff1d(t, classes).tolist()}")
    if p.ndim == 1:
        if len(classes) > 2:
            raise ValueError(f"y_proba is 1-D (binary) but y_true holds {len(classes)} classes: pass (n, K) "
                             "probabilities")
        positive = _positive(t, classes, pos_label, one_class_ok)  # (n,)
        return np.stack([~positive, positive], axis=1).astype(p.dtype), np.stack([1 - p, p], axis=1)
    if len(classes) < 2:
        raise ValueError(f"y_true holds one class ({classes.tolist()[0]!r}): pass labels naming every column of y_proba")
    if len(classes) != p.shape[1]:
        raise ValueError(f"y_proba has {p.shape[1]} columns but there are {len(classes)} classes "
                         f"{classes.tolist()}: pass labels naming the columns")
    if not np.allclose(p.sum(axis=1), 1.0, rtol=np.sqrt(np.finfo(p.dtype).eps), atol=0):
        raise ValueError("y_proba rows must sum to 1 (class probabilities); sklearn warns and scores them anyway")
    return (t[:, None] == classes[None, :]).astype(p.dtype), p


def log_loss(y_true, y_proba, *, labels=None, sample_weight=None, normalize=True) -> float:
    """Mean (or summed, ``normalize=False``) negative log-likelihood of the true classes: -> float.

    ``y_proba`` (n,) = P(greater label) for two classes, or (n, K) with columns in sorted
    label order (``labels`` names them when y_true misses some). Equal to
    ``sklearn.metrics.log_loss``. See chapter: chapters/metrics.md
    """
    onehot, p = _one_hot(y_true, y_proba, labels)
    w = check_sample_weight(sample_weight, len(p))
    return _log_loss(onehot, p, w, normalize)


def _log_loss(onehot: np.ndarray, p: np.ndarray, w, normalize: bool) -> float:
    """-Σ_i w_i log p_{i, y_i} (/ Σ w), p clipped to [eps, 1 − eps]: (n, K), (n, K) -> float."""
    eps = np.finfo(p.dtype).eps
    p = np.clip(p, eps, 1 - eps)  # a confident mistake costs -log(eps), not infinity
    loss = -np.sum(onehot * np.log(p), axis=1)  # (n,) -log of the true class's probability
    total = np.sum(loss) if w is None else np.dot(w.astype(loss.dtype), loss)
    return float(total / total_weight(w, len(loss))) if normalize else float(total)


def brier_score(y_true, y_proba, *, pos_label=None, labels=None, sample_weight=None, scale_by_half="auto") -> float:
    """Mean squared error of the predicted probabilities, Σ_k (1[y = k] − p_k)², halved for two classes: -> float.

    Binary: ``y_proba`` (n,) = P(``pos_label``) (default: 1 for 0/1 or -1/1 labels, else the
    greater label; string labels need ``pos_label``). Multi-class:
    (n, K). Equal to ``sklearn.metrics.brier_score_loss``. See chapter: chapters/metrics.md
    """
    onehot, p = _one_hot(y_true, y_proba, labels, pos_label, one_class_ok=True)
    w = check_sample_weight(sample_weight, len(p))
    if scale_by_half == "auto":
        scale_by_half = p.shape[1] < 3
    if not isinstance(scale_by_half, (bool, np.bool_)):
        raise TypeError(f"scale_by_half must be True, False or 'auto', got {scale_by_half!r}")
    per_sample = np.sum((onehot - p) ** 2, axis=1)  # (n,)
    mean = np.sum(per_sample) if w is None else np.dot(w.astype(per_sample.dtype), per_sample)
    return float(mean / total_weight(w, len(p)) * (0.5 if scale_by_half else 1.0))


@dataclass(frozen=True)
class ReliabilityBins:
    """Per bin (all B bins, empty ones included): edges (B + 1,), count, mean predicted probability, fraction of
    positives (NaN where a bin is empty)."""

    edges: np.ndarray
    count: np.ndarray
    mean_predicted: np.ndarray
    fraction_positive: np.ndarray

    @property
    def nonempty(self) -> np.ndarray:
        return self.count > 0


def reliability_bins(y_true, y_prob, *, pos_label=None, n_bins=10, strategy="uniform") -> ReliabilityBins:
    """Bin P(positive) as ``calibration_curve`` does and summarize each bin: (n,), (n,) -> ReliabilityBins.

    See the module docstring for the binning. See chapter: chapters/metrics.md
    """
    t = binarize("y_true", y_true, pos_label)
    p = _check_proba("y_prob", y_prob, len(t))
    check_same_shape("y_true", t, "y_prob", p)
    n_bins = check_int("n_bins", n_bins, low=1)
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy must be 'uniform' or 'quantile', got {strategy!r}")
    return _reliability_bins(t, p, n_bins, strategy)


def _reliability_bins(t: np.ndarray, p: np.ndarray, n_bins: int, strategy: str) -> ReliabilityBins:
    """Right-closed bins [e0, e1], (e1, e2], …; per bin: count, mean p, fraction of positives."""
    if strategy == "uniform":
        edges = np.linspace(0.0, 1.0, n_bins + 1)  # (B + 1,)
    else:
        edges = np.percentile(p, np.linspace(0, 1, n_bins + 1) * 100)  # (B + 1,) equal-count bins
    bin_of = np.searchsorted(edges[1:-1], p)  # (n,) an edge value goes to the lower bin
    count = np.bincount(bin_of, minlength=n_bins)  # (B,)
    sum_p = np.bincount(bin_of, weights=p, minlength=n_bins)  # (B,)
    sum_y = np.bincount(bin_of, weights=t, minlength=n_bins)  # (B,)
    with np.errstate(invalid="ignore", divide="ignore"):
        return ReliabilityBins(edges, count, sum_p / count, sum_y / count)  # NaN where empty


def calibration_curve(y_true, y_prob, *, pos_label=None, n_bins=5, strategy="uniform") -> tuple[np.ndarray, np.ndarray]:
    """Fraction of positives and mean predicted probability of each non-empty bin: -> (B',), (B',).

    Equal to ``sklearn.calibration.calibration_curve``. See chapter: chapters/metrics.md
    """
    bins = reliability_bins(y_true, y_prob, pos_label=pos_label, n_bins=n_bins, strategy=strategy)
    keep = bins.nonempty
    return bins.fraction_positive[keep], bins.mean_predicted[keep]


def expected_calibration_error(y_true, y_prob, *, pos_label=None, n_bins=10, strategy="uniform") -> float:
    """ECE = Σ_b (n_b / n) |fraction positive_b − mean predicted_b| over the bins of ``calibration_curve``.

    See chapter: chapters/metrics.md
    """
    bins = reliability_bins(y_true, y_prob, pos_label=pos_label, n_bins=n_bins, strategy=strategy)
    return _ece(bins)


def _ece(bins: ReliabilityBins) -> float:
    """Σ_b (n_b / n) |acc_b − conf_b| over the non-empty bins."""
    keep = bins.nonempty
    gaps = np.abs(bins.fraction_positive[keep] - bins.mean_predicted[keep])  # (B',)
    return float(np.sum(bins.count[keep] * gaps) / np.sum(bins.count))
