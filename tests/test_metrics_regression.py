"""MAE, MSE, RMSE, R² and MAPE against sklearn.metrics; DCG/NDCG options (ignore_ties, weights, log_base)."""

import numpy as np
import pytest
from sklearn import metrics as skm

import mlnotes.metrics as M

RTOL = 1e-12
PAIRS = {"mae": (M.mae, skm.mean_absolute_error), "mse": (M.mse, skm.mean_squared_error),
         "rmse": (M.rmse, skm.root_mean_squared_error), "r2": (M.r2, skm.r2_score),
         "mape": (M.mape, skm.mean_absolute_percentage_error)}


@pytest.mark.parametrize("name", PAIRS)
@pytest.mark.parametrize("seed", range(3))
def test_regression_metrics_match_sklearn(name, seed):
    ours, ref = PAIRS[name]
    rng = np.random.default_rng(seed)
    y = rng.standard_normal(60) * 5 + 3
    p = y + rng.standard_normal(60)
    w = rng.random(60)
    assert ours(y, p) == pytest.approx(ref(y, p), rel=RTOL)
    assert ours(y, p, sample_weight=w) == pytest.approx(ref(y, p, sample_weight=w), rel=RTOL)
    Y = rng.standard_normal((40, 3)) * [1.0, 10.0, 0.1]
    P = Y + rng.standard_normal((40, 3))
    for multioutput in ("raw_values", "uniform_average", [0.1, 0.6, 0.3]):
        np.testing.assert_allclose(ours(Y, P, multioutput=multioutput, sample_weight=w[:40]),
                                   ref(Y, P, multioutput=multioutput, sample_weight=w[:40]), rtol=RTOL)


def test_regression_by_hand():
    y, p = np.array([1.0, 2.0, 4.0]), np.array([2.0, 2.0, 1.0])
    assert M.mae(y, p) == pytest.approx(4 / 3)
    assert M.mse(y, p) == pytest.approx(10 / 3)
    assert M.rmse(y, p) == pytest.approx(np.sqrt(10 / 3))
    assert M.r2(y, p) == pytest.approx(1 - 10 / np.sum((y - y.mean()) ** 2))
    assert M.mape(y, p) == pytest.approx((1 + 0 + 0.75) / 3)


def test_r2_variance_weighted_and_constant_targets_like_sklearn():
    rng = np.random.default_rng(1)
    Y = rng.standard_normal((30, 3)) * [1.0, 5.0, 0.2]
    P = Y + rng.standard_normal((30, 3))
    assert M.r2(Y, P, multioutput="variance_weighted") == pytest.approx(
        skm.r2_score(Y, P, multioutput="variance_weighted"), rel=RTOL)
    const = np.ones(5)
    assert M.r2(const, const) == skm.r2_score(const, const) == 1.0
    assert M.r2(const, const + 0.1) == skm.r2_score(const, const + 0.1) == 0.0
    both = np.stack([const, np.arange(5.0)], axis=1)
    np.testing.assert_allclose(M.r2(both, both + 0.1, multioutput="raw_values"),
                               skm.r2_score(both, both + 0.1, multioutput="raw_values"), rtol=RTOL)


def test_rmse_is_at_least_mae_and_r2_can_be_negative():
    rng = np.random.default_rng(2)
    y = rng.standard_normal(100)
    p = rng.standard_normal(100)
    assert M.rmse(y, p) >= M.mae(y, p)
    assert M.r2(y, p) < 0


def test_float32_is_kept_like_sklearn():
    rng = np.random.default_rng(3)
    Y = rng.standard_normal((20, 2)).astype(np.float32)
    P = (Y + rng.standard_normal((20, 2))).astype(np.float32)
    for name, (ours, ref) in PAIRS.items():
        got, want = ours(Y, P, multioutput="raw_values"), ref(Y, P, multioutput="raw_values")
        assert got.dtype == want.dtype == np.float32, name
        np.testing.assert_allclose(got, want, rtol=1e-5)
        assert type(ours(Y, P)) is float


# -- DCG / NDCG options -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("ignore_ties", [False, True])
@pytest.mark.parametrize("k", [None, 1, 4, 12])
def test_ndcg_dcg_options_match_sklearn(ignore_ties, k):
    rng = np.random.default_rng(4)
    rel = rng.integers(0, 4, (25, 9)).astype(float)
    w = rng.random(25)
    for scores in (rng.standard_normal((25, 9)), rng.integers(0, 3, (25, 9)).astype(float)):
        assert M.ndcg_at_k(rel, scores, k, ignore_ties=ignore_ties, sample_weight=w) == pytest.approx(
            skm.ndcg_score(rel, scores, k=k, ignore_ties=ignore_ties, sample_weight=w), rel=RTOL)
        for log_base in (2, 10, np.e):
            assert M.dcg_at_k(rel, scores, k, ignore_ties=ignore_ties, log_base=log_base, sample_weight=w,
                              per_query=False) == pytest.approx(
                skm.dcg_score(rel, scores, k=k, ignore_ties=ignore_ties, log_base=log_base, sample_weight=w),
                rel=RTOL)


def test_ndcg_does_not_depend_on_the_log_base():
    rng = np.random.default_rng(5)
    rel, s = rng.integers(0, 4, (6, 7)).astype(float), rng.standard_normal((6, 7))
    rel[:, 0] = 1.0
    for base in (3, 10):
        ratio = M.dcg_at_k(rel, s, 4, log_base=base) / M.dcg_at_k(rel, rel, 4, log_base=base)
        np.testing.assert_allclose(ratio, M.ndcg_at_k(rel, s, 4, per_query=True), rtol=RTOL)


def test_query_weights_of_the_id_list_metrics_match_sklearn():
    rng = np.random.default_rng(6)
    Q, D = 30, 8
    scores = rng.standard_normal((Q, D))
    lists = M.rank_ids(scores)
    target = rng.integers(0, D, Q)
    w = rng.random(Q)
    answers = [{int(t)} for t in target]
    assert M.mrr(lists, answers, sample_weight=w) == pytest.approx(
        skm.label_ranking_average_precision_score(np.eye(D)[target], scores, sample_weight=w), rel=RTOL)
    is_rel = rng.random((Q, D)) < 0.3
    is_rel[np.arange(Q), target] = True
    rel_sets = [set(np.flatnonzero(r).tolist()) for r in is_rel]
    for k in (1, 3, 6):
        assert M.hit_rate_at_k(lists, answers, k, sample_weight=w) == pytest.approx(
            skm.top_k_accuracy_score(target, scores, k=k, labels=np.arange(D), sample_weight=w), rel=RTOL)
        in_top = np.argsort(np.argsort(-scores, axis=1), axis=1) < k
        assert M.precision_at_k(lists, rel_sets, k, sample_weight=w) == pytest.approx(
            skm.precision_score(is_rel, in_top, average="samples", sample_weight=w), rel=RTOL)
        assert M.recall_at_k(lists, rel_sets, k, sample_weight=w) == pytest.approx(
            skm.recall_score(is_rel, in_top, average="samples", sample_weight=w), rel=RTOL)
