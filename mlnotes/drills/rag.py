r"""Drills: hand-write BM25 scoring (Lucene variant) and reciprocal rank fusion.

**BM25.** ``fn(query_tokens, docs_tokens, k1=1.5, b=0.75) -> scores`` (one float per document),
the variant of ``bm25s`` ``method="lucene"`` (its default):
$$\mathrm{score}(q, d) = \sum_{t \in q} \ln\!\Big(1 + \frac{N - \mathrm{df}_t + 0.5}{\mathrm{df}_t + 0.5}\Big)
\frac{\mathrm{tf}_{t,d}}{\mathrm{tf}_{t,d} + k_1\big(1 - b + b\,|d|/\mathrm{avgdl}\big)},$$
repeated query tokens counted each time, unknown tokens adding 0. Reference: ``BM25`` of
:mod:`mlnotes.rag.bm25` in float64 (equal to ``bm25s`` in float32 to ~1e-6, tested; its index is a
``scipy.sparse`` matrix); in the browser (Pyodide, no scipy) ``bm25_reference`` of the same module
(loops, numpy only), proven equal to both in tests/test_rag_sparse.py (test_bm25_equals_bm25s).

**RRF.** ``fn(rankings, k=60) -> fused`` (ids, best first) with
$\mathrm{RRF}(d) = \sum_i 1/(k + \mathrm{rank}_i(d))$, ranks from 1, a list without $d$ adding 0.
Every id of every list must appear once; ids whose fused scores tie (within $10^{-12}$) may
come in any order.

Both checkers treat the reader's code as hostile: exceptions, wrong types or lengths, NaN and
inputs modified in place become failed cases with a message, never a crash.

See chapter: chapters/rag.md
"""

from __future__ import annotations

import copy
import math

import numpy as np

from mlnotes.drills.core import CaseResult, Verdict, call_reader, check_outputs, fmt, library_oracle
from mlnotes.rag.bm25 import BM25, bm25_reference
from mlnotes.rag.fusion import rrf_scores

RTOL, ATOL = 1e-9, 1e-12


def bm25_solution(query_tokens, docs_tokens, k1=1.5, b=0.75):
    """BM25 (Lucene variant) of every document for a tokenized query, in float64: -> list of N floats."""
    n = len(docs_tokens)
    avgdl = sum(len(d) for d in docs_tokens) / n
    df = {}
    for d in docs_tokens:
        for t in set(d):
            df[t] = df.get(t, 0) + 1
    scores = []
    for d in docs_tokens:
        s = 0.0
        for t in query_tokens:
            tf = d.count(t)
            if tf == 0:
                continue
            idf = math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5))
            s += idf * tf / (tf + k1 * (1 - b + b * len(d) / avgdl))
        scores.append(s)
    return scores


def rrf_solution(rankings, k=60):
    """Reciprocal rank fusion: ids of all lists sorted by sum of 1 / (k + rank), ranks from 1, best first."""
    score = {}
    for ranked in rankings:
        for rank, doc in enumerate(ranked, start=1):
            score[doc] = score.get(doc, 0.0) + 1.0 / (k + rank)
    return sorted(score, key=lambda d: -score[d])


# -- BM25 -------------------------------------------------------------------------------------------
def _corpus(rng, n_docs, vocab, lo=1, hi=25):
    words = [f"w{i}" for i in range(vocab)]
    p = np.r_[np.full(3, 0.12), np.full(vocab - 3, 0.64 / (vocab - 3))]  # three very common words
    return [[str(w) for w in rng.choice(words, size=int(rng.integers(lo, hi)), p=p)] for _ in range(n_docs)]


