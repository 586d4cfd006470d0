"""GBDT with K classes (K trees a round) against scikit-learn's GradientBoostingClassifier, by hand, and its
invariants; the shared round loop still gives the binary and regression models of before."""

import functools

import numpy as np
import pytest
from sklearn.datasets import load_iris, load_wine
from sklearn.ensemble import GradientBoostingClassifier, GradientBoostingRegressor
from sklearn.metrics import log_loss as sk_log_loss
from sklearn.model_selection import train_test_split

from mlnotes.trees import (GBDTClassifier, GBDTRegressor, divergent_nodes, multiclass_log_loss, parting_reasons,
                           sigmoid, softmax)
from mlnotes.trees.toy import blobs3


@functools.lru_cache(maxsize=None)
def split(name):
    X, y = {"iris": load_iris, "wine": load_wine}[name](return_X_y=True)
    return tuple(train_test_split(X, y, random_state=0))


def fit_both(name, M=20, **kw):
    Xtr, Xte, ytr, yte = split(name)
    params = dict(learning_rate=0.1, max_depth=3, random_state=0) | kw
    ours = GBDTClassifier(M, **params).fit(Xtr, ytr)
    ref = GradientBoostingClassifier(n_estimators=M, **params).fit(Xtr, ytr)
    return ours, ref, Xtr, Xte


def test_iris_equals_sklearn_node_for_node():
    ours, ref, Xtr, Xte = fit_both("iris", 30)
    assert ours.estimators_.shape == ref.estimators_.shape == (30, 3)
    for o, r in zip(ours.estimators_.ravel(), ref.estimators_.ravel()):
        assert divergent_nodes(o.tree_, r.tree_) == []
        np.testing.assert_allclose(o.tree_.value[:, 0], r.tree_.value[:, 0, 0], rtol=1e-10, atol=1e-12)
    for X in (Xtr, Xte):
        np.testing.assert_allclose(ours.decision_function(X), ref.decision_function(X), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), rtol=1e-10, atol=1e-14)
        np.testing.assert_array_equal(ours.predict(X), ref.predict(X))
    for a, b in zip(ours.staged_predict_proba(Xte), ref.staged_predict_proba(Xte)):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-14)


def test_initial_scores_are_centred_log_priors():
    ours, ref, Xtr, _ = fit_both("wine", 1)
    ytr = split("wine")[2]
    prior = np.bincount(ytr) / len(ytr)
    np.testing.assert_allclose(ours.init_, np.log(prior) - np.log(prior).mean(), rtol=1e-12)
    np.testing.assert_allclose(ours.init_, ref._raw_predict_init(Xtr[:1])[0], rtol=1e-12)
    assert abs(ours.init_.sum()) < 1e-12


def test_wine_training_scores_equal_at_the_chapter_settings():
    ours, ref, Xtr, Xte = fit_both("wine", 30)
    np.testing.assert_allclose(ours.decision_function(Xtr), ref.decision_function(Xtr), rtol=1e-10, atol=1e-10)
    np.testing.assert_array_equal(ours.predict(Xte), ref.predict(Xte))


@pytest.mark.parametrize("kw", [dict(), dict(learning_rate=0.5, max_depth=2), dict(min_samples_leaf=5)])
def test_wine_trees_part_only_at_ties(kw):
    """Where two features tie up to rounding, each library may pick another one (with min_samples_leaf=5 the
    first round already does, and then the training scores differ too): the trees part only at such ties, or
    where one of them splits a node into two leaves of equal value."""
    ours, ref, Xtr, Xte = fit_both("wine", 20, **kw)
    staged = zip(ours.staged_raw(Xtr), ref.staged_decision_function(Xtr))
    for m, (F_ours, F_ref) in enumerate(staged):  # compare trees while both models still see the same gradients
        for o, r in zip(ours.estimators_[m], ref.estimators_[m]):
            assert parting_reasons(o, r)["unexplained"] == 0, f"round {m + 1}"
        if not np.allclose(F_ours, F_ref, rtol=1e-10, atol=1e-10):
            assert kw == dict(min_samples_leaf=5)  # the one setting here where a tie moves training rows
            break
    assert np.mean(ours.predict(Xte) == ref.predict(Xte)) >= 0.95


