"""Bad inputs to mlnotes.trees raise ValueError/TypeError with a message naming the argument."""

import numpy as np
import pytest

from fractions import Fraction

from mlnotes.trees import (C45, ID3, AdaBoost, CARTClassifier, CARTRegressor, GBDTClassifier, GBDTRegressor,
                           RandomForestClassifier, XGBoost, XGBTree, bias_variance, boosting_curves, cart_vs_sklearn,
                           cost_complexity_path, criterion_agreement, discrete_alpha, entropy, error_upper_bound, gini,
                           impurity, information_gain, leaf_weight, melons, moons, onehot_depth, prune_tree,
                           samme_alpha, sigmoid, split_gain, structure_score, wave)
from mlnotes.trees import (brute_force_partition_split, brute_force_shap, category_stats, depth_growth, ensemble_shap,
                           fit_seconds, greedy_target_stats, kfold_target_stats, leave_one_out_target_stats,
                           ordered_boosting, ordered_target_stats, path_expectations, shapley_from_values, softmax,
                           sorted_partition_split, split_work, tree_shap)
from mlnotes.trees.categorical import category_order, random_categorical

X4 = np.random.default_rng(0).normal(size=(30, 4))
Y3 = np.arange(30) % 3
Y2 = np.arange(30) % 2
MX, MY, _ = melons()
CX, CY, _ = melons(continuous=True)
FITTED = CARTClassifier(max_depth=2).fit(X4, Y3)
ID3_FITTED = ID3().fit(MX, MY)
X_NAN = X4.copy()
X_NAN[0, 0] = np.nan

