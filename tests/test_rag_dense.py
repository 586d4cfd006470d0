"""Dense retrieval: metric equivalence on unit vectors, the embedding cache (atomic, concurrent), MiniLM, faiss."""

import multiprocessing as mp
import subprocess
import sys

import numpy as np
import pytest

from mlnotes.rag import ann
from mlnotes.rag.cache import EmbeddingCache, atomic_write_bytes
from mlnotes.rag.dense import DIM, Embedder, hashing_encode, similarity


def _ranks(scores):
    return np.argsort(-scores, axis=1, kind="stable")


def test_cosine_dot_l2_rank_equally_on_unit_vectors():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((200, 32))
    q = rng.standard_normal((10, 32))
    xn = x / np.linalg.norm(x, axis=1, keepdims=True)
    qn = q / np.linalg.norm(q, axis=1, keepdims=True)
    cos, dot, l2 = (similarity(qn, xn, m) for m in ("cosine", "dot", "l2"))
    np.testing.assert_allclose(cos, dot, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(l2, 2 * cos - 2, rtol=1e-12, atol=1e-12)  # −‖q − x‖² = 2cos − 2
    assert np.array_equal(_ranks(cos), _ranks(dot)) and np.array_equal(_ranks(cos), _ranks(l2))
    # without normalization the three disagree
    raw = [_ranks(similarity(q, x * rng.uniform(0.1, 3, (200, 1)), m))[:, 0] for m in ("cosine", "dot", "l2")]
    assert not (np.array_equal(raw[0], raw[1]) and np.array_equal(raw[0], raw[2]))


def test_similarity_matches_sklearn():
    from sklearn.metrics.pairwise import cosine_similarity, euclidean_distances

    rng = np.random.default_rng(1)
    x, q = rng.standard_normal((50, 8)), rng.standard_normal((4, 8))
    np.testing.assert_allclose(similarity(q, x, "cosine"), cosine_similarity(q, x), rtol=1e-12)
    np.testing.assert_allclose(similarity(q, x, "l2"), -euclidean_distances(q, x, squared=True), rtol=1e-10)


# -- cache ----------------------------------------------------------------------------------------
def test_cache_round_trip_and_key(tmp_path):
    cache = EmbeddingCache("model/a", root=tmp_path)
    v = np.arange(4, dtype=np.float32)
    assert cache.get("hello") is None
    cache.put("hello", v)
    np.testing.assert_array_equal(cache.get("hello"), v)
    assert "hello" in cache and "hello " not in cache
    assert EmbeddingCache("model/b", root=tmp_path).get("hello") is None  # keyed by model too
    cache.path("broken").parent.mkdir(parents=True, exist_ok=True)
    cache.path("broken").write_bytes(b"\x93NUMPY garbage")  # a truncated file reads as a miss
    assert cache.get("broken") is None


def _writer(root, worker):
    cache = EmbeddingCache("m", root=root)
    for rep in range(20):
        for i in range(10):
            cache.put(f"text {i}", np.full(DIM, float(i), dtype=np.float32))
    return worker


def _reader(root, _):
    cache = EmbeddingCache("m", root=root)
    bad = 0
    for rep in range(60):
        for i in range(10):
            v = cache.get(f"text {i}")
            if v is not None and not (v.shape == (DIM,) and np.all(v == i)):
                bad += 1
    return bad


def test_concurrent_writers_and_readers_never_see_a_partial_file(tmp_path):
    ctx = mp.get_context("fork")
    with ctx.Pool(4) as pool:
        writes = [pool.apply_async(_writer, (tmp_path, w)) for w in range(3)]
        reads = pool.apply_async(_reader, (tmp_path, 0))
        [w.get(timeout=60) for w in writes]
        assert reads.get(timeout=60) == 0
    cache = EmbeddingCache("m", root=tmp_path)
    for i in range(10):
        np.testing.assert_array_equal(cache.get(f"text {i}"), np.full(DIM, float(i), dtype=np.float32))
    assert not list(tmp_path.rglob("*.tmp")), "temporary files must be renamed or removed"


def test_atomic_write_leaves_no_temp_on_error(tmp_path):
    with pytest.raises(TypeError):
        atomic_write_bytes(tmp_path / "x.bin", 12345)  # not bytes: the write fails
    assert list(tmp_path.iterdir()) == []


def test_embedder_encodes_only_misses(tmp_path):
    calls = []

    def encode(texts):
        calls.append(list(texts))
        return hashing_encode(texts)

    emb = Embedder("hashing-test", encode=encode, cache=EmbeddingCache("hashing-test", root=tmp_path))
    a = emb.embed(["alpha beta", "gamma", "alpha beta"])
    assert a.shape == (3, DIM) and a.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, rtol=1e-6)
    assert calls == [["gamma", "alpha beta"]]  # each distinct miss once, shortest first
    fresh = Embedder("hashing-test", encode=encode, cache=EmbeddingCache("hashing-test", root=tmp_path))
    np.testing.assert_array_equal(fresh.embed(["gamma", "alpha beta"]), a[[1, 0]])
    assert len(calls) == 1 and fresh.encoded == 0  # read back from disk


