"""Dtypes in mlnotes.metrics: each argument accepts the dtypes it documents (others raise TypeError, see
test_metrics_errors.py), and every returned array has the dtype sklearn returns for the same input; where sklearn keeps
the input's floating dtype (PR thresholds) so do we. One test per function family."""

import warnings

import numpy as np
import pytest
import scipy.stats
from sklearn import metrics as skm

import mlnotes.metrics as M

RNG = np.random.default_rng(0)
Y = RNG.integers(0, 2, 60)
Y[:2] = [0, 1]
RAW = np.round(RNG.standard_normal(60) * 3 + 2 * Y, 1)  # ties across classes
SCORE_DTYPES = [np.float16, np.float32, np.float64, np.int32, np.int64, np.uint8]


def _scores(dtype):
    if dtype is bool:
        return RAW > 1.0
    if np.issubdtype(dtype, np.unsignedinteger):
        return (RAW - RAW.min()).astype(dtype)
    return RAW.astype(dtype)


LABEL_FORMS = {
    "int64": lambda y: np.asarray(y, dtype=np.int64),
    "int8": lambda y: np.asarray(y, dtype=np.int8),
    "uint8": lambda y: np.asarray(y, dtype=np.uint8),
    "bool": lambda y: np.asarray(y, dtype=bool),
    "float32 0/1": lambda y: np.asarray(y, dtype=np.float32),
    "float64 0/1": lambda y: np.asarray(y, dtype=np.float64),
    "list of int": lambda y: [int(v) for v in y],
}


# -- classification ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("form", LABEL_FORMS, ids=list(LABEL_FORMS))
def test_classification_accepts_documented_label_dtypes_and_returns_sklearns_dtypes(form):
    t = LABEL_FORMS[form](Y)
    p = LABEL_FORMS[form](np.r_[Y[5:], Y[:5]])
    np.testing.assert_array_equal(M.confusion_matrix(t, p), skm.confusion_matrix(t, p))
    assert M.confusion_matrix(t, p).dtype == np.int64 == skm.confusion_matrix(t, p).dtype
    assert type(M.accuracy(t, p)) is float
    assert M.accuracy(t, p) == skm.accuracy_score(t, p)
    ours = M.precision_recall_fbeta(t, p)
    assert all(type(v) is float for v in ours)
    np.testing.assert_allclose(ours, skm.precision_recall_fscore_support(t, p, average="binary")[:3], rtol=1e-12)
    per_label = M.precision_recall_fbeta(t, p, average=None)
    ref = skm.precision_recall_fscore_support(t, p, average=None)[:3]
    for a, b in zip(per_label, ref):
        assert a.dtype == b.dtype == np.float64
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_string_labels_and_whole_number_floats_match_sklearn():
    t = np.array(["cat", "dog", "cat", "pig"])
    p = np.array(["cat", "cat", "dog", "pig"])
    np.testing.assert_array_equal(M.confusion_matrix(t, p), skm.confusion_matrix(t, p))
    t3, p3 = np.array([0.0, 2.0, 1.0, 2.0]), np.array([2.0, 2.0, 1.0, 0.0])  # floats holding class numbers
    np.testing.assert_allclose(M.f1(t3, p3, average="macro"), skm.f1_score(t3, p3, average="macro"), rtol=1e-12)


def test_scores_passed_as_labels_raise_like_sklearn():
    """Old behaviour: each distinct probability became a class (accuracy 0, a 4×4 confusion matrix), silently."""
    y_true, probs = [0, 1, 1], [0.2, 0.7, 0.9]
    with pytest.raises(ValueError, match="continuous"):
        skm.accuracy_score(y_true, probs)
    with pytest.raises(ValueError, match="non-integer floats"):
        M.accuracy(y_true, probs)
    with pytest.raises(ValueError, match="non-integer floats"):
        M.confusion_matrix(y_true, probs)


