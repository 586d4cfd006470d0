"""Categorical splits: the sorted prefix split is the best of all partitions (squared error, two classes), against
brute force, scikit-learn's HistGradientBoostingRegressor, the impurity functions and hand-worked identities;
three classes break the theorem."""

import numpy as np
import pytest

from mlnotes.trees import (all_partitions, brute_force_partition_split, category_stats, impurity, information_gain,
                           partition_gain, sorted_partition_split)
from mlnotes.trees.categorical import (THREE_CLASS_COUNTEREXAMPLE, category_order, hist_gradient_boosting_split,
                                       random_categorical, rows_from_counts)


@pytest.mark.parametrize("target,criteria", [("regression", ("squared_error",)),
                                             ("two classes", ("gini", "entropy"))])
def test_sorted_split_is_the_best_partition(target, criteria):
    for seed in range(40):
        x, y = random_categorical(target, 2 + seed % 9, seed)
        for criterion in criteria:
            left, gain = sorted_partition_split(x, y, criterion)
            best_left, best = brute_force_partition_split(x, y, criterion)
            np.testing.assert_allclose(gain, best, rtol=1e-12)
            mask = np.isin(np.unique(x), left)[None]
            _, counts, sums = category_stats(x, y, criterion)
            np.testing.assert_allclose(partition_gain(counts, sums, mask, criterion), best, rtol=1e-12)


def test_partition_gain_equals_the_impurity_functions():
    x, y = random_categorical("two classes", 6, 3)
    _, counts, sums = category_stats(x, y, "gini")
    for mask in all_partitions(6)[::5]:
        side = np.isin(x, np.flatnonzero(mask))
        for criterion in ("gini", "entropy"):
            _, c2, s2 = category_stats(x, y, criterion)
            np.testing.assert_allclose(partition_gain(c2, s2, mask[None], criterion)[0],
                                       information_gain(y, side, criterion), rtol=1e-12, atol=1e-15)
    xr, yr = random_categorical("regression", 5, 4)
    _, counts, sums = category_stats(xr, yr)
    for mask in all_partitions(5):
        A = np.isin(xr, np.flatnonzero(mask))
        n, nA = len(yr), A.sum()
        between = nA * (n - nA) / n * (yr[A].mean() - yr[~A].mean()) ** 2  # n ΔI for squared error
        np.testing.assert_allclose(n * partition_gain(counts, sums, mask[None])[0], between, rtol=1e-10)
        np.testing.assert_allclose(partition_gain(counts, sums, mask[None])[0],
                                   impurity(yr, "mse") - A.mean() * impurity(yr[A], "mse")
                                   - (1 - A.mean()) * impurity(yr[~A], "mse"), rtol=1e-10)


def test_two_class_gini_is_twice_the_squared_error():
    x, y = random_categorical("two classes", 7, 11)
    _, cg, sg = category_stats(x, y, "gini")
    _, cr, sr = category_stats(x, y.astype(float), "squared_error")
    masks = all_partitions(7)
    np.testing.assert_allclose(partition_gain(cg, sg, masks, "gini"), 2 * partition_gain(cr, sr, masks), rtol=1e-10)


def test_all_partitions_lists_each_split_once():
    for C in range(2, 9):
        masks = all_partitions(C)
        assert masks.shape == (2 ** (C - 1) - 1, C) and not masks[:, -1].any()  # the last category stays right
        keys = {frozenset(np.flatnonzero(m)) for m in masks}
        assert len(keys) == len(masks) and all(0 < len(k) < C for k in keys)


def test_hist_gradient_boosting_picks_the_same_categories():
    for seed in range(15):
        x, y = random_categorical("regression", 3 + seed % 6, 100 + seed, per_category=(10, 60))
        ours, _ = sorted_partition_split(x, y)
        sk, pred = hist_gradient_boosting_split(x, y)
        assert ours == sk == brute_force_partition_split(x, y)[0]


def test_three_classes_break_the_theorem():
    x, y = rows_from_counts(THREE_CLASS_COUNTEREXAMPLE)
    assert np.array_equal(np.bincount(x), THREE_CLASS_COUNTEREXAMPLE.sum(axis=1))
    _, counts, sums = category_stats(x, y, "gini")
    best = brute_force_partition_split(x, y, "gini")[1]
    for k in range(3):  # no order by one class's share holds the best partition
        order = category_order(counts, sums, "gini", by_class=k)
        prefix = np.array([np.isin(np.arange(9), order[: j + 1]) for j in range(8)])
        assert partition_gain(counts, sums, prefix, "gini").max() < best - 1e-3
    assert sorted_partition_split(x, y, "gini")[1] < best - 1e-3


def test_random_categorical_is_seeded_and_shaped():
    for target in ("regression", "two classes", "three classes"):
        x1, y1 = random_categorical(target, 5, 9)
        x2, y2 = random_categorical(target, 5, 9)
        assert np.array_equal(x1, x2) and np.array_equal(y1, y2) and set(np.unique(x1)) == set(range(5))
        counts = np.bincount(x1)
        assert counts.min() >= 10 and counts.max() <= 40
    assert set(np.unique(random_categorical("three classes", 8, 0)[1])) <= {0, 1, 2}
