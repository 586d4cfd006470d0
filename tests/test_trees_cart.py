"""CART from scratch equals sklearn's DecisionTree{Classifier,Regressor}; cost-complexity pruning equals sklearn's."""

import functools

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris, load_wine
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from mlnotes.trees import (CARTClassifier, CARTRegressor, SklearnFeatureSampler, cart_vs_sklearn, cost_complexity_path,
                           divergent_nodes)

LOADERS = {"iris": load_iris, "breast_cancer": load_breast_cancer, "wine": load_wine, "diabetes": load_diabetes}


@functools.lru_cache(maxsize=None)
def data(name):
    return LOADERS[name](return_X_y=True)


def pair(name, criterion="gini", random_state=0, **limits):
    """Our tree and sklearn's, grown on the same data with the same limits."""
    X, y = data(name)
    if name == "diabetes":
        ours = CARTRegressor(random_state=random_state, **limits).fit(X, y)
        ref = DecisionTreeRegressor(random_state=0 if random_state is None else random_state, **limits).fit(X, y)
    else:
        ours = CARTClassifier(criterion=criterion, random_state=random_state, **limits).fit(X, y)
        ref = DecisionTreeClassifier(criterion="log_loss" if criterion == "entropy" else criterion,
                                     random_state=0 if random_state is None else random_state, **limits).fit(X, y)
    return ours, ref


def assert_same_tree(ours, ref):
    a, b = ours.tree_, ref.tree_
    assert a.node_count == b.node_count
    for key in ("children_left", "children_right", "feature", "n_node_samples"):
        np.testing.assert_array_equal(getattr(a, key), getattr(b, key), err_msg=key)
    np.testing.assert_array_equal(a.threshold, b.threshold)  # both halfway between float32 values
    np.testing.assert_allclose(a.impurity, b.impurity, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(a.value, b.value[:, 0, :], rtol=1e-12, atol=1e-14)


def root_decrease(t):
    l, r = t.children_left[0], t.children_right[0]
    w = t.weighted_n_node_samples
    return t.impurity[0] - (w[l] * t.impurity[l] + w[r] * t.impurity[r]) / w[0]


SETTINGS = [
    ("iris", "gini", dict()), ("iris", "entropy", dict(max_depth=3)),
    ("breast_cancer", "gini", dict()), ("breast_cancer", "entropy", dict(max_depth=5)),
    ("breast_cancer", "gini", dict(min_samples_leaf=5)), ("wine", "entropy", dict(min_samples_split=10)),
    ("diabetes", None, dict()), ("diabetes", None, dict(max_depth=6, min_samples_leaf=3)),
    ("diabetes", None, dict(min_impurity_decrease=50.0)),
]


@pytest.mark.parametrize("name,criterion,limits", SETTINGS)
def test_same_tree_as_sklearn_with_same_random_state(name, criterion, limits):
    """With the same integer random_state, ties break the same way: node-for-node identical trees."""
    ours, ref = pair(name, criterion or "gini", random_state=0, **limits)
    assert_same_tree(ours, ref)
    X, _ = data(name)
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))
    np.testing.assert_array_equal(ours.apply(X), ref.apply(X))
    np.testing.assert_allclose(ours.feature_importances_, ref.feature_importances_, rtol=1e-10, atol=1e-14)
    assert ours.get_depth() == ref.get_depth() and ours.get_n_leaves() == ref.get_n_leaves()


@pytest.mark.parametrize("name,criterion,depth", [
    ("breast_cancer", "gini", 1), ("breast_cancer", "entropy", 2), ("wine", "gini", 2), ("wine", "entropy", 2),
    ("diabetes", None, 2), ("diabetes", None, 3)])
def test_index_order_equals_sklearn_where_no_ties(name, criterion, depth):
    """Features visited 0..d-1: no tie detected, so the tree equals sklearn's whatever its seed."""
    ours, ref = pair(name, criterion or "gini", random_state=None, max_depth=depth)
    assert ours.ties_ == {}
    assert_same_tree(ours, ref)
    other_seed = type(ref)(**{**ref.get_params(), "random_state": 123}).fit(*data(name))
    assert_same_tree(ours, other_seed)


