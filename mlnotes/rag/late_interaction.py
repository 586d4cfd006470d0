r"""Late interaction (延迟交互, ColBERT's MaxSim): one vector per token, matched token by token at query time.

A bi-encoder pools each text into one vector and scores $s(q, d) = \bar q\cdot\bar d$. ColBERT
(Khattab & Zaharia 2020) keeps the $n_q$ query token vectors $Q \in \mathbb R^{n_q\times k}$ and the
$n_d$ document token vectors $D \in \mathbb R^{n_d\times k}$ (unit length) and scores

$$s(q, d) = \sum_{i=1}^{n_q} \max_{j = 1..n_d} Q_i \cdot D_j\qquad(\text{MaxSim}),$$

each query token is matched with its best document token, then the matches are summed. The
document side is still encoded offline (unlike a cross-encoder), but the index stores $n_d$
vectors per document instead of one, and scoring one pair costs $n_q n_d k$ multiply-adds
instead of $k$.

See chapter: chapters/rag_training.md
"""

from __future__ import annotations

import zlib

import numpy as np

from mlnotes._checks import check_array, check_int

FILLER = ("the", "model", "layer", "output", "value", "input", "update", "train", "paper", "shape", "sum",
          "mean", "token", "vector", "step", "loss", "weight", "data", "size", "rate")


def maxsim(Q, D) -> float:
    """MaxSim from scratch: Σ over query tokens of the best dot product with a document token.

    ``Q`` (n_q, k), ``D`` (n_d, k) -> float. Equal to ColBERT's score (a torch einsum, tested).
    See chapter: chapters/rag_training.md
    """
    Q, D = _check_tokens("Q", Q), _check_tokens("D", D)
    if Q.shape[1] != D.shape[1]:
        raise ValueError(f"Q and D must have the same width, got {Q.shape[1]} and {D.shape[1]}")
    return float(_maxsim(Q, D))


def _maxsim(Q, D):
    S = Q @ D.T  # (n_q, n_d) every query token against every document token
    return S.max(axis=1).sum()  # best document token per query token, summed


def maxsim_batch(Q, docs) -> np.ndarray:
    """MaxSim of one query against several documents of different lengths: (n_q, k), list of (n_d, k) -> (N,).

    The documents are padded into one (N, L, k) array and the padding masked with -inf, as a
    real implementation batches them. See chapter: chapters/rag_training.md
    """
    Q = _check_tokens("Q", Q)
    docs = [_check_tokens("docs[i]", d) for d in docs]
    L = max(len(d) for d in docs)
    P = np.zeros((len(docs), L, Q.shape[1]))  # (N, L, k)
    pad = np.ones((len(docs), L), dtype=bool)  # (N, L) True = padding
    for n, d in enumerate(docs):
        P[n, : len(d)], pad[n, : len(d)] = d, False
    S = np.einsum("ik,nlk->nil", Q, P)  # (N, n_q, L)
    S = np.where(pad[:, None, :], -np.inf, S)
    return S.max(axis=2).sum(axis=1)  # (N,)


def mean_pooled_cosine(Q, D) -> float:
    """The bi-encoder's score on the same token vectors: cosine of the two mean-pooled vectors -> float."""
    q, d = _check_tokens("Q", Q).mean(0), _check_tokens("D", D).mean(0)
    return float(q @ d / (np.linalg.norm(q) * np.linalg.norm(d)))


def _check_tokens(name, X):
    X = check_array(name, X, ndim=2)
    if len(X) == 0:
        raise ValueError(f"{name} must have at least one token")
    return X


def toy_vectors(words, dim: int = 32, synonyms=None) -> np.ndarray:
    """A unit vector per word, seeded by the word itself (so a word has one vector everywhere): -> (n, dim).

    ``synonyms`` maps a word to another whose vector it shares, plus a little noise
    (cosine ≈ 0.9). A toy stand-in for a contextual encoder's token vectors.
    See chapter: chapters/rag_training.md
    """
    dim = check_int("dim", dim, low=2)
    synonyms = dict(synonyms or {})
    out = []
    for w in words:
        base = _word_vector(synonyms.get(w, w), dim)
        if w in synonyms:
            base = base + 0.45 * _word_vector(w, dim)
        out.append(base / np.linalg.norm(base))
    return np.array(out)  # (n, dim)


def _word_vector(word: str, dim: int) -> np.ndarray:
    v = np.random.default_rng(zlib.crc32(word.encode("utf-8"))).standard_normal(dim)
    return v / np.linalg.norm(v)


def padded_doc(words, n_filler: int) -> list:
    """``words`` followed by ``n_filler`` unrelated filler words (cycled from :data:`FILLER`)."""
    n_filler = check_int("n_filler", n_filler, low=0)
    return list(words) + [FILLER[i % len(FILLER)] + ("" if i < len(FILLER) else str(i // len(FILLER)))
                          for i in range(n_filler)]


def index_cost(doc_tokens, query_tokens: float, dim_single: int = 384, dim_token: int = 128,
               bytes_single: int = 4, bytes_token: int = 2) -> dict:
    """Storage and scoring cost of a bi-encoder vs late interaction over a corpus: -> dict.

    ``doc_tokens`` (N,) tokens per document, ``query_tokens`` tokens of a query. Storage in bytes
    (``bytes_single``-byte floats of width ``dim_single`` per document; ``bytes_token``-byte
    floats of width ``dim_token`` per token, ColBERT's 128-d float16), scoring in multiply-adds
    per query over the whole corpus. See chapter: chapters/rag_training.md
    """
    n = np.asarray(doc_tokens, dtype=np.int64)  # (N,)
    return {"bi_bytes": int(len(n) * dim_single * bytes_single),
            "late_bytes": int(n.sum() * dim_token * bytes_token),
            "bi_madds": int(len(n) * dim_single),
            "late_madds": int(round(query_tokens * n.sum() * dim_token))}
