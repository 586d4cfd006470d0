"""Benchmark of the book's retrieval: index build, model load, query latency per method, BM25 vs bm25s.

``measure()`` returns plain numbers (seconds and milliseconds) for ``scripts/bench.py``:

* ``index_build_s`` — parse the chapters, chunk, fit BM25 and read (or encode) every chunk vector
  (``chunks_encoded`` of them were not cached; ``index_build_excl_model_load_s`` leaves out the
  model load if the build needed the model);
* ``model_load_s`` — importing sentence-transformers and loading MiniLM (once per process);
* ``use_load_s`` — importing and loading the multilingual USE (:mod:`mlnotes.rag.multilingual`);
* ``query_ms`` — p50 / p95 latency per method over the book's interview questions, after the
  model is loaded, with the query embedding computed by the model each time (no cache); the
  ``… zh`` entries time the Chinese questions of :mod:`mlnotes.rag.questions_zh` (``auto``:
  BM25 with the glossary's translation, USE for the dense half);
* ``bm25_ours_ms`` / ``bm25s_ms`` — mean time of one BM25 scoring of all chunks, ours vs
  ``bm25s`` (method="lucene"), same tokens, same run;
* ``ann`` — faiss Flat / IVF / HNSW recall@10 and ms/query on seeded synthetic vectors.

See chapter: chapters/rag.md
"""

from __future__ import annotations

import time

import numpy as np


class NullCache:
    """A cache that stores nothing: every embedding is computed (for latency measurements).

    See chapter: chapters/rag.md
    """

    model_name = "none"

    def get(self, text):
        return None

    def put(self, text, vector):
        return None


def _percentiles(seconds: list) -> dict:
    ms = 1e3 * np.asarray(seconds)
    return {"p50": float(np.percentile(ms, 50)), "p95": float(np.percentile(ms, 95)), "n": int(ms.size)}


def _time_bm25(retriever, queries, repeats: int = 3) -> tuple:
    """Mean ms of one full scoring per query: ours vs bm25s lucene on the same chunk tokens."""
    import bm25s

    docs = [retriever.tokenize(t) for t in retriever.texts]
    ref = bm25s.BM25(k1=retriever.bm25.k1, b=retriever.bm25.b, method="lucene")
    ref.index(docs, show_progress=False)
    toks = [retriever.tokenize(q.text) for q in queries]
    toks = [t for t in toks if t]
    out = []
    for fn in (retriever.bm25.scores, ref.get_scores):
        best = np.inf
        for _ in range(repeats):
            t0 = time.perf_counter()
            for t in toks:
                fn(t)
            best = min(best, time.perf_counter() - t0)
        out.append(1e3 * best / len(toks))
    return out[0], out[1]


def _has_twin_targets(book) -> bool:
    """True if the book has every section the Chinese questions target (the real book; not a test fixture)."""
    from mlnotes.rag.questions_zh import QUESTIONS

    return all(label in book.labels for q in QUESTIONS for label in q.relevant)


def measure(root=None, ann: bool = True, ann_n: int = 20000, embedder=None, multilingual=None) -> dict:
    """Run the benchmark on the book under ``root`` (default: this repository) -> dict of numbers.

    ``embedder`` and ``multilingual`` replace MiniLM and USE (tests use the hashing encoder;
    ``model_load_s`` and ``use_load_s`` are then None). See chapter: chapters/rag.md
    """
    from mlnotes.rag import dense, multilingual as ml
    from mlnotes.rag.corpus import find_root, load_book
    from mlnotes.rag.dense import Embedder
    from mlnotes.rag.questions_zh import twin_queries
    from mlnotes.rag.retriever import Retriever
    from mlnotes.rag.store import DEFAULT_CONFIG
    from mlnotes.rag.translate import glossary_dictionary

    root = root or find_root()
    loaded_before = "model" in dense.LOAD_SECONDS
    t0 = time.perf_counter()
    book = load_book(root)
    retriever = Retriever(book.sections, DEFAULT_CONFIG, embedder=embedder, multilingual=multilingual,
                          dictionary=glossary_dictionary(root))
    retriever.embed()
    build = time.perf_counter() - t0
    retriever.embed(model="use")  # from the cache (primed); not part of the build time above
    encoded = retriever.embedder.encoded
    load_in_build = dense.LOAD_SECONDS["model"] if ("model" in dense.LOAD_SECONDS and not loaded_before) else 0.0
    if embedder is None:
        t0 = time.perf_counter()
        dense.load_model()
        load = dense.LOAD_SECONDS.get("model", time.perf_counter() - t0)
        retriever.embedder = Embedder(cache=NullCache())  # queries are encoded by the model every time
        dense.minilm_encode(["warm-up query"])
    else:
        load = None
        retriever.embedder = Embedder(embedder.model_name, encode=embedder.encode_fn, cache=NullCache())
    if multilingual is None:
        t0 = time.perf_counter()
        ml.load_use()
        use_load = ml.LOAD_SECONDS.get("use", time.perf_counter() - t0)
        retriever.multilingual = Embedder(ml.USE_NAME, encode=ml.use_encode, cache=NullCache(), dim=ml.USE_DIM)
    else:
        use_load = None
        retriever.multilingual = Embedder(multilingual.model_name, encode=multilingual.encode_fn, cache=NullCache(),
                                          dim=multilingual.dim)
    zh, _ = twin_queries(book) if _has_twin_targets(book) else ([], [])
    latency = {}
    for method, queries in (("bm25", book.queries), ("dense", book.queries), ("hybrid", book.queries),
                            ("bm25 zh", zh), ("dense zh", zh), ("hybrid zh", zh)):
        seconds = []
        for q in queries:
            retriever.embedder._memo.clear()
            retriever.multilingual._memo.clear()
            retriever.forget_rankings()  # time the search, not a look-up of a remembered one
            t = time.perf_counter()
            retriever.search(q.text, method.split()[0], k=5)
            seconds.append(time.perf_counter() - t)
        if seconds:
            latency[method] = _percentiles(seconds)
    ours, ref = _time_bm25(retriever, book.queries)
    out = {"chapters": len(book.sources), "sections": len(book.sections), "chunks": len(retriever.chunks),
           "queries": len(book.queries), "index_build_s": build, "index_build_excl_model_load_s": build - load_in_build,
           "chunks_encoded": encoded, "model_load_s": load, "use_load_s": use_load,
           "query_ms": latency, "bm25_ours_ms": ours, "bm25s_ms": ref}
    if ann:
        from mlnotes.rag.ann import synthetic_comparison

        out["ann"] = [dict(r) for r in synthetic_comparison(n=ann_n)]
    return out


if __name__ == "__main__":  # pragma: no cover
    import json

    print(json.dumps(measure(), indent=2))
