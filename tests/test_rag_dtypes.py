"""dtypes in the RAG package: float32 in -> float32 out wherever the result is made of the input's floats
(issue 11, item 18), and arguments whose meaning depends on their dtype refuse the dtypes they do not document
(item 15: bool embeddings, float ids)."""

import numpy as np
import pytest

from mlnotes.rag import ann
from mlnotes.rag.bm25 import BM25, idf_of, term_factor
from mlnotes.rag.corpus import Section
from mlnotes.rag.dense import Embedder, hashing_encode, similarity
from mlnotes.rag.retriever import Retriever
from mlnotes.rag.tfidf import analyzer, counts, idf, idf_variants, tfidf, tfidf_query, tokenize

RNG = np.random.default_rng(0)
Q32 = RNG.standard_normal((4, 8)).astype(np.float32)
X32 = RNG.standard_normal((30, 8)).astype(np.float32)


# -- similarity ------------------------------------------------------------------------------------
@pytest.mark.parametrize("metric", ["cosine", "dot", "l2"])
@pytest.mark.parametrize("dq,dx,out", [(np.float32, np.float32, np.float32), (np.float64, np.float64, np.float64),
                                       (np.float32, np.float64, np.float64), (np.float16, np.float32, np.float32),
                                       (np.int64, np.int64, np.float64)])
def test_similarity_keeps_the_floating_dtype(metric, dq, dx, out):
    got = similarity(Q32.astype(dq) if dq != np.int64 else np.rint(Q32 * 3).astype(dq),
                     X32.astype(dx) if dx != np.int64 else np.rint(X32 * 3).astype(dx), metric)
    assert got.dtype == out


@pytest.mark.parametrize("metric", ["cosine", "dot", "l2"])
def test_similarity_float32_equals_float64_to_float32_precision(metric):
    ref = similarity(Q32.astype(np.float64), X32.astype(np.float64), metric)
    np.testing.assert_allclose(similarity(Q32, X32, metric), ref, rtol=1e-5, atol=1e-5)


# -- BM25 and TF-IDF -------------------------------------------------------------------------------
def test_term_factor_and_idf_keep_float32():
    tf = np.array([0, 1, 3, 10], dtype=np.float32)
    for variant in ("lucene", "robertson", "atire", "okapi"):
        assert term_factor(tf, np.float32(120), 100.0, 1.5, 0.75, variant).dtype == np.float32
        assert term_factor(tf, np.array([80, 90, 100, 200]), 100.0, variant=variant).dtype == np.float32  # int lengths
        assert term_factor([0, 1, 3], 100, 100.0, variant=variant).dtype == np.float64  # integer counts
        np.testing.assert_allclose(term_factor(tf, 120, 100.0, variant=variant),
                                   term_factor(tf.astype(np.float64), 120, 100.0, variant=variant), rtol=1e-6)
        assert idf_of(np.array([1, 5, 9], dtype=np.float32), 10, variant).dtype == np.float32
        assert idf_of([1, 5, 9], 10, variant).dtype == np.float64


def test_tfidf_float32_equals_sklearn_float32():
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = ["the cat sat on the mat", "dogs and cats and dogs", "a dog barks at the cat cat", "mat mat mat"]
    for smooth in (True, False):
        ours, vocab = tfidf([tokenize(t) for t in texts], smooth_idf=smooth, dtype=np.float32)
        vec = TfidfVectorizer(analyzer=analyzer(), smooth_idf=smooth, dtype=np.float32)
        ref = vec.fit_transform(texts).toarray()
        assert ours.dtype == ref.dtype == vec.idf_.dtype == np.float32
        np.testing.assert_allclose(ours, ref, rtol=1e-6, atol=1e-7)
        tf = counts([tokenize(t) for t in texts], vocab, np.float32)
        assert tf.dtype == np.float32 and idf(tf, smooth).dtype == np.float32
        np.testing.assert_allclose(idf(tf, smooth), vec.idf_, rtol=1e-6)
        query = tfidf_query(["cat", "mat"], vocab, vec.idf_)
        assert query.dtype == np.float32
    assert idf(np.ones((2, 3))).dtype == np.float64 and idf(np.ones((2, 3), dtype=int)).dtype == np.float64
    assert all(v.dtype == np.float32 for v in idf_variants(100, np.array([1.0, 10.0], dtype=np.float32)).values())
    assert all(v.dtype == np.float64 for v in idf_variants(100, np.array([1, 10])).values())


