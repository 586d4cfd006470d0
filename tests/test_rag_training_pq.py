"""Product quantization from scratch against faiss.IndexPQ: codes, decoding, ADC distances, recall."""

import numpy as np
import pytest

from mlnotes.rag.pq import ProductQuantizer, faiss_codes, faiss_pq, kmeans, nearest, recall_at_k, recall_vs_bytes


def _data(n=600, d=32, seed=0, dtype=np.float32):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)) @ rng.standard_normal((d, d)) / np.sqrt(d)
    return (X / np.linalg.norm(X, axis=1, keepdims=True)).astype(dtype)


@pytest.mark.parametrize("M,nbits", [(4, 8), (8, 8), (2, 8), (16, 8)])
def test_equal_to_faiss_given_the_same_codebooks(M, nbits):
    X = _data()
    Q = _data(40, seed=1)
    pq = ProductQuantizer(M, nbits).fit(X, n_iter=5, seed=0)
    codes = pq.encode(X)
    index = faiss_pq(pq.codebooks, nbits)
    index.add(X)
    np.testing.assert_array_equal(faiss_codes(index), codes)
    np.testing.assert_allclose(index.pq.decode(codes), pq.decode(codes), atol=1e-6)
    dist, found = index.search(Q, 10)
    ours = pq.adc(Q, codes)
    np.testing.assert_allclose(np.take_along_axis(ours, found, 1), dist, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(np.sort(ours, 1)[:, :10], dist, rtol=1e-5, atol=1e-5)


def test_adc_is_the_distance_to_the_reconstruction():
    X = _data(300, 16, dtype=np.float64)
    pq = ProductQuantizer(4, 6).fit(X, n_iter=5)
    codes = pq.encode(X)
    q = X[:7]
    want = ((q[:, None, :] - pq.decode(codes)[None]) ** 2).sum(-1)
    np.testing.assert_allclose(pq.adc(q, codes), want, rtol=1e-10, atol=1e-12)


def test_hand_case_one_dimensional_subspaces():
    pq = ProductQuantizer(2, 1)
    pq.codebooks = np.array([[[0.0], [1.0]], [[-1.0], [2.0]]])  # (M=2, K=2, 1)
    X = np.array([[0.2, 1.9], [0.9, -0.4]])
    np.testing.assert_array_equal(pq.encode(X), [[0, 1], [1, 0]])
    np.testing.assert_allclose(pq.decode(pq.encode(X)), [[0.0, 2.0], [1.0, -1.0]])
    np.testing.assert_allclose(pq.adc(np.array([[0.0, 0.0]]), pq.encode(X)), [[4.0, 2.0]])


def test_kmeans_matches_sklearn_lloyd_from_the_same_start():
    from sklearn.cluster import KMeans

    X = _data(200, 4, dtype=np.float64)
    start = X[np.random.default_rng(0).choice(200, size=6, replace=False)]
    ours = kmeans(X, 6, n_iter=50, seed=0)
    ref = KMeans(6, init=start, n_init=1, max_iter=50, tol=0, algorithm="lloyd").fit(X).cluster_centers_
    np.testing.assert_allclose(ours, ref, rtol=1e-8, atol=1e-10)
    assert kmeans(X.astype(np.float32), 3).dtype == np.float32


def test_kmeans_keeps_an_empty_cluster_and_nearest():
    X = np.array([[0.0], [0.1], [10.0]])
    C = kmeans(X, 3, n_iter=3, seed=0)
    assert np.isfinite(C).all() and C.shape == (3, 1)
    np.testing.assert_array_equal(nearest(np.array([[0.0], [9.0]]), np.array([[0.0], [10.0]])), [0, 1])


def test_more_bytes_more_recall_and_recall_helper():
    X = _data(800, 32)
    Q = _data(50, 32, seed=2)
    rows = recall_vs_bytes(X, Q, Ms=(2, 8, 32), nbits=8)
    assert [r["bytes"] for r in rows] == [2, 8, 32]
    assert rows[0]["recall"] < rows[1]["recall"] < rows[2]["recall"] <= 1
    assert recall_at_k([[1, 2, 3]], [[3, 4, 1]]) == pytest.approx(2 / 3)
    assert recall_vs_bytes(X, Q, Ms=(8,)) == recall_vs_bytes(X, Q, Ms=(8,))  # seeded, deterministic


def test_dtype_preserved():
    X = _data(300, 8, dtype=np.float64)
    pq = ProductQuantizer(2, 4).fit(X, n_iter=2)
    assert pq.codebooks.dtype == np.float64 and pq.decode(pq.encode(X)).dtype == np.float64
    assert pq.encode(X).dtype == np.uint8
