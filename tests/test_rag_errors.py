"""Bad inputs to the RAG package: each raises ValueError/TypeError naming the argument and the expected form."""

import numpy as np
import pytest

from mlnotes.rag import ann
from mlnotes.rag.bm25 import BM25, FieldedBM25, idf_of, term_factor
from mlnotes.rag.cache import EmbeddingCache, text_hash
from mlnotes.rag.chunking import fixed_spans, structure_chunks
from mlnotes.rag.corpus import load_book, parse_chapter
from mlnotes.rag.dense import Embedder, default_embedder, hashing_encode, similarity
from mlnotes.rag.evaluate import chapter_at_3, evaluate
from mlnotes.rag.fusion import rrf, rrf_scores
from mlnotes.rag.inverted_index import encode_postings, varint_decode, varint_encode
from mlnotes.rag.multilingual import dense_model, has_cjk, is_chinese
from mlnotes.rag.retriever import ChunkConfig, Retriever
from mlnotes.rag.tfidf import idf, tfidf, tokenize
from mlnotes.rag.transforms import compress, sub_queries
from mlnotes.rag.translate import translate

UNIT = np.eye(3)


def _retriever():
    from mlnotes.rag.corpus import Section

    s = Section("c", "C", "T", "t", None, 2, "Some words here.")
    return Retriever([s])


