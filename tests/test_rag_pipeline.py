"""The pipeline on a fixture book: RRF, retriever methods, filter, evaluation with the shared metrics, transforms,
the on-disk index, and the bench. A hashing encoder stands in for MiniLM so the tests are fast."""

import numpy as np
import pytest

from mlnotes.metrics.ranking import hit_rate_at_k, mrr
from mlnotes.rag.cache import EmbeddingCache
from mlnotes.rag.corpus import load_book
from mlnotes.rag.dense import Embedder, hashing_encode
from mlnotes.rag.evaluate import chunk_size_sweep, evaluate, ranked_keys
from mlnotes.rag.fusion import rrf, rrf_scores
from mlnotes.rag.retriever import ChunkConfig, Retriever, make_chunks, snippet
from mlnotes.rag.transforms import compress, multi_query_ranking, sub_queries
from tests.test_rag_corpus import write_book


@pytest.fixture
def embedder(tmp_path):
    return Embedder("hashing-384", encode=hashing_encode, cache=EmbeddingCache("hashing-384", root=tmp_path / "c"))


@pytest.fixture
def book(tmp_path):
    return load_book(write_book(tmp_path / "book"))


@pytest.fixture
def retriever(book, embedder):
    return Retriever(book.sections, ChunkConfig("structure", 12, 1), embedder=embedder).embed()


# -- RRF ------------------------------------------------------------------------------------------
def test_rrf_hand_worked():
    fused = rrf([["a", "b", "c"], ["c", "a", "d"]], k=60)
    expected = {"a": 1 / 61 + 1 / 62, "b": 1 / 62, "c": 1 / 63 + 1 / 61, "d": 1 / 63}
    assert [d for d, _ in fused] == ["a", "c", "b", "d"]
    for d, s in fused:
        assert s == pytest.approx(expected[d], rel=1e-15)


def test_rrf_k_and_weights():
    lists = [["A", "P", "Q", "R", "B"], ["S", "T", "U", "B", "V"]]
    assert [d for d, _ in rrf(lists, k=1)][:2] == ["A", "S"]  # small k: first places win
    assert [d for d, _ in rrf(lists, k=60)][0] == "B"  # k = 60: agreement wins
    weighted = rrf_scores([["x", "y"], ["y", "x"]], k=60, weights=[3.0, 1.0])
    assert weighted["x"] == pytest.approx(3 / 61 + 1 / 62) and weighted["x"] > weighted["y"]
    # rank-only: rescaling one list's scores cannot change anything, and one list keeps its order
    assert [d for d, _ in rrf([["p", "q", "r"]])] == ["p", "q", "r"]


def test_rrf_ties_break_by_best_rank_then_first_seen():
    assert [d for d, _ in rrf([["a", "b"], ["b", "a"]])] == ["a", "b"]


# -- retriever ------------------------------------------------------------------------------------
def test_each_method_finds_the_obvious_section(retriever):
    for method in ("bm25", "dense", "hybrid", "rerank"):
        hits = retriever.search("postings list sorted document ids", method, k=3)
        assert hits[0].chapter == "beta" and hits[0].title == "Postings lists", method
        assert hits[0].path == "_build/html/chapters/beta.html#postings-lists"
        assert [h.rank for h in hits] == list(range(1, len(hits) + 1))


def test_section_score_is_the_best_chunk(retriever):
    cs = retriever.chunk_scores("velocity averages gradients", "bm25")
    best, arg = retriever.section_scores("velocity averages gradients", "bm25")
    for s in range(len(retriever.sections)):
        mine = cs[retriever.chunk_section == s]
        if mine.max() > 0:
            assert best[s] == mine.max() and retriever.chunk_section[arg[s]] == s
        else:
            assert best[s] == -np.inf  # no query term: not retrieved


def test_hybrid_is_rrf_of_bm25_and_dense(retriever):
    q = "momentum velocity"
    lists = [[s for s, _, _ in retriever.ranking(q, m)] for m in ("bm25", "dense")]
    assert [s for s, _, _ in retriever.ranking(q, "hybrid")] == [d for d, _ in rrf(lists, k=60)]


def test_chapter_filter_keeps_only_that_chapter(retriever):
    hits = retriever.search("gradient", "hybrid", k=10, chapter="alpha")
    assert hits and {h.chapter for h in hits} == {"alpha"}
    with pytest.raises(ValueError, match="chapter must be one of"):
        retriever.search("gradient", chapter="nope")


def test_small2big_returns_the_parent_section(book, embedder):
    r = Retriever(book.sections, ChunkConfig("fixed", 4, 1), embedder=embedder)
    assert len(r.chunks) > len(book.sections)
    hit = r.search("mixed signs mark a saddle", "bm25", k=1)[0]
    assert hit.title == "Saddle points"