def bm25_cases() -> list:
    """Named (case, query_tokens, docs_tokens, k1, b) inputs of the BM25 drill."""
    rng = np.random.default_rng(16)
    docs = _corpus(rng, 30, 25)
    tiny = [["cat", "sat", "mat"], ["cat", "cat", "cat", "dog"], ["dog", "barks"], ["the", "cat", "and", "the", "dog",
                                                                                       "and", "the", "bird"]]
    return [
        ("random corpus, 30 documents", ["w0", "w5", "w11"], docs, 1.5, 0.75),
        ("small corpus by hand", ["cat", "dog"], tiny, 1.5, 0.75),
        ("a query token repeated counts twice", ["cat", "cat", "bird"], tiny, 1.5, 0.75),
        ("a query token in no document adds 0", ["unicorn", "dog"], tiny, 1.5, 0.75),
        ("a term in every document (idf stays positive)", ["w0", "w1"], [d + ["w0"] for d in docs[:10]], 1.5, 0.75),
        ("k1 = 0: presence only", ["w0", "w7"], docs, 0.0, 0.75),
        ("b = 0: no length normalization", ["w2", "w9"], docs, 1.2, 0.0),
        ("b = 1: full length normalization", ["w2", "w9"], docs, 2.0, 1.0),
        ("one document", ["cat", "mat"], tiny[:1], 1.5, 0.75),
        ("long and short documents", ["w4"], _corpus(rng, 12, 8, 1, 200), 1.5, 0.75),
    ]


def _bm25_expected(query, docs, k1, b):
    """The expected scores (N,): the sparse BM25 index (scipy) in Python, the loop reference in the browser."""
    if library_oracle():
        return BM25(k1, b, "lucene").fit(docs).scores(query)
    return bm25_reference(query, docs, k1, b, "lucene")


def _scores_with(query, docs, k1, b, idf, tfc) -> np.ndarray:
    """BM25-shaped scores with a custom idf(df, N) and term factor tfc(tf, dl, avgdl): -> (N,)."""
    n = len(docs)
    avgdl = sum(len(d) for d in docs) / n
    df = {t: sum(t in d for d in docs) for t in set(query)}
    return np.array([sum(idf(df[t], n) * tfc(d.count(t), len(d), avgdl) for t in query if d.count(t))
                     for d in docs], dtype=float)


def _bm25_variants(query, docs, k1, b) -> list:
    """(scores, hint) of common wrong BM25s on these inputs."""
    lucene_idf = lambda df, n: math.log(1 + (n - df + 0.5) / (df + 0.5))  # noqa: E731
    lucene_tfc = lambda tf, dl, avg: tf / (tf + k1 * (1 - b + b * dl / avg))  # noqa: E731
    right = _scores_with(query, docs, k1, b, lucene_idf, lucene_tfc)
    return [
        (right * (k1 + 1), " Your scores are exactly (k1 + 1) times the expected ones: you used the Okapi/rank_bm25 "
                           "term factor tf·(k1+1)/(tf + ...). The Lucene variant (bm25s default) omits (k1 + 1); "
                           "the ranking is the same, the values are not."),
        (_scores_with(query, docs, k1, b, lambda df, n: math.log((n - df + 0.5) / (df + 0.5)), lucene_tfc),
         " This is the idf without the '1 +': ln((N - df + 0.5)/(df + 0.5)) goes negative for terms in more than "
         "half the documents. Use ln(1 + (N - df + 0.5)/(df + 0.5))."),
        (_scores_with(query, docs, k1, b, lambda df, n: math.log(n / df), lucene_tfc),
         " This is the idf ln(N/df) (ATIRE, or TF-IDF's): the Lucene idf is ln(1 + (N - df + 0.5)/(df + 0.5))."),
        (_scores_with(query, docs, k1, b, lucene_idf, lambda tf, dl, avg: tf / (tf + k1)),
         " This equals b = 0: the document length |d|/avgdl is not used. The denominator is "
         "tf + k1·(1 - b + b·|d|/avgdl)."),
        (_scores_with(list(dict.fromkeys(query)), docs, k1, b, lucene_idf, lucene_tfc),
         " This equals scoring each distinct query token once: repeated query tokens must count each time."),
        (right / math.log(10), " Your scores are the expected ones divided by ln 10: use the natural log "
                               "(math.log), not log10."),
    ]


