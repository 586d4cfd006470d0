"""Bagging, random forests, AdaBoost, GBDT and the tiny XGBoost, against sklearn and by hand."""

import functools
import math

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris, load_wine, make_friedman1
from sklearn.ensemble import (AdaBoostClassifier, GradientBoostingClassifier, GradientBoostingRegressor,
                              RandomForestClassifier as SkRFC, RandomForestRegressor as SkRFR)
from sklearn.model_selection import train_test_split

from mlnotes.trees import (AdaBoost, GBDTClassifier, GBDTRegressor, RandomForestClassifier, RandomForestRegressor,
                           XGBoost, XGBTree, bias_variance, boosting_curves, bootstrap_counts, discrete_alpha,
                           leaf_weight, log_loss, robust_loss_fit, samme_alpha, sigmoid, split_gain, structure_score)


@functools.lru_cache(maxsize=None)
def split(name):
    X, y = {"iris": load_iris, "breast_cancer": load_breast_cancer, "wine": load_wine,
            "diabetes": load_diabetes}[name](return_X_y=True)
    return tuple(train_test_split(X, y, random_state=0))


# -- bagging and random forests ---------------------------------------------------------------
@pytest.mark.parametrize("max_features", ["sqrt", None])
def test_random_forest_classifier_equals_sklearn(max_features):
    Xtr, Xte, ytr, yte = split("breast_cancer")
    ours = RandomForestClassifier(20, max_features=max_features, oob_score=True, random_state=0).fit(Xtr, ytr)
    ref = SkRFC(20, max_features=max_features, oob_score=True, random_state=0).fit(Xtr, ytr)
    np.testing.assert_allclose(ours.predict_proba(Xte), ref.predict_proba(Xte), rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(ours.predict(Xte), ref.predict(Xte))
    assert ours.oob_score_ == ref.oob_score_
    np.testing.assert_allclose(ours.oob_decision_function_, ref.oob_decision_function_, rtol=1e-12, atol=1e-15)


def test_random_forest_regressor_equals_sklearn():
    Xtr, Xte, ytr, yte = split("diabetes")
    ours = RandomForestRegressor(15, min_samples_leaf=3, oob_score=True, random_state=0).fit(Xtr, ytr)
    ref = SkRFR(15, min_samples_leaf=3, oob_score=True, random_state=0).fit(Xtr, ytr)
    np.testing.assert_allclose(ours.predict(Xte), ref.predict(Xte), rtol=1e-12)
    np.testing.assert_allclose(ours.oob_score_, ref.oob_score_, rtol=1e-12)


def test_bootstrap_leaves_out_about_one_in_e():
    n = 426
    counts = np.array([bootstrap_counts(seed, n) for seed in range(200)])  # (200, n)
    assert np.all(counts.sum(axis=1) == n)
    frac = np.mean(counts == 0)
    assert abs(frac - (1 - 1 / n) ** n) < 0.005 and abs((1 - 1 / n) ** n - math.exp(-1)) < 0.001


def test_forest_beats_a_single_tree_and_oob_tracks_test():
    from mlnotes.trees import CARTClassifier

    Xtr, Xte, ytr, yte = split("breast_cancer")
    forest = RandomForestClassifier(30, oob_score=True, random_state=1).fit(Xtr, ytr)
    tree = CARTClassifier(random_state=1).fit(Xtr, ytr)
    acc_forest, acc_tree = np.mean(forest.predict(Xte) == yte), np.mean(tree.predict(Xte) == yte)
    assert acc_forest > acc_tree
    assert abs(forest.oob_score_ - acc_forest) < 0.05


# -- AdaBoost ---------------------------------------------------------------------------------
def test_alpha_formulas_by_hand():
    assert samme_alpha(0.3, 2) == pytest.approx(math.log(0.7 / 0.3))
    assert samme_alpha(0.5, 3) == pytest.approx(math.log(2.0))  # chance is 2/3 for 3 classes
    assert samme_alpha(0.3, 2) == pytest.approx(2 * discrete_alpha(0.3))
    assert discrete_alpha(0.5) == 0.0


@pytest.mark.parametrize("name,lr", [("iris", 1.0), ("breast_cancer", 1.0), ("wine", 0.5)])
def test_adaboost_samme_equals_sklearn(name, lr):
    Xtr, Xte, ytr, yte = split(name)
    ours = AdaBoost(40, learning_rate=lr, random_state=0).fit(Xtr, ytr)
    ref = AdaBoostClassifier(n_estimators=40, learning_rate=lr, random_state=0).fit(Xtr, ytr)
    m = len(ours.alphas_)
    assert m == len(ref.estimators_)
    np.testing.assert_allclose(ours.alphas_, ref.estimator_weights_[:m], rtol=1e-10)
    np.testing.assert_allclose(ours.errors_, ref.estimator_errors_[:m], rtol=1e-10)
    np.testing.assert_allclose(ours.decision_function(Xte), ref.decision_function(Xte), rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(ours.predict(Xte), ref.predict(Xte))
    for a, b in zip(ours.staged_predict(Xte), ref.staged_predict(Xte)):
        np.testing.assert_array_equal(a, b)


def test_discrete_adaboost_is_samme_for_two_classes():
    Xtr, Xte, ytr, yte = split("breast_cancer")
    samme = AdaBoost(25, random_state=0).fit(Xtr, ytr)
    disc = AdaBoost(25, variant="discrete", random_state=0).fit(Xtr, ytr)
    np.testing.assert_allclose(samme.alphas_, 2 * np.array(disc.alphas_), rtol=1e-12)
    for ws, wd in zip(samme.weights_[:-1], disc.weights_[:-1]):
        np.testing.assert_allclose(ws, wd, rtol=1e-9)
    np.testing.assert_array_equal(samme.predict(Xte), disc.predict(Xte))


def test_adaboost_upweights_mistakes():
    Xtr, _, ytr, _ = split("breast_cancer")
    model = AdaBoost(2, random_state=0).fit(Xtr, ytr)
    wrong = model.estimators_[0].predict(Xtr) != ytr
    w = model.weights_[0]  # after round 1, normalised
    err = model.errors_[0]
    np.testing.assert_allclose(w[wrong].sum(), 0.5, rtol=1e-12)  # the new weights make h_1 a coin flip
    np.testing.assert_allclose(w[wrong][0] / w[~wrong][0], (1 - err) / err, rtol=1e-12)


@pytest.mark.parametrize("name,K", [("breast_cancer", 2), ("iris", 3), ("wine", 3)])
def test_adaboost_mistakes_hold_k_minus_one_over_k_of_the_weight(name, K):
    """Issue 11 item 10: after a SAMME update the mistakes hold (K − 1)/K of the weight (1/2 only for K = 2),
    and a mistake weighs e^α = (K − 1)(1 − ε)/ε times a correct sample."""
    Xtr, _, ytr, _ = split(name)
    model = AdaBoost(2, random_state=0).fit(Xtr, ytr)
    assert len(model.classes_) == K
    wrong = model.estimators_[0].predict(Xtr) != ytr
    w, err, alpha = model.weights_[0], model.errors_[0], model.alphas_[0]
    np.testing.assert_allclose(w[wrong].sum(), (K - 1) / K, rtol=1e-12)
    np.testing.assert_allclose(w[wrong][0] / w[~wrong][0], np.exp(alpha), rtol=1e-12)
    np.testing.assert_allclose(np.exp(alpha), (K - 1) * (1 - err) / err, rtol=1e-12)
    if K > 2:
        assert not np.isclose(w[wrong].sum(), 0.5)


def test_discrete_adaboost_ratio_is_e_to_two_alpha():
    """With the textbook α = ½ ln((1 − ε)/ε), a mistake weighs e^{2α} (not e^α) times a correct sample."""
    Xtr, _, ytr, _ = split("breast_cancer")
    model = AdaBoost(3, variant="discrete", random_state=0).fit(Xtr, ytr)
    wrong = model.estimators_[0].predict(Xtr) != ytr
    w, alpha = model.weights_[0], model.alphas_[0]
    ratio = w[wrong][0] / w[~wrong][0]
    np.testing.assert_allclose(ratio, np.exp(2 * alpha), rtol=1e-12)
    assert not np.isclose(ratio, np.exp(alpha))
    np.testing.assert_allclose(w[wrong].sum(), 0.5, rtol=1e-12)


# -- gradient boosting ------------------------------------------------------------------------
def test_gbdt_regression_equals_sklearn():
    Xtr, Xte, ytr, yte = split("diabetes")
    ours = GBDTRegressor(100, 0.1, max_depth=3, random_state=0).fit(Xtr, ytr)
    ref = GradientBoostingRegressor(n_estimators=100, learning_rate=0.1, max_depth=3, random_state=0).fit(Xtr, ytr)
    np.testing.assert_allclose(ours.init_, ref.init_.constant_[0, 0], rtol=1e-15)
    np.testing.assert_allclose(ours.predict(Xte), ref.predict(Xte), rtol=1e-12, atol=1e-9)
    for a, b in zip(ours.staged_predict(Xte), ref.staged_predict(Xte)):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-9)


def test_gbdt_first_round_fits_residuals_of_the_mean():
    X, y = make_friedman1(n_samples=120, random_state=0)
    model = GBDTRegressor(1, learning_rate=0.5, max_depth=2).fit(X, y)
    from mlnotes.trees import CARTRegressor

    tree = CARTRegressor(max_depth=2).fit(X, y - y.mean())
    np.testing.assert_allclose(model.predict(X), y.mean() + 0.5 * tree.predict(X), rtol=1e-13)
    losses = [np.mean((y - F) ** 2) for F in GBDTRegressor(30, 0.3, 2).fit(X, y).staged_predict(X)]
    assert np.all(np.diff(losses) < 0)  # squared training loss decreases every round


def test_gbdt_binary_log_loss_equals_sklearn_on_training_data():
    """Same trees up to ties: identical raw scores on the training set; ties only move test rows."""
    Xtr, Xte, ytr, yte = split("breast_cancer")
    ours = GBDTClassifier(40, 0.1, max_depth=3, random_state=0).fit(Xtr, ytr)
    ref = GradientBoostingClassifier(n_estimators=40, learning_rate=0.1, max_depth=3, random_state=0).fit(Xtr, ytr)
    p = ytr.mean()
    assert ours.init_ == pytest.approx(math.log(p / (1 - p)), rel=1e-14)
    np.testing.assert_allclose(ours.raw_predict(Xtr), ref.decision_function(Xtr), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(ours.predict_proba(Xtr), ref.predict_proba(Xtr), rtol=1e-10, atol=1e-12)
    assert abs(np.mean(ours.predict(Xte) == yte) - np.mean(ref.predict(Xte) == yte)) <= 0.02
    # the first rounds have no tie resolved differently: identical test scores too
    first = GBDTClassifier(8, 0.1, max_depth=3, random_state=0).fit(Xtr, ytr)
    ref8 = GradientBoostingClassifier(n_estimators=8, learning_rate=0.1, max_depth=3, random_state=0).fit(Xtr, ytr)
    np.testing.assert_allclose(first.raw_predict(Xte), ref8.decision_function(Xte), rtol=1e-10, atol=1e-10)


def test_log_loss_and_sigmoid():
    F = np.array([-800.0, -2.0, 0.0, 3.0, 800.0])
    np.testing.assert_allclose(sigmoid(F), [0.0, 1 / (1 + math.e**2), 0.5, 1 / (1 + math.e**-3), 1.0], atol=1e-300)
    assert log_loss([1, 0], [0.0, 0.0]) == pytest.approx(math.log(2))
    assert np.isfinite(log_loss([0, 1], [800.0, -800.0]))


# -- XGBoost ----------------------------------------------------------------------------------
def test_xgboost_gain_and_weight_by_hand():
    # leaf L: g = [-2, -1], h = [1, 1]; leaf R: g = [3], h = [2]; λ = 1, γ = 0.5
    GL, HL, GR, HR, lam, gamma = -3.0, 2.0, 3.0, 2.0, 1.0, 0.5
    assert split_gain(GL, HL, GR, HR, lam, gamma) == pytest.approx(0.5 * (9 / 3 + 9 / 3 - 0 / 5) - 0.5)
    assert leaf_weight(GL, HL, lam) == pytest.approx(1.0) and leaf_weight(GR, HR, lam) == pytest.approx(-1.0)
    # the gain is the drop of the structure score Obj* = −½ΣG²/(H+λ) + γT
    before = structure_score([GL + GR], [HL + HR], lam, gamma)
    after = structure_score([GL, GR], [HL, HR], lam, gamma)
    assert before - after == pytest.approx(split_gain(GL, HL, GR, HR, lam, gamma))
    # w* minimises G w + ½ (H + λ) w²
    obj = lambda w: GL * w + 0.5 * (HL + lam) * w**2  # noqa: E731
    w = leaf_weight(GL, HL, lam)
    assert obj(w) < obj(w + 1e-3) and obj(w) < obj(w - 1e-3)


def test_xgb_tree_on_a_tiny_case():
    X = np.array([[1.0], [2.0], [3.0], [4.0]])
    g, h = np.array([-2.0, -1.0, 1.0, 3.0]), np.ones(4)
    tree = XGBTree(max_depth=1, lam=1.0, min_child_weight=0.0).fit(X, g, h)
    # gains after 1, 2, 3 samples: ½[4/2 + 9/4 − 1/5], ½[9/3 + 16/3 − 1/5], ½[4/4 + 9/2 − 1/5]
    assert tree.tree_.threshold[0] == 2.5
    assert tree.gains_[0] == pytest.approx(0.5 * (9 / 3 + 16 / 3 - 1 / 5))
    np.testing.assert_allclose(tree.predict(X), [1.0, 1.0, -4 / 3, -4 / 3])
    assert XGBTree(max_depth=1, gamma=5.0).fit(X, g, h).tree_.node_count == 1  # γ too large: no split


def test_xgboost_without_regularisation_is_gbdt():
    X, y = make_friedman1(n_samples=200, random_state=1)
    Xte, _ = make_friedman1(n_samples=100, random_state=2)
    xgb = XGBoost(40, 0.1, max_depth=3, lam=0.0, gamma=0.0, min_child_weight=0.0).fit(X, y)
    gbdt = GBDTRegressor(40, 0.1, max_depth=3).fit(X, y)
    np.testing.assert_allclose(xgb.predict(X), gbdt.predict(X), rtol=1e-10)
    np.testing.assert_allclose(xgb.predict(Xte), gbdt.predict(Xte), rtol=1e-10)


def test_xgboost_lambda_shrinks_leaves_and_logistic_learns():
    X, y = make_friedman1(n_samples=150, random_state=0)
    tree0 = XGBTree(max_depth=2, lam=0.0, min_child_weight=0.0).fit(X, y - y.mean(), np.ones(len(y)))
    tree9 = XGBTree(max_depth=2, lam=50.0, min_child_weight=0.0).fit(X, y - y.mean(), np.ones(len(y)))
    assert np.abs(tree9.predict(X)).max() < np.abs(tree0.predict(X)).max()
    Xtr, Xte, ytr, yte = split("breast_cancer")
    model = XGBoost(30, 0.3, max_depth=3, loss="logistic").fit(Xtr, ytr)
    assert np.mean((model.predict(Xte) > 0.5) == yte) > 0.93
    assert log_loss(ytr, model.raw_predict(Xtr)) < 0.1


# -- measurements for the chapter -------------------------------------------------------------
def test_boosting_curves_shapes_and_shape_of_overfitting():
    curves = boosting_curves((0.05, 1.0), n_rounds=100)
    slow_tr, slow_te = curves[0.05]
    fast_tr, fast_te = curves[1.0]
    assert slow_tr.shape == slow_te.shape == (100,)
    assert np.all(np.diff(slow_tr) < 0)  # small steps: train loss falls every round
    assert fast_tr[-1] < slow_tr[-1]  # a larger learning rate fits the training set faster
    assert np.argmin(fast_te) < np.argmin(slow_te)  # ... and starts overfitting earlier
    assert fast_te[-1] > fast_te.min() + 0.2


def test_bias_variance_of_tree_ensembles():
    res = bias_variance()
    deep, bag, stumps = res["deep tree"], res["bagged trees"], res["boosted stumps"]
    assert stumps["bias2_by_round"].shape == stumps["variance_by_round"].shape == (100,)
    np.testing.assert_allclose(stumps["bias2_by_round"][-1], stumps["bias2"], rtol=1e-12)  # the last round
    np.testing.assert_allclose(stumps["variance_by_round"][-1], stumps["variance"], rtol=1e-12)
    assert np.all(np.diff(stumps["bias2_by_round"]) < 0)  # each round lowers the bias ...
    assert stumps["variance_by_round"][99] > stumps["variance_by_round"][49] > stumps["variance_by_round"][24]
    assert "bias2_by_round" not in deep and deep["n_replicates"] == 20
    assert bag["variance"] < 0.7 * deep["variance"]  # bagging cuts variance
    assert bag["bias2"] < 2 * deep["bias2"] + 0.005  # ... not bias
    assert stumps["bias2"] > 5 * deep["bias2"]  # additive stumps are biased on a wavy target
    assert stumps["variance"] < deep["variance"]
    assert deep["x"].shape == deep["mean"].shape == deep["std"].shape == (150,)


def test_robust_losses_resist_outliers_in_the_targets():
    clean = robust_loss_fit("squared_error", 0)
    squared, huber, absolute = (robust_loss_fit(loss, 4) for loss in ("squared_error", "huber", "absolute_error"))
    assert squared["outlier"].sum() == 4 and clean["outlier"].sum() == 0
    np.testing.assert_array_equal(squared["x"], clean["x"])  # same inputs, 4 targets shifted by +6
    np.testing.assert_allclose(squared["y"][squared["outlier"]] - clean["y"][squared["outlier"]], 6.0)
    assert clean["mse"] < 0.1 and squared["mse"] > 10 * clean["mse"]  # squared loss chases them
    assert absolute["mse"] < 0.1 and huber["mse"] < 0.5 * squared["mse"]
    assert squared["lift"].shape == (4,) and np.all(squared["lift"] > 4) and clean["lift"].shape == (0,)
    assert np.all(np.abs(absolute["lift"]) < squared["lift"] / 4)  # the absolute loss is pulled far less
    with pytest.raises(ValueError, match="loss must be one of"):
        robust_loss_fit("hinge", 4)
    with pytest.raises(ValueError, match="n_outliers must be an integer"):
        robust_loss_fit("huber", 200)


def test_criterion_agreement_and_onehot_depth():
    from mlnotes.trees import criterion_agreement, onehot_depth

    agree = criterion_agreement(n_datasets=40)
    assert agree["n_datasets"] == 40 and 0 < agree["agreement"] <= agree["same_feature"] <= 1
    assert 0.5 < agree["kept"] <= 1
    res = onehot_depth(n_categories=8, n_per_category=5, max_depth=2)
    oh, ordered = res["one-hot"], res["codes sorted by target mean"]
    assert ordered["depth"] == 1 and ordered["leaves"] == 2 and ordered["acc_at_max_depth"] == 1.0
    assert oh["leaves"] == oh["depth"] + 1 >= 4  # a chain: one value peeled off per level
    assert all(r["train_acc"] == 1.0 for r in res.values())