def test_ties_are_detected_and_only_they_differ():
    """Iris: petal length and petal width both isolate setosa at the root (a tie)."""
    ours, _ = pair("iris", random_state=None)
    assert ours.ties_[0] == (3,) and ours.tree_.feature[0] == 2  # index order keeps petal length
    X, y = data("iris")
    seen = set()
    for seed in range(6):
        ref = DecisionTreeClassifier(random_state=seed).fit(X, y)
        seen.add(int(ref.tree_.feature[0]))
        np.testing.assert_allclose(root_decrease(ref.tree_), root_decrease(ours.tree_), rtol=1e-14)
        np.testing.assert_array_equal(ref.predict(X), ours.predict(X))
    assert seen == {2, 3}  # sklearn's pick depends on its seed; the decrease does not
    # breast cancer at depth 2: a tie changes a prediction unless the seeds match
    ours, ref = pair("breast_cancer", random_state=None, max_depth=2)
    assert len(ours.ties_) == 1
    assert not np.array_equal(ours.predict(data("breast_cancer")[0]), ref.predict(data("breast_cancer")[0]))
    assert_same_tree(*pair("breast_cancer", random_state=0, max_depth=2))


@pytest.mark.parametrize("name", ["wine", "breast_cancer", "diabetes"])  # iris' root is a tie (see above)
def test_root_split_and_decrease(name):
    ours, ref = pair(name, random_state=None, max_depth=1)
    assert ours.tree_.feature[0] == ref.tree_.feature[0]
    assert ours.tree_.threshold[0] == ref.tree_.threshold[0]
    np.testing.assert_allclose(root_decrease(ours.tree_), root_decrease(ref.tree_), rtol=1e-13)
    X = data(name)[0].astype(np.float32).astype(float)
    col = np.unique(X[:, ref.tree_.feature[0]])
    i = np.searchsorted(col, ref.tree_.threshold[0])
    assert ref.tree_.threshold[0] == col[i - 1] / 2 + col[i] / 2  # a midpoint between sorted values


def test_hand_worked_split():
    tree = CARTClassifier().fit([[1.0], [2.0], [3.0], [4.0]], [0, 0, 1, 1])
    assert tree.tree_.threshold[0] == 2.5
    assert root_decrease(tree.tree_) == 0.5  # Gini 0.5 → two pure children
    reg = CARTRegressor(max_depth=1).fit([[0.0], [1.0], [2.0], [10.0]], [1.0, 1.0, 1.0, 5.0])
    assert reg.tree_.threshold[0] == 6.0
    np.testing.assert_allclose(reg.predict([[1.5], [7.0]]), [1.0, 5.0])


@pytest.mark.parametrize("name,criterion,limits", [
    ("breast_cancer", "gini", dict(max_depth=4)), ("breast_cancer", "entropy", dict(min_samples_leaf=10)),
    ("iris", "gini", dict(max_depth=3)), ("diabetes", None, dict(max_depth=5))])
def test_held_out_scores_match(name, criterion, limits):
    X, y = data(name)
    Xtr, Xte, ytr, yte = train_test_split(X, y, random_state=0)
    task = "regression" if name == "diabetes" else "classification"
    out = cart_vs_sklearn(Xtr, ytr, task=task, criterion=criterion, random_state=0, X_test=Xte, y_test=yte, **limits)
    assert out["same_structure"] and out["same_predictions"] and out["score"][0] == out["score"][1]
    assert out["root"][0][:2] == out["root"][1][:2]
    np.testing.assert_allclose(out["root"][0][2], out["root"][1][2], rtol=1e-13)


def test_limits_are_respected():
    X, y = data("breast_cancer")
    tree = CARTClassifier(max_depth=4, min_samples_leaf=7, min_samples_split=30).fit(X, y)
    t = tree.tree_
    leaves = t.children_left == -1
    assert tree.get_depth() <= 4 and t.n_node_samples[leaves].min() >= 7
    assert t.n_node_samples[~leaves].min() >= 30


def test_integer_weights_equal_repeated_rows():
    X, y = data("iris")
    w = np.random.default_rng(0).integers(0, 4, len(y))
    weighted = CARTClassifier(random_state=0).fit(X, y, sample_weight=w)
    repeated = CARTClassifier(random_state=0).fit(np.repeat(X, w, axis=0), np.repeat(y, w))
    np.testing.assert_array_equal(weighted.predict(X), repeated.predict(X))
    np.testing.assert_allclose(weighted.tree_.impurity, repeated.tree_.impurity, rtol=1e-12, atol=1e-15)


def test_monotone_feature_transform_keeps_the_partition():
    X, y = data("iris")
    a = CARTClassifier(random_state=0).fit(X, y)
    b = CARTClassifier(random_state=0).fit(10 * X + 3, y)  # strictly increasing, exact in float32
    np.testing.assert_array_equal(a.apply(X), b.apply(10 * X + 3))
    np.testing.assert_array_equal(a.tree_.feature, b.tree_.feature)


