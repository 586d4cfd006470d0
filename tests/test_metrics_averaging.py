"""roc_auc (partial, one-vs-rest, one-vs-one, multilabel) and average_precision for any target, against sklearn."""

import warnings

import numpy as np
import pytest
import scipy.special
from sklearn import metrics as skm

import mlnotes.metrics as M

RTOL = 1e-12


def _multiclass(seed, n=200, classes=(0, 1, 2, 3)):
    rng = np.random.default_rng(seed)
    y = np.asarray(classes)[rng.integers(0, len(classes), n)]
    P = scipy.special.softmax(rng.standard_normal((n, len(classes))) + 1.2 * (y[:, None] == classes), axis=1)
    return rng, y, P


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("setting", [("ovr", "macro"), ("ovr", "weighted"), ("ovr", "micro"), ("ovr", None),
                                     ("ovo", "macro"), ("ovo", "weighted")])
def test_multiclass_auc_matches_sklearn(seed, setting):
    multi_class, average = setting
    rng, y, P = _multiclass(seed)
    np.testing.assert_allclose(M.roc_auc(y, P, multi_class=multi_class, average=average),
                               skm.roc_auc_score(y, P, multi_class=multi_class, average=average), rtol=RTOL)
    if multi_class == "ovr":
        w = rng.random(len(y))
        np.testing.assert_allclose(M.roc_auc(y, P, multi_class="ovr", average=average, sample_weight=w),
                                   skm.roc_auc_score(y, P, multi_class="ovr", average=average, sample_weight=w),
                                   rtol=RTOL)


def test_multiclass_auc_string_labels_and_labels_argument():
    rng, y, P = _multiclass(1, classes=("ant", "bee", "cat"))
    for mc in ("ovr", "ovo"):
        assert M.roc_auc(y, P, multi_class=mc) == pytest.approx(skm.roc_auc_score(y, P, multi_class=mc), rel=RTOL)
    y2 = np.where(y == "cat", "bee", y)  # only two classes seen; labels name the three columns
    labels = ["ant", "bee", "cat"]
    assert M.roc_auc(y2, P, multi_class="ovo", labels=labels) == pytest.approx(
        skm.roc_auc_score(y2, P, multi_class="ovo", labels=labels), rel=RTOL)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sklearn warns of the class never seen (its AUC is NaN, weight 0)
        want = skm.roc_auc_score(y2, P, multi_class="ovr", average="weighted", labels=labels)
    assert M.roc_auc(y2, P, multi_class="ovr", average="weighted", labels=labels) == pytest.approx(want, rel=RTOL)


def test_ovo_by_hand_hand_and_till():
    """sklearn's toy example (test_multiclass_ovo_roc_auc_toydata), computed pair by pair."""
    y = np.array([0, 1, 0, 2])
    P = np.array([[0.1, 0.8, 0.1], [0.3, 0.4, 0.3], [0.35, 0.5, 0.15], [0, 0.2, 0.8]])
    pair = lambda a_pos, sa, b_pos, sb: (M.roc_auc(a_pos, sa) + M.roc_auc(b_pos, sb)) / 2  # noqa: E731
    s01 = pair([1, 0, 1], [0.1, 0.3, 0.35], [0, 1, 0], [0.8, 0.4, 0.5])
    s02 = pair([1, 1, 0], [0.1, 0.35, 0], [0, 0, 1], [0.1, 0.15, 0.8])
    s12 = pair([1, 0], [0.4, 0.2], [0, 1], [0.3, 0.8])
    assert M.roc_auc(y, P, multi_class="ovo") == pytest.approx((s01 + s02 + s12) / 3, rel=RTOL)
    assert M.roc_auc(y, P, multi_class="ovo", average="weighted") == pytest.approx(
        np.average([s01, s02, s12], weights=[0.75, 0.75, 0.5]), rel=RTOL)


