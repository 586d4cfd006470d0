r"""Pre- and post-retrieval steps that run offline: sub-queries, metadata filter, Small2Big, compression.

* **Sub-query decomposition** (子查询): a compound question ("A vs B?", "What is X, and why Y?")
  is split by a fixed rule into parts; each part and the original are retrieved, and the
  rankings are fused by RRF ($k = 60$). (An LLM would do the splitting in production.)
* **Metadata filter** (元数据过滤): ``Retriever.ranking(..., chapter=...)`` keeps only one
  chapter's sections before ranking, as a real system filters by source, date or access rights.
* **Small2Big**: match small chunks, return the whole parent section
  (:mod:`mlnotes.rag.retriever` does this for every method).
* **Context compression** (上下文压缩): keep only the $n$ sentences of the retrieved text most
  similar to the query, in their original order, so the prompt is shorter and the evidence denser.

HyDE (hypothetical document embeddings) needs an LLM to write a fake answer whose embedding is
used as the query: it is shown, not run, in the chapter.

See chapter: chapters/rag.md
"""

from __future__ import annotations

import re

import numpy as np

from mlnotes._checks import check_int
from mlnotes.rag.chunking import sentence_spans
from mlnotes.rag.fusion import rrf
from mlnotes.rag.retriever import RRF_K

_SPLIT = re.compile(r"[?!]|\.\s+|;|:\s+|,\s*(?:and|or)\s+|\s+(?:vs\.?|versus)\s+", re.I)


def sub_queries(query: str) -> list:
    """Split a compound question by rule (at sentence ends, ';', ':', ', and', ', or', 'vs'): -> [query, parts...].

    Empty parts are dropped; a query that does not split gives ``[query]``.
    See chapter: chapters/rag.md
    """
    if not isinstance(query, str):
        raise TypeError(f"query must be a str, got {type(query).__name__}")
    parts = [p.strip(" .,:") for p in _SPLIT.split(query)]
    parts = [p for p in parts if p]
    return [query] if len(parts) <= 1 else [query] + parts


def multi_query_ranking(retriever, query: str, method: str = "hybrid") -> list:
    """RRF of the rankings of the query and its sub-queries: -> (section, score, chunk) triples.

    See chapter: chapters/rag.md
    """
    lists = retriever.rankings(sub_queries(query), method)
    if len(lists) == 1:
        return lists[0]
    chunk_of = {}
    for lst in lists:
        for s, _, c in lst:
            chunk_of.setdefault(s, c)
    return [(s, float(score), chunk_of[s]) for s, score in rrf([[s for s, _, _ in lst] for lst in lists], k=RRF_K)]


def compress(embedder, query: str, text: str, n_sentences: int = 3) -> str:
    """The ``n_sentences`` sentences of ``text`` most similar to the query, in text order: -> str.

    See chapter: chapters/rag.md
    """
    n_sentences = check_int("n_sentences", n_sentences, low=1)
    parts = [" ".join(text[a:b].split()) for a, b in sentence_spans(text)]  # one line per sentence
    if len(parts) <= n_sentences:
        return " ".join(parts)
    sims = embedder.embed(parts) @ embedder.embed([query])[0]  # (n,)
    keep = sorted(np.argsort(-sims, kind="stable")[:n_sentences])
    return " ".join(parts[i] for i in keep)
