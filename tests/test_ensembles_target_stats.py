"""Target statistics against scikit-learn's TargetEncoder and their definitions, the leakage they do or do not
have, and ordered boosting (plain mode = our GBDT; ordered residuals never see their own row)."""

import numpy as np
import pytest
from sklearn.model_selection import KFold
from sklearn.preprocessing import TargetEncoder

from mlnotes.trees import (GBDTRegressor, apply_target_stats, greedy_target_stats, kfold_target_stats,
                           leave_one_out_target_stats, ordered_boosting, ordered_target_stats)
from mlnotes.trees.leakage import encode, leakage_data, prediction_shift, target_leakage
from mlnotes.trees.target_stats import ENCODINGS, _earlier_leaf_means, staged_boosting_predict


def rows(n=400, seed=0, n_cat=60):
    rng = np.random.default_rng(seed)
    cat = rng.integers(0, n_cat, n)
    y = (rng.random(n) < 0.2 + 0.6 * (cat % 3 == 0)).astype(float)
    return cat, y


@pytest.mark.parametrize("a", [0.5, 1.0, 10.0])
@pytest.mark.parametrize("target_type", ["binary", "continuous"])
def test_greedy_and_kfold_equal_sklearn(a, target_type):
    cat, y = rows()
    if target_type == "continuous":
        y = y + np.random.default_rng(1).normal(size=len(y))
    enc = TargetEncoder(smooth=a, target_type=target_type).fit(cat[:, None], y)
    np.testing.assert_allclose(greedy_target_stats(cat, y, a), enc.transform(cat[:, None])[:, 0], rtol=1e-12)
    folds = KFold(4, shuffle=True, random_state=3)
    cross = TargetEncoder(smooth=a, target_type=target_type, cv=folds).fit_transform(cat[:, None], y)[:, 0]
    np.testing.assert_allclose(kfold_target_stats(cat, y, folds.split(cat[:, None]), a), cross, rtol=1e-12)
    new = np.array([0, 5, 999, -3, 59])  # two categories never seen
    np.testing.assert_allclose(apply_target_stats(cat, y, new, a), enc.transform(new[:, None])[:, 0], rtol=1e-12)


def test_leave_one_out_and_ordered_by_their_definitions():
    cat, y = rows(120, seed=2, n_cat=7)
    a, p = 2.0, y.mean()
    loo = [(y[(cat == cat[i]) & (np.arange(len(y)) != i)].sum() + a * p)
           / (((cat == cat[i]).sum() - 1) + a) for i in range(len(y))]
    np.testing.assert_allclose(leave_one_out_target_stats(cat, y, a), loo, rtol=1e-12)
    order = np.random.default_rng(5).permutation(len(y))
    rank = np.argsort(order)
    naive = []
    for i in range(len(y)):
        before = (rank < rank[i]) & (cat == cat[i])  # same category, earlier in the permutation
        naive.append((y[before].sum() + a * 0.3) / (before.sum() + a))
    np.testing.assert_allclose(ordered_target_stats(cat, y, a, prior=0.3, permutation=order), naive, rtol=1e-12)
    first = order[0]
    assert ordered_target_stats(cat, y, a, prior=0.3, permutation=order)[first] == pytest.approx(0.3)


def test_which_encodings_see_their_own_label():
    cat, y = leakage_data(300, seed=1)[1:]
    for i in (0, 17, 299):
        flipped = y.copy()
        flipped[i] = 1 - flipped[i]
        moved = {e: not np.isclose(encode(e, cat, y)[i], encode(e, cat, flipped)[i], rtol=0, atol=1e-15)
                 for e in ENCODINGS}
        assert moved == {"greedy": True, "leave-one-out": True, "K-fold": False, "ordered": False}, i


def test_leakage_experiment():
    res = target_leakage()
    base = res["signal only"]["test_auc"]
    assert res["greedy"]["auc_code"] > 0.8 and res["greedy"]["test_auc"] < base - 0.1
    assert res["leave-one-out"]["auc_const"] == 0.0  # a constant feature: LOO gives each class one value
    for e in ("K-fold", "ordered"):
        assert abs(res[e]["auc_code"] - 0.5) < 0.05 and abs(res[e]["test_auc"] - base) < 0.02
    assert set(res) == set(ENCODINGS) | {"signal only", "y", "test_code", "y_test"}


def test_plain_ordered_boosting_is_our_gbdt():
    rng = np.random.default_rng(0)
    X = rng.uniform(-3, 3, size=(150, 3))
    y = np.sin(2 * X[:, 0]) + X[:, 1] + 0.3 * rng.normal(size=150)
    model = ordered_boosting(X, y, 25, 0.2, max_depth=2, ordered=False)
    gbdt = GBDTRegressor(25, 0.2, max_depth=2).fit(X, y)
    for F_ours, F_gbdt in zip(staged_boosting_predict(model, X), gbdt.staged_predict(X)):
        np.testing.assert_allclose(F_ours, F_gbdt, rtol=1e-12)
    np.testing.assert_allclose(model["seen"], [np.mean((y - F) ** 2) for F in
                                               [np.full(150, y.mean())] + list(gbdt.staged_predict(X))[:-1]],
                               rtol=1e-12)


def test_earlier_leaf_means_by_hand():
    leaf = np.array([3, 3, 4, 3, 4])
    r = np.array([1.0, 2.0, 10.0, 4.0, 20.0])
    rank = np.array([2, 0, 1, 1, 0])  # σ: rows 1 and 4 first, then rows 2 and 3, then row 0
    # leaf 3 in σ order: row 1 (r 2), row 3 (r 4), row 0 (r 1); leaf 4: row 4 (r 20), row 2 (r 10)
    np.testing.assert_allclose(_earlier_leaf_means(leaf, r, rank), [3.0, 0.0, 20.0, 2.0, 0.0])


def test_prediction_shift_is_measured():
    res = prediction_shift(n_estimators=60)
    plain, ordered = res["plain"], res["ordered"]
    assert plain["seen"][-1] < res["noise_var"] < ordered["seen"][-1]
    assert plain["test"][-1] - plain["seen"][-1] > 3 * (ordered["test"][-1] - ordered["seen"][-1])