def _hint(got, variants) -> str:
    try:
        g = np.asarray(got, dtype=float)
        for value, hint in variants:
            if g.shape == np.shape(value) and np.allclose(g, value, rtol=1e-7, atol=1e-10):
                return hint
    except Exception:  # noqa: BLE001 - a hint is optional; never crash the checker
        return ""
    return ""


def check_bm25(fn) -> Verdict:
    """Check a hand-written BM25 (Lucene variant) against :class:`mlnotes.rag.bm25.BM25` on 10 cases.

    Reference: :class:`mlnotes.rag.bm25.BM25` (float64, a scipy.sparse index); in the browser (Pyodide)
    :func:`mlnotes.rag.bm25.bm25_reference` (numpy only), proven equal in tests/test_rag_sparse.py.

    See chapter: chapters/rag.md
    """
    drill = "BM25 (Lucene variant)"
    if not callable(fn):
        return Verdict(drill, (CaseResult("(setup)", False, f"expected a function, got {type(fn).__name__}."),))
    results = []
    for name, query, docs, k1, b in bm25_cases():
        q_in, d_in = list(query), copy.deepcopy(docs)
        where = f"[query {query[:4]}{' …' if len(query) > 4 else ''}, {len(docs)} documents, k1={k1:g}, b={b:g}]"
        got, error = call_reader(fn, q_in, d_in, k1=k1, b=b)
        if error is not None:
            results.append(CaseResult(name, False, f"{error} {where}"))
            continue
        if q_in != query or d_in != docs:
            results.append(CaseResult(name, False, f"modified its inputs in place; work on copies. {where}"))
            continue
        expected = _bm25_expected(query, docs, k1, b)
        if isinstance(got, (list, tuple)):
            try:
                got = np.asarray(got, dtype=float)
            except (TypeError, ValueError):
                results.append(CaseResult(name, False, f"should return one number per document, got "
                                                       f"{fmt(got)}. {where}"))
                continue
        msg, abs_err, rel_err = check_outputs(got, (expected,), ("scores",), rtol=RTOL, atol=ATOL)
        if msg is not None:
            msg += _hint(got, _bm25_variants(query, docs, k1, b))
        results.append(CaseResult(name, msg is None, "" if msg is None else f"{msg} {where}", abs_err, rel_err))
    return Verdict(drill, tuple(results))


# -- RRF --------------------------------------------------------------------------------------------
def rrf_cases() -> list:
    """Named (case, rankings, k) inputs of the RRF drill."""
    rng = np.random.default_rng(60)
    pool = [f"d{i}" for i in range(30)]
    three = [list(rng.choice(pool, size=int(rng.integers(5, 15)), replace=False)) for _ in range(3)]
    return [
        ("two lists, k = 60", [["A", "B", "C", "D"], ["C", "A", "E", "F"]], 60),
        ("an id in only one list still counts", [["A", "B"], ["C", "D", "B"]], 60),
        ("small k (1): a single first place beats agreement lower down",
         [["A", "P", "Q", "R", "B"], ["S", "T", "U", "B", "V"]], 1),
        ("large k (1000): agreement wins", [["A", "P", "Q", "R", "B"], ["S", "T", "U", "B", "V"]], 1000),
        ("k = 0", [["x", "y", "z"], ["z", "y", "x"], ["y"]], 0),
        ("three random lists of different lengths", [[str(d) for d in r] for r in three], 60),
        ("one list: order unchanged", [["p", "q", "r", "s"]], 60),
        ("integer ids", [[3, 1, 2], [2, 3, 4]], 60),
        ("an empty list among others", [[], ["a", "b"], ["b", "c"]], 60),
    ]


def _fused_scores(rankings, k):
    return rrf_scores(rankings, k=k)


