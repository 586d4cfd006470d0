r"""Scores of real classifiers to evaluate: breast-cancer logistic regression and imbalanced blobs.

Breast cancer (scikit-learn's Wisconsin data, 569 tumours, 30 features): the positive class
($y = 1$) is **malignant** (sklearn codes malignant as 0, so $y = 1 - \text{target}$).
A stratified 70/30 split, standardization fitted on the training part, and logistic
regression give the test labels and the scores $\hat p = \sigma(w^\top x + b)$.

Class imbalance: two Gaussian blobs in 2-D, $x \mid y=0 \sim \mathcal N(0, I)$,
$x \mid y=1 \sim \mathcal N((1.5, 1.5), I)$, a fraction $\pi$ of positives. The classifier that
always says "negative" scores accuracy $1 - \pi$ (99 % at $\pi = 1\,\%$) with precision,
recall and $F_1$ all 0: accuracy's trap.

See chapter: chapters/metrics.md
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from mlnotes._checks import check_int, check_real
from mlnotes.metrics.averaging import average_precision
from mlnotes.metrics.classification import accuracy
from mlnotes.metrics.curves import auc_rank
from mlnotes.metrics.prf import precision_recall_fbeta

FEATURE_SETS = {
    "all": None,  # all 30 features: AUC ≈ 0.99
    "weak": ("mean texture", "mean smoothness"),  # two weak features: AUC ≈ 0.77
}


def breast_cancer_scores(features="all", *, seed=0) -> tuple[np.ndarray, np.ndarray]:
    """Test labels (1 = malignant) and P(malignant) from a logistic regression: -> (171,) int, (171,) float.

    ``features``: ``"all"`` or ``"weak"`` (see ``FEATURE_SETS``). Cached; the arrays are
    read-only. See chapter: chapters/metrics.md
    """
    if not isinstance(features, str) or features not in FEATURE_SETS:
        raise ValueError(f"features must be one of {sorted(FEATURE_SETS)}, got {features!r}")
    return _breast_cancer_scores(features, check_int("seed", seed, low=0))


@functools.lru_cache(maxsize=4)
def _breast_cancer_scores(features: str, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The cached work of :func:`breast_cancer_scores`."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    data = load_breast_cancer()
    X, y = data.data, 1 - data.target  # (569, 30), (569,) 1 = malignant
    if FEATURE_SETS[features] is not None:
        X = X[:, [list(data.feature_names).index(f) for f in FEATURE_SETS[features]]]
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3, stratify=y,
                                              random_state=seed)
    model = make_pipeline(StandardScaler(), LogisticRegression(random_state=seed))
    model.fit(X_tr, y_tr)
    scores = model.predict_proba(X_te)[:, 1]  # (171,)
    y_te = y_te.astype(np.int64)
    y_te.flags.writeable = False
    scores.flags.writeable = False
    return y_te, scores


def imbalanced_blobs(positive_rate, n=4000, *, seed=0) -> tuple[np.ndarray, np.ndarray]:
    """Two unit-variance Gaussian blobs with a given fraction of positives: -> X (n, 2), y (n,) int.

    Exactly round(positive_rate · n) positives (at least one). See chapter: chapters/metrics.md
    """
    rate = check_real("positive_rate", positive_rate, low=0.0, high=1.0, low_open=True, high_open=True)
    n = check_int("n", n, low=2)
    seed = check_int("seed", seed, low=0)
    rng = np.random.default_rng(seed)
    n_pos = min(max(1, round(rate * n)), n - 1)
    y = np.zeros(n, dtype=np.int64)
    y[rng.choice(n, size=n_pos, replace=False)] = 1  # (n,)
    X = rng.standard_normal((n, 2)) + 1.5 * y[:, None]  # (n, 2)
    return X, y


@dataclass(frozen=True)
class ImbalanceReport:
    """Test metrics of the always-negative rule and of a logistic regression at one positive rate."""

    positive_rate: float
    n_test_positives: int
    baseline: dict  # always "negative" (constant score): accuracy, precision, recall, f1, roc_auc, ap
    model: dict  # logistic regression at threshold 0.5: accuracy, precision, recall, f1, roc_auc, ap
    balanced: dict  # the same with class_weight="balanced" (errors on positives weigh (1 − π)/π times more)


def _scores(y_true, y_pred) -> dict:
    """Accuracy, precision, recall and F1 (0/0 -> 0.0) of hard predictions."""
    p, r, f = precision_recall_fbeta(y_true, y_pred, zero_division=0.0)
    return {"accuracy": accuracy(y_true, y_pred), "precision": p, "recall": r, "f1": f}


def imbalance_scores(positive_rate, n=4000, *, seed=0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Test labels and P(positive) of a logistic regression, plain and with class_weight="balanced".

    Fitted on a stratified half of :func:`imbalanced_blobs`, scored on the other half:
    -> y_test (n/2,) int64, scores (n/2,) float64, balanced scores (n/2,) float64, read-only.
    Needs at least 4 positives and 4 negatives. See chapter: chapters/metrics.md
    """
    rate = check_real("positive_rate", positive_rate, low=0.0, high=1.0, low_open=True, high_open=True)
    n = check_int("n", n, low=2)
    if round(rate * n) < 4 or n - round(rate * n) < 4:
        raise ValueError(f"positive_rate · n must leave at least 4 positives and 4 negatives, got "
                         f"{round(rate * n)} positives of n={n}")
    return _imbalance_scores(rate, n, check_int("seed", seed, low=0))


@functools.lru_cache(maxsize=32)
def _imbalance_scores(positive_rate: float, n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The cached work of :func:`imbalance_scores`."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split

    X, y = imbalanced_blobs(positive_rate, n, seed=seed)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.5, stratify=y, random_state=seed)
    out = [y_te]
    for weight in (None, "balanced"):  # "balanced": errors on class c weigh n / (2 · n_c)
        model = LogisticRegression(class_weight=weight, random_state=seed).fit(X_tr, y_tr)
        out.append(model.predict_proba(X_te)[:, 1])  # (n/2,)
    for a in out:
        a.flags.writeable = False
    return tuple(out)


def imbalance_report(positive_rate, n=4000, *, seed=0) -> ImbalanceReport:
    """Accuracy's trap: always-negative vs logistic regression on a 50/50 split of imbalanced blobs.

    Needs at least 4 positives (positive_rate · n >= 4). See chapter: chapters/metrics.md
    """
    imbalance_scores(positive_rate, n, seed=seed)  # checks the arguments
    return _imbalance_report(float(positive_rate), int(n), int(seed))


@functools.lru_cache(maxsize=32)
def _imbalance_report(positive_rate: float, n: int, seed: int) -> ImbalanceReport:
    """Metrics of the three rules at threshold 0.5 (the constant score 0 for always-negative)."""
    y_te, s_model, s_balanced = _imbalance_scores(positive_rate, n, seed)
    rows = []
    for s in (np.zeros(len(y_te)), s_model, s_balanced):  # a constant score: one tie block, AUC ½, AP = π
        row = _scores(y_te, (s >= 0.5).astype(np.int64))
        row.update(roc_auc=auc_rank(y_te, s), ap=average_precision(y_te, s))
        rows.append(row)
    return ImbalanceReport(positive_rate, int(y_te.sum()), *rows)