CASES = [
    # chunking
    (lambda: fixed_spans("a b", 0, 0), ValueError, r"size must be an integer >= 1, got 0"),
    (lambda: fixed_spans("a b", 3, 3), ValueError, r"overlap must be smaller than size \(3\), got 3"),
    (lambda: fixed_spans("a b", 3, -1), ValueError, r"overlap must be an integer >= 0, got -1"),
    (lambda: fixed_spans("a b", 3, 1, unit="token"), ValueError, r"unit must be 'word' or 'char', got 'token'"),
    (lambda: fixed_spans(["a"], 3, 1), TypeError, r"text must be a str, got list"),
    (lambda: structure_chunks("a.", 2.5), TypeError, r"size must be an integer, got float"),
    (lambda: ChunkConfig("paragraph", 10, 1), ValueError, r"mode must be 'structure', 'fixed' or 'section'"),
    (lambda: ChunkConfig("fixed", 10, 10), ValueError, r"overlap must be smaller than size \(10\), got 10"),
    # tokenizer, tf-idf
    (lambda: tokenize(3), TypeError, r"text must be a str, got int"),
    (lambda: tfidf([]), ValueError, r"docs_tokens must not be empty"),
    (lambda: tfidf("a b c"), TypeError, r"docs_tokens must be a list of token lists, got str"),
    (lambda: tfidf([["a", 1]]), TypeError, r"docs_tokens\[0\] must be a list of str tokens"),
    (lambda: tfidf([[], []]), ValueError, r"docs_tokens must contain at least one token"),
    (lambda: idf(np.zeros(3)), ValueError, r"tf must have shape \(N, V\) with N >= 1, got \(3,\)"),
    (lambda: idf(np.array([[1.0, 0.0]]), smooth_idf=False), ValueError, r"smooth_idf=False needs every term"),
    (lambda: idf(np.ones((2, 2), dtype=bool)), TypeError, r"tf must be real numbers \(float or int\), got dtype bool"),
    (lambda: tfidf([["a"]], dtype=np.int64), TypeError, r"dtype must be float32 or float64, got int64"),
    # BM25
    (lambda: BM25(k1=-0.1), ValueError, r"k1 must be >= 0.0, got -0.1"),
    (lambda: BM25(b=1.5), ValueError, r"b must be in \[0.0, 1.0\], got 1.5"),
    (lambda: BM25(b=float("nan")), ValueError, r"b must be finite, got nan"),
    (lambda: BM25(variant="bm42"), ValueError, r"variant must be one of lucene, robertson, atire, okapi, got 'bm42'"),
    (lambda: BM25().scores(["a"]), ValueError, r"call fit\(docs_tokens\) before scores\(\)"),
    (lambda: BM25().fit([["a"]]).scores("a b"), TypeError, r"query_tokens must be a list of str tokens, got str"),
    (lambda: BM25().fit([[], []]), ValueError, r"docs_tokens must contain at least one token"),
    (lambda: FieldedBM25(k1=-1), ValueError, r"k1 must be >= 0.0, got -1"),
    (lambda: FieldedBM25(variant="bm42"), ValueError, r"variant must be one of lucene, robertson, atire, okapi"),
    (lambda: FieldedBM25().fit([[], []]), ValueError, r"docs_tokens must contain at least one token"),
    (lambda: FieldedBM25().fit("ab"), TypeError, r"docs_tokens"),
    (lambda: FieldedBM25().scores(["a"]), ValueError, r"call fit\(docs_tokens\) before scores\(\)"),
    (lambda: FieldedBM25().score_matrix([["a"]]), ValueError, r"call fit\(docs_tokens\) before score_matrix\(\)"),
    (lambda: FieldedBM25().fit([["a"]]).scores("a b"), TypeError, r"query_tokens must be a list of str tokens, got str"),
    (lambda: FieldedBM25().fit([["a"]]).score_matrix("a"), TypeError, r"queries_tokens must be a list of token lists"),
    (lambda: FieldedBM25().fit([["a"]]).score_matrix([["a"], "b"]), TypeError, r"tokens must be a list of str tokens, got str"),
    (lambda: idf_of([1], 3, "tfidf"), ValueError, r"variant must be one of"),
    (lambda: term_factor(1, 1, 1, variant="x"), ValueError, r"variant must be one of"),
    (lambda: term_factor(np.array([True]), 1, 1), TypeError, r"tf must be real numbers \(float or int\), got dtype bool"),
    (lambda: idf_of(np.array(["a"]), 3), TypeError, r"df must be real numbers \(float or int\), got dtype <U1"),
    (lambda: BM25().score_matrix([["a"]]), ValueError, r"call fit\(docs_tokens\) before score_matrix\(\)"),
    (lambda: BM25().fit([["a"]]).score_matrix("a b"), TypeError, r"queries_tokens must be a list of token lists"),
    (lambda: BM25().fit([["a"]]).score_matrix(["a b"]), TypeError, r"query_tokens must be a list of str tokens"),
    # inverted index
    (lambda: encode_postings([3, 3]), ValueError, r"doc_ids must be strictly increasing document ids"),
    (lambda: encode_postings([5, 2]), ValueError, r"doc_ids must be strictly increasing document ids"),
    (lambda: encode_postings([-1]), ValueError, r"doc_ids\[0\] must be an integer >= 0, got -1"),
    (lambda: varint_encode([1.5]), TypeError, r"numbers\[0\] must be an integer, got float"),
    (lambda: varint_decode(b"\x80"), ValueError, r"data ends in the middle of a varint"),
    (lambda: varint_decode("ab"), TypeError, r"data must be bytes, got str"),
    # dense
    (lambda: similarity(UNIT, UNIT, "manhattan"), ValueError, r"metric must be one of cosine, dot, l2"),
    (lambda: similarity(UNIT, np.eye(4), "dot"), ValueError, r"queries and docs must have the same width, got 3 and 4"),
    (lambda: similarity(np.ones(3), UNIT), ValueError, r"queries must have 2 dimension\(s\), got shape \(3,\)"),
    (lambda: similarity(np.zeros((1, 3)), UNIT), ValueError, r"cosine similarity is undefined for a zero vector"),
    (lambda: similarity(np.full((1, 3), np.nan), UNIT), ValueError, r"queries must contain only finite values"),
    (lambda: similarity(UNIT > 0, UNIT), TypeError, r"queries must be an array of real numbers .*got dtype bool"),
    (lambda: similarity(UNIT, UNIT.astype(complex)), TypeError, r"docs must be an array of real numbers"),
    (lambda: Embedder(encode=hashing_encode).embed("one text"), TypeError, r"texts must be a list of str, got str"),
    (lambda: Embedder(encode=hashing_encode).embed([1, 2]), TypeError, r"texts must be a list of str"),
    (lambda: Embedder(batch_size=0), ValueError, r"batch_size must be an integer >= 1, got 0"),
    (lambda: EmbeddingCache(""), ValueError, r"model_name must be a non-empty str"),
    (lambda: text_hash(b"x"), TypeError, r"text must be a str, got bytes"),
    # ANN
    (lambda: ann.build_index(UNIT, "lsh"), ValueError, r"kind must be one of flat, ivf, hnsw, got 'lsh'"),
    (lambda: ann.build_index(np.ones(3), "flat"), ValueError, r"x must have 2 dimension\(s\)"),
    (lambda: ann.build_index(UNIT, "ivf", nlist=10), ValueError, r"nlist must be an integer in \[1, 3\], got 10"),
    (lambda: ann.recall_at_k([[1, 2]], [[1, 2, 3]], 3), ValueError, r"approx_ids and exact_ids must be \(Q, >= 3\)"),
    (lambda: ann.recall_at_k([[1]], [[1]], 0), ValueError, r"k must be an integer >= 1, got 0"),
    (lambda: ann.clustered_unit_vectors(0), ValueError, r"n must be an integer >= 1, got 0"),
    (lambda: ann.counted_search(None, "lsh", UNIT), ValueError, r"kind must be one of flat, ivf, hnsw, got 'lsh'"),
    (lambda: ann.build_index(UNIT > 0, "flat"), TypeError, r"x must be an array of real numbers .*got dtype bool"),
    (lambda: ann.recall_at_k([[1.0, 2.0]], [[1, 2]], 2), TypeError, r"approx_ids must be integer ids, got dtype float64"),
    # fusion
    (lambda: rrf([]), ValueError, r"rankings must hold at least one ranked list"),
    (lambda: rrf("abc"), TypeError, r"rankings must be a list of ranked id lists, got str"),
    (lambda: rrf([["a", "a"]]), ValueError, r"rankings\[0\] repeats an id"),
    (lambda: rrf([["a"]], k=-1), ValueError, r"k must be >= 0.0, got -1.0"),
    (lambda: rrf_scores([["a"], ["b"]], weights=[1.0]), ValueError, r"weights must have one entry per ranking \(2\)"),
    (lambda: rrf_scores([["a"]], weights=[-1.0]), ValueError, r"weights\[0\] must be >= 0.0, got -1.0"),
    # corpus, retriever, evaluation, transforms
    (lambda: parse_chapter(b"# x", "c"), TypeError, r"source must be a str, got bytes"),
    (lambda: load_book("/nonexistent/folder"), ValueError, r"root must contain a chapters/ folder"),
    (lambda: Retriever([]), ValueError, r"sections must not be empty"),
    (lambda: _retriever().ranking("words", "sparse"), ValueError, r"method must be one of bm25, dense, hybrid, rerank"),
    (lambda: _retriever().search("words", "bm25", k=0), ValueError, r"k must be an integer >= 1, got 0"),
    (lambda: _retriever().chunk_scores("words", "hybrid"), ValueError, r"method must be 'bm25' or 'dense' here"),
    (lambda: _retriever().rankings("words", "bm25"), TypeError, r"queries must be a list of str, got str"),
    (lambda: _retriever().rankings([1], "bm25"), TypeError, r"queries must be a list of str"),
    (lambda: _retriever().rankings(["w"], "rerank", n_candidates=0), ValueError, r"n_candidates must be an integer >= 1"),
    (lambda: _retriever().chunk_score_matrix(["w"], "rrf"), ValueError, r"method must be 'bm25' or 'dense' here"),
    (lambda: evaluate(_retriever(), []), ValueError, r"queries must not be empty"),
    (lambda: sub_queries(None), TypeError, r"query must be a str, got NoneType"),
    (lambda: compress(None, "q", "a. b.", 0), ValueError, r"n_sentences must be an integer >= 1, got 0"),
    # Chinese questions: encoders, routing, translation
    (lambda: dense_model("q", "bert"), ValueError, r"model must be one of auto, minilm, use, got 'bert'"),
    (lambda: has_cjk(3), TypeError, r"text must be a str, got int"),
    (lambda: is_chinese(None), TypeError, r"text must be a str, got NoneType"),
    (lambda: translate(None, {}), TypeError, r"query must be a str, got NoneType"),
    (lambda: default_embedder("e5"), ValueError, r"model must be one of minilm, use, got 'e5'"),
    (lambda: Embedder(dim=0), ValueError, r"dim must be an integer >= 1, got 0"),
    (lambda: _retriever().embed(model="e5"), ValueError, r"model must be one of minilm, use, got 'e5'"),
    (lambda: _retriever().ranking("w", "dense", model="e5"), ValueError, r"model must be one of auto, minilm, use"),
    (lambda: chapter_at_3([], []), ValueError, r"queries must not be empty"),
]


@pytest.mark.parametrize("call,exc,match", CASES, ids=[c[2][:40] for c in CASES])
def test_bad_input_raises_a_clear_error(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