# -- curves and AUC ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [*SCORE_DTYPES, bool], ids=lambda d: np.dtype(d).name)
def test_curves_return_sklearns_dtypes_and_values_for_every_score_dtype(dtype):
    s = _scores(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # float16 overflow warnings inside sklearn are not ours to judge
        sk_roc = skm.roc_curve(Y, s, drop_intermediate=False)
        sk_pr = skm.precision_recall_curve(Y, s)
        sk_auc, sk_ap = skm.roc_auc_score(Y, s), skm.average_precision_score(Y, s)
    roc = M.roc_curve(Y, s)
    pr = M.precision_recall_curve(Y, s)
    for ours, ref in zip((*roc, *pr), (*sk_roc, *sk_pr)):
        assert ours.dtype == ref.dtype, (ours.dtype, ref.dtype)
        np.testing.assert_array_equal(ours, ref)
    assert pr[2].dtype == s.dtype  # PR thresholds are scores: float32 in, float32 out (as sklearn)
    assert roc[0].dtype == roc[1].dtype == pr[0].dtype == pr[1].dtype == np.float64  # ratios of counts
    for fn in (M.auc_trapezoid, M.auc_rank, M.auc_pairs):
        value = fn(Y, s)
        assert type(value) is float and value == pytest.approx(sk_auc, rel=1e-12)
    assert M.auc_rank(Y, s, order="descending") == pytest.approx(1 - sk_auc, rel=1e-12)  # no wrap of -s for uint
    ap = M.average_precision(Y, s)
    assert type(ap) is float and ap == pytest.approx(sk_ap, rel=1e-12)
    pred = M.predict_at(s, 1)
    assert pred.dtype == np.int64
    np.testing.assert_array_equal(pred, (s >= 1).astype(int))
    ranks = M.rank_average(s)
    assert ranks.dtype == np.float64
    np.testing.assert_array_equal(ranks, scipy.stats.rankdata(s, method="average"))


def test_pr_thresholds_kept_float32_failed_before():
    """The old code returned float64 thresholds for float32 scores; sklearn keeps float32."""
    s = RAW.astype(np.float32)
    assert M.precision_recall_curve(Y, s)[2].dtype == skm.precision_recall_curve(Y, s)[2].dtype == np.float32


def test_large_integer_scores_keep_their_order():
    """Scores are used in their own dtype: 2**53 and 2**53 + 1 are different scores (they would tie as float64)."""
    s = np.array([2**53, 2**53 + 1, 0, 1], dtype=np.int64)
    y = np.array([0, 1, 0, 1])
    assert M.auc_rank(y, s) == M.auc_pairs(y, s) == M.auc_trapezoid(y, s) == skm.roc_auc_score(y, s) == 0.75


@pytest.mark.parametrize("form", LABEL_FORMS, ids=list(LABEL_FORMS))
def test_binary_y_true_dtypes_give_the_same_curves(form):
    t = LABEL_FORMS[form](Y)
    base = M.roc_curve(Y, RAW)
    for a, b in zip(M.roc_curve(t, RAW), base):
        np.testing.assert_array_equal(a, b)
    assert M.average_precision(t, RAW) == M.average_precision(Y, RAW)


# -- ranking ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("rel_dtype", [np.float32, np.float64, np.int64, np.uint8, bool], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("score_dtype", [np.float32, np.float64, np.int64, np.uint8, bool], ids=lambda d: np.dtype(d).name)
def test_dcg_ndcg_accept_numeric_dtypes_return_float64_equal_sklearn(rel_dtype, score_dtype):
    rng = np.random.default_rng(1)
    rel = rng.integers(0, 4, (5, 7)).astype(rel_dtype)
    scores = rng.integers(0, 4, (5, 7)).astype(score_dtype)  # ties
    as_float = scores.astype(np.float64)  # sklearn negates the scores: wrong for uint8, TypeError for bool
    dcg = M.dcg_at_k(rel, scores, 3)
    assert dcg.dtype == np.float64
    np.testing.assert_allclose(dcg.mean(), skm.dcg_score(rel, as_float, k=3), rtol=1e-12)
    per_query = M.ndcg_at_k(rel, scores, 3, per_query=True)
    assert per_query.dtype == np.float64
    value = M.ndcg_at_k(rel, scores, 3)
    assert type(value) is float and value == pytest.approx(skm.ndcg_score(rel, as_float, k=3), rel=1e-12)


def test_sklearn_dcg_wraps_unsigned_scores_ours_does_not():
    """sklearn 1.9's dcg_score/ndcg_score rank by -y_score, which wraps for uint8 (1 becomes 255): a silent wrong
    result. Ours ranks by the scores themselves (documented in mlnotes.metrics.ranking)."""
    rel, s = np.array([[3, 0, 1, 2]]), np.array([[1, 0, 2, 3]], dtype=np.uint8)
    right = skm.ndcg_score(rel, s.astype(np.float64))
    assert M.ndcg_at_k(rel, s) == pytest.approx(right, rel=1e-12)
    assert abs(skm.ndcg_score(rel, s) - right) > 0.1
    with pytest.raises(TypeError):
        skm.dcg_score(rel, s.astype(bool))
    assert M.dcg_at_k(rel, s.astype(bool))[0] == pytest.approx(skm.dcg_score(rel, s.astype(bool).astype(float)))


@pytest.mark.parametrize("dtype", [np.float32, np.int64, np.uint8, bool], ids=lambda d: np.dtype(d).name)
def test_rank_ids_same_order_for_every_score_dtype(dtype):
    s = np.array([[1, 3, 3, 0, 2], [0, 0, 1, 1, 0]]).astype(dtype)
    want = np.argsort(-s.astype(float), axis=1, kind="stable").tolist()  # descending, ties in column order
    assert M.rank_ids(s) == want


def test_ids_of_numpy_and_python_ints_match():
    ranked = [np.array([3, 1, 2]), [np.int64(5), np.int64(4)]]
    assert M.mrr(ranked, [{1}, {4}]) == pytest.approx((1 / 2 + 1 / 2) / 2)


# -- cost and data ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [*SCORE_DTYPES, bool], ids=lambda d: np.dtype(d).name)
def test_cost_accepts_score_dtypes_and_returns_python_floats(dtype):
    s = _scores(dtype)
    threshold, cost = M.min_cost_threshold(Y, s, cost_fp=1.0, cost_fn=5.0)
    assert type(threshold) is float and type(cost) is float
    pred = M.predict_at(s, threshold)
    assert cost == pytest.approx(M.expected_cost(Y, pred, cost_fp=1.0, cost_fn=5.0), rel=1e-12)
    for form in LABEL_FORMS.values():
        assert M.expected_cost(form(Y), form(pred), cost_fn=5.0) == pytest.approx(cost, rel=1e-12)


def test_data_dtypes():
    y, s = M.breast_cancer_scores()
    assert y.dtype == np.int64 and s.dtype == np.float64
    y, a, b = M.imbalance_scores(0.05)
    assert y.dtype == np.int64 and a.dtype == b.dtype == np.float64
    assert not (y.flags.writeable or a.flags.writeable or b.flags.writeable)


# -- weights, indicators, probabilities (issue 22) ---------------------------------------------------------------
@pytest.mark.parametrize("w_dtype", [bool, np.int32, np.uint8, np.int64, np.float32, np.float64],
                         ids=lambda d: np.dtype(d).name)
def test_weighted_counts_have_sklearns_dtype(w_dtype):
    t, p = Y, np.r_[Y[5:], Y[:5]]
    w = (np.arange(len(Y)) % 3).astype(w_dtype)
    ours, ref = M.confusion_matrix(t, p, sample_weight=w), skm.confusion_matrix(t, p, sample_weight=w)
    assert ours.dtype == ref.dtype  # int64 for bool/int weights, float64 for floating ones
    np.testing.assert_allclose(ours, ref, rtol=1e-12)
    assert M.confusion_matrix(t, p, sample_weight=w, normalize="true").dtype == np.float64
    assert type(M.accuracy(t, p, sample_weight=w)) is float
    counts = M.label_counts(t, p, None, sample_weight=w)
    assert all(c.dtype == (np.float64 if np.dtype(w_dtype).kind == "f" else np.int64) for c in counts)


@pytest.mark.parametrize("dtype", [bool, np.int8, np.float32, np.float64], ids=lambda d: np.dtype(d).name)
def test_indicator_dtypes_are_accepted(dtype):
    rng = np.random.default_rng(0)
    T = rng.integers(0, 2, (30, 4))
    P = np.where(rng.random((30, 4)) < 0.2, 1 - T, T)
    ours = M.precision_recall_fbeta(T.astype(dtype), P.astype(dtype), average="samples")
    np.testing.assert_allclose(ours, skm.precision_recall_fscore_support(T, P, average="samples",
                                                                         zero_division=0.0)[:3], rtol=1e-12)
    assert M.multilabel_confusion_matrix(T.astype(dtype), P.astype(dtype)).dtype == np.int64


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: np.dtype(d).name)
def test_probability_scores_keep_their_float_dtype_like_sklearn(dtype):
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 200)
    p = (1 / (1 + np.exp(-(rng.standard_normal(200) * 3 + y)))).astype(dtype)
    p[0] = 1.0  # clipped to 1 - eps of the dtype
    tol = 1e-6 if dtype == np.float32 else 1e-12
    for ours, ref in ((M.log_loss, skm.log_loss), (M.brier_score, skm.brier_score_loss)):
        value = ours(y, p)
        assert type(value) is float and value == pytest.approx(ref(y, p), rel=tol)
    frac, conf = M.calibration_curve(y, p, n_bins=7)
    sk_frac, sk_conf = __import__("sklearn.calibration").calibration.calibration_curve(y, p, n_bins=7)
    assert frac.dtype == sk_frac.dtype and conf.dtype == sk_conf.dtype
    assert type(M.expected_calibration_error(y, p)) is float


def test_auc_and_bootstrap_return_python_floats_and_float64_arrays():
    rng = np.random.default_rng(2)
    y = rng.integers(0, 3, 90)
    P = rng.dirichlet(np.ones(3), 90).astype(np.float32)
    assert type(M.roc_auc(y, P, multi_class="ovr")) is float
    per_class = M.roc_auc(y, P, multi_class="ovr", average=None)
    assert per_class.dtype == np.float64 == skm.roc_auc_score(y, P, multi_class="ovr", average=None).dtype
    r = M.bootstrap_auc(Y, RAW.astype(np.float32), n_resamples=20)
    assert all(type(v) is float for v in (r.estimate, r.low, r.high, r.standard_error))
    assert r.distribution.dtype == np.float64
