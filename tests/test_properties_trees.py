"""Property-based tests of mlnotes.trees: impurity bounds and symmetry, the stable sigmoid and log loss against
torch at ±1e4, and CART (a stump and small full trees) node for node against scikit-learn with the same
random_state on random small datasets with ties."""

import math

import numpy as np
import scipy.stats
import torch
import torch.nn.functional as F
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from mlnotes.trees import (CARTClassifier, CARTRegressor, entropy, gain_ratio, gini, impurity, information_gain,
                           intrinsic_value, log_loss, misclassification, sigmoid)
from tests.hypothesis_settings import PROPERTIES


# -- impurity ----------------------------------------------------------------------------------------------------
@st.composite
def proba(draw, max_k=6):
    k = draw(st.integers(1, max_k))
    w = draw(hnp.arrays(np.float64, k, elements=st.one_of(st.just(0.0), st.floats(1e-6, 1.0))))
    if w.sum() == 0:
        w[draw(st.integers(0, k - 1))] = 1.0
    return w / w.sum()


@PROPERTIES
@given(p=proba(), data=st.data())
def test_impurities_are_bounded_symmetric_and_equal_scipy(p, data):
    K = len(p)
    H, G, E = float(entropy(p)), float(gini(p)), float(misclassification(p))
    assert -1e-15 <= H <= math.log2(K) + 1e-12
    assert -1e-15 <= G <= 1 - 1 / K + 1e-12
    assert -1e-15 <= E <= 1 - 1 / K + 1e-12
    assert E <= G + 1e-12  # 1 − max p ≤ 1 − Σp² since Σp² ≤ max p
    assert abs(H - scipy.stats.entropy(p, base=2)) < 1e-12
    perm = data.draw(st.permutations(range(K)), label="perm")
    for f in (entropy, gini, misclassification):  # symmetric: the order of the classes does not matter
        assert abs(float(f(p[perm])) - float(f(p))) < 1e-14
    if np.count_nonzero(p) == 1:  # a pure node
        assert H == 0 and G == 0 and E == 0


@PROPERTIES
@given(K=st.integers(1, 8))
def test_uniform_distribution_reaches_the_maximum(K):
    u = np.full(K, 1 / K)
    assert abs(float(entropy(u)) - math.log2(K)) < 1e-12
    assert abs(float(gini(u)) - (1 - 1 / K)) < 1e-12


@PROPERTIES
@given(y=hnp.arrays(np.int64, st.integers(1, 30), elements=st.integers(0, 3)), data=st.data(),
       criterion=st.sampled_from(["entropy", "gini"]))
def test_information_gain_is_between_zero_and_the_parent_impurity(y, data, criterion):
    groups = data.draw(hnp.arrays(np.int64, len(y), elements=st.integers(0, 3)), label="groups")
    gain = information_gain(y, groups, criterion)
    assert -1e-12 <= gain <= impurity(y, criterion) + 1e-12  # impurity is concave: a split never adds any
    assert abs(information_gain(y, y, criterion) - impurity(y, criterion)) < 1e-12  # pure branches remove it all
    ratio = gain_ratio(y, groups)
    assert np.isfinite(ratio) and ratio >= -1e-12
    if intrinsic_value(groups) == 0:  # one branch: documented ratio 0, not 0/0
        assert ratio == 0.0


@PROPERTIES
@given(p=proba())
def test_float32_impurities_stay_float32_and_match_float64(p):
    p32 = p.astype(np.float32)
    for f in (entropy, gini, misclassification):
        out = f(p32)
        assert out.dtype == np.float32
        np.testing.assert_allclose(out, f(p), rtol=1e-5, atol=1e-6)


# -- sigmoid and log loss (gradient boosting) --------------------------------------------------------------------
LOGITS = st.one_of(st.floats(-1e4, 1e4), st.sampled_from([-1e4, 1e4, -745.0, 745.0, 0.0]))


@PROPERTIES
@given(z=hnp.arrays(np.float64, st.integers(1, 20), elements=LOGITS),
       y=st.data())