def test_sampler_replays_sklearn_rng():
    s = SklearnFeatureSampler(5, 5, seed=12345)
    first = [s.rand_int(0, 1000) for _ in range(3)]
    # our_rand_r: x ^= x<<13; x ^= x>>17; x ^= x<<5 (uint32), then % (2^31) and % range
    x, expect = 12345, []
    for _ in range(3):
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        expect.append((x % 2**31) % 1000)
    assert first == expect
    const = np.array([False, True, False, False])
    for seed in range(20):  # a drawn constant feature uses up a draw but is never evaluated
        visited, n_const = SklearnFeatureSampler(4, 2, seed=seed).visit(const, 0)
        assert 1 <= len(visited) <= 2 and 1 not in visited and n_const == (len(visited) == 1)
    visited, n_const = SklearnFeatureSampler(4, 4, seed=3).visit(const, 0)
    assert sorted(visited) == [0, 2, 3] and n_const == 1


# -- cost-complexity pruning ------------------------------------------------------------------
@pytest.mark.parametrize("name,criterion,limits", [("iris", "gini", {}), ("breast_cancer", "entropy", {}),
                                                   ("breast_cancer", "gini", dict(min_samples_leaf=5)),
                                                   ("wine", "gini", {}), ("diabetes", None, dict(min_samples_leaf=5))])
def test_pruning_path_equals_sklearn(name, criterion, limits):
    X, y = data(name)
    ours, ref = pair(name, criterion or "gini", random_state=0, **limits)
    alphas, impurities = ours.cost_complexity_pruning_path(X, y)
    path = ref.cost_complexity_pruning_path(X, y)
    np.testing.assert_allclose(alphas, path.ccp_alphas, rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose(impurities, path.impurities, rtol=1e-10, atol=1e-15)
    assert np.all(np.diff(alphas) >= 0) and np.all(np.diff(impurities) >= -1e-15)  # both non-decreasing
    np.testing.assert_allclose(cost_complexity_path(ours.tree_)[0], alphas)
    # pruning at alphas from the path gives sklearn's pruned trees
    for alpha in [alphas[1] / 2, alphas[len(alphas) // 2], alphas[-2], alphas[-1] * 1.01]:
        kw = dict(ccp_alpha=float(alpha), **limits)
        o, r = pair(name, criterion or "gini", random_state=0, **kw)
        assert_same_tree(o, r)
        np.testing.assert_array_equal(o.predict(X), r.predict(X))


def test_pruned_tree_minimises_cost_complexity():
    """At alpha the pruned subtree has the smallest R(T) + alpha·|leaves| among the path's subtrees."""
    X, y = data("breast_cancer")
    full = CARTClassifier(random_state=0).fit(X, y)
    alphas, impurities = cost_complexity_path(full.tree_)
    alpha = float(alphas[len(alphas) // 2])
    pruned = CARTClassifier(random_state=0, ccp_alpha=alpha).fit(X, y)
    t = pruned.tree_
    leaves = t.children_left == -1
    r_t = np.sum(t.weighted_n_node_samples[leaves] * t.impurity[leaves]) / t.weighted_n_node_samples[0]
    n_leaves = [CARTClassifier(random_state=0, ccp_alpha=float(a)).fit(X, y).get_n_leaves() for a in alphas]
    costs = impurities + alpha * np.array(n_leaves)
    assert r_t + alpha * leaves.sum() == pytest.approx(costs.min(), rel=1e-12)
    assert pruned.get_n_leaves() < full.get_n_leaves()


# -- where two trees part ---------------------------------------------------------------------
def test_divergent_nodes_are_ties_and_empty_for_identical_trees():
    X, y = data("iris")
    same, ref = pair("iris", random_state=0)
    assert divergent_nodes(same.tree_, ref.tree_) == []
    index_order, _ = pair("iris", random_state=None)
    parted = divergent_nodes(index_order.tree_, ref.tree_)
    assert parted == [0] and set(parted) <= set(index_order.ties_)  # the root tie of iris
    small = CARTClassifier(max_depth=1).fit(X, y)  # one tree splits where the other is a leaf
    assert divergent_nodes(small.tree_, CARTClassifier(max_depth=1, min_samples_split=1000).fit(X, y).tree_) == [0]
    with pytest.raises(TypeError, match="expected a fitted tree's arrays"):
        divergent_nodes(small, ref.tree_)
