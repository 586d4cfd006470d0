"""Bad inputs to mlnotes.unsupervised raise ValueError/TypeError with a message naming the argument."""

import numpy as np
import pytest

from mlnotes.figures import unsupervised as figs
from mlnotes.unsupervised import (KMeans, dataset, dbscan, gmm_em, kmeans_as_in_notes, kmeans_plusplus, lloyd,
                                  low_rank, pca_eig, pca_svd, reconstruct, silhouette_samples, svd_from_eigh)
from mlnotes.unsupervised import cost
from mlnotes.unsupervised import experiments as ex

X = np.random.default_rng(0).normal(size=(12, 2))
X_NAN = X.copy()
X_NAN[0, 0] = np.nan
W, M, COV = np.full(2, 0.5), X[:2].copy(), np.stack([np.eye(2)] * 2)

CASES = [
    # k-means
    ("KMeans k 0", lambda: KMeans(n_clusters=0), ValueError, "n_clusters must be an integer >= 1"),
    ("KMeans k float", lambda: KMeans(n_clusters=2.5), TypeError, "n_clusters must be an integer"),
    ("KMeans init name", lambda: KMeans(2, init="kmeans"), ValueError, "init must be 'k-means\\+\\+', 'random'"),
    ("KMeans init rows", lambda: KMeans(3, init=X[:2]), ValueError, "init must have n_clusters=3 rows"),
    ("KMeans init cols", lambda: KMeans(2, init=np.ones((2, 3))).fit(X), ValueError, "init must have 2 columns"),
    ("KMeans n_init", lambda: KMeans(2, n_init=0), ValueError, "n_init must be an integer >= 1"),
    ("KMeans tol", lambda: KMeans(2, tol=-1.0), ValueError, "tol must be >= 0"),
    ("KMeans seed", lambda: KMeans(2, random_state=-1), ValueError, "random_state must be an integer >= 0"),
    ("KMeans too many", lambda: KMeans(20).fit(X), ValueError, "n_clusters=20 must be <= the number of samples"),
    ("KMeans NaN", lambda: KMeans(2).fit(X_NAN), ValueError, "X must contain only finite"),
    ("KMeans 1-D", lambda: KMeans(2).fit(np.ones(5)), ValueError, "X must have 2 dimension"),
    ("KMeans empty", lambda: KMeans(1).fit(np.zeros((0, 2))), ValueError, "X must be a non-empty 2-D array"),
    ("KMeans unfitted", lambda: KMeans(2).predict(X), ValueError, "not fitted"),
    ("KMeans predict width", lambda: KMeans(2).fit(X).predict(np.ones((2, 3))), ValueError,
     r"X must have shape \(m, 2\)"),
    ("lloyd centers", lambda: lloyd(X, np.ones((2, 3))), ValueError, "centers_init must have shape"),
    ("lloyd max_iter", lambda: lloyd(X, X[:2], max_iter=0), ValueError, "max_iter must be an integer >= 1"),
    ("plusplus k", lambda: kmeans_plusplus(X, 13), ValueError, "n_clusters must be an integer in"),
    ("plusplus trials", lambda: kmeans_plusplus(X, 2, n_local_trials=0), ValueError, "n_local_trials must be"),
    ("plusplus seed", lambda: kmeans_plusplus(X, 2, random_state="a"), TypeError, "random_state must be an integer"),
    # DBSCAN
    ("dbscan eps", lambda: dbscan(X, eps=0.0), ValueError, "eps must be > 0"),
    ("dbscan min_samples", lambda: dbscan(X, min_samples=0), ValueError, "min_samples must be an integer >= 1"),
    ("dbscan NaN", lambda: dbscan(X_NAN), ValueError, "X must contain only finite"),
    # PCA / SVD
    ("pca one sample", lambda: pca_svd(X[:1]), ValueError, "at least 2 samples"),
    ("pca k", lambda: pca_eig(X, n_components=3), ValueError, "n_components must be an integer in"),
    ("pca NaN", lambda: pca_svd(X_NAN), ValueError, "X must contain only finite"),
    ("low rank k", lambda: low_rank(X, 0), ValueError, "k must be an integer in"),
    ("svd method", lambda: svd_from_eigh(X, "qr"), ValueError, "method must be"),
    ("reconstruct shapes", lambda: reconstruct(np.ones((3, 2)), np.ones(2), np.ones((3, 4))), ValueError,
     "do not fit together"),
    # silhouette
    ("silhouette one cluster", lambda: silhouette_samples(X, np.zeros(12)), ValueError, "2 <= number of clusters"),
    ("silhouette shape", lambda: silhouette_samples(X, np.zeros(3)), ValueError, r"labels must have shape \(12,\)"),
    # GMM
    ("gmm weights sum", lambda: gmm_em(X, [0.5, 0.6], M, COV), ValueError, "weights must be"),
    ("gmm weights negative", lambda: gmm_em(X, [1.5, -0.5], M, COV), ValueError, "weights must be"),
    ("gmm means shape", lambda: gmm_em(X, W, X[:3], COV), ValueError, r"means must have shape \(2, 2\)"),
    ("gmm cov not PD", lambda: gmm_em(X, W, M, np.stack([np.eye(2), -np.eye(2)])), ValueError, "positive definite"),
    ("gmm cov shape", lambda: gmm_em(X, W, M, np.ones((2, 3, 3))), ValueError, r"covariances must have shape"),
    ("gmm tol", lambda: gmm_em(X, W, M, COV, tol=-1.0), ValueError, "tol must be >= 0"),
    ("gmm reg", lambda: gmm_em(X, W, M, COV, reg_covar=-1.0), ValueError, "reg_covar must be >= 0"),
    ("gmm max_iter", lambda: gmm_em(X, W, M, COV, max_iter=0), ValueError, "max_iter must be an integer >= 1"),
    # notes, cost, data, experiments, figures
    ("notes indices", lambda: kmeans_as_in_notes(X, [[0, 1]]), ValueError, "init_indices must have 1 dimension"),
    ("cost sizes", lambda: cost.time_lloyd([100], [2]), ValueError, "ns must list at least two integers"),
    ("cost k > n", lambda: cost.time_lloyd([10, 20], [15, 15]), ValueError, "k <= n"),
    ("cost seeding", lambda: cost.time_seeding([5, 50], n=20), ValueError, "ks must be <= n"),
    ("slope", lambda: cost.loglog_slope([1, 1], [1.0, 2.0]), ValueError, "distinct x"),
    ("dataset name", lambda: dataset("circles"), ValueError, "name must be one of"),
    ("zoo name", lambda: ex.clustering_zoo("circles"), ValueError, "name must be one of"),
    ("path init", lambda: ex.kmeans_path("kmeans"), ValueError, "init must be"),
    ("quantization version", lambda: ex.notes_quantization("ours", 0), ValueError, "version must be"),
]


@pytest.mark.parametrize("name,call,exc,match", CASES, ids=[c[0] for c in CASES])
def test_bad_input_raises(name, call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_figures_reject_unknown_choices():
    with pytest.raises(ValueError, match="init must be"):
        figs.draw_kmeans_steps(None, init="kmeans")
