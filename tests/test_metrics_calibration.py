"""Log loss, Brier score, the reliability diagram, ECE and bootstrap intervals against sklearn and scipy."""

import numpy as np
import pytest
import scipy.special
import scipy.stats
from sklearn import metrics as skm
from sklearn.calibration import calibration_curve

import mlnotes.metrics as M
from mlnotes.metrics.bootstrap import _auc_from_counts

RTOL = 1e-12


def _binary(seed, n=300):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    y[:2] = [0, 1]
    p = scipy.special.expit(rng.standard_normal(n) * 2 + y)
    return rng, y, p


# -- log loss and Brier --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(3))
def test_binary_log_loss_and_brier_match_sklearn(seed):
    rng, y, p = _binary(seed)
    w = rng.random(len(y))
    for sw in (None, w):
        assert M.log_loss(y, p, sample_weight=sw) == pytest.approx(skm.log_loss(y, p, sample_weight=sw), rel=RTOL)
        assert M.brier_score(y, p, sample_weight=sw) == pytest.approx(
            skm.brier_score_loss(y, p, sample_weight=sw), rel=RTOL)
    assert M.log_loss(y, p, normalize=False) == pytest.approx(skm.log_loss(y, p, normalize=False), rel=RTOL)
    P2 = np.stack([1 - p, p], axis=1)
    assert M.log_loss(y, P2) == pytest.approx(M.log_loss(y, p), rel=RTOL)
    assert M.brier_score(y, p, scale_by_half=False) == pytest.approx(
        skm.brier_score_loss(y, p, scale_by_half=False), rel=RTOL)


def test_binary_log_loss_by_hand():
    y, p = np.array([1, 0, 1]), np.array([0.9, 0.2, 0.6])
    want = -(np.log(0.9) + np.log(0.8) + np.log(0.6)) / 3
    assert M.log_loss(y, p) == pytest.approx(want, rel=RTOL)
    assert M.brier_score(y, p) == pytest.approx((0.1**2 + 0.2**2 + 0.4**2) / 3, rel=RTOL)


@pytest.mark.parametrize("seed", range(3))
def test_multiclass_log_loss_and_brier_match_sklearn(seed):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 4, 200)
    P = scipy.special.softmax(rng.standard_normal((200, 4)) + (y[:, None] == np.arange(4)), axis=1)
    w = rng.random(200)
    for sw in (None, w):
        assert M.log_loss(y, P, sample_weight=sw) == pytest.approx(skm.log_loss(y, P, sample_weight=sw), rel=RTOL)
        assert M.brier_score(y, P, sample_weight=sw) == pytest.approx(
            skm.brier_score_loss(y, P, sample_weight=sw), rel=RTOL)
    y3 = np.where(y == 3, 0, y)  # a class absent: labels name the columns
    assert M.log_loss(y3, P, labels=[0, 1, 2, 3]) == pytest.approx(skm.log_loss(y3, P, labels=[0, 1, 2, 3]), rel=RTOL)
    labels = np.array(["a", "b", "c", "d"])
    assert M.log_loss(labels[y], P) == pytest.approx(skm.log_loss(labels[y], P), rel=RTOL)


def test_log_loss_clips_at_the_machine_epsilon_of_the_dtype():
    for dtype in (np.float32, np.float64):
        eps = np.finfo(dtype).eps
        p = np.array([0.0, 1.0], dtype=dtype)
        assert M.log_loss([1, 0], p) == pytest.approx(-np.log(eps), rel=1e-6)
        assert M.log_loss([1, 0], p) == pytest.approx(skm.log_loss([1, 0], p), rel=1e-6)


def test_brier_pos_label_and_labels_like_sklearn():
    y = np.array([1, 2, 2, 1, 2])
    p = np.array([0.1, 0.8, 0.6, 0.3, 0.9])
    assert M.brier_score(y, p) == pytest.approx(skm.brier_score_loss(y, p), rel=RTOL)  # greater label positive
    assert M.brier_score(y, p, pos_label=1) == pytest.approx(skm.brier_score_loss(y, p, pos_label=1), rel=RTOL)
    words = np.array(["no", "yes"])[(y == 2).astype(int)]
    assert M.brier_score(words, p, pos_label="yes") == pytest.approx(
        skm.brier_score_loss(words, p, pos_label="yes"), rel=RTOL)
    assert M.brier_score([0], [0.4]) == pytest.approx(0.16) == pytest.approx(skm.brier_score_loss([0], [0.4]))


# -- calibration ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("strategy", ["uniform", "quantile"])
@pytest.mark.parametrize("n_bins", [1, 3, 5, 10, 17])
def test_calibration_curve_matches_sklearn(seed, strategy, n_bins):
    _, y, p = _binary(seed)
    ours = M.calibration_curve(y, p, n_bins=n_bins, strategy=strategy)
    ref = calibration_curve(y, p, n_bins=n_bins, strategy=strategy)
    for a, b in zip(ours, ref):
        np.testing.assert_allclose(a, b, rtol=RTOL)


