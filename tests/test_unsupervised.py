"""mlnotes.unsupervised against scikit-learn (KMeans, kmeans_plusplus, DBSCAN, PCA, GaussianMixture, silhouette),
scipy, and small hand-worked cases; the source notes' k-means and SVD recipe fail the way the chapter says."""

import warnings

import numpy as np
import pytest
import scipy.stats
from sklearn.cluster import DBSCAN
from sklearn.cluster import KMeans as SklearnKMeans
from sklearn.cluster import kmeans_plusplus as sklearn_plusplus
from sklearn.datasets import make_blobs
from sklearn.decomposition import PCA
from sklearn.metrics import silhouette_samples as sklearn_silhouette_samples
from sklearn.mixture import GaussianMixture

from mlnotes.unsupervised import (NOTES_COMMENT_LINE, KMeans, align_signs, dataset, dbscan, e_step, gmm_em,
                                  kmeans_as_in_notes, kmeans_plusplus, lloyd, log_gaussian, low_rank, pca_eig,
                                  pca_svd, reconstruct, same_partition, sample_image, silhouette_samples,
                                  silhouette_score, svd_from_eigh)
from mlnotes.unsupervised import cost
from mlnotes.unsupervised.pca import sklearn_signs
from mlnotes.unsupervised import experiments as ex


def blobs(seed, n=300, centers=5, std=1.5):
    return make_blobs(n, centers=centers, cluster_std=std, random_state=seed)[0]


# -- k-means -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("k", [1, 3, 8])
def test_lloyd_equals_sklearn_from_the_same_start(seed, k):
    X = blobs(seed)
    for init in (X[:k], np.vstack([X[:k - 1], [[100.0, -100.0]]])):  # the second one empties a cluster at once
        ours = lloyd(X, init)
        ref = SklearnKMeans(k, init=init, n_init=1, algorithm="lloyd").fit(X)
        np.testing.assert_array_equal(ours.labels, ref.labels_)
        np.testing.assert_allclose(ours.centers, ref.cluster_centers_, rtol=1e-12, atol=1e-12)
        assert ours.n_iter == ref.n_iter_ and ours.inertia == pytest.approx(ref.inertia_, rel=1e-12)


@pytest.mark.parametrize("seed", range(3))
def test_several_empty_clusters_and_tol_zero(seed):
    X = blobs(seed, n=200, centers=3)
    init = np.vstack([X[:2], [[50.0, 50.0], [-50.0, 50.0], [50.0, -50.0]]])
    ours = lloyd(X, init, tol=0.0)
    ref = SklearnKMeans(5, init=init, n_init=1, tol=0.0, algorithm="lloyd").fit(X)
    np.testing.assert_array_equal(ours.labels, ref.labels_)
    np.testing.assert_allclose(ours.centers, ref.cluster_centers_, atol=1e-12)
    assert len(np.unique(ours.labels)) == 5


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("k,trials", [(2, None), (6, None), (6, 1), (10, 3)])
def test_kmeans_plusplus_equals_sklearn(seed, k, trials):
    X = blobs(seed)
    centers, idx = kmeans_plusplus(X, k, random_state=seed, n_local_trials=trials)
    ref_centers, ref_idx = sklearn_plusplus(X, k, random_state=seed, n_local_trials=trials)
    np.testing.assert_array_equal(idx, ref_idx)
    np.testing.assert_array_equal(centers, ref_centers)


@pytest.mark.parametrize("init,n_init", [("k-means++", 1), ("k-means++", 3), ("random", 1), ("random", 4)])
def test_kmeans_class_equals_sklearn(init, n_init):
    for seed in range(3):
        X = blobs(seed)
        ours = KMeans(5, init=init, n_init=n_init, random_state=seed).fit(X)
        ref = SklearnKMeans(5, init=init, n_init=n_init, random_state=seed, algorithm="lloyd").fit(X)
        np.testing.assert_array_equal(ours.labels_, ref.labels_)
        np.testing.assert_allclose(ours.cluster_centers_, ref.cluster_centers_, atol=1e-12)
        np.testing.assert_array_equal(ours.predict(X[:20]), ref.predict(X[:20]))


