"""TreeSHAP against exact Shapley values by enumeration, an independent interventional oracle, hand-worked games,
the Shapley axioms, and ensembles of ours and scikit-learn's trees."""

from itertools import product
from math import comb

import numpy as np
import pytest
from sklearn.datasets import load_diabetes
from sklearn.ensemble import GradientBoostingRegressor, RandomForestRegressor
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from mlnotes.drills.ensembles import shapley_solution
from mlnotes.trees import (CARTClassifier, CARTRegressor, GBDTRegressor, brute_force_shap, ensemble_shap,
                           expected_value, path_expectations, shapley_from_values, tree_shap)
from mlnotes.trees.treeshap import shapley_weights, subset_masks


def data(n=300, d=5, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    return X, X[:, 0] * X[:, 1] + (X[:, 2] > 0) + 0.1 * rng.normal(size=n)


@pytest.mark.parametrize("make", [
    lambda X, y: CARTRegressor(max_depth=6).fit(X, y),
    lambda X, y: DecisionTreeRegressor(random_state=0).fit(X, y),  # deep: features repeat on a path
    lambda X, y: DecisionTreeRegressor(max_depth=4, min_samples_leaf=10, random_state=1).fit(X, y),
    lambda X, y: DecisionTreeClassifier(max_depth=5, random_state=0).fit(X, (y > 0.5) + (y > 1.5)),
    lambda X, y: CARTClassifier(max_depth=4).fit(X, y > 0.5),
], ids=["ours", "sklearn deep", "sklearn leaf 10", "sklearn 3 classes", "ours classifier"])
def test_tree_shap_equals_enumeration_and_adds_up(make):
    X, y = data()
    model = make(X, y)
    fast, exact = tree_shap(model, X[:40]), brute_force_shap(model, X[:40])
    np.testing.assert_allclose(fast, exact, rtol=1e-10, atol=1e-12)
    out = model.predict(X[:40]) if not hasattr(model, "predict_proba") else model.predict_proba(X[:40])
    out = out.reshape(40, -1)
    np.testing.assert_allclose(fast.sum(axis=1) + expected_value(model), out, rtol=1e-10, atol=1e-12)


def test_path_dependent_value_equals_the_interventional_mean_on_a_product_grid():
    """An independent oracle: when the training rows are a full grid (features independent, every combination
    once), the cover-weighted expectation of Algorithm 1 equals the plain average of f over the training rows
    with the features in S set to x's values."""
    grid = np.array(list(product([0.0, 1.0, 2.0], [0.0, 1.0], [0.0, 1.0, 2.0, 3.0])))  # (24, 3)
    y = np.sin(grid[:, 0] * 1.3) + grid[:, 1] * grid[:, 2] - 0.5 * (grid[:, 2] > 1)
    tree = CARTRegressor().fit(grid, y)
    masks = subset_masks(3)
    for x in (np.array([2.0, 1.0, 0.0]), np.array([0.4, 0.0, 2.6])):
        ours = path_expectations(tree, x, masks)[:, 0]
        oracle = []
        for m in masks:
            Z = grid.copy()
            Z[:, m] = x[m]  # features in S take x's values, the others keep the training rows'
            oracle.append(tree.predict(Z).mean())
        np.testing.assert_allclose(ours, oracle, rtol=1e-12, atol=1e-12)


def test_fever_cough_values_by_hand():
    """Lundberg et al. 2018's example: f = 80·[fever ∧ cough] (+ 10·cough for model B), features independent."""
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]] * 25, dtype=float)
    for extra, want in ((0.0, [30.0, 30.0]), (10.0, [30.0, 35.0])):
        y = 80.0 * X[:, 0] * X[:, 1] + extra * X[:, 1]
        tree = CARTRegressor(random_state=0).fit(X, y)
        np.testing.assert_allclose(tree_shap(tree, [[1.0, 1.0]])[0, :, 0], want, rtol=1e-12)
        np.testing.assert_allclose(expected_value(tree), 20.0 + extra / 2, rtol=1e-12)


