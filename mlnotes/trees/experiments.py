r"""Measurements for the trees and ensembles chapters: boosting curves, bias–variance of tree ensembles, outliers
and the loss, Gini vs entropy, one-hot encoding.

**Boosting curves.** Mean log loss $\frac1N\sum_i \log(1 + e^{F_m(x_i)}) - y_i F_m(x_i)$ of a
binary GBDT on train and test data after each round $m$, for several learning rates.

**Bias and variance.** Refit a model on $B$ replicates $\mathcal D_b$ of the training set
(bootstrap resamples of one set, or fresh draws from the data generator) and predict on a grid
of $x$ where the true function $f$ is known:
$$\overline{f}(x) = \frac1B\sum_b \hat f_b(x),\qquad
\mathrm{bias}^2 = \mathbb E_x\big[(\overline f(x) - f(x))^2\big],\qquad
\mathrm{variance} = \mathbb E_x\Big[\frac1B\sum_b (\hat f_b(x) - \overline f(x))^2\Big].$$
A deep tree has low bias and high variance; bagging keeps the bias and divides the variance;
boosting shallow stumps starts from high bias and lowers it round by round.

**Outliers and the loss.** GBDT fits each tree to the negative gradient of its loss. For the
squared loss that is the residual $y_i - F(x_i)$, unbounded, so a few gross outliers pull
the fit towards themselves; the absolute loss's gradient $\mathrm{sign}(y_i - F(x_i))$ and
Huber's (the residual clipped at a quantile $\delta$ of $|y - F|$) are bounded, so they do not.

**Gini or entropy.** On random data sets, grow the root split of CART once with each criterion and
count how often they choose the same feature and threshold.

**One-hot encoding.** A categorical feature with $C$ values whose target depends on a set of the
values: one-hot columns let each split peel off a single value, so the tree becomes a deep chain;
coding the values by their target mean (CART's exact trick for two classes) needs one split.

See chapters: chapters/trees.md (Gini vs entropy, one-hot) and chapters/ensembles.md (the rest)
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from mlnotes._checks import check_int, check_real
from mlnotes.trees.bagging import RandomForestRegressor
from mlnotes.trees.boosting import log_loss
from mlnotes.trees.gbdt import GBDTClassifier, GBDTRegressor
from mlnotes.trees.cart import CARTClassifier, CARTRegressor
from mlnotes.trees.splitter import best_split, node_targets
from mlnotes.trees.toy import moons, wave, wave_truth

BV_MODELS = ("deep tree", "bagged trees", "boosted stumps")


def boosting_curves(learning_rates=(0.05, 0.2, 1.0), n_rounds: int = 200, max_depth: int = 2,
                    n_train: int = 200, noise: float = 0.3, seed: int = 0) -> dict:
    """Train/test log loss after each round of a binary GBDT on two moons: {lr: (train (R,), test (R,))}.

    See chapter: chapters/ensembles.md
    """
    lrs = tuple(check_real("learning_rate", lr, low=0.0, low_open=True) for lr in learning_rates)
    return {lr: _curves(lr, check_int("n_rounds", n_rounds, low=1), check_int("max_depth", max_depth, low=1),
                        check_int("n_train", n_train, low=2), check_real("noise", noise, low=0.0),
                        check_int("seed", seed, low=0)) for lr in lrs}


@lru_cache(maxsize=32)
def _curves(lr, n_rounds, max_depth, n_train, noise, seed):
    Xtr, ytr, Xte, yte = moons(n_train, noise, seed)
    model = GBDTClassifier(n_rounds, lr, max_depth).fit(Xtr, ytr)
    train = np.array([log_loss(ytr, F) for F in model.staged_raw(Xtr)])  # (R,)
    test = np.array([log_loss(yte, F) for F in model.staged_raw(Xte)])  # (R,)
    return train, test


def _bv_model(name: str, seed: int):
    if name == "deep tree":
        return CARTRegressor()
    if name == "bagged trees":
        return RandomForestRegressor(10, max_features=None, random_state=seed)
    if name == "boosted stumps":
        return GBDTRegressor(100, 0.1, max_depth=1)
    raise ValueError(f"model must be one of {BV_MODELS}, got {name!r}")


def bias_variance(models=BV_MODELS, n_replicates: int = 20, n_train: int = 60, noise: float = 0.3,
                  resample: str = "fresh", seed: int = 0, n_grid: int = 150) -> dict:
    """Measured bias², variance and their sum for tree models on the 1-D wave data.

    Models: a fully grown CART tree, 10 bagged fully grown trees, 100 boosted stumps (lr 0.1).
    Returns {model: {"bias2", "variance", "error", "x" (G,), "mean" (G,), "std" (G,), "n_replicates"}};
    the boosted stumps also get "bias2_by_round" and "variance_by_round" (100,), after each round.
    See chapter: chapters/ensembles.md
    """
    for m in models:
        _bv_model(m, 0)  # validates the names
    if resample not in ("bootstrap", "fresh"):
        raise ValueError(f"resample must be 'bootstrap' or 'fresh', got {resample!r}")
    args = (check_int("n_replicates", n_replicates, low=2), check_int("n_train", n_train, low=2),
            check_real("noise", noise, low=0.0), resample, check_int("seed", seed, low=0),
            check_int("n_grid", n_grid, low=2))
    return {m: _bias_variance_one(m, *args) for m in models}


@lru_cache(maxsize=32)
def _bias_variance_one(name, n_replicates, n_train, noise, resample, seed, n_grid):
    x_grid = np.linspace(-3.0, 3.0, n_grid)
    truth = wave_truth(x_grid)  # (G,)
    x0, y0 = wave(n_train, noise, seed)
    rng = np.random.default_rng(seed + 1)
    preds, staged = np.empty((n_replicates, n_grid)), []  # (B, G); per replicate (R, G) for boosting
    for b in range(n_replicates):
        if resample == "bootstrap":
            rows = rng.integers(0, n_train, n_train)
            x, y = x0[rows], y0[rows]
        else:
            x, y = wave(n_train, noise, seed + 1000 + b)
        model = _bv_model(name, seed + b).fit(x, y)
        if hasattr(model, "staged_predict"):  # boosting: the prediction after every round
            staged.append(np.array(list(model.staged_predict(x_grid[:, None]))))  # (R, G)
            preds[b] = staged[-1][-1]
        else:
            preds[b] = model.predict(x_grid[:, None])
    mean = preds.mean(axis=0)  # (G,)
    bias2 = float(np.mean((mean - truth) ** 2))
    variance = float(np.mean(preds.var(axis=0)))
    out = {"bias2": bias2, "variance": variance, "error": bias2 + variance, "x": x_grid, "mean": mean,
           "std": preds.std(axis=0), "n_replicates": n_replicates, "n_train": n_train, "noise": noise}
    if staged:
        S = np.array(staged)  # (B, R, G)
        out["bias2_by_round"] = np.mean((S.mean(axis=0) - truth) ** 2, axis=1)  # (R,)
        out["variance_by_round"] = np.mean(S.var(axis=0), axis=1)  # (R,)
    return out


OUTLIER_LOSSES = ("squared_error", "absolute_error", "huber")


def robust_loss_fit(loss: str = "squared_error", n_outliers: int = 4, n: int = 80, shift: float = 6.0,
                    seed: int = 0) -> dict:
    """scikit-learn's GBDT (50 depth-2 trees, lr 0.2) on the wave data with n_outliers targets shifted up.

    Returns {"x" (n, 1), "y" (n,), "outlier" (n,) bool, "grid" (G,), "pred" (G,), "mse", "lift"
    (n_outliers,), "shift"}, where mse is the mean squared distance of the fit to the noise-free function
    on the grid and lift the fit minus that function at each outlier's x (in x order).
    See chapter: chapters/ensembles.md
    """
    if loss not in OUTLIER_LOSSES:
        raise ValueError(f"loss must be one of {OUTLIER_LOSSES}, got {loss!r}")
    n = check_int("n", n, low=2)
    n_outliers = check_int("n_outliers", n_outliers, low=0, high=n)
    return _robust_loss_fit(loss, n_outliers, n, check_real("shift", shift), check_int("seed", seed, low=0))


@lru_cache(maxsize=32)
def _robust_loss_fit(loss, n_outliers, n, shift, seed):
    from sklearn.ensemble import GradientBoostingRegressor

    x, y = wave(n, 0.3, seed)
    rows = np.random.default_rng(seed + 1).choice(n, size=n_outliers, replace=False)  # (n_outliers,)
    outlier = np.zeros(n, dtype=bool)
    outlier[rows] = True
    y = np.where(outlier, y + shift, y)
    model = GradientBoostingRegressor(loss=loss, n_estimators=50, learning_rate=0.2, max_depth=2,
                                      random_state=seed).fit(x, y)
    grid = np.linspace(-3.0, 3.0, 300)
    pred = model.predict(grid[:, None])  # (G,)
    lift = model.predict(x[outlier]) - wave_truth(x[outlier, 0]) if n_outliers else np.zeros(0)  # x is sorted
    return {"x": x, "y": y, "outlier": outlier, "grid": grid, "pred": pred,
            "mse": float(np.mean((pred - wave_truth(grid)) ** 2)), "lift": lift, "shift": shift}


def criterion_agreement(n_datasets: int = 200, n_samples: int = 100, n_features: int = 4,
                        seed: int = 0) -> dict:
    """How often Gini and entropy pick the same root split on random classification data sets.

    Each data set: X (n_samples, n_features) standard normal (rounded to float32 as CART does), 2 or 3
    classes drawn from noisy linear scores (a random W, Gumbel noise). Returns {"agreement": fraction
    with the same (feature, threshold), "same_feature": fraction with the same feature, "kept": the mean,
    over the data sets where the splits differ, of ΔGini(entropy's split)/ΔGini(Gini's split) (how much
    of the best Gini decrease entropy's choice keeps), "n_datasets"}.
    See chapter: chapters/trees.md
    """
    n_datasets = check_int("n_datasets", n_datasets, low=1)
    n = check_int("n_samples", n_samples, low=2)
    d = check_int("n_features", n_features, low=1)
    rng = np.random.default_rng(check_int("seed", seed, low=0))
    same = same_feature = used = 0
    kept = []
    for _ in range(n_datasets):
        X = rng.standard_normal((n, d)).astype(np.float32).astype(np.float64)
        K = int(rng.integers(2, 4))
        y = np.argmax(X @ rng.standard_normal((d, K)) + rng.gumbel(size=(n, K)), axis=1)  # (n,)
        Y, w = np.eye(K)[y], np.ones(n)
        picks = [best_split(X, node_targets(Y, w, c), w, list(range(d)), c, 1) for c in ("gini", "entropy")]
        if any(p is None for p in picks):
            continue
        used += 1
        same += (picks[0].feature, picks[0].threshold) == (picks[1].feature, picks[1].threshold)
        same_feature += picks[0].feature == picks[1].feature
        best, other = (_gini_decrease(X[:, p.feature] <= p.threshold, y) for p in picks)
        if best > other:
            kept.append(other / best)
    return {"agreement": same / max(used, 1), "same_feature": same_feature / max(used, 1),
            "kept": float(np.mean(kept)) if kept else 1.0, "n_datasets": used}


def _gini_decrease(left: np.ndarray, y: np.ndarray) -> float:
    """Gini(D) − n_L/n Gini(L) − n_R/n Gini(R) of the split sending the rows where ``left`` is True left."""
    def g(labels):
        p = np.bincount(labels) / len(labels)
        return 1.0 - np.sum(p * p)
    n, nl = len(y), int(left.sum())
    return g(y) - nl / n * g(y[left]) - (n - nl) / n * g(y[~left])


def onehot_depth(n_categories: int = 16, n_per_category: int = 20, max_depth: int = 3, seed: int = 0) -> dict:
    """CART on one categorical feature whose class (0/1) depends on a random half of its values.

    Three encodings of the same feature: "one-hot" (n_categories columns), "arbitrary codes" (the
    values numbered 0..C−1 in a random order) and "codes sorted by target mean" (CART's categorical
    trick for two classes). Returns {encoding: {"depth", "leaves", "train_acc", "acc_at_max_depth"}},
    the last for a tree limited to max_depth. See chapter: chapters/trees.md
    """
    C = check_int("n_categories", n_categories, low=2)
    m = check_int("n_per_category", n_per_category, low=1)
    max_depth = check_int("max_depth", max_depth, low=1)
    rng = np.random.default_rng(check_int("seed", seed, low=0))
    cat = np.repeat(np.arange(C), m)  # (N,)
    y = np.isin(cat, rng.permutation(C)[: C // 2]).astype(int)  # (N,) class 1 for half of the values
    means = np.array([y[cat == c].mean() for c in range(C)])
    encodings = {"one-hot": np.eye(C)[cat],  # (N, C)
                 "arbitrary codes": rng.permutation(C)[cat][:, None].astype(float),  # (N, 1)
                 "codes sorted by target mean": np.argsort(np.argsort(means, kind="stable"))[cat][:, None]
                 .astype(float)}
    out = {}
    for name, X in encodings.items():
        full = CARTClassifier().fit(X, y)
        short = CARTClassifier(max_depth=max_depth).fit(X, y)
        out[name] = {"depth": full.get_depth(), "leaves": full.get_n_leaves(),
                     "train_acc": float(np.mean(full.predict(X) == y)),
                     "acc_at_max_depth": float(np.mean(short.predict(X) == y))}
    return out
