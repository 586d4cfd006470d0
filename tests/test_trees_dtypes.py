"""dtypes across mlnotes.trees: a floating input keeps its dtype where the output is of the input's kind
(float32 in → float32 out, with values equal to the float64 computation to float32 precision); class
probabilities, decision scores and importances are float64 like scikit-learn's; dtype-dependent arguments
(max_features: int count vs float fraction; continuous: indices vs boolean mask) mean what they document."""

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, make_friedman1
from sklearn.ensemble import AdaBoostClassifier, GradientBoostingClassifier, RandomForestClassifier as SkRFC
from sklearn.tree import DecisionTreeClassifier

from mlnotes.trees import (C45, AdaBoost, CARTClassifier, CARTRegressor, GBDTClassifier, GBDTRegressor,
                           RandomForestClassifier, RandomForestRegressor, XGBoost, XGBTree, class_proportions,
                           entropy, gini, leaf_weight, melons, misclassification, resolve_max_features, sigmoid,
                           split_gain)

FLOATS = [np.float16, np.float32, np.float64]
RTOL = {np.float16: 2e-3, np.float32: 1e-6, np.float64: 1e-12}
X_REG, Y_REG = make_friedman1(n_samples=80, random_state=0)
X_CLF, Y_CLF = load_breast_cancer(return_X_y=True)
X_CLF, Y_CLF = X_CLF[:150], Y_CLF[:150]


# -- impurity functions -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("fn", [entropy, gini, misclassification])
def test_impurities_keep_the_floating_dtype_of_p(fn, dtype):
    p64 = np.random.default_rng(0).dirichlet(np.ones(4), size=5)  # (5, 4)
    p = p64.astype(dtype)  # rows sum to 1 only up to dtype rounding: accepted
    out = fn(p)
    assert out.dtype == dtype and out.shape == (5,)
    np.testing.assert_allclose(out, fn(p64), rtol=RTOL[dtype], atol=RTOL[dtype])


@pytest.mark.parametrize("fn", [entropy, gini, misclassification])
def test_impurities_of_integer_or_bool_probabilities_are_float64(fn):
    assert fn(np.array([0, 1, 0])).dtype == np.float64
    assert fn(np.array([True, False])).dtype == np.float64


def test_class_proportions_keep_the_dtype_of_the_weights():
    y = np.array(["a", "b", "b", "c"])
    assert class_proportions(y).dtype == np.float64
    w32 = np.array([1.0, 2.0, 0.5, 3.0], dtype=np.float32)
    out = class_proportions(y, w32)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, class_proportions(y, w32.astype(np.float64)), rtol=1e-6)


# -- the logistic function --------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", FLOATS)
def test_sigmoid_keeps_dtype_and_saturates_without_overflow(dtype):
    z = np.array([-1e4, -30.0, -1.0, 0.0, 2.0, 30.0, 1e4]).astype(dtype)  # ±1e4 is inf in float16
    with np.errstate(over="raise"):
        s = sigmoid(z)
    assert s.dtype == dtype
    np.testing.assert_allclose(s, sigmoid(z.astype(np.float64)), rtol=RTOL[dtype], atol=RTOL[dtype])
    assert s[0] == 0 and s[-1] == 1 and s[3] == 0.5


def test_sigmoid_of_integers_is_float64():
    assert sigmoid(np.arange(-3, 4)).dtype == np.float64


# -- XGBoost's kernels and trees --------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", FLOATS)
def test_leaf_weight_and_split_gain_keep_dtype(dtype):
    G, H = np.array([-3.0, 4.0, 0.5], dtype=dtype), np.array([2.0, 2.0, 1.0], dtype=dtype)
    w = leaf_weight(G, H, lam=1.0)
    gain = split_gain(G, H, G[::-1], H[::-1], lam=1.0, gamma=0.1)
    assert w.dtype == dtype and gain.dtype == dtype
    np.testing.assert_allclose(w, leaf_weight(G.astype(float), H.astype(float)), rtol=RTOL[dtype])
    np.testing.assert_allclose(gain, split_gain(G.astype(float), H.astype(float), G[::-1].astype(float),
                                                H[::-1].astype(float), gamma=0.1), rtol=RTOL[dtype], atol=1e-3)


def test_xgb_kernels_mix_to_the_wider_dtype_and_integers_to_float64():
    assert leaf_weight(np.float32([1.0]), np.float64([1.0])).dtype == np.float64
    assert leaf_weight(np.array([1, 2]), np.array([3, 4])).dtype == np.float64
    assert split_gain(1, 1, 1, 1).dtype == np.float64


def test_xgb_tree_predicts_in_the_dtype_of_g_and_h():
    g = (Y_REG - Y_REG.mean()).astype(np.float32)
    h = np.ones(len(g), dtype=np.float32)
    tree32 = XGBTree(max_depth=3).fit(X_REG, g, h)
    tree64 = XGBTree(max_depth=3).fit(X_REG, g.astype(np.float64), h.astype(np.float64))
    assert tree32.predict(X_REG).dtype == np.float32 and tree64.predict(X_REG).dtype == np.float64
    np.testing.assert_allclose(tree32.predict(X_REG), tree64.predict(X_REG), rtol=1e-6)


# -- regressors: predictions in the dtype of the training targets ----------------------------------------------
REGRESSORS = {
    "CART": lambda: CARTRegressor(max_depth=4, random_state=0),
    "forest": lambda: RandomForestRegressor(5, min_samples_leaf=2, oob_score=True, random_state=0),
    "GBDT": lambda: GBDTRegressor(10, 0.3, max_depth=2, random_state=0),
    "XGBoost": lambda: XGBoost(10, 0.3, max_depth=2),
}


