"""Impurity measures, information gain / gain ratio by hand on the melon table, ID3 and C4.5."""

import math
from fractions import Fraction as Fr

import numpy as np
import pytest

from mlnotes.trees import (C45, ID3, best_threshold, class_proportions, entropy, error_upper_bound, gain_ratio, gini,
                           impurity, information_gain, intrinsic_value, melons, misclassification)


def H(*fractions) -> float:
    """Entropy in bits of exact fractions (hand formula, math.log2, 0·log 0 = 0)."""
    assert sum(fractions) == 1
    return -sum(float(f) * math.log2(f) for f in fractions if f > 0)


X, Y, NAMES = melons()
COL = {name: j for j, name in enumerate(NAMES)}
H_D = H(Fr(8, 17), Fr(9, 17))  # 8 ripe, 9 not


# -- impurity measures ------------------------------------------------------------------------
def test_entropy_gini_misclassification_values():
    p = np.array([[1.0, 0.0], [0.5, 0.5], [0.25, 0.75]])
    np.testing.assert_allclose(entropy(p), [0.0, 1.0, H(Fr(1, 4), Fr(3, 4))], rtol=1e-15)
    np.testing.assert_allclose(gini(p), [0.0, 0.5, 1 - (1 / 16 + 9 / 16)], rtol=1e-15)
    np.testing.assert_allclose(misclassification(p), [0.0, 0.5, 0.25], rtol=1e-15)
    np.testing.assert_allclose(entropy(np.full(8, 1 / 8)), 3.0, rtol=1e-15)  # log2 K for uniform


def test_gini_is_probability_two_draws_with_replacement_differ():
    rng = np.random.default_rng(0)
    p = rng.dirichlet(np.ones(4))
    differ = sum(p[k] * p[l] for k in range(4) for l in range(4) if k != l)
    np.testing.assert_allclose(gini(p), differ, rtol=1e-14)


def test_two_class_orderings_and_bounds():
    p = np.linspace(0.01, 0.99, 99)
    P = np.stack([p, 1 - p], axis=1)
    ent, g, err = entropy(P), gini(P), misclassification(P)
    assert np.all(err <= g + 1e-15) and np.all(g <= ent / 2 + 1e-15) and np.all(ent <= 1 + 1e-15)
    np.testing.assert_allclose(g, 2 * p * (1 - p), rtol=1e-13)


def test_impurity_of_labels_and_weights():
    y = np.array(["a", "b", "b", "c"])
    np.testing.assert_allclose(class_proportions(y), [0.25, 0.5, 0.25])
    assert impurity(y, "entropy") == pytest.approx(1.5)
    assert impurity(y, "gini") == pytest.approx(0.625)
    # integer weights = repeated rows
    w = np.array([1, 2, 0, 3])
    np.testing.assert_allclose(impurity(y, "gini", w), impurity(np.array(["a", "b", "b", "c", "c", "c"]), "gini"))
    np.testing.assert_allclose(impurity([1.0, 2.0, 3.0, 6.0], "mse"), np.var([1.0, 2.0, 3.0, 6.0]), rtol=1e-15)


# -- the melon table, by hand -----------------------------------------------------------------
def test_melon_entropy():
    np.testing.assert_allclose(impurity(Y), H_D, rtol=1e-15)
    assert round(H_D, 3) == 0.998