def test_first_round_by_hand():
    """Three classes, one stump each: gradients y − 1/3 at equal priors, and the (K−1)/K Newton leaves."""
    X = np.array([[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]])
    y = np.array([0, 0, 1, 1, 2, 2])
    model = GBDTClassifier(1, learning_rate=1.0, max_depth=1).fit(X, y)
    np.testing.assert_allclose(model.init_, 0.0, atol=1e-15)  # equal priors: centred logs are 0
    # class 0's tree splits {0, 1} | {2..5}: left r = 2/3 (p = 1/3), right r = −1/3
    tree0 = model.estimators_[0, 0]
    assert tree0.tree_.threshold[0] == 1.5
    left = (2 / 3) * (2 / 3) / (1 / 3 * 2 / 3)  # (K−1)/K · mean r / mean p(1−p)
    right = (2 / 3) * (-1 / 3) / (1 / 3 * 2 / 3)
    np.testing.assert_allclose(tree0.predict(X), [left] * 2 + [right] * 4, rtol=1e-12)
    F = model.decision_function(X)
    np.testing.assert_allclose(F[:, 0], [left] * 2 + [right] * 4, rtol=1e-12)
    assert np.array_equal(model.predict(X), y)


def test_softmax_and_multiclass_log_loss():
    rng = np.random.default_rng(0)
    F = rng.normal(size=(20, 4)) * 5
    P = softmax(F)
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(softmax(F + 1000.0), P, rtol=1e-12)  # shift-invariant and stable
    np.testing.assert_allclose(softmax(np.c_[np.zeros(20), F[:, 0]])[:, 1], sigmoid(F[:, 0]), rtol=1e-12)  # K = 2
    y = rng.integers(0, 4, 20)
    np.testing.assert_allclose(multiclass_log_loss(y, F), sk_log_loss(y, P, labels=range(4)), rtol=1e-10)
    assert softmax(F.astype(np.float32)).dtype == np.float32


def test_string_labels_and_staged_losses_fall():
    Xtr, ytr, Xte, yte = blobs3()
    names = np.array(["cat", "dog", "eel"])
    model = GBDTClassifier(15, learning_rate=0.3, max_depth=2, random_state=0).fit(Xtr, names[ytr])
    assert set(model.predict(Xte)) <= set(names) and list(model.classes_) == list(names)
    losses = [multiclass_log_loss(ytr, F) for F in model.staged_raw(Xtr)]
    assert np.all(np.diff(losses) < 0)
    ref = GradientBoostingClassifier(n_estimators=15, learning_rate=0.3, max_depth=2, random_state=0)
    ref.fit(Xtr, names[ytr])
    np.testing.assert_allclose(model.decision_function(Xtr), ref.decision_function(Xtr), rtol=1e-10, atol=1e-10)


def test_binary_and_regression_keep_one_tree_a_round():
    X, y = split("iris")[0], split("iris")[2]
    yb = (y == 2).astype(int)
    ours = GBDTClassifier(5, random_state=0).fit(X, yb)
    ref = GradientBoostingClassifier(n_estimators=5, random_state=0).fit(X, yb)
    assert ours.estimators_.shape == ref.estimators_.shape == (5, 1)
    assert ours.decision_function(X).shape == (len(X),)
    np.testing.assert_allclose(ours.decision_function(X), ref.decision_function(X), rtol=1e-10, atol=1e-10)
    reg = GBDTRegressor(5, random_state=0).fit(X, y.astype(float))
    sk_reg = GradientBoostingRegressor(n_estimators=5, random_state=0).fit(X, y.astype(float))
    assert reg.estimators_.shape == (5, 1)
    np.testing.assert_allclose(reg.predict(X), sk_reg.predict(X), rtol=1e-12)
