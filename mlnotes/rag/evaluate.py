r"""Evaluation of retrieval on the book's own interview questions: hit rate@k and MRR@10.

Each labelled query $q$ (an interview question) has the set $\mathcal R_q$ of sections its
answer links to. A method returns a ranked list of sections; with $\mathrm{rank}_q$ the position
of the first relevant one,
$$\mathrm{hit@}k = \frac1Q\sum_q \mathbb 1[\mathrm{rank}_q \le k],\qquad
\mathrm{MRR@10} = \frac1Q\sum_q \frac{\mathbb 1[\mathrm{rank}_q \le 10]}{\mathrm{rank}_q}.$$
The metric code is :mod:`mlnotes.metrics.ranking` (``hit_rate_at_k``, ``mrr``), shared with the
metrics chapter.

See chapter: chapters/rag.md
"""

from __future__ import annotations

from mlnotes.metrics.ranking import hit_rate_at_k, mrr
from mlnotes.rag.retriever import ChunkConfig, Retriever

TABLE_METHODS = ("bm25", "dense", "hybrid", "rerank")
LABELS = {"bm25": "BM25", "dense": "dense (MiniLM)", "hybrid": "hybrid (RRF)", "rerank": "hybrid + rerank"}


def ranked_keys(retriever: Retriever, queries, method: str, depth: int = 10, transform=None,
                by_chapter: bool = False) -> list:
    """Per query, the keys (chapter#anchor) of the top ``depth`` sections: -> Q lists of str.

    ``transform(retriever, query_text, method)`` may replace the plain ranking (e.g. sub-queries);
    ``by_chapter=True`` searches only the question's own chapter (a metadata filter).
    See chapter: chapters/rag.md
    """
    queries = list(queries)
    if transform is not None:
        rankings = [transform(retriever, q.text, method) for q in queries]
    elif by_chapter:
        rankings = [None] * len(queries)
        for chapter in dict.fromkeys(q.chapter for q in queries):
            mine = [i for i, q in enumerate(queries) if q.chapter == chapter]
            for i, ranked in zip(mine, retriever.rankings([queries[i].text for i in mine], method, chapter=chapter)):
                rankings[i] = ranked
    else:
        rankings = retriever.rankings([q.text for q in queries], method)
    return [[retriever.sections[s].key for s, _, _ in ranking[:depth]] for ranking in rankings]


def scores(ranked: list, queries) -> dict:
    """hit@1, hit@5 and MRR@10 of ranked key lists against the queries' relevant sets -> dict of floats.

    See chapter: chapters/rag.md
    """
    relevant = [set(q.relevant) for q in queries]
    return {"hit@1": hit_rate_at_k(ranked, relevant, 1), "hit@5": hit_rate_at_k(ranked, relevant, 5),
            "mrr@10": mrr(ranked, relevant, k=10)}


def evaluate(retriever: Retriever, queries, methods=TABLE_METHODS) -> list:
    """One row per method: {"method", "hit@1", "hit@5", "mrr@10"}. See chapter: chapters/rag.md"""
    queries = list(queries)
    if not queries:
        raise ValueError("queries must not be empty: the book has no labelled interview questions yet")
    return [{"method": LABELS.get(m, m), **scores(ranked_keys(retriever, queries, m), queries)} for m in methods]


def html_table(rows, columns, headers=None, fmt: str = "{:.3f}") -> str:
    """An HTML table of dict rows (floats formatted by ``fmt``), for display in the chapter.

    See chapter: chapters/rag.md
    """
    import html

    headers = headers or columns
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(fmt.format(r[c]) if isinstance(r[c], float) else str(r[c]))}"
                                    "</td>" for c in columns) + "</tr>" for r in rows)
    return f'<table class="table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def chunk_size_sweep(sections, queries, sizes, embedder=None, methods=("bm25", "dense"), mode: str = "fixed",
                     overlap_fraction: float = 0.2) -> list:
    """Hit@1, hit@5, MRR@10 per chunk size and method: -> list of {"size", "mode", "method", "chunks", ...}.

    ``mode="fixed"``: windows of ``size`` words with ``round(overlap_fraction·size)`` words of
    overlap; ``"structure"``: sentences packed to ``size`` words, one sentence of overlap.
    See chapter: chapters/rag.md
    """
    rows = []
    for size in sizes:
        overlap = int(round(overlap_fraction * size)) if mode == "fixed" else 1
        r = Retriever(sections, ChunkConfig(mode, int(size), min(overlap, int(size) - 1)), embedder=embedder)
        for m in methods:
            rows.append({"size": int(size), "mode": mode, "method": m, "chunks": len(r.chunks),
                         **scores(ranked_keys(r, queries, m), queries)})
    return rows
