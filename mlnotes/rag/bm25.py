r"""BM25 (Best Matching 25) from scratch, equal to ``bm25s`` (four variants) and ``rank_bm25.BM25Okapi``.

For a query $q$ (a list of tokens, repeats counted) and a document $d$ of length $|d|$ tokens,
with $N$ documents, average length $\mathrm{avgdl}$ and $\mathrm{df}(t)$ documents containing $t$,
$$\mathrm{score}(q, d) = \sum_{t \in q} \mathrm{idf}(t)\;\mathrm{tfc}\big(\mathrm{tf}(t, d), |d|\big),\qquad
L_d = k_1\Big(1 - b + b\,\frac{|d|}{\mathrm{avgdl}}\Big).$$

with $\mathrm{RSJ} = \frac{N - \mathrm{df} + 0.5}{\mathrm{df} + 0.5}$ (Robertson–Spärck Jones):

* ``lucene`` (bm25s default): $\mathrm{idf} = \ln(1 + \mathrm{RSJ})$,
  $\mathrm{tfc} = \frac{\mathrm{tf}}{\mathrm{tf} + L_d}$;
* ``robertson`` (bm25s): $\mathrm{idf} = \ln\max(1, \mathrm{RSJ})$, same tfc;
* ``atire`` (bm25s): $\mathrm{idf} = \ln\frac{N}{\mathrm{df}}$,
  $\mathrm{tfc} = \frac{\mathrm{tf}\,(k_1 + 1)}{\mathrm{tf} + L_d}$;
* ``okapi`` (rank_bm25 ``BM25Okapi``): $\mathrm{idf} = \ln \mathrm{RSJ}$ with negative values
  replaced by $\varepsilon\,\overline{\mathrm{idf}}$, $\mathrm{tfc} = \frac{\mathrm{tf}\,(k_1 + 1)}{\mathrm{tf} + L_d}$.

$k_1 \ge 0$ sets how fast repeated occurrences saturate: tfc grows like tf for tf $\ll L_d$
and tends to 1 (or $k_1 + 1$) as tf $\to \infty$, so stuffing a keyword pays less and less
($k_1 = 0$: presence only). $b \in [0, 1]$ sets length normalization: $b = 0$ ignores length,
$b = 1$ divides tf by the relative length fully, so a long document does not win by having
more words. The factor $(k_1 + 1)$ scales every score by the same constant and does not change
the ranking. In ``okapi`` the RSJ idf is negative for terms in more than half the documents;
rank_bm25 replaces each negative idf by $\varepsilon$ (default 0.25) times the mean idf over the
whole vocabulary.

:class:`FieldedBM25` indexes two fields of each document (Latin-script words; CJK bigrams), each
a plain BM25 with its own lengths, and sums their scores, so Chinese glosses never change the
English words' length normalization.

See chapter: chapters/rag.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_real
from mlnotes.rag._vectors import float_dtype, real_array
from mlnotes.rag.tfidf import _check_docs

VARIANTS = ("lucene", "robertson", "atire", "okapi")


def _check_variant(variant) -> str:
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {', '.join(VARIANTS)}, got {variant!r}")
    return variant


def idf_of(df, n_docs: int, variant: str = "lucene") -> np.ndarray:
    """BM25 idf of each document frequency before any floor: (V,) df, N -> (V,).

    A floating ``df`` keeps its dtype (float32 in, float32 out); integer counts give float64;
    bool or complex arrays raise ``TypeError``.
    See chapter: chapters/rag.md
    """
    variant = _check_variant(variant)
    df = real_array("df", df)
    rsj = (n_docs - df + 0.5) / (df + 0.5)  # (V,) Robertson–Spärck Jones odds
    if variant == "lucene":
        return np.log1p(rsj)
    if variant == "robertson":
        return np.log(np.maximum(rsj, 1.0))
    if variant == "atire":
        return np.log(n_docs / df)
    return np.log(rsj)


def term_factor(tf, doc_len, avgdl: float, k1: float = 1.5, b: float = 0.75, variant: str = "lucene") -> np.ndarray:
    """The tf component tfc(tf, |d|) of a variant (saturation and length normalization): arrays -> array.

    The result has the floating dtype of the array inputs (float32 ``tf`` gives float32), float64
    if none is floating; bool or complex arrays raise ``TypeError``.
    See chapter: chapters/rag.md
    """
    variant = _check_variant(variant)
    dtype = float_dtype(tf, doc_len)  # float32 inputs stay float32
    tf, doc_len = real_array("tf", tf).astype(dtype, copy=False), real_array("doc_len", doc_len).astype(dtype)
    norm = k1 * (1.0 - b + b * doc_len / avgdl)  # L_d
    top = tf * (k1 + 1.0) if variant in ("atire", "okapi") else tf
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(tf > 0, top / np.where(tf + norm > 0, tf + norm, 1.0), 0.0)


class BM25:
    """A BM25 index over tokenized documents; ``scores(query_tokens)`` gives one score per document.

    See chapter: chapters/rag.md
    """

    def __init__(self, k1: float = 1.5, b: float = 0.75, variant: str = "lucene", epsilon: float = 0.25):
        self.k1 = check_real("k1", k1, low=0.0)
        self.b = check_real("b", b, low=0.0, high=1.0)
        self.variant = _check_variant(variant)
        self.epsilon = check_real("epsilon", epsilon, low=0.0)
        self.vocab: dict = {}
        self.weights = None  # (N, V) sparse: idf(t) · tfc(tf(t, d), |d|)

    def fit(self, docs_tokens) -> "BM25":
        """Count terms and precompute every (document, term) weight: N token lists -> self.

        See chapter: chapters/rag.md
        """
        from scipy import sparse

        docs = _check_docs("docs_tokens", docs_tokens)
        flat = [t for d in docs for t in d]
        self.vocab = {t: j for j, t in enumerate(dict.fromkeys(flat))}  # term -> column, in order of first use
        rows = np.repeat(np.arange(len(docs)), [len(d) for d in docs])  # (tokens,) document of each token
        cols = np.fromiter(map(self.vocab.__getitem__, flat), dtype=np.int64, count=len(flat))  # (tokens,)
        n, v = len(docs), len(self.vocab)
        tf = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, max(v, 1)))  # (N, V), sums repeats
        tf.sum_duplicates()
        self.doc_len = np.array([len(d) for d in docs], dtype=float)  # (N,)
        self.avgdl = float(self.doc_len.mean())
        if self.avgdl == 0:
            raise ValueError("docs_tokens must contain at least one token")
        self.df = np.bincount(tf.indices, minlength=tf.shape[1]).astype(float)  # (V,)
        self.idf = idf_of(self.df, n, self.variant)  # (V,)
        if self.variant == "okapi":
            floor = self.epsilon * float(self.idf.mean())  # ε · mean idf over the vocabulary
            self.idf = np.where(self.idf < 0, floor, self.idf)
        row_of = np.repeat(np.arange(n), np.diff(tf.indptr))  # (nnz,) document of each stored count
        data = self.idf[tf.indices] * term_factor(tf.data, self.doc_len[row_of], self.avgdl, self.k1, self.b,
                                                  self.variant)
        self.weights = sparse.csr_matrix((data, tf.indices, tf.indptr), shape=tf.shape)  # (N, V)
        self.n_docs = n
        return self

    def term_ids(self, query_tokens) -> list:
        """Vocabulary ids of the query's known tokens (repeats kept)."""
        if isinstance(query_tokens, str) or not hasattr(query_tokens, "__iter__"):
            raise TypeError(f"query_tokens must be a list of str tokens, got {type(query_tokens).__name__}")
        return [self.vocab[t] for t in query_tokens if t in self.vocab]

    def scores(self, query_tokens) -> np.ndarray:
        """BM25 score of every document for a tokenized query: list of str -> (N,).

        See chapter: chapters/rag.md
        """
        if self.weights is None:
            raise ValueError("call fit(docs_tokens) before scores()")
        ids = self.term_ids(query_tokens)
        q = np.bincount(np.asarray(ids, dtype=int), minlength=self.weights.shape[1]).astype(float)  # (V,)
        return self.weights @ q  # (N,)

    def score_matrix(self, queries_tokens) -> np.ndarray:
        """BM25 scores of every document for many tokenized queries at once: Q token lists -> (N, Q).

        Column ``j`` equals ``scores(queries_tokens[j])``; one sparse product instead of Q.
        See chapter: chapters/rag.md
        """
        from scipy import sparse

        if self.weights is None:
            raise ValueError("call fit(docs_tokens) before score_matrix()")
        if isinstance(queries_tokens, str) or not hasattr(queries_tokens, "__iter__"):
            raise TypeError(f"queries_tokens must be a list of token lists, got {type(queries_tokens).__name__}")
        queries = list(queries_tokens)
        rows, cols = [], []
        for j, query in enumerate(queries):
            ids = self.term_ids(query)
            rows.extend(ids)
            cols.extend([j] * len(ids))
        q = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(self.weights.shape[1], len(queries)))  # (V, Q)
        return (self.weights @ q).toarray()  # (N, Q)

    def top_k(self, query_tokens, k: int = 10) -> tuple:
        """Indices and scores of the k best documents (ties by index): list of str -> ((k,), (k,))."""
        s = self.scores(query_tokens)  # (N,)
        order = np.argsort(-s, kind="stable")[:k]  # (k,)
        return order, s[order]