def test_melon_information_gains_by_hand():
    hand = {
        # texture: clear 7 yes / 2 no (9), slightly blurry 1/4 (5), blurry 0/3 (3)
        "texture": H_D - (Fr(9, 17) * H(Fr(7, 9), Fr(2, 9)) + Fr(5, 17) * H(Fr(1, 5), Fr(4, 5))),
        # navel: sunken 5/2 (7), slightly sunken 3/3 (6), flat 0/4 (4)
        "navel": H_D - (Fr(7, 17) * H(Fr(5, 7), Fr(2, 7)) + Fr(6, 17) * 1.0),
        # touch: hard 6/6 (12), soft 2/3 (5)
        "touch": H_D - (Fr(12, 17) * 1.0 + Fr(5, 17) * H(Fr(2, 5), Fr(3, 5))),
        # color: green 3/3 (6), dark 4/2 (6), pale 1/4 (5)
        "color": H_D - (Fr(6, 17) * 1.0 + Fr(6, 17) * H(Fr(4, 6), Fr(2, 6)) + Fr(5, 17) * H(Fr(1, 5), Fr(4, 5))),
    }
    for name, gain in hand.items():
        np.testing.assert_allclose(information_gain(Y, X[:, COL[name]]), float(gain), rtol=1e-13, err_msg=name)
    gains = {n: information_gain(Y, X[:, j]) for n, j in COL.items()}
    assert max(gains, key=gains.get) == "texture"  # ID3's root
    assert {n: round(g, 3) for n, g in gains.items()} == {"color": 0.108, "root": 0.143, "knock": 0.141,
                                                           "texture": 0.381, "navel": 0.289, "touch": 0.006}


def test_melon_intrinsic_value_and_gain_ratio():
    iv_texture = H(Fr(9, 17), Fr(5, 17), Fr(3, 17))
    np.testing.assert_allclose(intrinsic_value(X[:, COL["texture"]]), iv_texture, rtol=1e-14)
    np.testing.assert_allclose(intrinsic_value(X[:, COL["touch"]]), H(Fr(12, 17), Fr(5, 17)), rtol=1e-14)
    np.testing.assert_allclose(gain_ratio(Y, X[:, COL["texture"]]),
                               information_gain(Y, X[:, COL["texture"]]) / iv_texture, rtol=1e-14)


def test_gini_decrease_is_information_gain_with_gini():
    g = information_gain(Y, X[:, COL["texture"]], criterion="gini")
    parent = 1 - (Fr(8, 17) ** 2 + Fr(9, 17) ** 2)
    children = (Fr(9, 17) * (1 - Fr(7, 9) ** 2 - Fr(2, 9) ** 2) + Fr(5, 17) * (1 - Fr(1, 5) ** 2 - Fr(4, 5) ** 2))
    np.testing.assert_allclose(g, float(parent - children), rtol=1e-14)


def test_id_column_fools_information_gain_not_gain_ratio():
    ids = np.array([f"melon{i}" for i in range(len(Y))])
    X_id = np.column_stack([X, ids])
    assert information_gain(Y, ids) == pytest.approx(H_D)  # every branch is pure
    np.testing.assert_allclose(intrinsic_value(ids), math.log2(17), rtol=1e-14)
    assert ID3().fit(X_id, Y).root_.feature == 6  # ID3 splits on the id
    assert C45().fit(X_id, Y).root_.feature == COL["texture"]  # C4.5's gain ratio does not


# -- ID3 and C4.5 -----------------------------------------------------------------------------
def test_id3_tree_on_melons():
    tree = ID3().fit(X, Y, NAMES)
    root = tree.root_
    assert NAMES[root.feature] == "texture" and set(root.children) == {"clear", "slightly blurry", "blurry"}
    assert root.children["blurry"].feature is None and root.children["blurry"].label == "no"
    clear = root.children["clear"]
    # root, navel and touch tie at the clear node (gain 0.458): the first column wins
    gains = [information_gain(Y[X[:, 3] == "clear"], X[X[:, 3] == "clear", j]) for j in range(6)]
    np.testing.assert_allclose(sorted(gains)[-3:], [gains[1]] * 3, rtol=1e-13)
    assert NAMES[clear.feature] == "root"
    assert NAMES[root.children["slightly blurry"].feature] == "touch"
    # the empty branch 'pale' below (clear, slightly curled, color) takes its parent's majority
    color_node = clear.children["slightly curled"]
    assert NAMES[color_node.feature] == "color" and color_node.children["pale"].n_samples == 0
    assert color_node.children["pale"].label == "yes"
    np.testing.assert_array_equal(tree.predict(X), Y)  # a fully grown tree fits the table
    assert tree.depth() == 4