def test_chunks_are_indexed_with_their_section_title(book):
    chunks = make_chunks(book.sections, ChunkConfig("structure", 50, 0))
    assert {c.section for c in chunks} == set(range(len(book.sections)))
    r = Retriever(book.sections, ChunkConfig("structure", 50, 0))
    assert all(t.startswith(book.sections[c.section].title) for t, c in zip(r.texts, r.chunks))


def test_snippet_cuts_at_a_word():
    assert snippet("short text") == "short text"
    long = "word " * 100
    out = snippet(long, 30)
    assert out.endswith(" …") and len(out) <= 32


# -- evaluation -----------------------------------------------------------------------------------
def test_evaluate_uses_the_shared_metric_functions(book, retriever):
    rows = evaluate(retriever, book.queries, methods=("bm25", "hybrid"))
    assert [r["method"] for r in rows] == ["BM25", "hybrid (RRF)"]
    ranked = ranked_keys(retriever, book.queries, "bm25")
    relevant = [set(q.relevant) for q in book.queries]
    assert rows[0]["hit@1"] == hit_rate_at_k(ranked, relevant, 1)
    assert rows[0]["hit@5"] == hit_rate_at_k(ranked, relevant, 5)
    assert rows[0]["mrr@10"] == mrr(ranked, relevant, k=10)
    # by hand: the postings question must find beta#ch-beta or the momentum section
    q = next(q for q in book.queries if q.text.startswith("What is a postings"))
    first = ranked[book.queries.index(q)]
    manual = next((1 / (i + 1) for i, key in enumerate(first) if key in q.relevant), 0.0)
    assert manual == pytest.approx(mrr([first], [set(q.relevant)], k=10))


def test_chunk_size_sweep_rows(book, embedder):
    rows = chunk_size_sweep(book.sections, book.queries, [3, 6, 50], embedder=embedder, methods=("bm25",))
    assert [r["size"] for r in rows] == [3, 6, 50]
    assert rows[0]["chunks"] > rows[1]["chunks"] > rows[2]["chunks"]
    assert all(0 <= r["hit@1"] <= r["hit@5"] <= 1 for r in rows)


# -- transforms -----------------------------------------------------------------------------------
def test_sub_queries_by_rule():
    assert sub_queries("Why does momentum help?") == ["Why does momentum help?"]
    assert sub_queries("Adam vs AdamW?") == ["Adam vs AdamW?", "Adam", "AdamW"]
    assert sub_queries("What are m and v, and why bias correction?")[1:] == ["What are m and v", "why bias correction"]


def test_multi_query_ranking_fuses_the_parts(retriever):
    q = "postings lists vs saddle points"
    parts = [[s for s, _, _ in retriever.ranking(p, "bm25")] for p in sub_queries(q)]
    got = [s for s, _, _ in multi_query_ranking(retriever, q, "bm25")]
    assert got == [d for d, _ in rrf(parts, k=60)]
    titles = [retriever.sections[s].title for s in got[:2]]
    assert set(titles) == {"Postings lists", "Saddle points"}


def test_compress_keeps_the_most_similar_sentences_in_order(embedder):
    text = "Cats purr softly. Postings lists hold sorted ids. Dogs bark loudly. Ids in postings are gaps."
    out = compress(embedder, "postings lists ids", text, n_sentences=2)
    assert out == "Postings lists hold sorted ids. Ids in postings are gaps."
    assert compress(embedder, "x", "One. Two.", 5) == "One. Two."


# -- the on-disk index and the bench ---------------------------------------------------------------
def test_index_is_cached_and_rebuilt_when_a_source_changes(tmp_path, monkeypatch, embedder):
    from mlnotes.rag.store import open_index

    monkeypatch.setenv("MLNOTES_CACHE", str(tmp_path / "cache"))
    root = write_book(tmp_path / "b2")
    r1, built1 = open_index(root, embedder=embedder, progress=False)
    r2, built2 = open_index(root, embedder=embedder, progress=False)
    assert built1 and not built2
    np.testing.assert_array_equal(r1.vectors, r2.vectors)
    assert r2.search("postings", "bm25")[0].title == "Postings lists"
    (root / "chapters" / "gamma.md").write_text("# Gamma extra\n\nNow about inverted postings.\n", encoding="utf-8")
    before = embedder.encoded
    r3, built3 = open_index(root, embedder=embedder, progress=False)
    assert built3 and embedder.encoded - before == 1  # only the changed chunk is encoded again
    bm25_only, built4 = open_index(write_book(tmp_path / "b3", alpha="# A\n\nfresh words\n"), models=(),
                                   embedder=embedder, progress=False)
    assert built4 and bm25_only.vectors is None and bm25_only.multilingual_vectors is None