def test_shapley_axioms():
    X, y = data(d=4)
    X[:, 3] = 0.0  # a constant feature: never split on
    tree = CARTRegressor(max_depth=5).fit(X, y)
    phi = tree_shap(tree, X[:20])[..., 0]
    assert np.all(phi[:, 3] == 0)  # dummy
    t1, t2 = CARTRegressor(max_depth=3).fit(X, y), CARTRegressor(max_depth=2).fit(X, -y)
    np.testing.assert_allclose(ensemble_shap([t1, t2], X[:20]), tree_shap(t1, X[:20]) + tree_shap(t2, X[:20]),
                               rtol=1e-12)  # additivity
    sym = CARTRegressor().fit(np.c_[X[:, :1], X[:, :1]], y)  # two identical columns: only the first is used
    assert np.all(tree_shap(sym, np.c_[X[:5, :1], X[:5, :1]])[:, 1, 0] == 0)


def test_enumeration_helpers_against_the_definition():
    rng = np.random.default_rng(4)
    for d in (1, 2, 3, 5):
        table = rng.normal(size=2 ** d)
        bits = lambda S: sum(1 << i for i in S)  # noqa: E731
        naive = shapley_solution(lambda S: table[bits(S)], d)
        np.testing.assert_allclose(shapley_from_values(table), naive, rtol=1e-12, atol=1e-12)
        # the weights of the 2^(d−1) subsets without i sum to 1 (a weighted average of contributions)
        np.testing.assert_allclose(sum(shapley_weights(d)[s] * comb(d - 1, s) for s in range(d)), 1.0, rtol=1e-12)
    masks = subset_masks(3)
    assert masks.shape == (8, 3) and list(masks[5]) == [True, False, True]


def test_gbdt_and_forest_shap_add_up_to_their_predictions():
    X, y = load_diabetes(return_X_y=True)
    gb = GradientBoostingRegressor(n_estimators=30, max_depth=3, random_state=0).fit(X, y)
    phi = ensemble_shap(gb.estimators_[:, 0], X[:25], scale=gb.learning_rate)[..., 0]
    E = gb.init_.constant_[0, 0] + gb.learning_rate * sum(expected_value(t)[0] for t in gb.estimators_[:, 0])
    np.testing.assert_allclose(phi.sum(axis=1) + E, gb.predict(X[:25]), rtol=1e-12)
    exact = ensemble_shap(gb.estimators_[:, 0], X[:2], scale=gb.learning_rate, method="brute_force")[..., 0]
    np.testing.assert_allclose(phi[:2], exact, rtol=1e-9, atol=1e-9)
    rf = RandomForestRegressor(10, max_depth=5, random_state=0).fit(X, y)
    phi_rf = ensemble_shap(rf.estimators_, X[:25], scale=1 / 10)[..., 0]
    E_rf = np.mean([expected_value(t)[0] for t in rf.estimators_])
    # a forest's trees see bootstrap samples: E[f] is the mean of each tree's own training expectation
    np.testing.assert_allclose(phi_rf.sum(axis=1) + E_rf, rf.predict(X[:25]), rtol=1e-10)
    ours = GBDTRegressor(20, max_depth=2, random_state=0).fit(X, y)
    phi_ours = ensemble_shap(ours.estimators_[:, 0], X[:10], scale=0.1)[..., 0]
    E_ours = ours.init_ + 0.1 * sum(expected_value(t)[0] for t in ours.estimators_[:, 0])
    np.testing.assert_allclose(phi_ours.sum(axis=1) + E_ours, ours.predict(X[:10]), rtol=1e-12)


def test_rows_are_compared_in_float32_like_the_trees():
    X, y = data()
    tree = DecisionTreeRegressor(max_depth=4, random_state=0).fit(X, y)
    t = tree.tree_.threshold[0]
    f = tree.tree_.feature[0]
    x = X[:1].copy()
    x[0, f] = np.nextafter(np.float32(t), np.float32(np.inf)).astype(float) - 1e-12  # rounds up past t in float32
    np.testing.assert_allclose(tree_shap(tree, x)[0, :, 0].sum() + expected_value(tree)[0], tree.predict(x)[0],
                               rtol=1e-12)