def test_inertia_never_increases_and_hand_case():
    start, run = ex.kmeans_path("random")
    X, _ = ex.five_blobs()
    inertias = [((X - c[lab]) ** 2).sum() for lab, c in run.history]
    assert all(a >= b - 1e-9 for a, b in zip(inertias, inertias[1:]))
    # 1-D by hand: {0, 1} and {10, 11} from centres 0 and 11
    r = lloyd(np.array([[0.0], [1.0], [10.0], [11.0]]), np.array([[0.0], [11.0]]))
    np.testing.assert_array_equal(r.labels, [0, 0, 1, 1])
    np.testing.assert_allclose(r.centers, [[0.5], [10.5]])
    assert r.inertia == pytest.approx(1.0)


def test_kmeans_random_start_is_worse_than_plusplus():
    quality = ex.init_quality(100)
    assert quality["random"] > 5 * quality["k-means++"]


# -- DBSCAN --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["blobs", "anisotropic", "unequal", "moons"])
@pytest.mark.parametrize("eps,min_samples", [(0.15, 3), (0.3, 5), (0.9, 5), (1.5, 10)])
def test_dbscan_equals_sklearn(name, eps, min_samples):
    X, _ = dataset(name)
    labels, core = dbscan(X, eps, min_samples)
    ref = DBSCAN(eps=eps, min_samples=min_samples).fit(X)
    np.testing.assert_array_equal(labels, ref.labels_)
    np.testing.assert_array_equal(np.flatnonzero(core), ref.core_sample_indices_)


def test_dbscan_by_hand():
    X = np.array([[0.0], [1.0], [2.0], [10.0], [11.0], [30.0]])
    labels, core = dbscan(X, eps=1.0, min_samples=2)
    np.testing.assert_array_equal(labels, [0, 0, 0, 1, 1, -1])
    np.testing.assert_array_equal(core, [True, True, True, True, True, False])
    labels, core = dbscan(X, eps=1.0, min_samples=3)  # only x = 1 has 3 neighbours: 0 and 2 are border points
    np.testing.assert_array_equal(labels, [0, 0, 0, -1, -1, -1])
    np.testing.assert_array_equal(core, [False, True, False, False, False, False])


def test_same_partition():
    assert same_partition([0, 0, 1, -1], [5, 5, 2, -1])
    assert not same_partition([0, 0, 1, -1], [5, 5, 5, -1])
    assert not same_partition([0, 1, 1, -1], [0, 1, 1, 1])
    assert not same_partition([0, 1], [0, 1, 1])


