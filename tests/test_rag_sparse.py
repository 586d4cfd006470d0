"""Sparse retrieval: tokenizer, TF-IDF vs sklearn, BM25 vs bm25s / rank_bm25, the inverted index."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlnotes.rag.bm25 import BM25, bm25_reference, idf_of, term_factor
from mlnotes.rag.inverted_index import (InvertedIndex, decode_postings, encode_postings, intersect,
                                        intersect_galloping, scan_and, union, varint_decode, varint_encode)
from mlnotes.rag.tfidf import analyzer, english_stop_words, tfidf, tokenize

TEXTS = [
    "Adam keeps an EMA of gradients and an EMA of squared gradients.",
    "Momentum averages gradients; Nesterov looks ahead. The gradients of a ravine zigzag.",
    "BatchNorm normalizes over the batch, LayerNorm over features: 批归一化 and 层归一化.",
    "BM25 saturates term frequency with k1 and normalizes length with b.",
    "TF-IDF multiplies term frequency by inverse document frequency; the idf uses a log.",
    "Why divide by sqrt(d_k)? The dot product of two random vectors has variance d_k.",
    "the the the of of and",
]


def _corpus(seed=0, n_docs=60, vocab=40):
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(vocab)]
    p = np.r_[np.full(5, 0.1), np.full(vocab - 5, 0.5 / (vocab - 5))]  # five words in most documents
    return [[str(w) for w in rng.choice(words, size=int(rng.integers(1, 30)), p=p)] for _ in range(n_docs)]


# -- tokenizer and TF-IDF -------------------------------------------------------------------------
@pytest.mark.parametrize("stop_words", [True, False])
def test_tokenizer_equals_sklearn_analyzer(stop_words):
    """Without CJK characters, and always with cjk=False, the tokens are scikit-learn's."""
    from sklearn.feature_extraction.text import CountVectorizer

    ref = CountVectorizer(stop_words="english" if stop_words else None).build_analyzer()
    for t in TEXTS + ["", "a I x", "Ünïcode résumé ÀB 2x k1=1.5"]:
        assert tokenize(t, stop_words, cjk=False) == ref(t)
        if "归" not in t:
            assert tokenize(t, stop_words) == ref(t)


def test_stop_words_are_sklearns():
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    assert english_stop_words() == ENGLISH_STOP_WORDS


@pytest.mark.parametrize("smooth_idf", [True, False])
def test_tfidf_equals_sklearn(smooth_idf):
    from sklearn.feature_extraction.text import TfidfVectorizer

    docs = [tokenize(t) for t in TEXTS]
    ours, vocab = tfidf(docs, smooth_idf=smooth_idf)
    vec = TfidfVectorizer(analyzer=analyzer(True), smooth_idf=smooth_idf)
    ref = vec.fit_transform(TEXTS).toarray()
    assert vocab == vec.vocabulary_
    np.testing.assert_allclose(ours, ref, rtol=1e-12, atol=1e-15)
    norms = np.linalg.norm(ours, axis=1)
    np.testing.assert_allclose(norms[:-1], 1.0, rtol=1e-12)
    assert norms[-1] == 0.0  # a document of stop words only stays a zero row, as in sklearn


def test_idf_hand_worked():
    from mlnotes.rag.tfidf import counts, idf

    tf = counts([["a", "b"], ["a"], ["a", "c", "c"]], {"a": 0, "b": 1, "c": 2})
    np.testing.assert_allclose(idf(tf, True), [math.log(4 / 4) + 1, math.log(4 / 2) + 1, math.log(4 / 2) + 1])
    np.testing.assert_allclose(idf(tf, False), [1.0, math.log(3) + 1, math.log(3) + 1])