def test_sigmoid_and_log_loss_equal_torch_at_huge_logits(z, y):
    s = sigmoid(z)
    assert np.all(np.isfinite(s)) and np.all((s >= 0) & (s <= 1))
    # below z ≈ −709 torch's 1/(1 + e^{−z}) flushes to 0; ours keeps the subnormal e^z (still ≤ 1e-307 apart)
    np.testing.assert_allclose(s, torch.sigmoid(torch.from_numpy(z)).numpy(), rtol=1e-15, atol=1e-307)
    tail = z < -40  # σ(z) = e^z / (1 + e^z) ≈ e^z there, relative error e^z
    np.testing.assert_allclose(s[tail], np.exp(z[tail]), rtol=1e-15, atol=0)
    np.testing.assert_allclose(sigmoid(-z), 1 - s, rtol=1e-12, atol=1e-16)  # σ(−z) = 1 − σ(z)
    z32 = z.astype(np.float32)  # float32 in, float32 out, equal to torch's float32 sigmoid
    s32 = sigmoid(z32)
    assert s32.dtype == np.float32
    np.testing.assert_allclose(s32, torch.sigmoid(torch.from_numpy(z32)).numpy(), rtol=1e-6, atol=1e-38)
    labels = y.draw(hnp.arrays(np.float64, len(z), elements=st.sampled_from([0.0, 1.0])), label="labels")
    want = F.binary_cross_entropy_with_logits(torch.from_numpy(z), torch.from_numpy(labels)).item()
    got = log_loss(labels, z)
    assert math.isfinite(got) and got >= 0
    assert abs(got - want) <= 1e-12 * max(1.0, abs(want))


# -- CART against scikit-learn -------------------------------------------------------------------------------------
@st.composite
def dataset(draw, regression=False):
    n, d = draw(st.integers(2, 30)), draw(st.integers(1, 4))
    grid = draw(st.booleans())  # integer features: many tied values and tied splits
    elem = st.integers(-3, 3).map(float) if grid else st.floats(-100, 100, width=32)
    X = draw(hnp.arrays(np.float64, (n, d), elements=elem))
    if regression:
        y = draw(hnp.arrays(np.float64, n, elements=st.one_of(st.integers(-5, 5).map(float), st.floats(-10, 10))))
    else:
        y = draw(hnp.arrays(np.int64, n, elements=st.integers(0, draw(st.integers(1, 3)))))
    return X, y


def parted(a, b):
    """Pairs (i, j) of nodes of trees a and b where they first part, walking both from the root in step."""
    out, stack = [], [(0, 0)]
    while stack:
        i, j = stack.pop()
        leaf_i, leaf_j = a.children_left[i] == -1, b.children_left[j] == -1
        if leaf_i and leaf_j:
            continue
        if leaf_i != leaf_j or a.feature[i] != b.feature[j] or a.threshold[i] != b.threshold[j]:
            out.append((int(i), int(j)))
            continue
        stack += [(a.children_right[i], b.children_right[j]), (a.children_left[i], b.children_left[j])]
    return out


def assert_same_tree_but_documented(ours, ref, y):
    """Node for node equal to sklearn's tree, except (documented in mlnotes.trees.cart) where the trees part at a
    node of ``ties_`` whose tied scores differ only by rounding, or at a node whose targets are all equal but whose
    impurity is a rounding residue above 2^-52 in one implementation (it splits that node into children that
    predict the same value)."""
    a, b = ours.tree_, ref.tree_
    residue = 1e-12 * max(1.0, float(np.max(np.asarray(y, dtype=float) ** 2)))
    splits = parted(a, b)
    for i, j in splits:
        assert i in ours.ties_ or max(a.impurity[i], b.impurity[j]) <= residue, \
            f"the trees part at node {i} (ours) / {j} (sklearn), neither a tie nor an impurity residue"
    if not splits:
        assert a.node_count == b.node_count
        for key in ("children_left", "children_right", "feature", "n_node_samples"):
            np.testing.assert_array_equal(getattr(a, key), getattr(b, key), err_msg=key)
        np.testing.assert_array_equal(a.threshold, b.threshold)
        np.testing.assert_allclose(a.impurity, b.impurity, rtol=1e-10, atol=1e-12)
        value = b.value[:, 0, :] if b.value.ndim == 3 else b.value
        np.testing.assert_allclose(a.value, value, rtol=1e-10, atol=1e-12)
    return not any(i in ours.ties_ for i, _ in splits)  # same partition of the training data


@PROPERTIES
@given(Xy=dataset(), criterion=st.sampled_from(["gini", "entropy"]), seed=st.integers(0, 2**31 - 1),
       depth=st.sampled_from([1, 2, None]), leaf=st.integers(1, 3))
def test_cart_classifier_equals_sklearn_with_the_same_random_state(Xy, criterion, seed, depth, leaf):
    X, y = Xy
    ours = CARTClassifier(criterion=criterion, max_depth=depth, min_samples_leaf=leaf, random_state=seed).fit(X, y)
    ref = DecisionTreeClassifier(criterion="log_loss" if criterion == "entropy" else criterion, max_depth=depth,
                                 min_samples_leaf=leaf, random_state=seed).fit(X, y)
    if assert_same_tree_but_documented(ours, ref, np.ones(1)):
        np.testing.assert_array_equal(ours.predict(X), ref.predict(X))
        np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), rtol=1e-12)