# -- PCA and SVD -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(60, 5), (10, 20), (30, 1)])
def test_pca_both_ways_equal_sklearn(shape):
    rng = np.random.default_rng(sum(shape))
    X = rng.standard_normal(shape) @ np.diag(np.linspace(3, 0.5, shape[1])) + 7.0
    ref = PCA(svd_solver="full").fit(X)
    for ours in (pca_eig(X), pca_svd(X)):
        k = len(ref.explained_variance_)
        np.testing.assert_allclose(ours.explained_variance[:k], ref.explained_variance_, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(ours.explained_variance_ratio[:k], ref.explained_variance_ratio_, rtol=1e-9,
                                   atol=1e-12)
        live = ref.explained_variance_ > 1e-10  # centred n × d data has rank ≤ n − 1: the rest is arbitrary
        comps = align_signs(ours.components[:k], ref.components_)
        np.testing.assert_allclose(comps[live], ref.components_[live], atol=1e-8)
        Z = ours.transform(X)
        np.testing.assert_allclose(np.abs(Z[:, :k][:, live]), np.abs(ref.transform(X)[:, live]), atol=1e-8)
        np.testing.assert_allclose(ours.inverse_transform(Z), X, atol=1e-9)  # all components: lossless


@pytest.mark.parametrize("shape,k", [((60, 5), 2), ((60, 5), 5), ((8, 12), 3), ((20, 1), 1), ((30, 4), 3)])
def test_pca_svd_with_sklearn_signs_is_sklearns_pca(shape, k):
    """The PCA drill's browser reference (mlnotes.drills.unsupervised): pca_svd plus sklearn's sign convention
    gives scikit-learn's components_ and explained_variance_, digit for digit."""
    rng = np.random.default_rng(shape[0] + k)
    X = rng.standard_normal(shape) @ np.diag(np.linspace(3, 0.5, shape[1])) + 1000.0
    ref = PCA(n_components=k, svd_solver="full").fit(X)
    ours = pca_svd(X, k)
    np.testing.assert_allclose(sklearn_signs(ours.components), ref.components_, rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(ours.explained_variance, ref.explained_variance_, rtol=1e-14, atol=0)
    np.testing.assert_array_equal(sklearn_signs(-ours.components), sklearn_signs(ours.components))


def test_pca_n_components_and_digits():
    X, by_svd = ex.digits_pca()
    ref = PCA(n_components=10).fit(X)
    ours = pca_svd(X, 10)
    assert ours.components.shape == (10, 64)
    np.testing.assert_allclose(align_signs(ours.components, ref.components_), ref.components_, atol=1e-9)


def test_low_rank_is_eckart_young():
    A = sample_image()
    assert A.shape == (214, 320) and 0 <= A.min() and A.max() <= 1
    for k in (1, 5, 50):
        approx, s = low_rank(A, k)
        assert np.linalg.matrix_rank(approx) == k
        assert np.linalg.norm(A - approx) == pytest.approx(np.sqrt(np.sum(s[k:] ** 2)), rel=1e-9)


def test_svd_from_eigh_methods():
    A = ex.square_patch()
    U, s, Vt = svd_from_eigh(A, "paired")
    np.testing.assert_allclose(reconstruct(U, s, Vt), A, atol=1e-12)
    np.testing.assert_allclose(U.T @ U, np.eye(96), atol=1e-6)  # orthonormal (tiny σ lose a few digits)
    np.testing.assert_allclose(reconstruct(Vt.T, s, U.T), A.T, atol=1e-12)  # the swap gives Aᵀ
    assert np.linalg.norm(reconstruct(*svd_from_eigh(A, "notes")) - A) / np.linalg.norm(A) > 0.5
    assert np.linalg.norm(reconstruct(*svd_from_eigh(A, "independent")) - A) / np.linalg.norm(A) > 0.1
    wide = sample_image()[:20, :30]
    assert reconstruct(*svd_from_eigh(wide, "notes")).shape == (30, 20)
    np.testing.assert_allclose(reconstruct(*svd_from_eigh(wide, "paired")), wide, atol=1e-10)


# -- silhouette -------------------------------------------------------------------------------------------
def test_silhouette_equals_sklearn_including_singletons():
    X, y = dataset("blobs")
    for labels in (y, (X[:, 0] > 0).astype(int), np.arange(len(X)) % 7, np.r_[np.zeros(len(X) - 1, int), [1]]):
        np.testing.assert_allclose(silhouette_samples(X, labels), sklearn_silhouette_samples(X, labels), atol=1e-12)
    assert silhouette_score(X, y) == pytest.approx(float(sklearn_silhouette_samples(X, y).mean()), rel=1e-12)


# -- EM for a Gaussian mixture ----------------------------------------------------------------------------------
def test_log_gaussian_equals_scipy():
    rng = np.random.default_rng(0)
    X, mean = rng.standard_normal((20, 3)), rng.standard_normal(3)
    L = rng.standard_normal((3, 3))
    cov = L @ L.T + 0.5 * np.eye(3)
    np.testing.assert_allclose(log_gaussian(X, mean, cov), scipy.stats.multivariate_normal(mean, cov).logpdf(X),
                               rtol=1e-12)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("max_iter,tol,reg", [(3, 1e-3, 1e-6), (100, 1e-3, 1e-6), (100, 1e-9, 0.0), (50, 1e-6, 0.1)])
def test_gmm_equals_sklearn(seed, max_iter, tol, reg):
    X = make_blobs(300, centers=3, cluster_std=[1.0, 2.0, 0.5], random_state=seed)[0]
    means = X[np.random.default_rng(seed).choice(len(X), 3, replace=False)]
    covs, weights = np.stack([np.eye(2) * 2.0] * 3), np.array([0.2, 0.3, 0.5])
    ours = gmm_em(X, weights, means, covs, max_iter=max_iter, tol=tol, reg_covar=reg)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = GaussianMixture(3, weights_init=weights, means_init=means, precisions_init=np.linalg.inv(covs),
                              max_iter=max_iter, tol=tol, reg_covar=reg, random_state=0).fit(X)
    assert ours.n_iter == ref.n_iter_ and ours.converged == ref.converged_
    np.testing.assert_allclose(ours.log_likelihood, ref.lower_bounds_, rtol=1e-12)
    np.testing.assert_allclose(ours.weights, ref.weights_, rtol=1e-10)
    np.testing.assert_allclose(ours.means, ref.means_, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours.covariances, ref.covariances_, rtol=1e-10, atol=1e-12)
    if reg <= 1e-6:  # EM's guarantee is for the exact M step; a large reg_covar changes the objective
        assert np.all(np.diff(ours.log_likelihood) >= 0)
    ll, log_resp = e_step(X, ref.weights_, ref.means_, ref.covariances_)
    np.testing.assert_allclose(np.exp(log_resp), ref.predict_proba(X), atol=1e-12)
    assert ll == pytest.approx(ref.score(X), rel=1e-12)


# -- the notes' k-means (erratum 17) ----------------------------------------------------------------------------
def test_notes_code_does_not_compile():
    with pytest.raises(SyntaxError):
        compile(NOTES_COMMENT_LINE, "notes.py", "exec")


def test_notes_kmeans_collapses_on_an_empty_cluster():
    X = np.array([[0.0], [0.0], [5.0], [5.1], [9.0]])
    labels, centroids = kmeans_as_in_notes(X, [0, 1, 4], max_iter=5)  # rows 0 and 1 are equal: cluster 1 is empty
    assert np.isnan(centroids).any(axis=1).sum() == 2  # two NaN centres …
    assert len(np.unique(labels)) == 1  # … and everything in one cluster
    fixed = lloyd(X, X[[0, 1, 4]], tol=0.0)
    assert not np.isnan(fixed.centers).any() and len(np.unique(fixed.labels)) == 3


def test_notes_kmeans_keeps_integer_dtype():
    X8 = np.array([[10], [12], [200], [202], [250], [251]], dtype=np.uint8)
    _, centroids = kmeans_as_in_notes(X8, [0, 2, 4], max_iter=10)
    assert centroids.dtype == np.uint8  # truncated means …
    fixed = lloyd(X8, X8[[0, 2, 4]].astype(float), tol=0.0)
    np.testing.assert_allclose(np.sort(fixed.centers[:, 0]), [11.0, 201.0, 250.5])


def test_notes_quantization_claims():
    dup_seeds, share = ex.duplicate_starts()
    assert 0.05 < share < 0.3
    img, n_nan, n_iter = ex.notes_quantization("notes, float", dup_seeds[0])
    assert n_nan == 7 and np.unique(img).size == 1 and n_iter == 300
    ok, _, _ = ex.notes_quantization("notes, float", 0)
    fixed, _, fixed_iter = ex.notes_quantization("fixed", 0)
    np.testing.assert_allclose(ok, fixed, atol=1e-9)
    assert fixed_iter < 300


# -- cost (erratum 22) ------------------------------------------------------------------------------------------
def test_cost_helpers():
    t = cost.time_lloyd([500, 1000], [4, 4], n_iter=1, repeats=1)
    assert t.shape == (2,) and np.all(t >= 0)
    assert cost.time_seeding([2, 4], n=200, repeats=1).shape == (2,)
    assert cost.loglog_slope([1, 2, 4], [3.0, 6.0, 12.0]) == pytest.approx(1.0)
    assert cost.loglog_slope([1, 2, 4], [1.0, 4.0, 16.0]) == pytest.approx(2.0)


def test_clustering_zoo_claims():
    ari = {name: {m: r[1] for m, r in ex.clustering_zoo(name).items()} for name in ex.DATASETS}
    assert ari["moons"]["DBSCAN"] > 0.99 > 0.5 > ari["moons"]["k-means"]
    assert ari["anisotropic"]["GMM (EM)"] > 0.99 > 0.8 > ari["anisotropic"]["k-means"]