def test_bm25_scores_are_float64_like_rank_bm25():
    """Tokens carry no floating dtype: scores are float64 (bm25s computes in float32; the chapter compares)."""
    bm25 = BM25().fit([["a", "b"], ["b", "c", "c"]])
    assert bm25.scores(["c"]).dtype == np.float64 and bm25.score_matrix([["c"], ["a", "b"]]).dtype == np.float64


# -- embeddings, retriever, faiss ------------------------------------------------------------------
def test_embeddings_are_float32_and_dense_scores_stay_float32(tmp_path):
    from mlnotes.rag.cache import EmbeddingCache

    assert hashing_encode(["a b", "c"]).dtype == np.float32
    emb = Embedder("hashing-384", encode=hashing_encode, cache=EmbeddingCache("hashing-384", root=tmp_path))
    assert emb.embed(["one text", "another"]).dtype == np.float32
    sections = [Section("c", "C", "T", "t", None, 2, "Alpha beta gamma. Delta epsilon."),
                Section("c", "C", "U", "u", None, 2, "Zeta eta theta.")]
    r = Retriever(sections, embedder=emb).embed()
    assert r.vectors.dtype == np.float32
    assert r.chunk_score_matrix(["alpha", "zeta"], "dense").dtype == np.float32
    assert r.chunk_score_matrix(["alpha", "zeta"], "bm25").dtype == np.float64


def test_faiss_works_in_float32_whatever_the_input():
    x = ann.clustered_unit_vectors(200, 16, n_clusters=10, seed=3)
    assert x.dtype == np.float32
    index = ann.build_index(x.astype(np.float64), "flat")  # converted: faiss stores float32
    ids, scores = ann.search(index, x[:5].astype(np.float64), 3)
    assert ids.dtype == np.int64 and scores.dtype == np.float32
    ids32, scores32 = ann.search(ann.build_index(x, "flat"), x[:5], 3)
    np.testing.assert_array_equal(ids, ids32)
    np.testing.assert_array_equal(scores, scores32)


# -- item 15: dtype-dependent arguments ------------------------------------------------------------
@pytest.mark.parametrize("call", [
    lambda: similarity(Q32 > 0, X32),
    lambda: similarity(Q32, X32 > 0, "dot"),
    lambda: similarity(Q32.astype(np.complex64), X32),
    lambda: ann.build_index(X32 > 0, "flat"),
    lambda: ann.search(ann.build_index(X32, "flat"), Q32 > 0, 3),
    lambda: ann.compare_indexes(X32 > 0, Q32),
    lambda: term_factor(np.array([True, False]), 10, 10.0),
    lambda: idf_of(np.array([1 + 0j]), 10),
    lambda: idf(np.ones((2, 2), dtype=bool)),
], ids=["sim-bool-q", "sim-bool-x", "sim-complex", "build-bool", "search-bool", "compare-bool", "tf-bool",
        "df-complex", "idf-bool"])
def test_embeddings_and_counts_refuse_bool_and_complex(call):
    with pytest.raises(TypeError, match="must be (an array of )?real numbers"):
        call()


def test_recall_refuses_scores_passed_as_ids():
    """faiss returns (scores, ids), ann.search (ids, scores): swapping them used to give a silent recall."""
    x = ann.clustered_unit_vectors(100, 8, n_clusters=5, seed=1)
    index = ann.build_index(x, "flat")
    ids, scores = ann.search(index, x[:4], 5)
    assert ann.recall_at_k(ids, ids, 5) == 1.0
    with pytest.raises(TypeError, match="approx_ids must be integer ids, got dtype float32"):
        ann.recall_at_k(scores, ids, 5)
    with pytest.raises(TypeError, match="exact_ids must be integer ids, got dtype bool"):
        ann.recall_at_k(ids, ids > 3, 5)