def test_ovo_is_invariant_to_copying_a_class_and_ovr_is_not():
    _, y, P = _multiclass(3)
    c = np.where(y == 2, 4, 1)
    y4, P4 = np.repeat(y, c), np.repeat(P, c, axis=0)
    assert M.roc_auc(y4, P4, multi_class="ovo") == pytest.approx(M.roc_auc(y, P, multi_class="ovo"), rel=RTOL)
    assert abs(M.roc_auc(y4, P4, multi_class="ovr") - M.roc_auc(y, P, multi_class="ovr")) > 1e-4


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("average", ["macro", "weighted", "micro", "samples", None])
def test_multilabel_auc_and_ap_match_sklearn(seed, average):
    rng = np.random.default_rng(seed)
    Y = (rng.random((120, 4)) < 0.4).astype(int)
    Y[:, 0] = 1 - Y[:, 1]  # every row has both classes ("samples" is defined)
    S = rng.standard_normal((120, 4)) + Y
    w = rng.random(120)
    for sw in (None, w):
        np.testing.assert_allclose(M.roc_auc(Y, S, average=average, sample_weight=sw),
                                   skm.roc_auc_score(Y, S, average=average, sample_weight=sw), rtol=RTOL)
        np.testing.assert_allclose(M.average_precision(Y, S, average=average, sample_weight=sw),
                                   skm.average_precision_score(Y, S, average=average, sample_weight=sw), rtol=RTOL)
    np.testing.assert_allclose(M.roc_auc(Y, S, average=average, max_fpr=0.25),
                               skm.roc_auc_score(Y, S, average=average, max_fpr=0.25), rtol=RTOL)


def test_multiclass_average_precision_matches_sklearn():
    _, y, P = _multiclass(5)
    for average in ("macro", "weighted", "micro", None):
        np.testing.assert_allclose(M.average_precision(y, P, average=average),
                                   skm.average_precision_score(y, P, average=average), rtol=RTOL)


@pytest.mark.parametrize("max_fpr", [0.01, 0.05, 0.1, 0.37, 0.5, 0.99, 1.0])
def test_partial_auc_matches_sklearn_with_ties_and_weights(max_fpr):
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 300)
    s = np.round(rng.standard_normal(300) + y, 1)  # ties
    w = rng.random(300)
    assert M.roc_auc(y, s, max_fpr=max_fpr) == pytest.approx(skm.roc_auc_score(y, s, max_fpr=max_fpr), rel=RTOL)
    assert M.roc_auc(y, s, max_fpr=max_fpr, sample_weight=w) == pytest.approx(
        skm.roc_auc_score(y, s, max_fpr=max_fpr, sample_weight=w), rel=RTOL)


def test_partial_auc_random_is_half_and_perfect_is_one():
    y = np.array([0, 1] * 20)
    for f in (0.05, 0.3, 1.0):
        assert M.roc_auc(y, np.zeros(40), max_fpr=f) == 0.5
        assert M.roc_auc(y, y.astype(float), max_fpr=f) == 1.0


def test_binary_auc_positive_is_the_greater_label():
    y = np.array(["no", "yes", "yes", "no", "yes"])
    s = np.array([0.1, 0.9, 0.4, 0.5, 0.7])
    assert M.roc_auc(y, s) == pytest.approx(skm.roc_auc_score(y, s), rel=RTOL)
    assert M.roc_auc(y, s) == pytest.approx(M.auc_pairs((y == "yes").astype(int), s), rel=RTOL)


def test_weighted_average_skips_a_label_without_positives_like_sklearn():
    _, y, P = _multiclass(2, classes=(0, 1, 2))
    y = np.where(y == 2, 1, y)  # class 2 absent; its column still exists
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sklearn warns of the class never seen (its AUC is NaN, weight 0)
        want = skm.roc_auc_score(y, P, multi_class="ovr", average="weighted", labels=[0, 1, 2])
    assert M.roc_auc(y, P, multi_class="ovr", average="weighted", labels=[0, 1, 2]) == pytest.approx(want, rel=RTOL)
    with pytest.raises(ValueError, match="label 2: y_true must contain both classes"):
        M.roc_auc(y, P, multi_class="ovr", labels=[0, 1, 2])  # macro: an AUC of a class never seen is undefined