def test_importing_the_package_loads_no_heavy_library():
    code = ("import sys, mlnotes.rag, mlnotes.rag.dense, mlnotes.rag.ann, mlnotes.rag.cli, mlnotes.figures.rag;"
            "print(sorted(m for m in ('torch','sentence_transformers','faiss','bm25s','sklearn','transformers')"
            " if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# -- faiss ----------------------------------------------------------------------------------------
def test_flat_index_is_exact_and_ann_recall_is_measured():
    x = ann.clustered_unit_vectors(2000, 64, n_clusters=100, seed=1)
    q = ann.clustered_unit_vectors(50, 64, n_clusters=100, seed=1)  # same centres: realistic queries
    exact = np.argsort(-(q @ x.T), axis=1, kind="stable")[:, :10]
    ids, scores = ann.search(ann.build_index(x, "flat"), q, 10)
    assert ann.recall_at_k(ids, exact, 10) == 1.0
    np.testing.assert_allclose(scores, np.take_along_axis(q @ x.T, ids, 1), rtol=1e-5)
    ivf = ann.build_index(x, "ivf", nlist=40)
    r1 = ann.recall_at_k(ann.search(ivf, q, 10, nprobe=1)[0], exact, 10)
    r_all = ann.recall_at_k(ann.search(ivf, q, 10, nprobe=40)[0], exact, 10)
    assert r1 < r_all == 1.0  # probing every cell is exact
    hnsw = ann.build_index(x, "hnsw", m=16)
    assert ann.recall_at_k(ann.search(hnsw, q, 10, ef_search=200)[0], exact, 10) > 0.95


def test_recall_at_k_hand_worked():
    assert ann.recall_at_k([[1, 2, 3], [4, 5, 6]], [[3, 2, 9], [7, 8, 9]], 3) == pytest.approx((2 / 3 + 0) / 2)


def test_compare_indexes_rows():
    x = ann.clustered_unit_vectors(600, 16, n_clusters=30, seed=2)
    rows = ann.compare_indexes(x[:500], x[500:], k=5, nlist=16, nprobes=(1, 16), efs=(8,))
    assert [r["index"].split()[0] for r in rows] == ["Flat", "IVF", "IVF", "HNSW"]
    assert rows[0]["recall"] == 1.0 and rows[2]["recall"] == 1.0
    assert all(r["ms_per_query"] > 0 for r in rows)


# -- the pack: one file with many vectors --------------------------------------------------------
def test_pack_round_trip_and_fallback(tmp_path):
    cache = EmbeddingCache("m", root=tmp_path)
    texts = [f"text {i}" for i in range(20)]
    for i, t in enumerate(texts):
        cache.put(t, np.full(4, float(i), dtype=np.float32))
    assert cache.write_pack(texts[:15] + ["never embedded"]) == 15  # texts without a vector are skipped
    for f in tmp_path.rglob("*.npy"):
        f.unlink()  # only the pack is left
    fresh = EmbeddingCache("m", root=tmp_path)
    for i, t in enumerate(texts[:15]):
        v = fresh.get(t)
        assert v.dtype == np.float32 and np.all(v == i)
    assert fresh.get("text 17") is None  # not in the pack, no file: a miss
    fresh.put("text 17", np.ones(4, dtype=np.float32))
    assert np.all(fresh.get("text 17") == 1)  # a file still works beside the pack
    fresh.pack_path.write_bytes(b"not an npz")
    assert EmbeddingCache("m", root=tmp_path).get("text 3") is None  # a broken pack reads as no pack


def test_embedder_save_pack_holds_what_it_used(tmp_path):
    emb = Embedder("hashing-test", encode=hashing_encode, cache=EmbeddingCache("hashing-test", root=tmp_path))
    a = emb.embed(["alpha", "beta gamma"])
    assert emb.save_pack() == 2
    for f in tmp_path.rglob("*.npy"):
        f.unlink()
    again = Embedder("hashing-test", encode=hashing_encode, cache=EmbeddingCache("hashing-test", root=tmp_path))
    np.testing.assert_array_equal(again.embed(["beta gamma", "alpha"]), a[[1, 0]])
    assert again.encoded == 0


def test_model_facts_come_from_the_packaged_configuration():
    from mlnotes.rag.dense import model_facts

    facts = model_facts()
    assert facts == {"layers": 6, "width": DIM, "max_tokens": 256, "pooling": "mean", "normalized": True}


# -- distances counted by faiss, deterministic builds ----------------------------------------------
def test_counted_distances():
    x = ann.clustered_unit_vectors(600, 16, n_clusters=30, seed=4)
    q = x[:20]
    flat_ids, n = ann.counted_search(ann.build_index(x, "flat"), "flat", q, 5)
    assert n == 600.0
    ivf = ann.build_index(x, "ivf", nlist=12)
    _, every_cell = ann.counted_search(ivf, "ivf", q, 5, nprobe=12)
    assert every_cell == 600 + 12  # every vector, plus the 12 centroids
    _, one_cell = ann.counted_search(ivf, "ivf", q, 5, nprobe=1)
    assert 12 < one_cell < every_cell
    hnsw = ann.build_index(x, "hnsw", m=8)
    _, few = ann.counted_search(hnsw, "hnsw", q, 5, ef_search=8)
    _, many = ann.counted_search(hnsw, "hnsw", q, 5, ef_search=64)
    assert 0 < few < many


def test_builds_are_single_threaded_and_repeatable():
    import faiss

    x = ann.clustered_unit_vectors(1500, 32, n_clusters=60, seed=5)
    q = x[:50]
    results = []
    for threads in (2, 1):
        faiss.omp_set_num_threads(threads)
        try:
            for kind, kw in (("hnsw", {"ef_search": 16}), ("ivf", {"nprobe": 2})):
                index = ann.build_index(x, kind, nlist=30, m=8, ef_construction=16)
                assert faiss.omp_get_max_threads() == threads  # restored after the build
                results.append(ann.counted_search(index, kind, q, 10, **kw))
        finally:
            faiss.omp_set_num_threads(1)
    for (ids_a, n_a), (ids_b, n_b) in zip(results[:2], results[2:]):
        np.testing.assert_array_equal(ids_a, ids_b)
        assert n_a == n_b


def test_compare_indexes_reports_distances_and_bytes():
    x = ann.clustered_unit_vectors(600, 16, n_clusters=30, seed=2)
    rows = ann.compare_indexes(x[:500], x[500:], k=5, nlist=16, nprobes=(1, 16), efs=(8,))
    assert rows[0]["distances"] == 500.0 and rows[2]["distances"] == 500 + 16
    assert all(r["bytes"] >= rows[0]["bytes"] for r in rows)  # every index stores the vectors
