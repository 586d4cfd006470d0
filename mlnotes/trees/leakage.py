r"""Measurements for CatBoost's two orderings: target leakage of target statistics, and prediction shift.

**Leakage.** A binary label depends on one numeric feature $s$ through $P(y = 1) = \sigma(2s)$; a
categorical feature with about two rows per category is pure noise. Encode the category with each
target statistic of :mod:`mlnotes.trees.target_stats`, fit a GBDT on $(s, \hat x)$, and measure
the AUC of $\hat x$ alone on the training rows (0.5 = no information, which is the truth) and the
model's AUC on new rows (encoded from all training rows). A second noise feature with a single
category shows the leak of leave-one-out: $\hat x_i = (S - y_i + ap)/(n - 1 + a)$ takes one value
per class.

**Prediction shift.** For squared-loss boosting, compare the mean squared residual the trees are
fitted to (on the training rows) with the model's mean squared error on new rows, round by round,
for plain and ordered residuals (:func:`~mlnotes.trees.target_stats.ordered_boosting`).

See chapter: chapters/ensembles.md
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from mlnotes._checks import check_int, check_real
from mlnotes.trees.target_stats import (ENCODINGS, apply_target_stats, greedy_target_stats, kfold_target_stats,
                                        leave_one_out_target_stats, ordered_boosting, ordered_target_stats,
                                        staged_boosting_predict)


def leakage_data(n: int = 1000, seed: int = 0):
    """Seeded rows: signal s (n,), a noise category with ~2 rows per value (n,), label y (n,) float."""
    rng = np.random.default_rng(check_int("seed", seed, low=0))
    n = check_int("n", n, low=4)
    s = rng.standard_normal(n)
    cat = rng.integers(0, n // 2, n)  # unrelated to y
    y = (rng.random(n) < 1 / (1 + np.exp(-2 * s))).astype(float)
    return s, cat, y


def encode(name: str, cat, y, a: float = 1.0, seed: int = 0) -> np.ndarray:
    """The training-row encoding of binary labels' categories ``cat`` by one of ENCODINGS (K-fold: 5
    shuffled folds; ordered: prior 0.5 and the permutation of ``seed``). See chapter: chapters/ensembles.md"""
    if name == "greedy":
        return greedy_target_stats(cat, y, a)
    if name == "leave-one-out":
        return leave_one_out_target_stats(cat, y, a)
    if name == "K-fold":
        from sklearn.model_selection import KFold

        return kfold_target_stats(cat, y, KFold(5, shuffle=True, random_state=seed).split(np.zeros(len(y))), a)
    if name == "ordered":
        return ordered_target_stats(cat, y, a, prior=0.5, seed=seed)  # a constant prior, as CatBoost
    raise ValueError(f"name must be one of {ENCODINGS}, got {name!r}")


def target_leakage(n: int = 1000, a: float = 1.0, n_estimators: int = 30, seed: int = 0) -> dict:
    """For each encoding: AUC of the encoding alone (train), the model's train and test AUC, and the AUC
    of the single-category feature's encoding (train) → {encoding: {...}}, plus "signal only".

    The model is our GBDTClassifier (depth 3, learning rate 0.1) on (s, encoding); test rows come
    from another seed. See chapter: chapters/ensembles.md
    """
    return _target_leakage(check_int("n", n, low=4), check_real("a", a, low=0.0, low_open=True),
                           check_int("n_estimators", n_estimators, low=1), check_int("seed", seed, low=0))


@lru_cache(maxsize=8)
def _target_leakage(n, a, n_estimators, seed):
    from sklearn.metrics import roc_auc_score

    from mlnotes.trees.gbdt import GBDTClassifier

    s, cat, y = leakage_data(n, seed)
    s2, cat2, y2 = leakage_data(n, seed + 1)
    const = np.zeros(n, dtype=int)  # one category for every row
    test_code = apply_target_stats(cat, y, cat2, a)  # (n,) new rows: from all training rows
    out = {}
    for name in ENCODINGS:
        code = encode(name, cat, y, a, seed)
        model = GBDTClassifier(n_estimators, 0.1, max_depth=3, random_state=seed).fit(np.c_[s, code], y)
        out[name] = {"code": code, "auc_code": float(roc_auc_score(y, code)),
                     "auc_const": float(roc_auc_score(y, encode(name, const, y, a, seed))),
                     "train_auc": float(roc_auc_score(y, model.decision_function(np.c_[s, code]))),
                     "test_auc": float(roc_auc_score(y2, model.decision_function(np.c_[s2, test_code])))}
    base = GBDTClassifier(n_estimators, 0.1, max_depth=3, random_state=seed).fit(s[:, None], y)
    out["signal only"] = {"train_auc": float(roc_auc_score(y, base.decision_function(s[:, None]))),
                          "test_auc": float(roc_auc_score(y2, base.decision_function(s2[:, None])))}
    out["y"], out["test_code"], out["y_test"] = y, test_code, y2
    return out


def shift_data(n: int, seed: int):
    """Seeded regression rows: X (n, 3) uniform on [−3, 3], y = sin 2x₀ + x₁/2 + N(0, 0.5²)."""
    rng = np.random.default_rng(check_int("seed", seed, low=0))
    X = rng.uniform(-3.0, 3.0, size=(check_int("n", n, low=2), 3))
    return X, np.sin(2 * X[:, 0]) + 0.5 * X[:, 1] + 0.5 * rng.standard_normal(n)


def prediction_shift(n_train: int = 200, n_test: int = 2000, n_estimators: int = 100, seed: int = 0) -> dict:
    """Per round: mean r² the trees are fitted to, and the test MSE, for plain and ordered boosting.

    Returns {"plain" | "ordered": {"seen" (R,), "test" (R,)}, "noise_var": 0.25}. Depth-3 trees,
    learning rate 0.1. See chapter: chapters/ensembles.md
    """
    return _prediction_shift(check_int("n_train", n_train, low=2), check_int("n_test", n_test, low=1),
                             check_int("n_estimators", n_estimators, low=1), check_int("seed", seed, low=0))


@lru_cache(maxsize=8)
def _prediction_shift(n_train, n_test, n_estimators, seed):
    X, y = shift_data(n_train, seed)
    Xt, yt = shift_data(n_test, seed + 1)
    out = {"noise_var": 0.25}
    for name, ordered in (("plain", False), ("ordered", True)):
        model = ordered_boosting(X, y, n_estimators, 0.1, max_depth=3, ordered=ordered, seed=seed)
        test = np.array([np.mean((yt - F) ** 2) for F in staged_boosting_predict(model, Xt)])
        out[name] = {"seen": model["seen"], "test": test}
    return out
