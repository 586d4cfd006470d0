r"""Evaluation of retrieval on the book's own interview questions: hit rate@k and MRR@10.

Each labelled query $q$ (an interview question) has the set $\mathcal R_q$ of sections its
answer links to. A method returns a ranked list of sections; with $\mathrm{rank}_q$ the position
of the first relevant one,
$$\mathrm{hit@}k = \frac1Q\sum_q \mathbb 1[\mathrm{rank}_q \le k],\qquad
\mathrm{MRR@10} = \frac1Q\sum_q \frac{\mathbb 1[\mathrm{rank}_q \le 10]}{\mathrm{rank}_q}.$$
The metric code is :mod:`mlnotes.metrics.ranking` (``hit_rate_at_k``, ``mrr``), shared with the
metrics chapter. For the questions in Chinese (:mod:`mlnotes.rag.questions_zh`) a coarser
measure is added, **top-3 chapter**: the share of questions with a section of a relevant
chapter among the first three (a reader who lands in the right chapter finds the section).

See chapter: chapters/rag.md
"""

from __future__ import annotations

import numpy as np

from mlnotes.metrics.ranking import hit_rate_at_k, mrr
from mlnotes.rag.retriever import ChunkConfig, Retriever

TABLE_METHODS = ("bm25", "dense", "hybrid", "rerank")
LABELS = {"bm25": "BM25", "dense": "dense (MiniLM)", "hybrid": "hybrid (RRF)", "rerank": "hybrid + rerank"}


def ranked_keys(retriever: Retriever, queries, method: str, depth: int = 10, transform=None,
                by_chapter: bool = False, model: str = "auto") -> list:
    """Per query, the keys (chapter#anchor) of the top ``depth`` sections: -> Q lists of str.

    ``transform(retriever, query_text, method)`` may replace the plain ranking (e.g. sub-queries);
    ``by_chapter=True`` searches only the question's own chapter (a metadata filter); ``model``
    is the encoder (``auto``: per question, :func:`mlnotes.rag.multilingual.dense_model`).
    See chapter: chapters/rag.md
    """
    queries = list(queries)
    if transform is not None:
        rankings = [transform(retriever, q.text, method) for q in queries]
    elif by_chapter:
        rankings = [None] * len(queries)
        for chapter in dict.fromkeys(q.chapter for q in queries):
            mine = [i for i, q in enumerate(queries) if q.chapter == chapter]
            for i, ranked in zip(mine, retriever.rankings([queries[i].text for i in mine], method, chapter=chapter,
                                                          model=model)):
                rankings[i] = ranked
    else:
        rankings = retriever.rankings([q.text for q in queries], method, model=model)
    return [[retriever.sections[s].key for s, _, _ in ranking[:depth]] for ranking in rankings]


def scores(ranked: list, queries) -> dict:
    """hit@1, hit@5 and MRR@10 of ranked key lists against the queries' relevant sets -> dict of floats.

    See chapter: chapters/rag.md
    """
    relevant = [set(q.relevant) for q in queries]
    return {"hit@1": hit_rate_at_k(ranked, relevant, 1), "hit@5": hit_rate_at_k(ranked, relevant, 5),
            "mrr@10": mrr(ranked, relevant, k=10)}


def chapter_at_3(ranked: list, queries) -> float:
    """Share of queries with a section of a relevant chapter among the first three: -> float in [0, 1].

    See chapter: chapters/rag.md
    """
    queries = list(queries)
    if not queries:
        raise ValueError("queries must not be empty")
    hits = [any(key.split("#")[0] in {r.split("#")[0] for r in q.relevant} for key in keys[:3])
            for keys, q in zip(ranked, queries)]
    return sum(hits) / len(queries)


def evaluate(retriever: Retriever, queries, methods=TABLE_METHODS, model: str = "auto") -> list:
    """One row per method: {"method", "hit@1", "hit@5", "mrr@10"}. See chapter: chapters/rag.md"""
    queries = list(queries)
    if not queries:
        raise ValueError("queries must not be empty: the book has no labelled interview questions yet")
    return [{"method": LABELS.get(m, m), **scores(ranked_keys(retriever, queries, m, model=model), queries)}
            for m in methods]