class FieldedBM25:
    r"""BM25 over two fields of the same documents, scores summed: Latin-script words and CJK bigrams.

    Each token goes to the field ``is_second(token)`` names (default: a CJK token,
    :func:`mlnotes.rag.tfidf.is_cjk_token`), and each field is a plain :class:`BM25` with its
    own document lengths and average length:
    $\mathrm{score}(q, d) = \mathrm{BM25}_1(q_1, d_1) + \mathrm{BM25}_2(q_2, d_2)$. So a document's
    Chinese glosses never lengthen it for its English words: a query without CJK scores every
    document exactly as BM25 on the Latin tokens alone (tested), and a field with no token at all
    scores 0. Same interface as :class:`BM25` (``fit``, ``scores``, ``score_matrix``, ``top_k``,
    ``vocab``). See chapter: chapters/rag.md
    """

    def __init__(self, k1: float = 1.5, b: float = 0.75, variant: str = "lucene", is_second=None):
        from mlnotes.rag.tfidf import is_cjk_token

        checked = BM25(k1, b, variant)  # validates the arguments
        self.k1, self.b, self.variant = checked.k1, checked.b, checked.variant
        self.is_second = is_second or is_cjk_token
        self.fields = (None, None)  # (BM25 | None, BM25 | None): None for a field without any token

    def split(self, tokens) -> tuple:
        """The tokens of each field, in order: list of str -> (list, list)."""
        if isinstance(tokens, str) or not hasattr(tokens, "__iter__"):
            raise TypeError(f"tokens must be a list of str tokens, got {type(tokens).__name__}")
        first, second = [], []
        for t in tokens:
            (second if self.is_second(t) else first).append(t)
        return first, second

    def fit(self, docs_tokens) -> "FieldedBM25":
        """Index each field of N token lists: -> self. See chapter: chapters/rag.md"""
        docs = _check_docs("docs_tokens", docs_tokens)
        parts = list(zip(*(self.split(d) for d in docs)))  # (field 1 docs, field 2 docs)
        if not any(t for field in parts for d in field for t in d):
            raise ValueError("docs_tokens must contain at least one token")
        self.fields = tuple(BM25(self.k1, self.b, self.variant).fit(field) if any(field) else None for field in parts)
        self.n_docs = len(docs)
        return self

    @property
    def vocab(self) -> dict:
        """Every indexed term -> its field (0 or 1)."""
        return {t: i for i, f in enumerate(self.fields) if f is not None for t in f.vocab}

    def score_matrix(self, queries_tokens) -> np.ndarray:
        """Summed field scores of every document for many tokenized queries: Q token lists -> (N, Q).

        See chapter: chapters/rag.md
        """
        if self.fields == (None, None):
            raise ValueError("call fit(docs_tokens) before score_matrix()")
        if isinstance(queries_tokens, str) or not hasattr(queries_tokens, "__iter__"):
            raise TypeError(f"queries_tokens must be a list of token lists, got {type(queries_tokens).__name__}")
        split = [self.split(q) for q in queries_tokens]
        out = np.zeros((self.n_docs, len(split)))  # (N, Q)
        for i, field in enumerate(self.fields):
            if field is not None:
                out += field.score_matrix([s[i] for s in split])  # (N, Q)
        return out

    def scores(self, query_tokens) -> np.ndarray:
        """Summed field scores of every document for one tokenized query: list of str -> (N,)."""
        if self.fields == (None, None):
            raise ValueError("call fit(docs_tokens) before scores()")
        if isinstance(query_tokens, str) or not hasattr(query_tokens, "__iter__"):
            raise TypeError(f"query_tokens must be a list of str tokens, got {type(query_tokens).__name__}")
        out = np.zeros(self.n_docs)  # (N,)
        for field, tokens in zip(self.fields, self.split(query_tokens)):
            if field is not None:
                out += field.scores(tokens)  # (N,)
        return out

    def top_k(self, query_tokens, k: int = 10) -> tuple:
        """Indices and scores of the k best documents (ties by index): list of str -> ((k,), (k,))."""
        s = self.scores(query_tokens)  # (N,)
        order = np.argsort(-s, kind="stable")[:k]  # (k,)
        return order, s[order]


def bm25_reference(query_tokens, docs_tokens, k1: float = 1.5, b: float = 0.75, variant: str = "lucene") -> np.ndarray:
    """The slow obvious BM25 (loops over terms and documents), for tests and drills: -> (N,).

    See chapter: chapters/rag.md
    """
    docs = _check_docs("docs_tokens", docs_tokens)
    n = len(docs)
    avgdl = sum(len(d) for d in docs) / n
    vocab = {t for d in docs for t in d}
    df = {t: sum(t in d for d in docs) for t in vocab}
    idf = {t: float(idf_of(df[t], n, variant)) for t in vocab}
    if variant == "okapi":
        floor = 0.25 * float(np.mean(list(idf.values())))
        idf = {t: (floor if v < 0 else v) for t, v in idf.items()}
    out = np.zeros(n)
    for t in query_tokens:
        if t not in vocab:
            continue
        for i, d in enumerate(docs):
            out[i] += idf[t] * float(term_factor(d.count(t), len(d), avgdl, k1, b, variant))
    return out
