r"""Second-stage reranking (重排) — a stand-in: MiniLM at sentence granularity, not a cross-encoder.

A real reranker is a **cross-encoder** (交叉编码器): query and passage go through one transformer
together and a head outputs a relevance score, so every query token can attend to every passage
token. It is far more accurate than comparing two independent vectors (a bi-encoder) and far
slower, so it re-scores only the top few dozen candidates of the first stage. No cross-encoder
ships with this book's offline packages, so this module uses a weaker, honest stand-in:

$$\mathrm{rerank}(q, s) = \max_{u \in \mathrm{units}(s)} \cos\big(E(q), E(u)\big),$$

where the units of section $s$ are its title and its sentences and $E$ is the same bi-encoder
as the first stage (MiniLM, or USE for a question in Chinese). Finer units stop one long
section's mean vector from blurring the sentence that answers the query; it is still a
bi-encoder and can reorder only what the first stage found.

See chapter: chapters/rag.md
"""

from __future__ import annotations

import numpy as np

from mlnotes.rag.chunking import sentences
from mlnotes.rag.fusion import rrf
from mlnotes.rag.retriever import N_CANDIDATES, RRF_K

MAX_UNITS = 60  # sentences per section considered (long sections are rare; keeps the cost bounded)


def units(section) -> list:
    """The title and the sentences of a section, the pieces the stand-in reranker compares: -> list of str.

    See chapter: chapters/rag.md
    """
    return [section.title] + [s for s in sentences(section.text) if len(s.split()) >= 3][:MAX_UNITS]


def unit_vectors(retriever, section: int, model: str = "minilm") -> np.ndarray:
    """Embeddings of a section's units by ``model``, computed once per retriever: -> (U, d) float32.

    See chapter: chapters/rag.md
    """
    memo = retriever.__dict__.setdefault("_unit_vectors", {})  # not part of a saved index (mlnotes.rag.store)
    if (model, section) not in memo:
        embedder, _ = retriever.encoder(model)
        memo[model, section] = embedder.embed(units(retriever.sections[section]))  # (U, d)
    return memo[model, section]


def rerank_sections(retriever, query: str, candidates: list, fuse: bool = False, model: str = "minilm") -> list:
    """Re-score (section, score, chunk) candidates by max sentence cosine under ``model``, best first: -> triples.

    ``fuse=True`` returns instead the RRF (k = 60) of the first-stage order and the reranked
    order, so the first stage's evidence is not thrown away. See chapter: chapters/rag.md
    """
    if not candidates:
        return []
    embedder, _ = retriever.encoder(model)
    q = embedder.embed([query])[0]  # (d,)
    scored = [(s, float(np.max(unit_vectors(retriever, s, model) @ q)), c) for s, _, c in candidates]
    reranked = sorted(scored, key=lambda t: -t[1])
    if not fuse:
        return reranked
    chunk_of = {s: c for s, _, c in candidates}
    fused = rrf([[s for s, _, _ in candidates], [s for s, _, _ in reranked]], k=RRF_K)
    return [(s, float(score), chunk_of[s]) for s, score in fused]


def fused_rerank_ranking(retriever, query: str, method: str = "hybrid", n_candidates: int = N_CANDIDATES) -> list:
    """First-stage ranking with its top ``n_candidates`` replaced by the RRF of first-stage and reranked order.

    Same signature as the ``transform`` of :func:`mlnotes.rag.evaluate.ranked_keys`; the encoder is
    the query's own (:func:`mlnotes.rag.multilingual.dense_model`). See chapter: chapters/rag.md
    """
    from mlnotes.rag.multilingual import dense_model

    first = retriever.ranking(query, method)
    return (rerank_sections(retriever, query, first[:n_candidates], fuse=True, model=dense_model(query))
            + first[n_candidates:])