def evaluation_table(retriever: Retriever, queries, zh_queries, methods=TABLE_METHODS,
                     zh_methods=("bm25", "dense", "hybrid")) -> list:
    """The evaluation table: :func:`evaluate` on ``queries``, plus ``zh hit@1`` and ``zh mrr@10`` columns.

    The Chinese columns are measured on ``zh_queries`` with ``model="auto"`` (so the dense
    encoder of the ``dense`` and ``hybrid`` rows is USE there, MiniLM in the English columns) for
    ``zh_methods``; other rows get None there (shown as "—").
    See chapter: chapters/rag.md
    """
    rows = evaluate(retriever, queries, methods)
    zh = dict(zip(zh_methods, evaluate(retriever, zh_queries, zh_methods)))
    for m, row in zip(methods, rows):
        row["zh hit@1"] = zh[m]["hit@1"] if m in zh else None
        row["zh mrr@10"] = zh[m]["mrr@10"] if m in zh else None
    return rows


COMPARISON = (  # (label, method, encoder, BM25 tokens): the rows of model_comparison
    ("BM25, whole runs", "bm25", None, "runs"),
    ("BM25, bigrams", "bm25", None, "bigrams"),
    ("BM25, bigrams + glossary", "bm25", None, "glossary"),
    ("dense, MiniLM", "dense", "minilm", None),
    ("dense, USE", "dense", "use", None),
    ("hybrid, MiniLM", "hybrid", "minilm", None),
    ("hybrid, USE", "hybrid", "use", None),
    ("hybrid, auto (default)", "hybrid", "auto", None),
)


def model_comparison(retriever: Retriever, zh, en, rows=COMPARISON) -> list:
    """hit@1, MRR@10 and top-3 chapter on Chinese questions and their English twins, per method and encoder.

    One dict per row of ``rows`` with keys ``method``, ``zh hit@1``, ``zh mrr@10``, ``zh chapter@3``
    and the same for ``en``. BM25 rows tokenize chunks and query as scikit-learn does (``runs``: a
    Chinese sentence is one token), with CJK bigrams (``bigrams``), or with bigrams and the
    glossary translation of the query (``glossary``: the retriever's own BM25).
    See chapter: chapters/rag.md
    """
    from mlnotes.rag.bm25 import BM25
    from mlnotes.rag.tfidf import analyzer

    runs = analyzer(stop_words=True, cjk=False)
    indexes = {"bigrams": (retriever.bm25, retriever.tokenize)}
    if any(r[3] == "runs" for r in rows):
        indexes["runs"] = (BM25(retriever.bm25.k1, retriever.bm25.b).fit([runs(t) for t in retriever.texts]), runs)
    out = []
    for label, method, model, tokens in rows:
        row = {"method": label}
        for lang, queries in (("zh", list(zh)), ("en", list(en))):
            if tokens in ("runs", "bigrams"):
                bm25, tok = indexes[tokens]
                starts, sections = retriever.section_starts, retriever.sections
                cs = bm25.score_matrix([tok(q.text) for q in queries])  # (C, Q)
                best = np.maximum.reduceat(cs, starts, axis=0)  # (S, Q) best chunk per section
                ranked = [[sections[s].key for s in np.argsort(-best[:, j], kind="stable")[:10] if best[s, j] > 0]
                          for j in range(len(queries))]
            else:
                ranked = ranked_keys(retriever, queries, method, model=model or "auto")
            row.update({f"{lang} {k}": v for k, v in scores(ranked, queries).items() if k != "hit@5"})
            row[f"{lang} chapter@3"] = chapter_at_3(ranked, queries)
        out.append(row)
    return out


def html_table(rows, columns, headers=None, fmt: str = "{:.3f}") -> str:
    """An HTML table of dict rows (floats formatted by ``fmt``, a missing or None value as "—"), for the chapter.

    See chapter: chapters/rag.md
    """
    import html

    headers = headers or columns
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    def cell(value) -> str:
        return "—" if value is None else fmt.format(value) if isinstance(value, float) else str(value)

    body = "".join("<tr>" + "".join(f"<td>{html.escape(cell(r.get(c)))}</td>" for c in columns) + "</tr>" for r in rows)
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