# -- BM25 -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("variant", ["lucene", "robertson", "atire"])
@pytest.mark.parametrize("k1,b", [(1.5, 0.75), (1.2, 0.0), (2.0, 1.0), (0.0, 0.5)])
def test_bm25_equals_bm25s(variant, k1, b):
    import bm25s

    docs = _corpus()
    ref = bm25s.BM25(k1=k1, b=b, method=variant)
    ref.index(docs, show_progress=False)
    ours = BM25(k1, b, variant).fit(docs)
    for query in (["w0", "w3", "w10", "w10", "w39"], ["w1"], ["w7", "unknown"]):
        got, want = ours.scores(query), ref.get_scores(query)
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)  # bm25s computes in float32
        np.testing.assert_allclose(got, bm25_reference(query, docs, k1, b, variant), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("k1,b", [(1.5, 0.75), (1.2, 0.3), (2.0, 1.0)])
def test_bm25_okapi_equals_rank_bm25_with_epsilon_floor(k1, b):
    from rank_bm25 import BM25Okapi

    docs = _corpus(1)
    ours = BM25(k1, b, "okapi").fit(docs)
    ref = BM25Okapi(docs, k1=k1, b=b)
    raw = idf_of(ours.df, len(docs), "okapi")
    assert np.sum(raw < 0) >= 3, "the corpus must contain terms in more than half the documents"
    for query in (["w0", "w1", "w2"], ["w0", "w30", "w30"], ["zzz"]):
        np.testing.assert_allclose(ours.scores(query), ref.get_scores(query), rtol=1e-9, atol=1e-12)
    vocab_idf = np.array([ref.idf[t] for t in ours.vocab])
    np.testing.assert_allclose(ours.idf, vocab_idf, rtol=1e-12)
    np.testing.assert_allclose(ours.idf[raw < 0], 0.25 * raw.mean(), rtol=1e-12)


def test_bm25_hand_worked():
    docs = [["cat", "sat"], ["cat", "cat", "dog", "dog"]]  # N = 2, avgdl = 3
    s = BM25(1.5, 0.75, "lucene").fit(docs).scores(["cat", "dog"])
    idf_cat = math.log(1 + (2 - 2 + 0.5) / (2 + 0.5))
    idf_dog = math.log(1 + (2 - 1 + 0.5) / (1 + 0.5))
    norm0, norm1 = 1.5 * (0.25 + 0.75 * 2 / 3), 1.5 * (0.25 + 0.75 * 4 / 3)
    np.testing.assert_allclose(s, [idf_cat * 1 / (1 + norm0), idf_cat * 2 / (2 + norm1) + idf_dog * 2 / (2 + norm1)],
                               rtol=1e-14)


def test_k1_saturates_and_b_normalizes_length():
    tf = np.arange(0, 200)
    f = term_factor(tf, 1.0, 1.0, k1=1.2, b=0.75, variant="okapi")
    assert np.all(np.diff(f) > 0) and f[-1] < 2.2 and f[-1] > 2.18  # increasing, bounded by k1 + 1
    np.testing.assert_allclose(term_factor(tf, 1.0, 1.0, 0.0, 0.75, "okapi"), (tf > 0).astype(float))  # k1 = 0
    lengths = np.array([0.5, 1.0, 2.0, 4.0])
    assert np.all(np.diff(term_factor(3, lengths, 1.0, 1.2, 0.75, "lucene")) < 0)  # longer -> lower
    np.testing.assert_allclose(np.ptp(term_factor(3, lengths, 1.0, 1.2, 0.0, "lucene")), 0.0)  # b = 0 ignores it


def test_bm25_ranking_unchanged_by_k1_plus_1_factor():
    docs = _corpus(2)
    lucene = BM25(1.5, 0.75, "lucene").fit(docs)
    q = ["w3", "w8"]
    robertson_tf = lucene.scores(q) * 2.5
    assert np.array_equal(np.argsort(-lucene.scores(q), kind="stable"), np.argsort(-robertson_tf, kind="stable"))


# -- inverted index -------------------------------------------------------------------------------
@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(0, 2**40), max_size=40))
def test_varint_round_trip(numbers):
    assert varint_decode(varint_encode(numbers)) == numbers


def test_varint_hand_worked():
    assert varint_encode([0, 1, 127, 128, 300, 16384]) == bytes([0, 1, 127, 0x80, 1, 0xAC, 2, 0x80, 0x80, 1])


@settings(max_examples=80, deadline=None)
@given(st.sets(st.integers(0, 10**6), max_size=60))
def test_postings_gap_coding_round_trip(ids):
    ids = sorted(ids)
    data = encode_postings(ids)
    assert decode_postings(data) == ids
    assert len(data) <= max(1, 4 * len(ids)) or not ids


def test_gaps_compress_frequent_terms():
    ids = list(range(0, 30000, 3))  # a frequent term: gaps of 3
    assert len(encode_postings(ids)) == len(ids)  # one byte per posting instead of four
    assert encode_postings([100, 200, 300]) == varint_encode([100, 100, 100])


@settings(max_examples=80, deadline=None)
@given(st.sets(st.integers(0, 500), max_size=80), st.sets(st.integers(0, 500), max_size=80))
def test_intersections_and_union_equal_set_operations(a, b):
    a, b = sorted(a), sorted(b)
    assert intersect(a, b) == sorted(set(a) & set(b))
    assert intersect_galloping(a, b) == sorted(set(a) & set(b))
    assert intersect_galloping(b, a) == sorted(set(a) & set(b))
    assert union(a, b) == sorted(set(a) | set(b))


def test_index_queries_equal_a_scan():
    docs = _corpus(3, n_docs=300, vocab=60)
    index = InvertedIndex.build(docs)
    assert index.posting("w0") == [i for i, d in enumerate(docs) if "w0" in d]
    tid = index.terms["w0"]
    assert index.freqs[tid] == [docs[i].count("w0") for i in index.postings[tid]]
    for terms in (["w0", "w1"], ["w0", "w12", "w30"], ["w59"], ["nope", "w0"]):
        assert index.and_query(terms) == scan_and(docs, terms)
        assert index.and_query(terms, galloping=True) == scan_and(docs, terms)
        assert index.or_query(terms) == [i for i, d in enumerate(docs) if any(t in d for t in terms)]
    assert index.compressed_bytes() < index.raw_bytes()