def test_ece_by_hand_and_bin_edges_closed_on_the_right():
    y = np.array([0, 0, 1, 1, 1, 0])
    p = np.array([0.1, 0.2, 0.5, 0.5, 0.9, 0.8])  # 10 bins: 0.1 → bin 0, 0.2 → 1, 0.5 → 4, 0.8 → 7, 0.9 → 8
    bins = M.reliability_bins(y, p, n_bins=10)
    np.testing.assert_array_equal(bins.count, [1, 1, 0, 0, 2, 0, 0, 1, 1, 0])
    gaps = [abs(0 - 0.1), abs(0 - 0.2), abs(1 - 0.5), abs(0 - 0.8), abs(1 - 0.9)]
    want = (gaps[0] + gaps[1] + 2 * gaps[2] + gaps[3] + gaps[4]) / 6
    assert M.expected_calibration_error(y, p) == pytest.approx(want, rel=RTOL)


def test_ece_is_zero_for_matching_bins_and_grows_with_bins_for_noise():
    y = np.array([0, 1, 0, 1])
    assert M.expected_calibration_error(y, np.full(4, 0.5)) == 0.0
    rng = np.random.default_rng(0)
    p = rng.random(3000)
    yy = (rng.random(3000) < p).astype(int)  # calibrated by construction
    eces = [M.expected_calibration_error(yy, p, n_bins=b) for b in (5, 20, 100)]
    assert eces[0] < eces[1] < eces[2] < 0.1


def test_temperature_never_changes_auc():
    y, z = M.calibration_logits("naive Bayes")
    base = M.roc_auc(y, z)
    for t in (0.5, 1.0, 2.0, 4.0):
        assert M.roc_auc(y, M.with_temperature(z, t)) == pytest.approx(base, rel=RTOL)


# -- bootstrap -----------------------------------------------------------------------------------------------------
def test_bootstrap_ci_equals_scipy_for_any_metric():
    rng = np.random.default_rng(0)
    y, s = M.binormal_scores(120, seed=3)
    x = rng.standard_normal(50)
    for metric, data in ((M.roc_auc, (y, s)), (lambda a: float(np.median(a)), (x,))):
        ours = M.bootstrap_ci(metric, *data, n_resamples=200, confidence_level=0.9, seed=4)
        ref = scipy.stats.bootstrap(data, lambda *a: metric(*a), paired=True, vectorized=False, n_resamples=200,
                                    confidence_level=0.9, method="percentile", rng=np.random.default_rng(4))
        np.testing.assert_allclose([ours.low, ours.high], ref.confidence_interval, rtol=RTOL)
        np.testing.assert_allclose(ours.distribution, ref.bootstrap_distribution, rtol=RTOL)
        assert ours.standard_error == pytest.approx(ref.standard_error, rel=1e-10)


def test_bootstrap_auc_equals_the_loop_and_the_weighted_auc():
    y, s = M.binormal_scores(150, seed=2)
    s = np.round(s, 1)  # ties
    fast = M.bootstrap_auc(y, s, n_resamples=100, seed=1)
    loop = M.bootstrap_ci(M.roc_auc, y, s, n_resamples=100, seed=1)
    np.testing.assert_allclose(fast.distribution, loop.distribution, rtol=RTOL)
    assert (fast.low, fast.high) == pytest.approx((loop.low, loop.high), rel=RTOL)
    counts = np.random.default_rng(5).integers(0, 3, (4, 150))
    for c in counts:
        assert _auc_from_counts(y, s, c[None, :])[0] == pytest.approx(M.roc_auc(y, s, sample_weight=c), rel=RTOL)
    _, other = M.binormal_scores(150, d_prime=0.5, seed=9)
    diff = M.bootstrap_auc(y, s, baseline=other, n_resamples=100, seed=1)
    want = M.bootstrap_ci(lambda a, b, c: M.roc_auc(a, b) - M.roc_auc(a, c), y, s, other, n_resamples=100, seed=1)
    np.testing.assert_allclose(diff.distribution, want.distribution, rtol=RTOL, atol=1e-15)


def test_bootstrap_interval_covers_the_population_auc_about_95_percent():
    truth = M.binormal_auc(1.0)
    hits = 0
    for rep in range(200):
        r = M.bootstrap_auc(*M.binormal_scores(150, seed=100 + rep), n_resamples=400, seed=rep)
        hits += r.low <= truth <= r.high
    assert 0.88 <= hits / 200 <= 0.99


def test_binormal_auc_is_the_population_auc():
    y, s = M.binormal_scores(200_000, d_prime=1.3, seed=0)
    assert M.roc_auc(y, s) == pytest.approx(M.binormal_auc(1.3), abs=0.005)
    assert M.binormal_auc(0.0) == 0.5


def test_bootstrap_resample_with_one_class_raises_clearly():
    with pytest.raises(ValueError, match="resample .*one class"):
        M.bootstrap_auc([0, 1, 0, 0, 0, 0], [0.1, 0.9, 0.2, 0.3, 0.4, 0.5], n_resamples=200)
    with pytest.raises(ValueError, match="resample .*both classes"):
        M.bootstrap_ci(M.roc_auc, [0, 1, 0, 0, 0, 0], [0.1, 0.9, 0.2, 0.3, 0.4, 0.5], n_resamples=200)
