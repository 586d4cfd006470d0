"""Training cost: rows scanned = Σ over rows of their leaf depth, counted on hand-built, ours and scikit-learn's
trees; depth grows logarithmically; the power-law fit."""

import numpy as np
import pytest
from sklearn.tree import DecisionTreeRegressor

from mlnotes.trees import CARTClassifier, depth_growth, row_depth_sum, split_work
from mlnotes.trees.cost import fit_exponent, fit_seconds, node_depths


def test_split_work_by_hand():
    X = np.arange(8.0)[:, None]
    tree = DecisionTreeRegressor(random_state=0).fit(X, np.arange(8.0))  # a perfect binary tree: depth 3
    assert tree.get_depth() == 3 and split_work(tree) == 8 + 8 + 8 == row_depth_sum(tree)
    assert list(np.bincount(node_depths(tree))) == [1, 2, 4, 8]
    stump = DecisionTreeRegressor(max_depth=1).fit(X, np.arange(8.0))
    assert split_work(stump) == 8 and split_work(DecisionTreeRegressor(max_depth=1).fit(X, np.zeros(8))) == 0


@pytest.mark.parametrize("seed", range(4))
def test_identity_on_ours_and_sklearn(seed):
    rng = np.random.default_rng(seed)
    X, y = rng.normal(size=(300, 3)), rng.integers(0, 3, 300)
    for model in (CARTClassifier(max_depth=7, min_samples_leaf=2), DecisionTreeRegressor(random_state=seed)):
        model.fit(X, y)
        assert split_work(model) == row_depth_sum(model) == split_work(model.tree_)


def test_depth_grows_logarithmically():
    g = depth_growth(sizes=(250, 500, 1000, 2000), n_features=2)
    assert np.all(np.diff(g["mean_row_depth"]) > 0) and np.all(np.diff(g["depth"]) >= 0)
    ratio = g["work"] / (g["n"] * np.log2(g["n"]))
    assert ratio.max() < 1.3 * ratio.min()


def test_fit_exponent_and_timing():
    x = np.array([10.0, 20.0, 40.0])
    assert fit_exponent(x, 3 * x ** 1.7) == pytest.approx(1.7)
    seconds = fit_seconds([100, 200], [2, 2], repeats=1)
    assert seconds.shape == (2,) and np.all(seconds > 0)