@PROPERTIES
@given(Xy=dataset(regression=True), seed=st.integers(0, 2**31 - 1), depth=st.sampled_from([1, 2, None]),
       leaf=st.integers(1, 3))
@example(Xy=(np.array([[0.0, 0.0], [58.811123, 31.025352], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0],
                       [0.0, -97.40563], [0.0, 80.38409], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0],
                       [0.0, 92.22586], [0.0, 52.412663], [67.632965, 0.0], [0.0, 0.0]], dtype=np.float32),
             np.array([0.0, 0.0, 0.0, 0.0, 5.973657579674176, 0.0, 0.0, 0.0, 6.418572936142223, 0.0, -5.0, -1.0,
                       0.0, 0.0, 0.0, 6.769786212934328])), seed=1, depth=None, leaf=2)  # sklearn splits a residue
def test_cart_regressor_equals_sklearn_with_the_same_random_state(Xy, seed, depth, leaf):
    X, y = Xy
    ours = CARTRegressor(max_depth=depth, min_samples_leaf=leaf, random_state=seed).fit(X, y)
    ref = DecisionTreeRegressor(max_depth=depth, min_samples_leaf=leaf, random_state=seed).fit(X, y)
    if assert_same_tree_but_documented(ours, ref, y):
        np.testing.assert_allclose(ours.predict(X), ref.predict(X), rtol=1e-12, atol=1e-12)


# -- categorical splits, softmax, TreeSHAP, target statistics ------------------------------------------------------
@PROPERTIES
@given(data=st.data(), C=st.integers(2, 8), criterion=st.sampled_from(["squared_error", "gini", "entropy"]))
def test_sorted_categories_hold_the_best_partition(data, C, criterion):
    from mlnotes.trees import brute_force_partition_split, sorted_partition_split

    counts = data.draw(hnp.arrays(np.int64, C, elements=st.integers(1, 6)), label="rows per category")
    x = np.repeat(np.arange(C), counts)
    if criterion == "squared_error":
        y = data.draw(hnp.arrays(np.float64, len(x), elements=st.integers(-4, 4).map(float)), label="y")
    else:
        y = data.draw(hnp.arrays(np.int64, len(x), elements=st.integers(0, 1)), label="y")
    best = brute_force_partition_split(x, y, criterion)[1]
    assert abs(sorted_partition_split(x, y, criterion)[1] - best) <= 1e-12 * max(1.0, abs(best))


@PROPERTIES
@given(F_=hnp.arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(2, 6)), elements=LOGITS))
def test_softmax_equals_torch(F_):
    from mlnotes.trees import softmax

    P = softmax(F_)
    np.testing.assert_allclose(P, torch.softmax(torch.from_numpy(F_), dim=1).numpy(), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-12)
    assert softmax(F_.astype(np.float32)).dtype == np.float32


@PROPERTIES
@given(XY=dataset(regression=True), depth=st.integers(1, 6), data=st.data())
def test_tree_shap_equals_enumeration(XY, depth, data):
    from mlnotes.trees import brute_force_shap, expected_value, tree_shap

    X, y = XY
    tree = DecisionTreeRegressor(max_depth=depth, random_state=0).fit(X, y)
    rows = data.draw(hnp.arrays(np.float64, (3, X.shape[1]), elements=st.floats(-120, 120)), label="rows")
    fast = tree_shap(tree, rows)
    np.testing.assert_allclose(fast, brute_force_shap(tree, rows), rtol=1e-9, atol=1e-9 * (1 + np.abs(y).max()))
    np.testing.assert_allclose(fast[..., 0].sum(axis=1) + expected_value(tree)[0], tree.predict(rows),
                               rtol=1e-9, atol=1e-9 * (1 + np.abs(y).max()))


@PROPERTIES
@given(data=st.data(), n=st.integers(2, 40))
def test_ordered_statistic_never_sees_its_own_label(data, n):
    from mlnotes.trees import ordered_target_stats

    cat = data.draw(hnp.arrays(np.int64, n, elements=st.integers(0, 3)), label="cat")
    y = data.draw(hnp.arrays(np.float64, n, elements=st.sampled_from([0.0, 1.0])), label="y")
    i = data.draw(st.integers(0, n - 1), label="row")
    flipped = y.copy()
    flipped[i] = 1 - flipped[i]
    a = ordered_target_stats(cat, y, prior=0.5, seed=1)
    b = ordered_target_stats(cat, flipped, prior=0.5, seed=1)
    assert a[i] == b[i]  # row i's own encoding is built from the rows before it only
