"""mlnotes.metrics equals sklearn.metrics; AUC three ways agree; errata 14 and 19 behave as stated."""

import warnings

import numpy as np
import pytest
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import metrics as skm
from sklearn.exceptions import UndefinedMetricWarning

import mlnotes.metrics as M

RTOL = 1e-10
AVERAGES = ["macro", "micro", "weighted", None]


def _random_labels(seed, n_classes, n=40):
    rng = np.random.default_rng(seed)
    return rng.integers(0, n_classes, n), rng.integers(0, n_classes, n)


def _scores_with_ties(seed, n=60, rate=0.4, decimals=1):
    """Binary labels and scores rounded so that many scores tie (across classes too)."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < rate).astype(np.int64)
    y[:2] = [0, 1]  # both classes present
    s = np.round(rng.standard_normal(n) + y, decimals)
    return y, s


# -- confusion matrix, accuracy -----------------------------------------------------------------
def test_confusion_matrix_binary_layout_by_hand():
    y_true = [0, 0, 0, 1, 1, 1, 1]
    y_pred = [0, 1, 1, 1, 1, 0, 1]
    np.testing.assert_array_equal(M.confusion_matrix(y_true, y_pred), [[1, 2], [1, 3]])  # [[TN, FP], [FN, TP]]
    np.testing.assert_array_equal(M.confusion_matrix(y_true, y_pred, labels=[1, 0]), [[3, 1], [2, 1]])


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("n_classes", [2, 3, 5])
def test_confusion_matrix_and_accuracy_match_sklearn(seed, n_classes):
    t, p = _random_labels(seed, n_classes)
    np.testing.assert_array_equal(M.confusion_matrix(t, p), skm.confusion_matrix(t, p))
    assert M.accuracy(t, p) == skm.accuracy_score(t, p)
    labels = np.random.default_rng(seed).permutation(n_classes + 1)[:n_classes]  # permuted, one unseen
    np.testing.assert_array_equal(M.confusion_matrix(t, p, labels=labels), skm.confusion_matrix(t, p, labels=labels))


def test_confusion_matrix_string_labels_match_sklearn():
    t = np.array(["cat", "dog", "pig", "cat", "dog", "pig", "cat"])
    p = np.array(["cat", "pig", "dog", "cat", "cat", "dog", "pig"])
    for labels in (None, ["pig", "dog", "cat"], ["dog", "cat"]):
        ours = M.confusion_matrix(t, p, labels=labels)
        np.testing.assert_array_equal(ours, skm.confusion_matrix(t, p, labels=labels))


# -- precision, recall, F-beta ----------------------------------------------------------------
@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("average", AVERAGES)
@pytest.mark.parametrize("beta", [1.0, 0.5, 2.0, 0.0])
def test_prf_multiclass_matches_sklearn(seed, average, beta):
    t, p = _random_labels(seed, 4, n=25)
    for zd in (0.0, 1.0, np.nan):
        ours = M.precision_recall_fbeta(t, p, beta=beta, average=average, zero_division=zd)
        ref = skm.precision_recall_fscore_support(t, p, beta=beta, average=average, zero_division=zd)[:3]
        for a, b in zip(ours, ref):
            np.testing.assert_allclose(a, b, rtol=RTOL, equal_nan=True)


@pytest.mark.parametrize("seed", range(8))
def test_prf_binary_and_labels_subset_match_sklearn(seed):
    t, p = _random_labels(seed, 2, n=15)
    for fn, ref in ((M.precision, skm.precision_score), (M.recall, skm.recall_score), (M.f1, skm.f1_score)):
        assert fn(t, p) == pytest.approx(ref(t, p, zero_division=0.0), rel=RTOL)
        assert fn(t, p, pos_label=0) == pytest.approx(ref(t, p, pos_label=0, zero_division=0.0), rel=RTOL)
    assert M.fbeta(t, p, beta=2) == pytest.approx(skm.fbeta_score(t, p, beta=2, zero_division=0.0), rel=RTOL)
    t3, p3 = _random_labels(seed, 4, n=15)
    for average in ("macro", "micro", "weighted"):
        ours = M.precision_recall_fbeta(t3, p3, average=average, labels=[3, 1, 7])  # 7 never occurs
        ref = skm.precision_recall_fscore_support(t3, p3, average=average, labels=[3, 1, 7], zero_division=0.0)
        np.testing.assert_allclose(ours, ref[:3], rtol=RTOL)


def test_micro_average_equals_accuracy_for_multiclass():
    t, p = _random_labels(3, 5, n=200)
    prec, rec, f = M.precision_recall_fbeta(t, p, average="micro")
    assert prec == pytest.approx(M.accuracy(t, p), rel=RTOL) and rec == pytest.approx(prec) and f == pytest.approx(prec)


def test_f1_is_harmonic_mean_by_hand():
    t = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0]
    p = [1, 1, 1, 0, 1, 1, 0, 0, 0, 0]  # TP 3, FN 1, FP 2
    assert M.precision(t, p) == pytest.approx(3 / 5) and M.recall(t, p) == pytest.approx(3 / 4)
    assert M.f1(t, p) == pytest.approx(2 * (3 / 5) * (3 / 4) / (3 / 5 + 3 / 4), rel=RTOL)
    assert M.fbeta(t, p, beta=2) == pytest.approx(5 * 3 / (5 * 3 + 4 * 1 + 2), rel=RTOL)


def test_string_labels_with_pos_label_match_sklearn():
    t = np.array(["spam", "ham", "spam", "ham", "ham"])
    p = np.array(["spam", "spam", "ham", "ham", "ham"])
    assert M.f1(t, p, pos_label="spam") == pytest.approx(skm.f1_score(t, p, pos_label="spam"), rel=RTOL)


EDGE_CASES = [
    ("no positive predicted", [0, 1, 1, 0], [0, 0, 0, 0]),
    ("no positive in y_true", [0, 0, 0, 0], [0, 1, 0, 1]),
    ("all one class (negative), predicted so", [0, 0, 0], [0, 0, 0]),
    ("all one class (positive), predicted so", [1, 1, 1], [1, 1, 1]),
    ("every prediction wrong", [0, 1, 0, 1], [1, 0, 1, 0]),
]


@pytest.mark.parametrize("name,t,p", EDGE_CASES, ids=[c[0] for c in EDGE_CASES])
def test_zero_division_edge_cases_match_sklearn(name, t, p):
    for average in ["binary", *AVERAGES]:
        for zd in (0.0, 1.0, np.nan):
            ours = M.precision_recall_fbeta(t, p, average=average, zero_division=zd)
            ref = skm.precision_recall_fscore_support(t, p, average=average, zero_division=zd)[:3]
            for a, b in zip(ours, ref):
                np.testing.assert_allclose(a, b, rtol=RTOL, equal_nan=True)


@pytest.mark.parametrize("name,t,p", EDGE_CASES[:3], ids=[c[0] for c in EDGE_CASES[:3]])
def test_default_zero_division_is_sklearns_value_without_warning_or_nan(name, t, p):
    with pytest.warns(UndefinedMetricWarning):  # sklearn 1.9 default "warn": returns 0.0 and warns
        ref = skm.precision_recall_fscore_support(t, p, average="binary")[:3]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # ours: same value, no warning
        ours = M.precision_recall_fbeta(t, p)
    assert ours == ref and not any(np.isnan(ours))


def test_zero_division_raise_names_the_quantity():
    with pytest.raises(ValueError, match=r"precision \(no predicted samples\) is 0/0 for label\(s\) \[1\]"):
        M.precision([0, 1, 1], [0, 0, 0], zero_division="raise")
    assert M.recall([0, 1, 1], [0, 0, 0], zero_division="raise") == 0.0  # recall itself is defined


# -- ROC, PR, AUC -------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("drop", [False, True])
def test_roc_curve_matches_sklearn(seed, drop):
    y, s = _scores_with_ties(seed)
    for ours, ref in zip(M.roc_curve(y, s, drop_intermediate=drop), skm.roc_curve(y, s, drop_intermediate=drop)):
        np.testing.assert_allclose(ours, ref, rtol=RTOL)
    fpr, tpr, thr = M.roc_curve(y.astype(bool), s)
    assert thr[0] == np.inf and (fpr[0], tpr[0], fpr[-1], tpr[-1]) == (0, 0, 1, 1)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("drop", [False, True])
def test_pr_curve_and_average_precision_match_sklearn(seed, drop):
    y, s = _scores_with_ties(seed, rate=0.2)
    for ours, ref in zip(M.precision_recall_curve(y, s, drop_intermediate=drop),
                         skm.precision_recall_curve(y, s, drop_intermediate=drop)):
        np.testing.assert_allclose(ours, ref, rtol=RTOL)
    assert M.average_precision(y, s) == pytest.approx(skm.average_precision_score(y, s), rel=RTOL)


def test_no_positive_pr_curve_and_ap_raise_where_sklearn_returns_zero():
    """Item 16: kept, documented. sklearn warns, sets recall to 1 at every threshold and returns AP = 0.0 (a number
    that reads as the worst possible ranker); ours raises ValueError, as for a one-class ROC AUC."""
    y, s = [0, 0, 0, 0], [0.1, 0.7, 0.3, 0.9]
    with pytest.warns(UserWarning, match="No positive class found in y_true"):
        sk_prec, sk_rec, _ = skm.precision_recall_curve(y, s)
    np.testing.assert_array_equal(sk_rec, [1, 1, 1, 1, 0])
    with pytest.warns(UserWarning, match="No positive class found in y_true"):
        assert skm.average_precision_score(y, s) == 0.0
    with pytest.raises(ValueError, match=r"at least one positive .*\(sklearn sets it to 1 and returns AP = 0.0"):
        M.precision_recall_curve(y, s)
    with pytest.raises(ValueError, match="at least one positive"):
        M.average_precision(y, s)
    assert "sets recall to 1" in M.precision_recall_curve.__doc__  # the difference is in the docstrings
    assert "returns 0.0" in M.average_precision.__doc__
    with pytest.warns(UserWarning, match="No positive samples"):  # the one-class ROC, for comparison
        assert np.all(np.isnan(skm.roc_curve(y, s)[1]))
    with pytest.raises(ValueError, match="both classes"):
        M.roc_curve(y, s)
    assert "NaN true positive rates" in M.roc_curve.__doc__


def test_rank_average_matches_scipy():
    x = np.round(np.random.default_rng(0).standard_normal(200), 1)
    np.testing.assert_allclose(M.rank_average(x), scipy.stats.rankdata(x, method="average"), rtol=0)


MC_PAIRS = 200_000
MC_TOL = 4 * 0.5 / np.sqrt(MC_PAIRS)  # four standard errors at the worst case AUC = 0.5: 0.0045


@pytest.mark.parametrize("seed", range(6))
def test_auc_three_ways_equal_sklearn(seed):
    y, s = _scores_with_ties(seed, n=300, decimals=1 if seed % 2 else 6)
    ref = skm.roc_auc_score(y, s)
    assert M.auc_trapezoid(y, s) == pytest.approx(ref, rel=RTOL)
    assert M.auc_rank(y, s) == pytest.approx(ref, rel=RTOL)
    assert M.auc_pairs(y, s) == pytest.approx(ref, rel=RTOL)
    assert M.auc_pairs(y, s, chunk=7) == pytest.approx(ref, rel=RTOL)
    assert abs(M.auc_monte_carlo(y, s, n_pairs=MC_PAIRS, seed=seed) - ref) < MC_TOL


def test_auc_by_hand_with_a_tie():
    y = [0, 0, 1, 1, 0, 1]
    s = [0.1, 0.4, 0.35, 0.8, 0.8, 0.9]
    # pairs (pos, neg): 0.35 beats 0.1 only; 0.8 beats 0.1, 0.4 and ties 0.8; 0.9 beats all three
    expected = (1 + 2.5 + 3) / 9
    for fn in (M.auc_trapezoid, M.auc_rank, M.auc_pairs):
        assert fn(y, s) == pytest.approx(expected, rel=RTOL)


def test_auc_edge_cases():
    assert M.auc_rank([0, 1, 0, 1], [0.3] * 4) == 0.5  # all equal: one diagonal segment
    assert M.auc_trapezoid([0, 0, 1], [0.1, 0.2, 0.3]) == 1.0
    assert M.auc_pairs([1, 0, 0], [0.1, 0.2, 0.3]) == 0.0
    assert M.auc_rank([0, 1, 0, 0], [0.1, 0.5, 0.7, 0.2]) == pytest.approx(skm.roc_auc_score([0, 1, 0, 0],
                                                                                             [0.1, 0.5, 0.7, 0.2]))


@pytest.mark.parametrize("seed", range(4))
def test_erratum_14_descending_ranks_give_one_minus_auc(seed):
    y, s = _scores_with_ties(seed, n=100)
    auc = skm.roc_auc_score(y, s)
    assert M.auc_rank(y, s, order="descending") == pytest.approx(1 - auc, rel=RTOL)
    assert abs(M.auc_rank(y, s, order="descending") - auc) > 0.2  # not a rounding matter


def test_erratum_14_on_the_real_classifier():
    y, s = M.breast_cancer_scores()
    assert M.auc_rank(y, s) == pytest.approx(skm.roc_auc_score(y, s), rel=RTOL)
    assert M.auc_rank(y, s, order="descending") == pytest.approx(1 - skm.roc_auc_score(y, s), rel=RTOL)


TRANSFORMS = {
    "exp": np.exp,
    "logistic": lambda x: 1 / (1 + np.exp(-x)),
    "affine 3x + 2": lambda x: 3 * x + 2,
    "cube": lambda x: x**3,
    "arctan": np.arctan,
}


@settings(max_examples=40, deadline=None)
@given(labels=st.lists(st.integers(0, 1), min_size=2, max_size=40),
       grid=st.lists(st.integers(-50, 50), min_size=40, max_size=40))
def test_auc_unchanged_under_strictly_increasing_transforms(labels, grid):
    y = np.array(labels)
    if y.min() == y.max():
        y[0] = 1 - y[0]
    s = np.array(grid[:len(y)]) / 10.0  # in [-5, 5], ties likely; every transform stays strictly increasing
    base = M.auc_rank(y, s)
    assert base == pytest.approx(skm.roc_auc_score(y, s), rel=RTOL)
    for fn in TRANSFORMS.values():
        assert M.auc_rank(y, fn(s)) == pytest.approx(base, rel=RTOL)
        assert M.auc_trapezoid(y, fn(s)) == pytest.approx(base, rel=RTOL)
    assert M.auc_rank(y, -s) == pytest.approx(1 - base, rel=RTOL, abs=1e-12)  # decreasing: flips


def test_operating_point_lies_on_both_curves():
    y, s = M.breast_cancer_scores()
    fpr, tpr, thr = M.roc_curve(y, s)
    prec, rec, pr_thr = M.precision_recall_curve(y, s)
    for k in (5, 20, 40):
        point = M.operating_point(y, s, thr[k])
        assert (point["fpr"], point["tpr"]) == pytest.approx((fpr[k], tpr[k]), rel=RTOL)
        j = int(np.flatnonzero(pr_thr == thr[k])[0])
        assert (point["precision"], point["recall"]) == pytest.approx((prec[j], rec[j]), rel=RTOL)
        pred = M.predict_at(s, thr[k])
        assert point["precision"] == pytest.approx(skm.precision_score(y, pred), rel=RTOL)


# -- ranking metrics ------------------------------------------------------------------------------
def test_mrr_notes_example_and_hand_cases():
    ranked = [["a", "b", "c"], ["d", "e", "f"]]
    relevant = [{"b"}, {"d"}]  # first query: rank 2; second: rank 1
    assert M.mrr(ranked, relevant) == pytest.approx((1 / 2 + 1 / 1) / 2)
    np.testing.assert_allclose(M.reciprocal_ranks(ranked, relevant), [0.5, 1.0])
    assert M.mrr(ranked, relevant, k=1) == 0.5  # the rank-2 hit falls outside the top 1
    assert M.hit_rate_at_k(ranked, relevant, 1) == 0.5 and M.hit_rate_at_k(ranked, relevant, 2) == 1.0
    ranked = [[1, 2, 3, 4, 5], [6, 7, 8, 9, 10]]
    relevant = [{2, 5, 11}, {42}]
    assert M.precision_at_k(ranked, relevant, 3) == pytest.approx((1 / 3 + 0) / 2)
    assert M.recall_at_k(ranked, relevant, 5) == pytest.approx((2 / 3 + 0) / 2)
    assert M.mrr(ranked, relevant) == pytest.approx((1 / 2 + 0) / 2)


def test_erratum_19_mrr_is_a_mean_not_a_sum():
    rng = np.random.default_rng(0)
    ranked = [list(rng.permutation(20)) for _ in range(50)]
    relevant = [set(rng.choice(20, size=2, replace=False).tolist()) for _ in range(50)]
    twice_ranked, twice_relevant = ranked * 2, relevant * 2  # the same queries asked twice
    assert M.mrr(twice_ranked, twice_relevant) == pytest.approx(M.mrr(ranked, relevant), rel=RTOL)
    assert M.mrr_notes_sum(twice_ranked, twice_relevant) == pytest.approx(2 * M.mrr_notes_sum(ranked, relevant))
    assert M.mrr_notes_sum(ranked, relevant) == pytest.approx(50 * M.mrr(ranked, relevant), rel=RTOL)
    assert M.mrr_notes_sum(ranked, relevant) > 1  # a "mean reciprocal rank" above 1 is impossible


def test_mrr_at_1_equals_hit_rate_at_1():
    rng = np.random.default_rng(1)
    ranked = [list(rng.permutation(10)) for _ in range(30)]
    relevant = [{int(rng.integers(10))} for _ in range(30)]
    assert M.mrr(ranked, relevant, k=1) == M.hit_rate_at_k(ranked, relevant, 1)


@pytest.mark.parametrize("k", [1, 3, 5])
def test_hit_rate_equals_sklearn_top_k_accuracy(k):
    rng = np.random.default_rng(k)
    scores = rng.standard_normal((40, 8))  # (queries, docs), no ties
    target = rng.integers(0, 8, 40)  # one relevant doc per query
    ours = M.hit_rate_at_k(M.rank_ids(scores), [{int(d)} for d in target], k)
    assert ours == pytest.approx(skm.top_k_accuracy_score(target, scores, k=k, labels=np.arange(8)), rel=RTOL)


def test_average_precision_and_map_by_hand():
    ranked = [[1, 2, 3, 4, 5], [6, 7, 8, 9, 10]]
    relevant = [{2, 5, 11}, {6}]  # query 1: hits at 2 and 5, and 11 never retrieved; query 2: hit at 1
    ap1 = (1 / 2 + 2 / 5) / 3  # P@2 and P@5 over all three relevant ids
    np.testing.assert_allclose(M.average_precisions(ranked, relevant), [ap1, 1.0], rtol=RTOL)
    assert M.average_precisions(ranked, relevant).dtype == np.float64 and type(M.map_at_k(ranked, relevant)) is float
    assert M.map_at_k(ranked, relevant) == pytest.approx((ap1 + 1.0) / 2, rel=RTOL)
    np.testing.assert_allclose(M.average_precisions(ranked, relevant, k=3), [(1 / 2) / 3, 1.0], rtol=RTOL)
    assert M.map_at_k(ranked, relevant, sample_weight=[0, 1]) == 1.0  # weights pick the second query
    one = [{r} for r in (2, 6)]  # one relevant id per query: AP = reciprocal rank, MAP = MRR
    np.testing.assert_allclose(M.average_precisions(ranked, one), M.reciprocal_ranks(ranked, one), rtol=RTOL)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_map_equals_sklearn_lrap_and_per_query_average_precision(seed):
    rng = np.random.default_rng(seed)
    scores = rng.standard_normal((30, 10))  # (queries, docs), no ties, every doc ranked
    is_rel = rng.random((30, 10)) < 0.3
    is_rel[np.arange(30), rng.integers(0, 10, 30)] = True
    lists, sets = M.rank_ids(scores), [set(np.flatnonzero(r).tolist()) for r in is_rel]
    w = rng.random(30)
    assert M.map_at_k(lists, sets) == pytest.approx(skm.label_ranking_average_precision_score(is_rel, scores),
                                                    rel=RTOL)
    assert M.map_at_k(lists, sets, sample_weight=w) == pytest.approx(
        skm.label_ranking_average_precision_score(is_rel, scores, sample_weight=w), rel=RTOL)
    per_query = [skm.average_precision_score(is_rel[q], scores[q]) for q in range(30)]
    np.testing.assert_allclose(M.average_precisions(lists, sets), per_query, rtol=RTOL)


def test_moved_names_still_import_from_their_old_modules():
    import mlnotes.metrics.classification as classification
    import mlnotes.metrics.curves as curves

    for name in ("precision_recall_fbeta", "precision", "recall", "fbeta", "f1"):
        assert getattr(classification, name) is getattr(M, name)
    assert "macro" in classification.AVERAGES and curves.average_precision is M.average_precision
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        classification.nope  # noqa: B018


def test_rank_ids_sorts_descending_and_keeps_ties_in_column_order():
    assert M.rank_ids([[0.1, 0.9, 0.5, 0.9]], ids=["a", "b", "c", "d"]) == [["b", "d", "c", "a"]]


def _graded(seed, q=12, n=9):
    rng = np.random.default_rng(seed)
    relevance = rng.integers(0, 4, (q, n)).astype(float)  # grades 0..3
    relevance[0] = 0.0  # a query with nothing relevant: NDCG 0 by convention
    scores = rng.integers(0, 5, (q, n)).astype(float)  # many ties
    return relevance, scores


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("k", [None, 1, 3, 5, 20])
def test_ndcg_and_dcg_match_sklearn_with_ties(seed, k):
    rel, s = _graded(seed)
    assert M.ndcg_at_k(rel, s, k) == pytest.approx(skm.ndcg_score(rel, s, k=k), rel=RTOL)
    for q in range(len(rel)):
        assert M.dcg_at_k(rel[q:q + 1], s[q:q + 1], k)[0] == pytest.approx(skm.dcg_score(rel[q:q + 1], s[q:q + 1],
                                                                                         k=k), rel=RTOL, abs=1e-14)
    per_query = M.ndcg_at_k(rel, s, k, per_query=True)
    assert per_query[0] == 0.0 and np.all((per_query >= 0) & (per_query <= 1 + 1e-12))


def test_ndcg_ids_equals_matrix_version_without_ties():
    rng = np.random.default_rng(5)
    rel = rng.integers(0, 3, (10, 7)).astype(float)
    scores = rng.standard_normal((10, 7))
    grades = [{j: rel[q, j] for j in range(7) if rel[q, j] > 0} for q in range(10)]
    for k in (1, 3, 7):
        for gain in ("linear", "exponential"):
            assert M.ndcg_at_k_ids(M.rank_ids(scores), grades, k, gain=gain) == pytest.approx(
                M.ndcg_at_k(rel, scores, k, gain=gain), rel=RTOL)


def test_dcg_exponential_gain_by_hand():
    rel, s = [[3.0, 2.0, 0.0, 1.0]], [[0.9, 0.8, 0.7, 0.6]]
    expected = 7 / np.log2(2) + 3 / np.log2(3) + 0 + 1 / np.log2(5)
    assert M.dcg_at_k(rel, s, gain="exponential")[0] == pytest.approx(expected, rel=RTOL)
    assert M.ndcg_at_k(rel, s, gain="exponential") == pytest.approx(expected / (7 + 3 / np.log2(3) + 1 / np.log2(4)))


# -- data ---------------------------------------------------------------------------------------------
def test_breast_cancer_scores_are_a_cached_real_classifier():
    y, s = M.breast_cancer_scores()
    assert y.shape == s.shape == (171,) and int(y.sum()) == 64  # 30 % stratified split, 1 = malignant
    assert M.breast_cancer_scores()[1] is s and not s.flags.writeable
    assert M.auc_rank(y, s) > 0.98 and 0.7 < M.auc_rank(*M.breast_cancer_scores("weak")) < 0.85
    pred = M.predict_at(s, 0.5)
    assert M.f1(y, pred) == pytest.approx(skm.f1_score(y, pred), rel=RTOL)


@pytest.mark.parametrize("rate", [0.01, 0.05, 0.2])
def test_imbalance_report_shows_accuracys_trap(rate):
    report = M.imbalance_report(rate)
    n_test = 2000
    assert report.baseline["accuracy"] == pytest.approx(1 - report.n_test_positives / n_test)
    assert report.baseline["precision"] == report.baseline["recall"] == report.baseline["f1"] == 0.0
    assert report.baseline["ap"] == pytest.approx(report.n_test_positives / n_test)
    assert report.model["f1"] > 0.1 and report.model["roc_auc"] > 0.85
    assert report.balanced["recall"] >= report.model["recall"]
    X, y = M.imbalanced_blobs(rate)
    assert X.shape == (4000, 2) and y.sum() == round(rate * 4000)
    if rate == 0.01:  # the trap: the useless rule is 99 % accurate, within 0.01 of the real model
        assert report.baseline["accuracy"] == pytest.approx(0.99) and \
            abs(report.model["accuracy"] - report.baseline["accuracy"]) < 0.01


def test_imbalance_weighting_mostly_moves_the_threshold():
    """Item 13: at 1 % positives the class-weighted model has higher recall but lower precision and F1, and the same
    ranking (AUC, AP); the plain model, thresholded to flag as many samples, makes almost the same predictions."""
    rep = M.imbalance_report(0.01)
    plain, weighted = rep.model, rep.balanced
    assert weighted["recall"] > plain["recall"] and weighted["accuracy"] < plain["accuracy"]
    assert weighted["f1"] < plain["f1"] / 2 and weighted["precision"] < 0.05
    assert abs(weighted["roc_auc"] - plain["roc_auc"]) < 0.002 and abs(weighted["ap"] - plain["ap"]) < 0.01
    y, s_plain, s_weighted = M.imbalance_scores(0.01)
    flagged = s_weighted >= 0.5
    tau = np.sort(s_plain)[::-1][flagged.sum() - 1]  # the plain model's threshold that flags as many
    assert np.mean((s_plain >= tau) == flagged) > 0.995
    assert scipy.stats.spearmanr(s_plain, s_weighted).statistic > 0.999


@pytest.mark.parametrize("ratio", [1, 10, 100])
def test_imbalance_cost_decides_and_best_thresholds_cost_alike(ratio):
    y, s_plain, s_weighted = M.imbalance_scores(0.01)
    at_half = [M.expected_cost(y, M.predict_at(s, 0.5), cost_fn=ratio, reduction="sum") for s in (s_plain, s_weighted)]
    if ratio == 1:
        assert at_half[0] < at_half[1] / 10  # equal costs: the plain model is far cheaper at τ = 0.5
    if ratio == 100:
        assert at_half[1] < at_half[0] / 1.5  # a miss costs 100 false alarms: the weighted one is cheaper
    best = [M.min_cost_threshold(y, s, cost_fn=ratio, reduction="sum")[1] for s in (s_plain, s_weighted)]
    assert abs(best[0] - best[1]) < 0.05 * abs(at_half[0] - at_half[1]) and max(best) <= min(at_half)


def test_expected_cost_by_hand_and_against_sklearns_confusion_matrix():
    y = [1, 1, 1, 0, 0, 0, 0]
    p = [1, 0, 0, 1, 0, 0, 0]  # FN 2, FP 1
    assert M.expected_cost(y, p, cost_fp=1, cost_fn=10, reduction="sum") == 21.0
    assert M.expected_cost(y, p, cost_fp=1, cost_fn=10) == pytest.approx(21 / 7)
    tn, fp, fn, tp = skm.confusion_matrix(y, p).ravel()
    assert M.expected_cost(y, p, cost_fp=2.5, cost_fn=0.5) == pytest.approx((2.5 * fp + 0.5 * fn) / 7)
    assert M.expected_cost([0, 0], [0, 0]) == 0.0  # one class is fine


@pytest.mark.parametrize("seed", range(5))
def test_min_cost_threshold_equals_brute_force_over_every_threshold(seed):
    y, s = _scores_with_ties(seed, n=80, rate=0.2)
    for c_fp, c_fn in ((1, 1), (1, 5), (3, 1), (0, 1), (1, 0)):
        grid = np.r_[np.inf, np.unique(s)[::-1]]
        costs = []
        for tau in grid:
            tn, fp, fn, tp = skm.confusion_matrix(y, (s >= tau).astype(int), labels=[0, 1]).ravel()
            costs.append(c_fp * fp + c_fn * fn)
        tau, cost = M.min_cost_threshold(y, s, cost_fp=c_fp, cost_fn=c_fn, reduction="sum")
        assert cost == min(costs) and tau == grid[int(np.argmin(costs))]
        assert M.min_cost_threshold(y, s, cost_fp=c_fp, cost_fn=c_fn)[1] == pytest.approx(cost / len(y))
    assert M.min_cost_threshold([0, 0, 1], [0.9, 0.8, 0.1], cost_fp=1, cost_fn=1) == (np.inf, 1 / 3)  # flag nothing


# -- figures ------------------------------------------------------------------------------------------
def test_figures_draw_every_grid_point_with_fixed_limits():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    import mlnotes.figures.metrics as F

    fig = Figure()
    two = fig.subplots(1, 2)
    one = Figure().subplots()
    for features in F.FEATURES:
        for t in (F.THRESHOLDS[0], F.THRESHOLDS[-1]):
            for draw in (F.draw_threshold, F.draw_roc_pr):
                for ax in two:
                    ax.clear()
                draw(two, threshold=t, features=features)
                assert two[1].get_xlim()[0] < 0 and two[0].get_xlim()[1] >= 1
    for rate in F.POSITIVE_RATES:
        one.clear()
        F.draw_imbalance(one, positive_rate=rate)
        assert one.get_ylim() == (0, 1.25)
    for order in F.ORDERS:
        one.clear()
        F.draw_auc_rank(one, order=order)
        assert ("1 − AUC" in one.get_title()) == (order == "descending")


def test_imbalance_legend_lists_each_model_once_in_a_reused_figure():
    """explore's reused axes keep earlier frames' bar containers; the legend must list this frame's three bars only
    (before: six entries, each model twice)."""
    import matplotlib

    matplotlib.use("Agg")
    import mlnotes.figures.metrics as F
    from mlnotes.explore import FrameRenderer

    renderer = FrameRenderer(F.draw_imbalance, figsize=(7, 3.2))
    for rate in (0.01, 0.5):
        renderer.render({"positive_rate": rate})
        texts = [t.get_text() for t in renderer.axes.get_legend().get_texts()]
        assert texts == ["always negative", "logistic regression", "class_weight='balanced'"]
