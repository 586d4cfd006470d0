"""sample_weight, pos_label, normalize and multilabel indicators in mlnotes.metrics, against sklearn.metrics."""

import numpy as np
import pytest
from sklearn import metrics as skm

import mlnotes.metrics as M

RTOL = 1e-12


def _data(seed, n=80, n_classes=3):
    rng = np.random.default_rng(seed)
    t, p = rng.integers(0, n_classes, n), rng.integers(0, n_classes, n)
    return rng, t, p


# -- weights are copies ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(4))
def test_integer_weights_equal_repeated_rows(seed):
    rng, t, p = _data(seed)
    c = rng.integers(0, 4, len(t))
    c[0] = 1
    rep = lambda a: np.repeat(a, c, axis=0)  # noqa: E731
    y, s = (t == 1).astype(int), rng.standard_normal(len(t)) + (t == 1)
    y[:2] = [0, 1]
    c[:2] = 1  # both classes keep a weight
    np.testing.assert_array_equal(M.confusion_matrix(t, p, sample_weight=c), M.confusion_matrix(rep(t), rep(p)))
    assert M.accuracy(t, p, sample_weight=c) == pytest.approx(M.accuracy(rep(t), rep(p)), rel=RTOL)
    for average in ("macro", "micro", "weighted", None):
        np.testing.assert_allclose(M.precision_recall_fbeta(t, p, average=average, sample_weight=c),
                                   M.precision_recall_fbeta(rep(t), rep(p), average=average), rtol=RTOL)
    for ours, copied in zip(M.roc_curve(y, s, sample_weight=c), M.roc_curve(rep(y), rep(s))):
        np.testing.assert_allclose(ours, copied, rtol=RTOL)
    assert M.roc_auc(y, s, sample_weight=c) == pytest.approx(M.roc_auc(rep(y), rep(s)), rel=RTOL)
    assert M.average_precision(y, s, sample_weight=c) == pytest.approx(M.average_precision(rep(y), rep(s)), rel=RTOL)
    P = np.stack([1 - 1 / (1 + np.exp(-s)), 1 / (1 + np.exp(-s))], axis=1)
    assert M.log_loss(y, P, sample_weight=c) == pytest.approx(M.log_loss(rep(y), rep(P)), rel=RTOL)
    assert M.brier_score(y, P[:, 1], sample_weight=c) == pytest.approx(M.brier_score(rep(y), rep(P[:, 1])), rel=RTOL)


# -- against sklearn ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("normalize", [None, "true", "pred", "all"])
def test_confusion_matrix_weights_and_normalize_match_sklearn(seed, normalize):
    rng, t, p = _data(seed, n_classes=4)
    for w in (None, rng.random(len(t)), rng.integers(0, 5, len(t))):
        ours = M.confusion_matrix(t, p, sample_weight=w, normalize=normalize)
        ref = skm.confusion_matrix(t, p, sample_weight=w, normalize=normalize)
        assert ours.dtype == ref.dtype
        np.testing.assert_allclose(ours, ref, rtol=RTOL)
    labels = [3, 0, 7]  # a subset with an absent label: its row and column stay 0 after normalizing
    np.testing.assert_allclose(M.confusion_matrix(t, p, labels=labels, normalize=normalize),
                               skm.confusion_matrix(t, p, labels=labels, normalize=normalize), rtol=RTOL)


def test_normalized_diagonals_are_recall_and_precision():
    _, t, p = _data(5)
    np.testing.assert_allclose(np.diag(M.confusion_matrix(t, p, normalize="true")), M.recall(t, p, average=None))
    np.testing.assert_allclose(np.diag(M.confusion_matrix(t, p, normalize="pred")), M.precision(t, p, average=None))
    assert M.confusion_matrix(t, p, normalize="all").sum() == pytest.approx(1.0)


def test_integer_weights_sum_exactly_and_wrap_like_sklearn():
    """Counts of integer weights are exact int64 sums (float64 would round above 2**53), wrapping as sklearn's."""
    y = [0, 1, 1]
    big = np.full(3, 2**53 + 1, dtype=np.int64)
    assert M.confusion_matrix(y, y, sample_weight=big)[1, 1] == 2 * (2**53 + 1)
    top = np.full(3, np.iinfo(np.int64).max, dtype=np.int64)
    np.testing.assert_array_equal(M.confusion_matrix(y, y, sample_weight=top), skm.confusion_matrix(y, y, sample_weight=top))


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("average", ["macro", "micro", "weighted", None])
def test_weighted_prf_matches_sklearn(seed, average):
    rng, t, p = _data(seed, n_classes=4)
    w = rng.random(len(t))
    for beta in (0.5, 1.0, 2.0):
        ours = M.precision_recall_fbeta(t, p, beta=beta, average=average, sample_weight=w)
        ref = skm.precision_recall_fscore_support(t, p, beta=beta, average=average, sample_weight=w,
                                                  zero_division=0.0)[:3]
        for a, b in zip(ours, ref):
            np.testing.assert_allclose(a, b, rtol=RTOL)