def test_id3_predicts_unseen_value_with_node_majority_and_respects_depth():
    tree = ID3(max_depth=1).fit(X, Y, NAMES)
    assert tree.depth() == 1
    row = X[:1].copy()
    row[0, COL["texture"]] = "unseen"
    assert tree.predict(row)[0] == "no"  # majority of the whole table (9 no)


def test_c45_root_on_categorical_melons():
    gains = np.array([information_gain(Y, X[:, j]) for j in range(6)])
    ratios = np.array([gain_ratio(Y, X[:, j]) for j in range(6)])
    candidates = np.flatnonzero(gains >= gains.mean())
    assert [NAMES[j] for j in candidates] == ["texture", "navel"]
    assert NAMES[candidates[np.argmax(ratios[candidates])]] == "texture"
    assert C45().fit(X, Y, NAMES).root_.feature == COL["texture"]


def test_c45_continuous_thresholds_by_hand():
    Xc, y, names = melons(continuous=True)
    sugar = Xc[:, 7].astype(float)
    density = Xc[:, 6].astype(float)
    t, gain, iv = best_threshold(sugar, y)
    assert t == pytest.approx((0.103 + 0.149) / 2, abs=1e-15)  # midpoint of consecutive sorted values
    # sugar <= 0.126: 5 melons, all 'no'; above: 8 yes, 4 no
    np.testing.assert_allclose(gain, H_D - Fr(12, 17) * H(Fr(8, 12), Fr(4, 12)), rtol=1e-13)
    np.testing.assert_allclose(iv, H(Fr(5, 17), Fr(12, 17)), rtol=1e-13)
    t_d, gain_d, iv_d = best_threshold(density, y)
    assert t_d == pytest.approx((0.360 + 0.403) / 2)
    np.testing.assert_allclose(gain_d, H_D - Fr(13, 17) * H(Fr(8, 13), Fr(5, 13)), rtol=1e-13)
    # C4.5's root: sugar has the largest gain ratio among above-average-gain attributes
    tree = C45().fit(Xc, y, names, continuous=[6, 7])
    assert names[tree.root_.feature] == "sugar" and tree.root_.threshold == pytest.approx(0.126)
    np.testing.assert_array_equal(tree.predict(Xc), y)
    assert best_threshold(np.ones(4), ["a", "b", "a", "b"])[1] == 0.0  # constant column: no split


# -- C4.5's error-based pruning ---------------------------------------------------------------------------------
@pytest.mark.parametrize("e,n", [(0, 1), (0, 6), (1, 16), (3, 10), (9, 10), (0, 500)])
@pytest.mark.parametrize("cf", [0.25, 0.1, 0.5])
def test_error_upper_bound_is_the_binomial_confidence_limit(e, n, cf):
    from scipy.stats import binom

    u = error_upper_bound(e, n, cf)
    assert e / n < u < 1
    np.testing.assert_allclose(binom.cdf(e, n, u), cf, rtol=1e-10)  # P(Bin(N, U) <= E) = CF
    if e == 0:
        np.testing.assert_allclose(u, 1 - cf ** (1 / n), rtol=1e-12)
    assert error_upper_bound(e, n, cf / 2) > u  # more confidence, a more pessimistic bound


def test_error_upper_bound_edges():
    assert error_upper_bound(4, 4) == 1.0
    assert error_upper_bound(0, 6) == pytest.approx(0.2063, abs=1e-4)  # 1 − 0.25^(1/6)
    # merging three error-free leaves (6, 9, 1 samples) into one leaf with 1 error out of 16 lowers the charge
    branch = 6 * error_upper_bound(0, 6) + 9 * error_upper_bound(0, 9) + 1 * error_upper_bound(0, 1)
    assert 16 * error_upper_bound(1, 16) < branch