def test_bench_measure_on_the_fixture(tmp_path, monkeypatch, embedder):
    from mlnotes.rag.bench import measure

    monkeypatch.setenv("MLNOTES_CACHE", str(tmp_path / "cache"))
    use = Embedder("hashing-512", encode=lambda t: hashing_encode(t, 512),
                   cache=EmbeddingCache("hashing-512", root=tmp_path / "c"), dim=512)
    out = measure(write_book(tmp_path / "b"), ann=False, embedder=embedder, multilingual=use)
    assert out["chapters"] == 3 and out["queries"] == 3
    for method in ("bm25", "dense", "hybrid"):
        assert 0 < out["query_ms"][method]["p50"] <= out["query_ms"][method]["p95"]
    assert "hybrid zh" not in out["query_ms"]  # the fixture book has none of the Chinese questions' sections
    assert out["bm25_ours_ms"] > 0 and out["bm25s_ms"] > 0 and out["model_load_s"] is None
    assert out["use_load_s"] is None


# -- batched rankings: the same answers as one query at a time ------------------------------------
def _section_scores_oracle(retriever, query, method):
    """The obvious definition: each section's best chunk (first of equal ones), -inf if BM25 matches nothing."""
    cs = retriever.chunk_scores(query, method)
    best, arg = np.full(len(retriever.sections), -np.inf), np.full(len(retriever.sections), -1)
    for c, s in enumerate(retriever.chunk_section):
        if arg[s] < 0 or cs[c] > best[s]:
            best[s], arg[s] = cs[c], c
    if method == "bm25":
        best[best <= 0] = -np.inf
    return best, arg


QUERIES = ["velocity averages gradients", "postings list sorted ids", "saddle point Hessian", "unicorn",
           "bias correction beta"]


@pytest.mark.parametrize("method", ["bm25", "dense"])
def test_section_scores_equal_the_obvious_loop(retriever, method):
    best, arg = retriever.section_score_matrix(QUERIES, method)
    for j, q in enumerate(QUERIES):
        want_best, want_arg = _section_scores_oracle(retriever, q, method)
        np.testing.assert_array_equal(best[:, j], want_best)
        finite = np.isfinite(want_best)
        np.testing.assert_array_equal(arg[finite, j], want_arg[finite])


def test_bm25_score_matrix_equals_one_query_at_a_time(book):
    docs = [["a", "b", "b"], ["b", "c"], ["c", "c", "d", "a"], []]
    from mlnotes.rag.bm25 import BM25

    bm25 = BM25().fit(docs)
    queries = [["a"], ["b", "b", "zzz"], [], ["c", "d", "a"]]
    matrix = bm25.score_matrix(queries)
    assert matrix.shape == (4, 4)
    for j, q in enumerate(queries):
        np.testing.assert_allclose(matrix[:, j], bm25.scores(q), rtol=1e-15, atol=0)


@pytest.mark.parametrize("method", ["bm25", "dense", "hybrid", "rerank"])
def test_rankings_of_a_batch_equal_single_queries(book, embedder, method):
    batch = Retriever(book.sections, ChunkConfig("structure", 12, 1), embedder=embedder)
    single = Retriever(book.sections, ChunkConfig("structure", 12, 1), embedder=embedder)
    together = batch.rankings(QUERIES + QUERIES[:2], method)
    for q, ranked in zip(QUERIES + QUERIES[:2], together):
        alone = single.ranking(q, method)
        assert [s for s, _, _ in ranked] == [s for s, _, _ in alone]
        np.testing.assert_allclose([x for _, x, _ in ranked], [x for _, x, _ in alone], rtol=1e-6)


def test_rankings_are_remembered_and_copies_are_returned(retriever):
    first = retriever.ranking("momentum velocity", "hybrid")
    first.clear()  # a caller's change must not reach the memo
    again = retriever.ranking("momentum velocity", "hybrid")
    assert again and again == retriever.ranking("momentum velocity", "hybrid")
    assert ("hybrid", None, None, "minilm") in {key[:4] for key in retriever._rankings}  # (method, chapter, n, model)
    retriever.forget_rankings()
    assert not hasattr(retriever, "_rankings") or not retriever._rankings
    assert retriever.ranking("momentum velocity", "hybrid") == again


def test_by_chapter_equals_a_filter_per_question(book, retriever):
    filtered = ranked_keys(retriever, book.queries, "hybrid", by_chapter=True)
    for q, keys in zip(book.queries, filtered):
        want = [retriever.sections[s].key for s, _, _ in retriever.ranking(q.text, "hybrid", chapter=q.chapter)[:10]]
        assert keys == want and all(k.startswith(q.chapter + "#") for k in keys)


def test_saved_index_holds_no_memo(tmp_path, monkeypatch, embedder):
    import pickle

    from mlnotes.rag.store import open_index

    monkeypatch.setenv("MLNOTES_CACHE", str(tmp_path / "cache"))
    root = write_book(tmp_path / "b")
    r, _ = open_index(root, embedder=embedder, progress=False)
    r.search("postings", "rerank")  # fills the ranking and unit-vector memos
    from mlnotes.rag.store import _save

    path = tmp_path / "again.pkl"
    _save(path, r)
    assert not [k for k in pickle.loads(path.read_bytes()) if k.startswith("_")]