CASES = [
    # impurity
    ("entropy not summing to 1", lambda: entropy([0.5, 0.6]), ValueError, "p must sum to 1"),
    ("entropy negative", lambda: entropy([-0.1, 1.1]), ValueError, "p must be non-negative"),
    ("gini NaN", lambda: gini([[np.nan, 1.0]]), ValueError, "p must contain only finite"),
    ("entropy empty", lambda: entropy([]), ValueError, "p must have at least one class"),
    ("impurity criterion", lambda: impurity([0, 1], "foo"), ValueError, "criterion must be one of"),
    ("impurity empty", lambda: impurity([], "gini"), ValueError, "y must not be empty"),
    ("impurity 2-D", lambda: impurity([[0, 1]]), ValueError, "y must be a 1-D array"),
    ("gain shapes", lambda: information_gain([0, 1, 1], [0, 1]), ValueError, "groups must have the same shape as y"),
    ("negative weight", lambda: impurity([0, 1], "gini", [1.0, -1.0]), ValueError,
     "sample_weight must be non-negative"),
    ("weight shape", lambda: impurity([0, 1], "gini", [1.0]), ValueError, r"sample_weight must have shape \(2,\)"),
    ("mse NaN", lambda: impurity([1.0, np.nan], "mse"), ValueError, "y must contain only finite"),
    # ID3 / C4.5
    ("ID3 depth", lambda: ID3(max_depth=-1), ValueError, "max_depth must be an integer >= 0"),
    ("ID3 split", lambda: ID3(min_samples_split=1), ValueError, "min_samples_split must be an integer >= 2"),
    ("ID3 min_gain", lambda: ID3(min_gain=-1.0), ValueError, "min_gain must be >= 0.0"),
    ("ID3 empty X", lambda: ID3().fit(np.zeros((0, 2)), []), ValueError, "X must be a non-empty 2-D array"),
    ("ID3 y length", lambda: ID3().fit(MX, MY[:-1]), ValueError, r"y must have shape \(17,\)"),
    ("ID3 continuous", lambda: ID3().fit(MX, MY, continuous=[0]), ValueError,
     "ID3 handles categorical attributes only"),
    ("C45 bad column", lambda: C45().fit(MX, MY, continuous=[9]), ValueError, "continuous must list column indices"),
    ("ID3 names", lambda: ID3().fit(MX, MY, feature_names=["a"]), ValueError, "feature_names must have 6 names"),
    ("ID3 unfitted", lambda: ID3().predict(MX), ValueError, "not fitted"),
    ("ID3 predict width", lambda: ID3_FITTED.predict(MX[:, :3]), ValueError, r"X must have shape \(M, 6\)"),
    # CART
    ("CART criterion", lambda: CARTClassifier(criterion="mse"), ValueError, "criterion must be one of"),
    ("CART reg criterion", lambda: CARTRegressor(criterion="gini"), ValueError, "criterion must be one of"),
    ("CART depth", lambda: CARTClassifier(max_depth=0), ValueError, "max_depth must be an integer >= 1"),
    ("CART depth type", lambda: CARTClassifier(max_depth=2.5), TypeError, "max_depth must be an integer"),
    ("CART leaf", lambda: CARTClassifier(min_samples_leaf=0), ValueError, "min_samples_leaf must be an integer >= 1"),
    ("CART split", lambda: CARTClassifier(min_samples_split=1), ValueError,
     "min_samples_split must be an integer >= 2"),
    ("CART decrease", lambda: CARTClassifier(min_impurity_decrease=-1), ValueError,
     "min_impurity_decrease must be >= 0"),
    ("CART ccp", lambda: CARTClassifier(ccp_alpha=-0.1), ValueError, "ccp_alpha must be >= 0"),
    ("CART seed", lambda: CARTClassifier(random_state=-1), ValueError, "random_state must be an integer in"),
    ("CART seed type", lambda: CARTClassifier(random_state=1.5), TypeError,
     "random_state must be None, an int or a numpy RandomState, got float"),
    # dtype-dependent arguments accept only their documented kinds (int count vs float fraction, mask vs indices)
    ("CART seed bool", lambda: CARTClassifier(random_state=True), TypeError, "random_state must be None, an int"),
    ("forest seed bool", lambda: RandomForestClassifier(3, random_state=True), TypeError,
     "random_state must be None, an int"),
    ("forest seed float", lambda: RandomForestClassifier(3, random_state=0.5), TypeError, "got float 0.5"),
    ("ada seed bool", lambda: AdaBoost(random_state=False), TypeError, "random_state must be None, an int"),
    ("gbdt seed RandomState", lambda: GBDTRegressor(random_state=np.random.RandomState(0)), TypeError,
     "random_state must be None or an int"),
    ("CART max_features bool", lambda: CARTClassifier(max_features=True), TypeError,
     r"max_features must be None, 'sqrt', 'log2', an int \(a count\) or a float"),
    ("CART max_features digits", lambda: CARTClassifier(max_features="3"), ValueError, "got '3'"),
    ("CART max_features list", lambda: CARTClassifier(max_features=[1, 2]), TypeError, "got list"),
    ("forest max_features Fraction", lambda: RandomForestClassifier(3, max_features=Fraction(1, 2)), TypeError,
     "got Fraction"),
    ("CART leaf fraction", lambda: CARTClassifier(min_samples_leaf=0.1), TypeError,
     "min_samples_leaf must be an integer"),
    ("CART split fraction", lambda: CARTRegressor(min_samples_split=0.5), TypeError,
     "min_samples_split must be an integer"),
    ("C45 float columns", lambda: C45().fit(CX, CY, continuous=[6.0, 7.0]), TypeError,
     r"continuous must be column indices \(ints\) or a boolean mask"),
    ("C45 string columns", lambda: C45().fit(CX, CY, continuous=["density"]), TypeError, "got str"),
    ("C45 mixed mask", lambda: C45().fit(CX, CY, continuous=[True, 7]), TypeError, "not a mix"),
    ("C45 short mask", lambda: C45().fit(CX, CY, continuous=[True, False]), ValueError,
     "boolean mask must have length 8"),
    ("C45 scalar columns", lambda: C45().fit(CX, CY, continuous=6), TypeError, "got int"),
    ("C45 non-numeric column", lambda: C45().fit(CX, CY, continuous=[0]), ValueError,
     "continuous column 'x0' must hold numbers"),
    ("entropy strings", lambda: entropy(["a", "b"]), TypeError, "p must be array-like of numbers"),
    ("entropy complex", lambda: entropy(np.array([0.5 + 0j, 0.5])), TypeError, "p must be real numbers"),
    ("sigmoid NaN", lambda: sigmoid([0.0, np.nan]), ValueError, "z must not contain NaN"),
    ("CART reg string y", lambda: CARTRegressor().fit(X4, np.array(["a"] * 30)), TypeError,
     "y must be array-like of numbers"),
    ("upper bound errors", lambda: error_upper_bound(7, 6), ValueError, r"n_errors must be an integer in \[0, 6\]"),
    ("upper bound cf", lambda: error_upper_bound(0, 6, cf=1.0), ValueError, r"cf must be in \(0.0, 1.0\)"),
    ("CART max_features name", lambda: CARTClassifier(max_features="foo").fit(X4, Y3), ValueError,
     "max_features must be None, 'sqrt', 'log2'"),
    ("CART max_features int", lambda: CARTClassifier(max_features=0).fit(X4, Y3), ValueError,
     r"max_features must be an integer in \[1, 4\]"),
    ("CART max_features float", lambda: CARTClassifier(max_features=1.5).fit(X4, Y3), ValueError,
     r"max_features must be in \(0.0, 1.0\]"),
    ("CART NaN X", lambda: CARTClassifier().fit(X_NAN, Y3), ValueError, "X must contain only finite"),
    ("CART 1-D X", lambda: CARTClassifier().fit(np.zeros(5), Y3[:5]), ValueError, r"X must have 2 dimension"),
    ("CART empty X", lambda: CARTClassifier().fit(np.zeros((0, 3)), []), ValueError, "X must have at least one row"),
    ("CART y length", lambda: CARTClassifier().fit(X4, Y3[:-1]), ValueError, "y must have one label per row"),
    ("CART 2-D y", lambda: CARTClassifier().fit(X4, Y3[:, None]), ValueError, "y must be a 1-D array of labels"),
    ("CART weights", lambda: CARTClassifier().fit(X4, Y3, sample_weight=-np.ones(30)), ValueError,
     "sample_weight must be non-negative"),
    ("CART weight shape", lambda: CARTClassifier().fit(X4, Y3, sample_weight=np.ones(3)), ValueError,
     r"sample_weight must have shape \(30,\)"),
    ("CART unfitted", lambda: CARTClassifier().predict(X4), ValueError, "not fitted"),
    ("CART width", lambda: FITTED.predict(X4[:, :2]), ValueError, "X must have 4 columns"),
    ("CART reg NaN y", lambda: CARTRegressor().fit(X4, np.full(30, np.nan)), ValueError, "y must contain only finite"),
    ("CART reg y length", lambda: CARTRegressor().fit(X4, np.ones(29)), ValueError, "y must have one target per row"),
    # pruning
    ("prune type", lambda: prune_tree("tree", 0.1), TypeError, "tree must be a fitted TreeArrays"),
    ("prune alpha", lambda: prune_tree(FITTED.tree_, -1.0), ValueError, "alpha must be >= 0.0"),
    ("path type", lambda: cost_complexity_path(None), TypeError, "tree must be a fitted TreeArrays"),
    # forests
    ("forest size", lambda: RandomForestClassifier(0), ValueError, "n_estimators must be an integer >= 1"),
    ("forest oob", lambda: RandomForestClassifier(oob_score=True, bootstrap=False), ValueError,
     "oob_score=True needs bootstrap=True"),
    ("forest depth", lambda: RandomForestClassifier(max_depth=0), ValueError, "max_depth must be an integer >= 1"),
    ("forest bootstrap type", lambda: RandomForestClassifier(bootstrap="yes"), TypeError, "bootstrap and oob_score"),
    ("forest unfitted", lambda: RandomForestClassifier(3).predict(X4), ValueError, "not fitted"),
    ("forest y", lambda: RandomForestClassifier(3).fit(X4, Y3[:-1]), ValueError, r"y must have shape \(30,\)"),
    ("forest no oob row", lambda: RandomForestClassifier(1, oob_score=True).fit([[0.0]], [0]), ValueError,
     "no row was ever out of bag"),
    # boosting
    ("ada lr", lambda: AdaBoost(learning_rate=0.0), ValueError, "learning_rate must be > 0.0"),
    ("ada variant", lambda: AdaBoost(variant="real"), ValueError, "variant must be 'samme' or 'discrete'"),
    ("ada discrete 3 classes", lambda: AdaBoost(variant="discrete").fit(X4, Y3), ValueError,
     "y must have exactly 2 classes"),
    ("ada one class", lambda: AdaBoost().fit(X4, np.zeros(30)), ValueError, "y must have at least 2 classes"),
    ("ada unfitted", lambda: AdaBoost().predict(X4), ValueError, "not fitted"),
    ("gbdt clf unfitted", lambda: GBDTClassifier().predict(X4), ValueError, "not fitted"),
    ("ada y", lambda: AdaBoost().fit(X4, Y3[:3]), ValueError, r"y must have shape \(30,\)"),
    ("samme error 0", lambda: samme_alpha(0.0, 2), ValueError, r"error must be in \(0.0, 1.0\)"),
    ("samme classes", lambda: samme_alpha(0.3, 1), ValueError, "n_classes must be an integer >= 2"),
    ("discrete error 1", lambda: discrete_alpha(1.0), ValueError, r"error must be in \(0.0, 1.0\)"),
    ("gbdt rounds", lambda: GBDTRegressor(n_estimators=0), ValueError, "n_estimators must be an integer >= 1"),
    ("gbdt lr", lambda: GBDTRegressor(learning_rate=-1.0), ValueError, "learning_rate must be > 0.0"),
    ("gbdt depth", lambda: GBDTRegressor(max_depth=0), ValueError, "max_depth must be an integer >= 1"),
    ("gbdt leaf", lambda: GBDTRegressor(min_samples_leaf=0), ValueError, "min_samples_leaf must be an integer >= 1"),
    ("gbdt seed", lambda: GBDTRegressor(random_state=-3), ValueError, "random_state must be an integer in"),
    ("gbdt one class", lambda: GBDTClassifier().fit(X4, np.zeros(30)), ValueError, "y must have at least 2 classes"),
    ("gbdt y shape", lambda: GBDTRegressor().fit(X4, np.ones(10)), ValueError, r"y must have shape \(30\)"),
    ("gbdt unfitted", lambda: GBDTRegressor().predict(X4), ValueError, "not fitted"),
    # xgboost
    ("leaf lam", lambda: leaf_weight(1.0, 1.0, lam=-1.0), ValueError, "lam must be >= 0.0"),
    ("gain gamma", lambda: split_gain(1, 1, 1, 1, gamma=-1.0), ValueError, "gamma must be >= 0.0"),
    ("score H rank", lambda: structure_score([1.0, 2.0], [[1.0]]), ValueError, "H must have 1 dimension"),
    ("xgb negative h", lambda: XGBTree().fit(X4, np.ones(30), -np.ones(30)), ValueError, "h must be non-negative"),
    ("xgb g shape", lambda: XGBTree().fit(X4, np.ones(3), np.ones(30)), ValueError, r"g must have shape \(30\)"),
    ("xgb depth", lambda: XGBTree(max_depth=0), ValueError, "max_depth must be an integer >= 1"),
    ("xgb loss", lambda: XGBoost(loss="hinge"), ValueError, "loss must be 'squared' or 'logistic'"),
    ("xgb labels", lambda: XGBoost(loss="logistic").fit(X4, Y3), ValueError, "y must contain only 0 and 1"),
    ("xgb unfitted", lambda: XGBTree().predict(X4), ValueError, "not fitted"),
    ("xgb boost unfitted", lambda: XGBoost().predict(X4), ValueError, "not fitted"),
    # experiments and data
    ("curves lr", lambda: boosting_curves((0.0,)), ValueError, "learning_rate must be > 0.0"),
    ("bv model", lambda: bias_variance(models=("svm",)), ValueError, "model must be one of"),
    ("bv resample", lambda: bias_variance(resample="jackknife"), ValueError, "resample must be 'bootstrap' or 'fresh'"),
    ("bv replicates", lambda: bias_variance(n_replicates=1), ValueError, "n_replicates must be an integer >= 2"),
    ("compare task", lambda: cart_vs_sklearn(X4, Y3, task="ranking"), ValueError, "task must be"),
    ("melons flag", lambda: melons(continuous="yes"), TypeError, "continuous must be True or False"),
    ("moons size", lambda: moons(n_train=1), ValueError, "n_train must be an integer >= 2"),
    ("wave noise", lambda: wave(noise=-1.0), ValueError, "noise must be >= 0.0"),
    ("agreement sets", lambda: criterion_agreement(n_datasets=0), ValueError, "n_datasets must be an integer >= 1"),
    ("onehot categories", lambda: onehot_depth(n_categories=1), ValueError, "n_categories must be an integer >= 2"),
    # K-class GBDT
    ("softmax NaN", lambda: softmax([[0.0, np.nan]]), ValueError, "F must contain only finite"),
    ("softmax 1-D", lambda: softmax([0.0, 1.0]), ValueError, "F must have 2 dimension"),
    ("softmax strings", lambda: softmax([["a", "b"]]), TypeError, "F must be array-like of numbers"),
    ("gbdt proba unfitted", lambda: GBDTClassifier().predict_proba(X4), ValueError, "not fitted"),
    # categorical splits
    ("cat criterion", lambda: category_stats([0, 1], [0, 1], "mse"), ValueError, "criterion must be one of"),
    ("cat shapes", lambda: category_stats([0, 1, 2], [0, 1], "gini"), ValueError, "x and y must be non-empty 1-D"),
    ("cat empty", lambda: category_stats([], [], "gini"), ValueError, "x and y must be non-empty 1-D"),
    ("cat one category", lambda: sorted_partition_split([1, 1, 1], [0.0, 1.0, 2.0]), ValueError,
     "at least 2 distinct categories"),
    ("cat brute force", lambda: brute_force_partition_split(np.arange(20), np.arange(20.0)), ValueError,
     "between 2 and 16 distinct categories"),
    ("cat y NaN", lambda: sorted_partition_split([0, 1], [np.nan, 1.0]), ValueError, "y must contain only finite"),
    ("cat class order", lambda: category_order(np.ones(3), np.ones((3, 3)), "gini", by_class=3), ValueError,
     r"by_class must be a class index in \[0, 2\]"),
    ("cat target", lambda: random_categorical("ordinal"), ValueError, "target must be"),
    ("cat count", lambda: random_categorical("regression", 1), ValueError, "n_categories must be an integer in"),
    # cost
    ("cost tree", lambda: split_work(np.zeros(3)), TypeError, "tree must be a fitted tree"),
    ("cost sizes", lambda: depth_growth(sizes=(1,)), ValueError, "size must be an integer >= 2"),
    ("cost repeats", lambda: fit_seconds([10], [2], repeats=0), ValueError, "repeats must be an integer >= 1"),
    # SHAP
    ("shap tree", lambda: tree_shap("tree", X4), TypeError, "tree must be a fitted tree"),
    ("shap width", lambda: tree_shap(FITTED, X4[:, :2]), ValueError, "X must have at least"),
    ("shap X 1-D", lambda: tree_shap(FITTED, X4[0]), ValueError, "X must have 2 dimension"),
    ("shap method", lambda: ensemble_shap([FITTED], X4, method="kernel"), ValueError, "method must be"),
    ("shap table", lambda: shapley_from_values(np.ones(6)), ValueError, "v must have 2\\^d rows"),
    ("shap subsets", lambda: brute_force_shap(FITTED, np.zeros((1, 20))), ValueError,
     "n_features must be an integer in"),
    ("shap x NaN", lambda: path_expectations(FITTED, [np.nan, 0, 0, 0], np.ones((1, 4), bool)), ValueError,
     "x must contain only finite"),
    # target statistics
    ("ts shapes", lambda: greedy_target_stats([0, 1], [1.0]), ValueError, "cat and y must be non-empty 1-D"),
    ("ts smoothing", lambda: leave_one_out_target_stats([0, 1], [1.0, 0.0], a=0.0), ValueError, "a must be > 0.0"),
    ("ts permutation", lambda: ordered_target_stats([0, 1, 1], [1.0, 0.0, 1.0], permutation=[0, 0, 1]), ValueError,
     "permutation must be a permutation of 0..2"),
    ("ts folds", lambda: kfold_target_stats([0, 1, 1], [1.0, 0.0, 1.0], [([0, 1], [2])]), ValueError,
     "folds must cover every row"),
    ("ts labels", lambda: greedy_target_stats([0, 1], ["a", "b"]), TypeError, "y must be array-like of numbers"),
    ("ordered rounds", lambda: ordered_boosting(X4, np.ones(30), n_estimators=0), ValueError,
     "n_estimators must be an integer >= 1"),
    ("ordered y", lambda: ordered_boosting(X4, np.ones(3)), ValueError, r"y must have shape \(30\)"),
]


@pytest.mark.parametrize("name,call,exc,match", CASES, ids=[c[0] for c in CASES])
def test_bad_input_raises(name, call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_y2_is_fine_for_binary_models():
    """The fixtures above are valid where they should be (the errors come from the bad argument only)."""
    assert AdaBoost(3, variant="discrete").fit(X4, Y2).predict(X4).shape == (30,)
    assert GBDTClassifier(3).fit(X4, Y2).predict(X4).shape == (30,)
    assert XGBoost(3, loss="logistic").fit(X4, Y2).predict(X4).shape == (30,)
