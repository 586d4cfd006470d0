"""Property-based tests of mlnotes.metrics against sklearn.metrics: precision / recall / F-beta for every average
and zero_division on random labels (a single sample and a single class included), ROC and AUC three ways with
heavy ties, tiny n and extreme scores, AUC invariance under monotone maps, average precision, DCG, NDCG and MAP."""

import warnings

import numpy as np
import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn import metrics as skm

import mlnotes.metrics as M
from tests.hypothesis_settings import PROPERTIES


def quiet(fn, *args, **kwargs):
    """Call sklearn without its UndefinedMetricWarning / RuntimeWarning noise (we compare values, not warnings)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


@st.composite
def label_pair(draw, max_classes=4):
    """y_true, y_pred of equal length 1..25 over K classes (K = 1 gives a single class)."""
    k = draw(st.integers(1, max_classes))
    n = draw(st.integers(1, 25))
    y_true = draw(hnp.arrays(np.int64, n, elements=st.integers(0, k - 1)))
    y_pred = draw(hnp.arrays(np.int64, n, elements=st.integers(0, k - 1)))
    return y_true, y_pred


ZERO_DIVISION = st.sampled_from([0.0, 1.0, np.nan])


@PROPERTIES
@given(pair=label_pair(), average=st.sampled_from(["macro", "micro", "weighted", None]), zd=ZERO_DIVISION,
       beta=st.sampled_from([0.5, 1.0, 2.0]), extra_label=st.booleans())
def test_precision_recall_fbeta_equal_sklearn(pair, average, zd, beta, extra_label):
    y_true, y_pred = pair
    labels = None
    if extra_label:  # a label never seen (all its counts 0/0) in the list: zero_division decides
        labels = np.union1d(y_true, y_pred).tolist() + [7]
    ours = M.precision_recall_fbeta(y_true, y_pred, beta=beta, average=average, labels=labels, zero_division=zd)
    want = quiet(skm.precision_recall_fscore_support, y_true, y_pred, beta=beta, average=average, labels=labels,
                 zero_division=zd)[:3]
    for o, w in zip(ours, want):
        np.testing.assert_allclose(o, w, rtol=1e-12, equal_nan=True)
        assert np.all(np.isnan(o) | ((np.asarray(o) >= 0) & (np.asarray(o) <= 1)))
    if average == "micro" and labels is None:  # single-label data over all labels: micro P = R = F = accuracy
        np.testing.assert_allclose(ours, [M.accuracy(y_true, y_pred)] * 3, rtol=1e-12)


@PROPERTIES
@given(pair=label_pair(max_classes=2), zd=ZERO_DIVISION, pos_label=st.sampled_from([0, 1]))
def test_binary_average_equals_sklearn_including_a_single_sample_or_class(pair, zd, pos_label):
    y_true, y_pred = pair
    present = np.union1d(y_true, y_pred)
    assume(len(present) == 1 or pos_label in present)
    for ours_fn, sk_fn in ((M.precision, skm.precision_score), (M.recall, skm.recall_score), (M.f1, skm.f1_score)):
        ours = ours_fn(y_true, y_pred, pos_label=pos_label, zero_division=zd)
        want = quiet(sk_fn, y_true, y_pred, pos_label=pos_label, zero_division=zd)
        np.testing.assert_allclose(ours, want, rtol=1e-12, equal_nan=True)


@PROPERTIES
@given(pair=label_pair())
def test_zero_division_raise_raises_exactly_where_a_count_is_zero(pair):
    y_true, y_pred = pair
    tp, pred_sum, true_sum = M.label_counts(y_true, y_pred, None)
    for fn, den in ((M.precision, pred_sum), (M.recall, true_sum)):
        if np.all(den > 0):
            fn(y_true, y_pred, average="macro", zero_division="raise")
        else:  # documented: "raise" turns a 0/0 into a ValueError naming the label
            with pytest.raises(ValueError, match="0/0 for label"):
                fn(y_true, y_pred, average="macro", zero_division="raise")


# -- ROC, AUC, average precision -------------------------------------------------------------------------------
SCORE = st.one_of(st.integers(-3, 3).map(float),  # heavy ties, across classes too
                  st.floats(-1e308, 1e308), st.sampled_from([0.0, -0.0, 1e-300, -1e-300, 1e308, -1e308]))


@st.composite
def binary_scores(draw, min_size=2, max_size=30, both=True):
    n = draw(st.integers(min_size, max_size))
    y = draw(hnp.arrays(np.int64, n, elements=st.integers(0, 1)))
    if both:
        y[0], y[-1] = 0, 1
    elif not y.any():
        y[-1] = 1
    s = draw(hnp.arrays(np.float64, n, elements=SCORE))
    return y, s


@PROPERTIES
@given(ys=binary_scores())
@example(ys=(np.array([0, 1, 1]), np.array([1e308, -1e308, -1e308])))  # a score gap beyond the float range
@example(ys=(np.array([0, 1]), np.array([0.0, -0.0])))  # 0.0 and -0.0 tie
def test_roc_curve_and_auc_three_ways_equal_sklearn(ys):
    y, s = ys
    want = quiet(skm.roc_auc_score, y, s)  # sklearn warns of the overflow of np.diff at ±1e308
    assert M.auc_trapezoid(y, s) == pytest.approx(want, rel=1e-12, abs=1e-15)
    assert M.auc_rank(y, s) == pytest.approx(want, rel=1e-12, abs=1e-15)
    assert M.auc_pairs(y, s) == pytest.approx(want, rel=1e-12, abs=1e-15)
    assert M.auc_rank(y, s, order="descending") == pytest.approx(1 - want, rel=1e-12, abs=1e-12)  # erratum 14
    fpr, tpr, thr = M.roc_curve(y, s)
    sk_fpr, sk_tpr, sk_thr = quiet(skm.roc_curve, y, s, drop_intermediate=False)
    np.testing.assert_array_equal(fpr, sk_fpr)
    np.testing.assert_array_equal(tpr, sk_tpr)
    np.testing.assert_array_equal(thr, sk_thr)
    for drop in (False, True):
        f, t, th = M.roc_curve(y, s, drop_intermediate=drop)
        assert f[0] == t[0] == 0 and f[-1] == t[-1] == 1 and np.all(np.diff(f) >= 0) and np.all(np.diff(t) >= 0)
    f, t, th = M.roc_curve(y, s, drop_intermediate=True)
    sk = quiet(skm.roc_curve, y, s, drop_intermediate=True)
    for a, b in zip((f, t, th), sk):
        np.testing.assert_array_equal(a, b)


@PROPERTIES
@given(ys=binary_scores(max_size=20), transform=st.sampled_from(["affine", "cube", "exp", "tanh", "negate"]))
def test_auc_is_invariant_under_strictly_increasing_maps(ys, transform):
    y, _ = ys
    s = np.random.default_rng(len(y)).integers(-20, 21, len(y)).astype(float)  # integer scores: exact ties
    f = {"affine": lambda x: 3 * x + 7, "cube": lambda x: x**3, "exp": lambda x: np.exp(x / 4),
         "tanh": lambda x: np.tanh(x / 50), "negate": lambda x: -x}[transform]
    base, mapped = M.auc_rank(y, s), M.auc_rank(y, f(s))
    if transform == "negate":  # a decreasing map flips the AUC
        assert mapped == pytest.approx(1 - base, abs=1e-12)
    else:
        assert mapped == base
        assert M.auc_trapezoid(y, f(s)) == pytest.approx(base, abs=1e-12)
        assert M.auc_pairs(y, f(s)) == base


@PROPERTIES
@given(ys=binary_scores(min_size=1, both=False))
@example(ys=(np.array([1, 0, 1]), np.array([-1e308, 1e308, 1e308])))
@example(ys=(np.ones(20, dtype=np.int64), np.r_[np.zeros(11), np.ones(6), 0.5, 0.5, 0.25]))  # Σ rounds to 1 + 2^-52
def test_average_precision_and_pr_curve_equal_sklearn(ys):
    y, s = ys
    ap = M.average_precision(y, s)
    assert ap == pytest.approx(quiet(skm.average_precision_score, y, s), rel=1e-12, abs=1e-15)
    assert 0 <= ap <= 1
    p, r, thr = M.precision_recall_curve(y, s)
    sk_p, sk_r, sk_thr = quiet(skm.precision_recall_curve, y, s, drop_intermediate=False)
    np.testing.assert_allclose(p, sk_p, rtol=1e-15)
    np.testing.assert_allclose(r, sk_r, rtol=1e-15)
    np.testing.assert_array_equal(thr, sk_thr)


@PROPERTIES
@given(n=st.integers(1, 10), value=st.sampled_from([0, 1]))
def test_single_class_is_rejected_where_sklearn_is_undefined(n, value):
    """Documented: ROC/AUC need both classes, PR/AP a positive; ValueError (sklearn raises or warns and returns 0)."""
    y, s = np.full(n, value), np.linspace(0, 1, n)
    for fn in (M.auc_trapezoid, M.auc_rank, M.auc_pairs, M.roc_curve):
        with pytest.raises(ValueError, match="both classes"):
            fn(y, s)
    if value == 0:  # sklearn: a warning, recall set to 1, AP = 0.0; ours: ValueError (documented)
        with pytest.raises(ValueError, match="at least one positive"):
            M.average_precision(y, s)
        with pytest.raises(ValueError, match="at least one positive"):
            M.precision_recall_curve(y, s)
        assert quiet(skm.average_precision_score, y, s) == 0.0
    else:
        assert M.average_precision(y, s) == pytest.approx(1.0, rel=1e-15) == skm.average_precision_score(y, s)


@PROPERTIES
@given(ys=binary_scores(min_size=1, both=False),
       costs=st.tuples(st.sampled_from([0.0, 0.5, 1.0, 3.0]), st.sampled_from([0.0, 1.0, 10.0, 1e6])))
def test_min_cost_threshold_is_the_least_cost_of_every_threshold(ys, costs):
    y, s = ys
    c_fp, c_fn = costs
    tau, cost = M.min_cost_threshold(y, s, cost_fp=c_fp, cost_fn=c_fn, reduction="sum")
    every = [M.expected_cost(y, (s >= t).astype(int), cost_fp=c_fp, cost_fn=c_fn, reduction="sum")
             for t in np.r_[np.inf, np.unique(s)]]
    assert cost == pytest.approx(min(every), rel=1e-12, abs=0)
    flagged = (s >= tau).astype(int)
    assert M.expected_cost(y, flagged, cost_fp=c_fp, cost_fn=c_fn, reduction="sum") == pytest.approx(cost, rel=1e-12)


@PROPERTIES
@given(n=st.integers(2, 30), data=st.data())
def test_float32_scores_give_sklearns_curves_and_dtypes(n, data):
    y = data.draw(hnp.arrays(np.int64, n, elements=st.integers(0, 1)))
    y[0], y[-1] = 0, 1
    s = data.draw(hnp.arrays(np.float32, n, elements=st.one_of(st.integers(-3, 3).map(float),
                                                               st.floats(-2.0**100, 2.0**100, width=32))))
    for ours, ref in zip((*M.roc_curve(y, s), *M.precision_recall_curve(y, s)),
                         (*quiet(skm.roc_curve, y, s, drop_intermediate=False), *quiet(skm.precision_recall_curve, y, s))):
        assert ours.dtype == ref.dtype
        np.testing.assert_array_equal(ours, ref)
    assert M.auc_rank(y, s) == pytest.approx(quiet(skm.roc_auc_score, y, s), rel=1e-12, abs=1e-15)


# -- ranking -----------------------------------------------------------------------------------------------------
@st.composite
def relevance_scores(draw):
    Q, N = draw(st.integers(1, 4)), draw(st.integers(2, 8))
    rel = draw(hnp.arrays(np.float64, (Q, N), elements=st.one_of(st.integers(0, 3).map(float), st.floats(0, 5))))
    scores = draw(hnp.arrays(np.float64, (Q, N), elements=st.one_of(st.integers(-2, 2).map(float),
                                                                     st.floats(-1e6, 1e6))))
    return rel, scores


@PROPERTIES
@given(rs=relevance_scores(), k=st.one_of(st.none(), st.integers(1, 10)))
def test_dcg_and_ndcg_equal_sklearn_with_ties(rs, k):
    rel, scores = rs
    ours = M.ndcg_at_k(rel, scores, k, per_query=True)
    np.testing.assert_allclose(ours, [skm.ndcg_score(r[None], s[None], k=k) for r, s in zip(rel, scores)],
                               rtol=1e-12, atol=1e-15)
    assert M.ndcg_at_k(rel, scores, k) == pytest.approx(skm.ndcg_score(rel, scores, k=k), rel=1e-12, abs=1e-15)
    np.testing.assert_allclose(M.dcg_at_k(rel, scores, k), [skm.dcg_score(r[None], s[None], k=k)
                                                            for r, s in zip(rel, scores)], rtol=1e-12, atol=1e-15)
    assert np.all((ours >= 0) & (ours <= 1 + 1e-12))
    np.testing.assert_array_equal(ours[~rel.any(axis=1)], 0.0)  # nothing relevant: NDCG 0, as sklearn
    ideal = -np.argsort(np.argsort(-rel, axis=1, kind="stable"), axis=1).astype(float)  # distinct, ideal order
    perfect = M.ndcg_at_k(rel, ideal, k, per_query=True)
    np.testing.assert_allclose(perfect[rel.any(axis=1)], 1.0, rtol=1e-12)


# -- weights, multilabel, multi-class AUC, probabilities, regression (issue 22) -------------------------------------
@st.composite
def weighted_pair(draw):
    """Labels over 1..4 classes and non-negative weights (integer or real), at least one weight > 0."""
    y_true, y_pred = draw(label_pair())
    n = len(y_true)
    if draw(st.booleans()):
        w = draw(hnp.arrays(np.int64, n, elements=st.integers(0, 5)))
    else:
        w = draw(hnp.arrays(np.float64, n, elements=st.floats(0, 1e3)))
    assume(np.sum(w) > 0)
    return y_true, y_pred, w


@PROPERTIES
@given(data=weighted_pair(), average=st.sampled_from(["macro", "micro", "weighted", None]), zd=ZERO_DIVISION,
       normalize=st.sampled_from([None, "true", "pred", "all"]))
def test_weighted_metrics_equal_sklearn(data, average, zd, normalize):
    y_true, y_pred, w = data
    np.testing.assert_allclose(M.confusion_matrix(y_true, y_pred, sample_weight=w, normalize=normalize),
                               quiet(skm.confusion_matrix, y_true, y_pred, sample_weight=w, normalize=normalize),
                               rtol=1e-12, atol=1e-15)
    assert M.accuracy(y_true, y_pred, sample_weight=w) == pytest.approx(
        quiet(skm.accuracy_score, y_true, y_pred, sample_weight=w), rel=1e-12)
    ours = M.precision_recall_fbeta(y_true, y_pred, average=average, sample_weight=w, zero_division=zd)
    want = quiet(skm.precision_recall_fscore_support, y_true, y_pred, average=average, sample_weight=w,
                 zero_division=zd)[:3]
    for o, v in zip(ours, want):
        np.testing.assert_allclose(o, v, rtol=1e-10, atol=1e-15, equal_nan=True)


@st.composite
def indicators(draw):
    n, k = draw(st.integers(1, 12)), draw(st.integers(2, 4))
    T = draw(hnp.arrays(np.int64, (n, k), elements=st.integers(0, 1)))
    P = draw(hnp.arrays(np.int64, (n, k), elements=st.integers(0, 1)))
    return T, P


@PROPERTIES
@given(tp=indicators(), average=st.sampled_from(["micro", "macro", "weighted", "samples", None]), zd=ZERO_DIVISION)
def test_multilabel_prf_and_subset_accuracy_equal_sklearn(tp, average, zd):
    T, P = tp
    assert M.accuracy(T, P) == skm.accuracy_score(T, P)
    ours = M.precision_recall_fbeta(T, P, average=average, zero_division=zd)
    want = quiet(skm.precision_recall_fscore_support, T, P, average=average, zero_division=zd)[:3]
    for o, v in zip(ours, want):
        np.testing.assert_allclose(o, v, rtol=1e-12, equal_nan=True)
    np.testing.assert_array_equal(M.multilabel_confusion_matrix(T, P), skm.multilabel_confusion_matrix(T, P))


@PROPERTIES
@given(n=st.integers(6, 40), k=st.integers(3, 5), seed=st.integers(0, 2**16), sharp=st.floats(0.0, 30.0),
       setting=st.sampled_from([("ovr", "macro"), ("ovr", "weighted"), ("ovr", "micro"), ("ovo", "macro"),
                                ("ovo", "weighted")]))
def test_multiclass_auc_equals_sklearn(n, k, seed, sharp, setting):
    rng = np.random.default_rng(seed)
    y = np.r_[np.arange(k), rng.integers(0, k, n - k)] if n >= k else np.arange(k)
    logits = np.round(rng.standard_normal((len(y), k)) * sharp, 1)  # large logits: probabilities of 0 and 1, ties
    P = np.exp(logits - logits.max(1, keepdims=True))
    P /= P.sum(1, keepdims=True)
    mc, average = setting
    assert M.roc_auc(y, P, multi_class=mc, average=average) == pytest.approx(
        skm.roc_auc_score(y, P, multi_class=mc, average=average), rel=1e-12, abs=1e-15)


PROBABILITY = st.one_of(st.floats(0, 1), st.sampled_from([0.0, 1.0, 1e-300, 1 - 1e-16, 0.5]))


@PROPERTIES
@given(n=st.integers(2, 30), seed=st.integers(0, 2**16), p=st.data(), weighted=st.booleans())
def test_log_loss_and_brier_equal_sklearn_at_the_extremes(n, seed, p, weighted):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    y[:2] = [0, 1]
    probs = p.draw(hnp.arrays(np.float64, n, elements=PROBABILITY))
    w = rng.random(n) + 0.01 if weighted else None
    ll = M.log_loss(y, probs, sample_weight=w)
    assert np.isfinite(ll) and ll == pytest.approx(quiet(skm.log_loss, y, probs, sample_weight=w), rel=1e-12)
    bs = M.brier_score(y, probs, sample_weight=w)
    assert 0 <= bs <= 1 and bs == pytest.approx(quiet(skm.brier_score_loss, y, probs, sample_weight=w), rel=1e-12,
                                                abs=1e-300)


@PROPERTIES
@given(n=st.integers(2, 40), seed=st.integers(0, 2**16), n_bins=st.integers(1, 12),
       strategy=st.sampled_from(["uniform", "quantile"]), p=st.data())
def test_calibration_curve_equals_sklearn_and_ece_is_a_mean_gap(n, seed, n_bins, strategy, p):
    from sklearn.calibration import calibration_curve

    y = np.random.default_rng(seed).integers(0, 2, n)
    probs = p.draw(hnp.arrays(np.float64, n, elements=st.one_of(st.floats(0, 1), st.sampled_from([0.0, 0.5, 1.0]))))
    for a, b in zip(M.calibration_curve(y, probs, n_bins=n_bins, strategy=strategy),
                    calibration_curve(y, probs, n_bins=n_bins, strategy=strategy)):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)
    bins = M.reliability_bins(y, probs, n_bins=n_bins, strategy=strategy)
    assert bins.count.sum() == n
    ece = M.expected_calibration_error(y, probs, n_bins=n_bins, strategy=strategy)
    assert 0 <= ece <= 1


FINITE = st.one_of(st.floats(-1e6, 1e6), st.sampled_from([0.0, 1e-300, -1e-300, 1e6]))


@PROPERTIES
@given(n=st.integers(2, 30), m=st.integers(1, 3), data=st.data(), weighted=st.booleans())
def test_regression_metrics_equal_sklearn(n, m, data, weighted):
    y = data.draw(hnp.arrays(np.float64, (n, m), elements=FINITE))
    p = data.draw(hnp.arrays(np.float64, (n, m), elements=FINITE))
    w = data.draw(hnp.arrays(np.float64, n, elements=st.floats(0.01, 10))) if weighted else None
    pairs = ((M.mae, skm.mean_absolute_error), (M.mse, skm.mean_squared_error),
             (M.rmse, skm.root_mean_squared_error), (M.r2, skm.r2_score), (M.mape, skm.mean_absolute_percentage_error))
    for ours, ref in pairs:
        np.testing.assert_allclose(ours(y, p, sample_weight=w, multioutput="raw_values"),
                                   quiet(ref, y, p, sample_weight=w, multioutput="raw_values"), rtol=1e-9, atol=1e-12)
    # RMSE >= MAE (a root mean square is never below a mean), up to rounding and the underflow of tiny squares
    assert np.all(M.rmse(y, p, sample_weight=w, multioutput="raw_values")
                  >= M.mae(y, p, sample_weight=w, multioutput="raw_values") * (1 - 1e-12) - 1e-150)


@PROPERTIES
@given(ys=binary_scores(min_size=4, max_size=25), seed=st.integers(0, 1000))
def test_bootstrap_auc_equals_the_weighted_auc_of_each_resample(ys, seed):
    y, s = ys
    s = np.clip(s, -1e6, 1e6)
    counts = np.random.default_rng(seed).integers(0, 3, (3, len(y)))
    counts[:, 0] = counts[:, -1] = 1  # both classes in every resample
    from mlnotes.metrics.bootstrap import _auc_from_counts

    got = _auc_from_counts(y, s, counts)
    for g, c in zip(got, counts):
        assert g == pytest.approx(M.roc_auc(y, s, sample_weight=c), rel=1e-12, abs=1e-15)


@PROPERTIES
@given(n_docs=st.integers(1, 12), n_queries=st.integers(1, 8), seed=st.integers(0, 2**16),
       k=st.one_of(st.none(), st.integers(1, 14)))
def test_map_equals_sklearn_lrap_and_average_precision_is_bounded(n_docs, n_queries, seed, k):
    rng = np.random.default_rng(seed)
    scores = rng.permutation(n_queries * n_docs).reshape(n_queries, n_docs).astype(float)  # distinct: no ties
    is_rel = rng.random((n_queries, n_docs)) < 0.4
    is_rel[np.arange(n_queries), rng.integers(0, n_docs, n_queries)] = True  # at least one relevant per query
    lists, sets = M.rank_ids(scores), [set(np.flatnonzero(r).tolist()) for r in is_rel]
    ap = M.average_precisions(lists, sets, k)
    rr = M.reciprocal_ranks(lists, sets, k)
    assert np.all((ap >= 0) & (ap <= 1 + 1e-12))
    n_rel = np.array([len(r) for r in sets])
    assert np.all(ap >= rr / n_rel - 1e-12)  # the first relevant document alone adds (1/rank) / |R|
    single = n_rel == 1
    np.testing.assert_allclose(ap[single], rr[single], rtol=1e-12)  # one relevant document: AP = reciprocal rank
    if k is None:
        np.testing.assert_allclose(M.map_at_k(lists, sets), skm.label_ranking_average_precision_score(is_rel, scores),
                                   rtol=1e-12)
