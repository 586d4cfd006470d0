"""Known wrong answers of the BM25 and RRF drills (mlnotes/drills/rag.py): stdlib only, run in Python and Pyodide.

Each function is a mistake a reader makes (the checkers' hints name them); every one must fail.
"""

import math


# -- BM25: fn(query_tokens, docs_tokens, k1=1.5, b=0.75) -> list of N floats ----------------------------
def _bm25(query, docs, k1, b, idf, tf_part):
    """BM25-shaped scores with a given idf(df, N) and term factor tf_part(tf, |d|, avgdl, k1, b)."""
    n = len(docs)
    avgdl = sum(map(len, docs)) / n
    out = []
    for d in docs:
        s = 0.0
        for t in query:
            tf = d.count(t)
            if tf:
                df = sum(t in x for x in docs)
                s += idf(df, n) * tf_part(tf, len(d), avgdl, k1, b)
        out.append(s)
    return out


def _lucene_idf(df, n):
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def _lucene_tf(tf, dl, avg, k1, b):
    return tf / (tf + k1 * (1 - b + b * dl / avg))


def bm25_okapi_tf(q, docs, k1=1.5, b=0.75):
    """The Okapi / rank_bm25 term factor tf·(k1 + 1)/(tf + …): every score (k1 + 1) times too large."""
    def okapi_tf(tf, dl, avg, k1, b):
        return tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avg))

    return _bm25(q, docs, k1, b, _lucene_idf, okapi_tf)


def bm25_rsj_idf(q, docs, k1=1.5, b=0.75):
    """The idf without the '1 +': ln((N − df + 0.5)/(df + 0.5)), negative for common terms."""
    return _bm25(q, docs, k1, b, lambda df, n: math.log((n - df + 0.5) / (df + 0.5)), _lucene_tf)


def bm25_tfidf_idf(q, docs, k1=1.5, b=0.75):
    """The TF-IDF (ATIRE) idf ln(N/df)."""
    return _bm25(q, docs, k1, b, lambda df, n: math.log(n / df), _lucene_tf)


def bm25_no_length(q, docs, k1=1.5, b=0.75):
    """Forgets the length normalization: tf/(tf + k1), the same as b = 0."""
    return _bm25(q, docs, k1, b, _lucene_idf, lambda tf, dl, avg, k1, b: tf / (tf + k1))


def bm25_dedup_query(q, docs, k1=1.5, b=0.75):
    """Scores each distinct query token once: a repeated token must count each time."""
    return _bm25(list(dict.fromkeys(q)), docs, k1, b, _lucene_idf, _lucene_tf)


def bm25_log10(q, docs, k1=1.5, b=0.75):
    """log10 instead of the natural log in the idf."""
    return _bm25(q, docs, k1, b, lambda df, n: math.log10(1 + (n - df + 0.5) / (df + 0.5)), _lucene_tf)


def bm25_mutates_docs(q, docs, k1=1.5, b=0.75):
    """Appends to the caller's document list."""
    docs.append(["x"])
    return _bm25(q, docs[:-1], k1, b, _lucene_idf, _lucene_tf)


def bm25_returns_a_dict(q, docs, k1=1.5, b=0.75):
    """Returns {document index: score} instead of one score per document."""
    return dict(enumerate(_bm25(q, docs, k1, b, _lucene_idf, _lucene_tf)))


# -- RRF: fn(rankings, k=60) -> list of ids, best first ---------------------------------------------------
def _rrf(rankings, k):
    s = {}
    for r in rankings:
        for i, d in enumerate(r, 1):
            s[d] = s.get(d, 0.0) + 1 / (k + i)
    return s


def rrf_zero_based(rankings, k=60):
    """Ranks from 0: the top document adds 1/k (infinite at k = 0), not 1/(k + 1)."""
    s = {}
    for r in rankings:
        for i, d in enumerate(r):
            s[d] = s.get(d, 0.0) + (1 / (k + i) if k + i else 1e9)
    return sorted(s, key=lambda d: -s[d])


def rrf_intersection(rankings, k=60):
    """Keeps only the ids present in every list."""
    s = _rrf(rankings, k)
    return [d for d in sorted(s, key=lambda d: -s[d]) if all(d in r for r in rankings)]


def rrf_reversed(rankings, k=60):
    """The right fused order, reversed: the worst id first."""
    s = _rrf(rankings, k)
    return sorted(s, key=lambda d: -s[d])[::-1]


def rrf_fixed_k(rankings, k=60):
    """Ignores the k argument: always 60."""
    s = _rrf(rankings, 60)
    return sorted(s, key=lambda d: -s[d])


def rrf_pairs(rankings, k=60):
    """Returns (id, score) pairs instead of ids."""
    s = _rrf(rankings, k)
    return sorted(s.items(), key=lambda p: -p[1])


def rrf_rank_sum(rankings, k=60):
    """Sorts by the sum of ranks (a Borda-like count), not by the sum of 1/(k + rank)."""
    s = {}
    for r in rankings:
        for i, d in enumerate(r, 1):
            s[d] = s.get(d, 0) + i
    return sorted(s, key=lambda d: s[d])


def rrf_mutates_rankings(rankings, k=60):
    """Reverses the caller's first list in place."""
    rankings[0].reverse()
    s = _rrf(rankings, k)
    return sorted(s, key=lambda d: -s[d])


ANSWERS = {
    "bm25": [bm25_okapi_tf, bm25_rsj_idf, bm25_tfidf_idf, bm25_no_length, bm25_dedup_query, bm25_log10,
             bm25_mutates_docs, bm25_returns_a_dict],
    "rrf": [rrf_zero_based, rrf_intersection, rrf_reversed, rrf_fixed_k, rrf_pairs, rrf_rank_sum,
            rrf_mutates_rankings],
}