@pytest.mark.parametrize("name", list(REGRESSORS))
@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_regressors_predict_in_the_floating_dtype_of_y(name, dtype):
    y = Y_REG.astype(dtype)
    model = REGRESSORS[name]().fit(X_REG, y)
    ref = REGRESSORS[name]().fit(X_REG, y.astype(np.float64))  # the same values of y, in float64
    pred = model.predict(X_REG)
    assert pred.dtype == dtype, name
    np.testing.assert_allclose(pred, ref.predict(X_REG).astype(dtype), rtol=0, atol=0)  # computed in float64
    if hasattr(model, "staged_predict"):
        assert all(p.dtype == dtype for p in model.staged_predict(X_REG[:3]))
    if name == "forest":
        assert model.oob_prediction_.dtype == dtype


@pytest.mark.parametrize("name", list(REGRESSORS))
def test_regressors_of_integer_targets_predict_float64(name):
    model = REGRESSORS[name]().fit(X_REG, np.round(Y_REG).astype(int))
    assert model.predict(X_REG).dtype == np.float64


def test_the_dtype_of_X_does_not_change_a_regressor():
    """X is rounded to float32 by the trees anyway (as scikit-learn does): float32 X gives the same model."""
    a = CARTRegressor(random_state=0).fit(X_REG.astype(np.float32), Y_REG)
    b = CARTRegressor(random_state=0).fit(X_REG, Y_REG)
    np.testing.assert_array_equal(a.predict(X_REG), b.predict(X_REG.astype(np.float32)))
    assert a.predict(X_REG.astype(np.float32)).dtype == np.float64  # the dtype of y


# -- classifiers: float64 probabilities and scores, as scikit-learn ---------------------------------------------
def test_classifier_probabilities_and_scores_are_float64_like_sklearn():
    X32 = X_CLF.astype(np.float32)
    pairs = [
        (CARTClassifier(random_state=0).fit(X32, Y_CLF).predict_proba(X32),
         DecisionTreeClassifier(random_state=0).fit(X32, Y_CLF).predict_proba(X32)),
        (RandomForestClassifier(5, random_state=0).fit(X32, Y_CLF).predict_proba(X32),
         SkRFC(5, random_state=0).fit(X32, Y_CLF).predict_proba(X32)),
        (GBDTClassifier(5, random_state=0).fit(X32, Y_CLF).predict_proba(X32),
         GradientBoostingClassifier(n_estimators=5, random_state=0).fit(X32, Y_CLF).predict_proba(X32)),
        (AdaBoost(5, random_state=0).fit(X32, Y_CLF).decision_function(X32),
         AdaBoostClassifier(n_estimators=5, random_state=0).fit(X32, Y_CLF).decision_function(X32)),
    ]
    for ours, ref in pairs:
        assert ours.dtype == ref.dtype == np.float64
    assert CARTClassifier().fit(X32, Y_CLF).feature_importances_.dtype == np.float64


# -- dtype-dependent arguments ----------------------------------------------------------------------------------
def test_max_features_int_is_a_count_and_float_a_fraction():
    assert resolve_max_features(1, 10) == 1 and resolve_max_features(np.int64(3), 10) == 3
    assert resolve_max_features(1.0, 10) == 10 and resolve_max_features(np.float32(0.5), 10) == 5
    assert resolve_max_features(0.01, 10) == 1  # at least one feature
    with pytest.raises(TypeError, match="max_features must be"):
        resolve_max_features(np.bool_(True), 10)
    with pytest.raises(ValueError, match=r"max_features must be an integer in \[1, 10\]"):
        resolve_max_features(11, 10)


def test_continuous_as_indices_or_boolean_mask():
    X, y, names = melons(continuous=True)
    by_index = C45().fit(X, y, names, continuous=[6, 7])
    by_numpy_index = C45().fit(X, y, names, continuous=np.array([6, 7]))
    mask = np.arange(8) >= 6
    by_mask = C45().fit(X, y, names, continuous=mask)
    by_list_mask = C45().fit(X, y, names, continuous=list(mask))
    for model in (by_numpy_index, by_mask, by_list_mask):
        assert model.continuous_ == (6, 7) and model.to_text() == by_index.to_text()
    with pytest.raises(TypeError, match="continuous must be column indices"):
        C45().fit(X, y, names, continuous=np.array([6.0, 7.0]))


def test_new_ensemble_outputs_have_documented_dtypes():
    """K-class GBDT scores and probabilities, SHAP values and target statistics are float64 (as scikit-learn's);
    softmax keeps float32."""
    from mlnotes.trees import (GBDTClassifier, greedy_target_stats, ordered_target_stats, softmax, sorted_partition_split,
                               tree_shap)

    rng = np.random.default_rng(0)
    X32 = rng.normal(size=(60, 3)).astype(np.float32)
    y3 = rng.integers(0, 3, 60)
    model = GBDTClassifier(3, random_state=0).fit(X32, y3)
    assert model.decision_function(X32).dtype == np.float64 and model.predict_proba(X32).dtype == np.float64
    assert softmax(X32).dtype == np.float32 and softmax(X32.astype(np.float64)).dtype == np.float64
    assert tree_shap(model.estimators_[0, 0], X32).dtype == np.float64
    assert greedy_target_stats(y3, y3).dtype == np.float64 and ordered_target_stats(y3, y3.astype(np.float32)).dtype \
        == np.float64
    assert isinstance(sorted_partition_split(y3, X32[:, 0])[1], float)