def _rrf_hint(got, rankings, k) -> str:
    def order_of(scores):
        return sorted(scores, key=lambda d: -scores[d])

    try:
        g = list(got)
        zero_based = {}
        for ranked in rankings:
            for r, d in enumerate(ranked):
                zero_based[d] = zero_based.get(d, 0.0) + (1.0 / (k + r) if k + r > 0 else math.inf)
        common = set.intersection(*[set(r) for r in rankings if r]) if any(rankings) else set()
        if g == order_of(zero_based) and g != rrf_solution(rankings, k):
            return " Ranks start at 1: the top document adds 1/(k + 1), not 1/k."
        if set(g) == common and len(common) < len(set().union(*map(set, rankings))):
            return " You kept only ids present in every list: an id missing from a list simply gets 0 from it."
        if g == list(reversed(rrf_solution(rankings, k))):
            return " The order is reversed: best (highest fused score) first."
        if k != 60 and g == rrf_solution(rankings, 60):
            return " This is the k = 60 result: use the k argument."
    except Exception:  # noqa: BLE001
        return ""
    return ""


def _judge_rrf(got, rankings, k) -> str | None:
    """None if ``got`` is a valid fused ranking (ties in any order), else a message."""
    scores = _fused_scores(rankings, k)
    if isinstance(got, (str, bytes, dict, set)) or not hasattr(got, "__iter__"):
        return f"should return a list of ids (best first), got {type(got).__name__}."
    got = list(got)
    if got and isinstance(got[0], tuple) and len(got[0]) == 2 and got[0][0] in scores:
        return "should return only the ids (best first), not (id, score) pairs."
    if len(got) != len(scores) or set(map(_key, got)) != set(map(_key, scores)):
        missing = [d for d in scores if _key(d) not in set(map(_key, got))]
        extra = [d for d in got if _key(d) not in set(map(_key, scores))]
        return (f"should return every id of every list exactly once ({len(scores)} ids), got {len(got)} items"
                + (f"; missing {missing[:4]}" if missing else "")
                + (f"; unexpected {extra[:4]}" if extra else "") + ".")
    if len(set(map(_key, got))) != len(got):
        return "returned an id more than once."
    values = [scores[d] for d in got]
    for i, (a, c) in enumerate(zip(values, values[1:])):
        if c > a + 1e-12:
            return (f"is not sorted by fused score: {got[i]!r} (score {a:.6f}) comes before {got[i + 1]!r} "
                    f"(score {c:.6f}). Expected an order like {rrf_solution(rankings, k)}.")
    return None


def _key(d):
    return (type(d).__name__, d)


def check_rrf(fn) -> Verdict:
    """Check a hand-written RRF on 9 cases (ties may come in any order). See chapter: chapters/rag.md"""
    drill = "reciprocal rank fusion"
    if not callable(fn):
        return Verdict(drill, (CaseResult("(setup)", False, f"expected a function, got {type(fn).__name__}."),))
    results = []
    for name, rankings, k in rrf_cases():
        given = copy.deepcopy(rankings)
        where = f"[rankings {rankings if len(str(rankings)) < 70 else str(rankings)[:70] + ' …'}, k={k}]"
        got, error = call_reader(fn, given, k=k)
        if error is not None:
            results.append(CaseResult(name, False, f"{error} {where}"))
            continue
        if given != rankings:
            results.append(CaseResult(name, False, f"modified the input lists in place; work on copies. {where}"))
            continue
        try:
            msg = _judge_rrf(got, rankings, k)
        except Exception as exc:  # noqa: BLE001 - e.g. unhashable items returned
            msg = f"returned something that is not a list of ids ({type(exc).__name__}: {exc})."
        if msg is not None:
            msg += _rrf_hint(got, rankings, k)
        results.append(CaseResult(name, msg is None, "" if msg is None else f"{msg} {where}"))
    return Verdict(drill, tuple(results))
