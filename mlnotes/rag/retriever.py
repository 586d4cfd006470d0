r"""The retrieval pipeline over the book: chunks indexed by BM25 and two encoders, results returned as sections.

Sections are cut into chunks (:mod:`mlnotes.rag.chunking`); each chunk is indexed with its
section title in front ("contextual header"). A query is scored against every chunk, and a
section scores the **maximum** over its chunks, so small chunks are matched and their parent
section is returned (**Small2Big**). Methods:

* ``bm25``: BM25 (Lucene variant, $k_1 = 1.5$, $b = 0.75$) over analyzer tokens, in two fields
  with their own lengths, scores summed (:class:`~mlnotes.rag.bm25.FieldedBM25`): Latin-script
  words, and CJK runs as character bigrams; a query with Chinese terms is scored with their
  English names appended (:mod:`mlnotes.rag.translate`, the book's glossary);
* ``dense``: cosine of unit vectors of the query's encoder: MiniLM, or the multilingual USE for a
  question written mostly in Chinese (``model="auto"``, :func:`mlnotes.rag.multilingual.dense_model`);
* ``hybrid``: RRF ($k = 60$) of the two section rankings;
* ``rerank``: the top ``n_candidates`` hybrid sections re-scored by :mod:`mlnotes.rag.rerank`.

A ``chapter`` filter restricts every method to one chapter's sections before ranking
(a metadata filter, 元数据过滤). ``rankings`` scores a batch of queries at once (one sparse
product for BM25, one matrix product for the embeddings) and remembers each query's ranking for
the life of the retriever, so evaluating several transforms over the same questions searches
each question once.

See chapter: chapters/rag.md
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlnotes._checks import check_int
from mlnotes.rag.bm25 import FieldedBM25
from mlnotes.rag.chunking import Chunk, fixed_chunks, structure_chunks
from mlnotes.rag.fusion import rrf
from mlnotes.rag.multilingual import DENSE_MODELS, dense_model
from mlnotes.rag.translate import expand

METHODS = ("bm25", "dense", "hybrid", "rerank")
N_CANDIDATES = 20  # hybrid sections the reranker re-scores
RRF_K = 60  # the usual RRF constant (Cormack et al., 2009)


@dataclass(frozen=True)
class ChunkConfig:
    """How sections are cut: ``structure`` (sentences packed to ``size`` words) or ``fixed`` (sliding window).

    See chapter: chapters/rag.md
    """

    mode: str = "structure"
    size: int = 100
    overlap: int = 1  # sentences for "structure", words for "fixed"

    def __post_init__(self):
        if self.mode not in ("structure", "fixed", "section"):
            raise ValueError(f"mode must be 'structure', 'fixed' or 'section', got {self.mode!r}")
        check_int("size", self.size, low=1)
        check_int("overlap", self.overlap, low=0)
        if self.mode == "fixed" and self.overlap >= self.size:
            raise ValueError(f"overlap must be smaller than size ({self.size}), got {self.overlap}")


@dataclass(frozen=True)
class Hit:
    """One retrieved section: where it is, its score, and the best-matching chunk as a snippet.

    See chapter: chapters/rag.md
    """

    rank: int
    section: int
    chapter: str
    title: str
    score: float
    path: str
    snippet: str


def make_chunks(sections, config: ChunkConfig = ChunkConfig()) -> list:
    """Cut every section's text into chunks (an empty section gives one empty chunk): -> list of Chunk.

    See chapter: chapters/rag.md
    """
    out = []
    for i, s in enumerate(sections):
        if config.mode == "section":
            pieces = [Chunk(i, s.text, 0, len(s.text))]
        elif config.mode == "fixed":
            pieces = fixed_chunks(s.text, config.size, config.overlap, "word", section=i)
        else:
            pieces = structure_chunks(s.text, config.size, config.overlap, section=i)
        out.extend(pieces or [Chunk(i, "", 0, 0)])
    return out


def indexed_text(section, chunk) -> str:
    """The text that is actually indexed for a chunk: its section title, a newline, the chunk.

    See chapter: chapters/rag.md
    """
    return f"{section.title}\n{chunk.text}".strip()


def _check_queries(queries) -> list:
    if isinstance(queries, str) or not hasattr(queries, "__iter__"):
        raise TypeError(f"queries must be a list of str, got {type(queries).__name__}")
    queries = list(queries)
    if not all(isinstance(q, str) for q in queries):
        raise TypeError("queries must be a list of str")
    return queries


def _tokenizer():
    from mlnotes.rag.tfidf import analyzer

    return analyzer(stop_words=True)


class Retriever:
    """BM25 + dense + hybrid (+ rerank) retrieval of sections over chunks.

    ``embedder`` is the English encoder (MiniLM; ``vectors``), ``multilingual`` the encoder of
    questions in Chinese (USE; ``multilingual_vectors``); each is created and used only
    when a query needs it. ``dictionary`` (Chinese term -> English names) translates the Chinese
    terms of a query for BM25 (:mod:`mlnotes.rag.translate`). See chapter: chapters/rag.md
    """

    def __init__(self, sections, config: ChunkConfig = ChunkConfig(), embedder=None, k1: float = 1.5, b: float = 0.75,
                 multilingual=None, dictionary=None):
        self.sections = list(sections)
        if not self.sections:
            raise ValueError("sections must not be empty: no chapter was found to index")
        self.config = config
        self.embedder = embedder
        self.multilingual = multilingual
        self.dictionary = dict(dictionary or {})
        self.chunks = make_chunks(self.sections, config)
        self.texts = [indexed_text(self.sections[c.section], c) for c in self.chunks]
        self.tokenize = _tokenizer()
        self.bm25 = FieldedBM25(k1, b, "lucene").fit([self.tokenize(t) for t in self.texts])  # Latin | CJK fields
        self.chunk_section = np.array([c.section for c in self.chunks])  # (C,)
        self.vectors = None  # (C, 384) MiniLM, filled by embed()
        self.multilingual_vectors = None  # (C, 512) USE, filled by embed(model="use")

    def embed(self, progress: bool = False, model: str = "minilm") -> "Retriever":
        """Embed every chunk with ``model`` (cached on disk): fills ``vectors`` (C, 384) or
        ``multilingual_vectors`` (C, 512) for ``use``."""
        if model not in DENSE_MODELS:
            raise ValueError(f"model must be one of {', '.join(DENSE_MODELS)}, got {model!r}")
        attr, vec = ("embedder", "vectors") if model == "minilm" else ("multilingual", "multilingual_vectors")
        if getattr(self, attr) is None:
            from mlnotes.rag.dense import default_embedder

            setattr(self, attr, default_embedder(model))
        if getattr(self, vec) is None:
            setattr(self, vec, getattr(self, attr).embed(self.texts, progress=progress, desc=f"embedding chunks ({model})"))
        return self

    def encoder(self, model: str = "minilm") -> tuple:
        """The embedder of ``model`` and the chunks' vectors under it (embedding them if needed): -> (Embedder, (C, d))."""
        self.embed(model=model)
        if model == "minilm":
            return self.embedder, self.vectors
        return self.multilingual, self.multilingual_vectors

    def bm25_query(self, query: str) -> list:
        """The BM25 tokens of a query: its own, then those of the English names of its Chinese terms."""
        return self.tokenize(expand(query, self.dictionary))

    # -- chunk scores -> section rankings (a batch of queries at once) --------------------------
    def chunk_score_matrix(self, queries, method: str, model: str = "minilm") -> np.ndarray:
        """Score of every chunk for each query by ``bm25`` (float64) or ``dense`` (float32): Q str -> (C, Q).

        ``dense`` uses the encoder ``model`` (``minilm`` or ``use``) for every query.
        See chapter: chapters/rag.md
        """
        queries = _check_queries(queries)
        if method == "bm25":
            return self.bm25.score_matrix([self.bm25_query(q) for q in queries])  # (C, Q)
        if method == "dense":
            embedder, vectors = self.encoder(model)
            return vectors @ embedder.embed(queries).T  # (C, Q) cosine: both are unit vectors
        raise ValueError(f"method must be 'bm25' or 'dense' here, got {method!r}")

    def chunk_scores(self, query: str, method: str, model: str = "minilm") -> np.ndarray:
        """Score of every chunk for one query by ``bm25`` or ``dense``: str -> (C,)."""
        return self.chunk_score_matrix([query], method, model)[:, 0]

    def _allowed(self, chapter) -> np.ndarray:
        mask = np.ones(len(self.sections), dtype=bool)  # (S,)
        if chapter is not None:
            mask = np.array([s.chapter == chapter for s in self.sections])
            if not mask.any():
                names = sorted({s.chapter for s in self.sections})
                raise ValueError(f"chapter must be one of {names}, got {chapter!r}")
        return mask

    @property
    def section_starts(self) -> np.ndarray:
        """Index of each section's first chunk: (S,). Chunks come section by section, at least one each."""
        return np.flatnonzero(np.r_[True, self.chunk_section[1:] != self.chunk_section[:-1]])

    def section_score_matrix(self, queries, method: str, chapter=None, model: str = "minilm") -> tuple:
        """Best chunk score per section and query, and that chunk: -> ((S, Q), (S, Q)); -inf where not retrieved.

        A section scores its best chunk (Small2Big); ties go to the first chunk. Sections outside
        ``chapter`` and, for BM25, sections sharing no term with the query get -inf.
        See chapter: chapters/rag.md
        """
        cs = self.chunk_score_matrix(queries, method, model)  # (C, Q)
        starts = self.section_starts  # (S,)
        best = np.maximum.reduceat(cs, starts, axis=0)  # (S, Q)
        at_best = cs == best[self.chunk_section]  # (C, Q)
        index = np.where(at_best, np.arange(len(cs))[:, None], len(cs))  # (C, Q)
        arg = np.minimum.reduceat(index, starts, axis=0)  # (S, Q) first chunk reaching the best score
        best[~self._allowed(chapter)] = -np.inf
        if method == "bm25":
            best[best <= 0] = -np.inf  # no query term: not retrieved at all
        return best, arg

    def section_scores(self, query: str, method: str, chapter=None, model: str = "minilm") -> tuple:
        """Best chunk score per section and that chunk's index, for one query: -> ((S,), (S,))."""
        best, arg = self.section_score_matrix([query], method, chapter, model)
        return best[:, 0], arg[:, 0]

    def rankings(self, queries, method: str = "hybrid", chapter=None, n_candidates: int = N_CANDIDATES,
                 model: str = "auto") -> list:
        """One ranking per query: lists of (section, score, best chunk) triples, best first.

        ``bm25``/``dense`` sort the sections by their best chunk; ``hybrid`` is the RRF (k = 60)
        of the two; ``rerank`` re-scores the top ``n_candidates`` hybrid sections
        (:mod:`mlnotes.rag.rerank`). ``model`` picks the encoder: ``minilm``, ``use``, or
        ``auto`` (per query: ``use`` if it is mostly Chinese). See chapter: chapters/rag.md
        """
        if method not in METHODS:
            raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
        queries = _check_queries(queries)
        n_candidates = check_int("n_candidates", n_candidates, low=1)
        routed = {q: (None if method == "bm25" else dense_model(q, model)) for q in queries}
        memo = self.__dict__.setdefault("_rankings", {})  # per process: a retriever never changes once built

        def key(q):
            return method, chapter, n_candidates if method == "rerank" else None, routed[q], q

        todo = list(dict.fromkeys(q for q in queries if key(q) not in memo))
        for m in dict.fromkeys(routed[q] for q in todo):
            group = [q for q in todo if routed[q] == m]
            for query, ranked in zip(group, self._rank(group, method, chapter, n_candidates, m or "minilm")):
                memo[key(query)] = ranked
        return [list(memo[key(q)]) for q in queries]

    def _rank(self, queries: list, method: str, chapter, n_candidates: int, model: str) -> list:
        if method in ("bm25", "dense"):
            best, arg = self.section_score_matrix(queries, method, chapter, model)
            out = []
            for j in range(len(queries)):
                order = np.argsort(-best[:, j], kind="stable")  # (S,)
                order = order[np.isfinite(best[order, j])]
                out.append(list(zip(order.tolist(), best[order, j].tolist(), arg[order, j].tolist())))
            return out
        if method == "rerank":
            from mlnotes.rag.rerank import rerank_sections

            first = self.rankings(queries, "hybrid", chapter, model=model)
            return [rerank_sections(self, q, r[:n_candidates], model=model) + r[n_candidates:]
                    for q, r in zip(queries, first)]
        out = []
        for lists in zip(*(self.rankings(queries, m, chapter, model=model) for m in ("bm25", "dense"))):
            fused = rrf([[s for s, _, _ in lst] for lst in lists], k=RRF_K)
            dense_chunk = {s: c for s, _, c in lists[1]}
            out.append([(s, float(score), dense_chunk[s]) for s, score in fused])
        return out

    def forget_rankings(self) -> None:
        """Drop the rankings this retriever remembers (``rankings`` computes each query once per process)."""
        self.__dict__.pop("_rankings", None)

    def ranking(self, query: str, method: str = "hybrid", chapter=None, n_candidates: int = N_CANDIDATES,
                model: str = "auto") -> list:
        """Ranked (section, score, best chunk) triples for one query, best first. See chapter: chapters/rag.md"""
        return self.rankings([query], method, chapter, n_candidates, model)[0]

    def search(self, query: str, method: str = "hybrid", k: int = 5, chapter=None, model: str = "auto") -> list:
        """The top-k sections as :class:`Hit` objects. See chapter: chapters/rag.md"""
        k = check_int("k", k, low=1)
        hits = []
        for rank, (s, score, c) in enumerate(self.ranking(query, method, chapter, model=model)[:k], start=1):
            sec = self.sections[s]
            hits.append(Hit(rank, s, sec.chapter, sec.title, score, sec.site_path, snippet(self.chunks[c].text)))
        return hits


def snippet(text: str, width: int = 160) -> str:
    """The first ``width`` characters of a text on one line, cut at a word, with an ellipsis if cut.

    See chapter: chapters/rag.md
    """
    flat = " ".join(text.split())
    if len(flat) <= width:
        return flat
    cut = flat[:width].rsplit(" ", 1)[0]
    return cut + " …"