@pytest.mark.parametrize("pos_label", ["spam", "ham"])
def test_string_labels_with_pos_label_match_sklearn(pos_label):
    rng = np.random.default_rng(0)
    t = np.array(["ham", "spam"])[rng.integers(0, 2, 50)]
    p = np.array(["ham", "spam"])[rng.integers(0, 2, 50)]
    s = rng.standard_normal(50) + (t == "spam")
    w = rng.random(50)
    for ours, ref in ((M.f1, skm.f1_score), (M.precision, skm.precision_score), (M.recall, skm.recall_score)):
        assert ours(t, p, pos_label=pos_label, sample_weight=w) == pytest.approx(
            ref(t, p, pos_label=pos_label, sample_weight=w), rel=RTOL)
    for a, b in zip(M.roc_curve(t, s, pos_label=pos_label, sample_weight=w),
                    skm.roc_curve(t, s, pos_label=pos_label, sample_weight=w, drop_intermediate=False)):
        np.testing.assert_allclose(a, b, rtol=RTOL)
    for a, b in zip(M.precision_recall_curve(t, s, pos_label=pos_label, sample_weight=w),
                    skm.precision_recall_curve(t, s, pos_label=pos_label, sample_weight=w)):
        np.testing.assert_allclose(a, b, rtol=RTOL)
    assert M.average_precision(t, s, pos_label=pos_label) == pytest.approx(
        skm.average_precision_score(t, s, pos_label=pos_label), rel=RTOL)


def test_minus_one_one_labels_need_no_pos_label():
    rng = np.random.default_rng(2)
    y = rng.choice([-1, 1], 40)
    y[:2] = [-1, 1]
    s = rng.standard_normal(40) + y
    for a, b in zip(M.roc_curve(y, s), skm.roc_curve(y, s, drop_intermediate=False)):
        np.testing.assert_allclose(a, b, rtol=RTOL)
    assert M.roc_auc(y, s) == pytest.approx(skm.roc_auc_score(y, s), rel=RTOL)


def test_zero_weights_drop_samples_from_curves_like_sklearn():
    y, s = np.array([0, 0, 1, 1, 1]), np.array([0.1, 0.2, 0.3, 0.4, 0.5])
    w = np.array([1, 0, 1, 0, 1])
    for a, b in zip(M.roc_curve(y, s, sample_weight=w), skm.roc_curve(y, s, sample_weight=w, drop_intermediate=False)):
        np.testing.assert_allclose(a, b, rtol=RTOL)
    for a, b in zip(M.roc_curve(y, s, sample_weight=w), M.roc_curve(y[w > 0], s[w > 0])):
        np.testing.assert_allclose(a, b, rtol=RTOL)


# -- multilabel ----------------------------------------------------------------------------------------------------
def _indicators(seed, n=70, n_labels=5):
    rng = np.random.default_rng(seed)
    T = (rng.random((n, n_labels)) < 0.4).astype(int)
    P = np.where(rng.random((n, n_labels)) < 0.3, 1 - T, T)
    return rng, T, P


def test_multilabel_by_hand():
    T = np.array([[1, 0, 1], [0, 1, 0], [1, 1, 0], [0, 0, 1]])
    P = np.array([[1, 0, 0], [0, 1, 0], [1, 0, 1], [0, 0, 1]])
    assert M.accuracy(T, P) == 0.5
    assert M.precision_recall_fbeta(T, P, average="micro")[:2] == (4 / 5, 4 / 6)
    assert M.precision_recall_fbeta(T, P, average="samples")[:2] == (0.875, 0.75)
    mcm = M.multilabel_confusion_matrix(T, P)
    np.testing.assert_array_equal(mcm[:, 1, 1], [2, 1, 1])  # TP of each genre


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("average", ["micro", "macro", "weighted", "samples", None])
def test_multilabel_prf_matches_sklearn(seed, average):
    rng, T, P = _indicators(seed)
    for w in (None, rng.random(len(T))):
        for labels in (None, [3, 0]):
            ours = M.precision_recall_fbeta(T, P, average=average, sample_weight=w, labels=labels)
            ref = skm.precision_recall_fscore_support(T, P, average=average, sample_weight=w, labels=labels,
                                                      zero_division=0.0)[:3]
            for a, b in zip(ours, ref):
                np.testing.assert_allclose(a, b, rtol=RTOL)


@pytest.mark.parametrize("seed", range(3))
def test_multilabel_accuracy_and_confusion_matrices_match_sklearn(seed):
    rng, T, P = _indicators(seed)
    w = rng.random(len(T))
    assert M.accuracy(T, P) == skm.accuracy_score(T, P)
    assert M.accuracy(T, P, sample_weight=w) == pytest.approx(skm.accuracy_score(T, P, sample_weight=w), rel=RTOL)
    assert M.accuracy(T, P, normalize=False) == skm.accuracy_score(T, P, normalize=False)
    for kwargs in ({}, {"sample_weight": w}, {"labels": [4, 1]}, {"samplewise": True}):
        np.testing.assert_allclose(M.multilabel_confusion_matrix(T, P, **kwargs),
                                   skm.multilabel_confusion_matrix(T, P, **kwargs), rtol=RTOL)
    t, p = rng.integers(0, 4, 50), rng.integers(0, 4, 50)  # 1-D labels: one-vs-rest per label
    for kwargs in ({}, {"labels": [2, 0, 9]}, {"sample_weight": rng.random(50)}):
        np.testing.assert_allclose(M.multilabel_confusion_matrix(t, p, **kwargs),
                                   skm.multilabel_confusion_matrix(t, p, **kwargs), rtol=RTOL)


def test_label_counts_support_matches_sklearn_for_weights_and_indicators():
    rng, T, P = _indicators(7)
    w = rng.random(len(T))
    np.testing.assert_allclose(M.label_counts(T, P, None, sample_weight=w)[2],
                               skm.precision_recall_fscore_support(T, P, sample_weight=w, zero_division=0.0)[3],
                               rtol=RTOL)
