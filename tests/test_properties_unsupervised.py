"""Property-based tests of mlnotes.unsupervised on random small data sets (duplicates, tiny and huge scales):
Lloyd equals scikit-learn's KMeans from the same start and never raises its inertia; DBSCAN equals scikit-learn's;
PCA by eigendecomposition and by SVD agree; the silhouette lies in [−1, 1] and equals scikit-learn's; EM never
lowers the log-likelihood."""

import warnings

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from sklearn.cluster import DBSCAN
from sklearn.cluster import KMeans as SklearnKMeans
from sklearn.metrics import silhouette_samples as sklearn_silhouette_samples

from mlnotes.unsupervised import align_signs, dbscan, gmm_em, lloyd, pca_eig, pca_svd, silhouette_samples
from tests.hypothesis_settings import PROPERTIES


@st.composite
def point_sets(draw, min_n=4, max_n=40, max_d=3):
    n, d = draw(st.integers(min_n, max_n)), draw(st.integers(1, max_d))
    seed = draw(st.integers(0, 2**16))
    scale = draw(st.sampled_from([1e-3, 1.0, 1e3]))
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)) * scale
    if draw(st.booleans()):  # repeated rows, as in counts or pixels
        X[: n // 3] = X[0]
    return X


@PROPERTIES
@given(X=point_sets(), data=st.data())
def test_lloyd_equals_sklearn_and_never_raises_inertia(X, data):
    k = data.draw(st.integers(1, min(5, len(X))), label="k")
    idx = data.draw(st.lists(st.integers(0, len(X) - 1), min_size=k, max_size=k, unique=True), label="idx")
    init = X[idx]
    ours = lloyd(X, init, tol=0.0)
    inertias = [((X - c[lab]) ** 2).sum() for lab, c in ours.history]
    scale = max(1.0, float((X**2).sum()))
    assert all(a >= b - 1e-9 * scale for a, b in zip(inertias, inertias[1:]))
    assert np.all(np.isfinite(ours.centers))
    if len(np.unique(init, axis=0)) == k:  # scikit-learn warns and may differ when start centres coincide
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = SklearnKMeans(k, init=init, n_init=1, tol=0.0, algorithm="lloyd").fit(X)
        np.testing.assert_array_equal(ours.labels, ref.labels_)
        np.testing.assert_allclose(ours.centers, ref.cluster_centers_, rtol=1e-9, atol=1e-9 * np.sqrt(scale))


@PROPERTIES
@given(X=point_sets(max_n=60), eps=st.floats(0.05, 3.0), min_samples=st.integers(1, 8))
def test_dbscan_equals_sklearn(X, eps, min_samples):
    X = X / max(1e-12, np.abs(X).max())  # unit scale so eps means something
    labels, core = dbscan(X, eps, min_samples)
    ref = DBSCAN(eps=eps, min_samples=min_samples).fit(X)
    d = np.sqrt(((X[:, None] - X[None]) ** 2).sum(-1))
    if np.any(np.abs(d - eps) < 1e-9):  # a distance on the boundary: rounding decides, skip the comparison
        return
    np.testing.assert_array_equal(labels, ref.labels_)
    np.testing.assert_array_equal(np.flatnonzero(core), ref.core_sample_indices_)


@PROPERTIES
@given(X=point_sets(min_n=3, max_d=4))
def test_pca_eig_and_svd_agree(X):
    a, b = pca_eig(X), pca_svd(X)
    top = float(b.explained_variance[0]) if b.explained_variance[0] > 0 else 1.0
    np.testing.assert_allclose(a.explained_variance, b.explained_variance, rtol=1e-6, atol=1e-9 * top)
    gaps = np.abs(np.diff(np.r_[b.explained_variance, 0.0]))
    distinct = (gaps[: len(b.explained_variance)] > 1e-3 * top) & (np.r_[np.inf, gaps[:-1]] > 1e-3 * top)
    distinct &= b.explained_variance > 1e-6 * top
    np.testing.assert_allclose(align_signs(a.components, b.components)[distinct], b.components[distinct], atol=1e-5)


@PROPERTIES
@given(X=point_sets(min_n=5), data=st.data())
def test_silhouette_in_range_and_equal_sklearn(X, data):
    k = data.draw(st.integers(2, len(X) - 1), label="k")
    labels = np.arange(len(X)) % k
    s = silhouette_samples(X, labels)
    assert np.all((s >= -1 - 1e-12) & (s <= 1 + 1e-12))
    np.testing.assert_allclose(s, sklearn_silhouette_samples(X, labels), atol=1e-9)


@PROPERTIES
@given(seed=st.integers(0, 2**16), k=st.integers(1, 3))
def test_em_never_lowers_the_likelihood(seed, k):
    rng = np.random.default_rng(seed)
    X = np.vstack([rng.normal(c, 1.0, size=(30, 2)) for c in rng.uniform(-5, 5, size=(3, 2))])
    means = X[rng.choice(len(X), k, replace=False)]
    run = gmm_em(X, np.full(k, 1 / k), means, np.stack([np.eye(2)] * k), max_iter=60, tol=1e-10)
    assert np.all(np.diff(run.log_likelihood) >= -1e-12)
    assert np.isclose(run.weights.sum(), 1.0) and np.all(np.linalg.eigvalsh(run.covariances) > 0)
