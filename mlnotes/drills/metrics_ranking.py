r"""Drill: hand-write NDCG@k, checked against ``sklearn.metrics.ndcg_score``.

``fn(relevance, scores, k) -> float``: ``relevance`` and ``scores`` have shape (Q, N) (Q queries,
N documents; graded relevance $g \ge 0$, scores without ties), ``k`` is an int. For each query,
rank its documents by descending score and sum the discounted gains of the top $k$; divide by
the same sum for the ideal order (documents sorted by relevance); return the mean over queries:
$$\mathrm{DCG@}k = \sum_{i=1}^{\min(k, N)} \frac{g_{(i)}}{\log_2(i + 1)},\qquad
\mathrm{NDCG@}k = \frac{1}{Q}\sum_q \frac{\mathrm{DCG@}k_q}{\mathrm{IDCG@}k_q},$$
with a query's NDCG set to 0 when it has no relevant document (IDCG = 0), as sklearn does.
The gain is linear (sklearn's), not $2^g - 1$. Reference: ``sklearn.metrics.ndcg_score``; in the
browser (Pyodide) ``mlnotes.metrics.ndcg_at_k``, proven equal in tests/test_metrics.py and
tests/test_metrics_regression.py (and on these cases in tests/test_drills_metrics_ranking.py).

See chapter: chapters/metrics_ranking.md
"""

from __future__ import annotations

import functools
import warnings
from numbers import Real

import numpy as np

from mlnotes.drills.core import CaseResult, Verdict, call_reader, check_outputs, fmt, oracle

RTOL, ATOL = 1e-9, 1e-12


def ndcg_solution(relevance, scores, k):
    """Mean NDCG@k over queries, linear gain, 0 for a query with nothing relevant."""
    rel = np.asarray(relevance, dtype=float)  # (Q, N)
    order = np.argsort(-np.asarray(scores, dtype=float), axis=1)  # (Q, N) best first
    discount = 1.0 / np.log2(np.arange(2, rel.shape[1] + 2))  # (N,) 1 / log2(i + 1), i = 1 … N
    discount[k:] = 0.0  # only the top k count
    dcg = np.take_along_axis(rel, order, axis=1) @ discount  # (Q,)
    idcg = -np.sort(-rel, axis=1) @ discount  # (Q,) the ideal order: grades descending
    ndcg = np.divide(dcg, idcg, out=np.zeros_like(dcg), where=idcg > 0)  # (Q,) 0 if nothing is relevant
    return float(ndcg.mean())


def ndcg_cases() -> list:
    """Named (case name, relevance, scores, k) inputs of the NDCG drill (scores have no ties)."""
    rng = np.random.default_rng(11)

    def scores(q, n):
        return rng.permutation(q * n).reshape(q, n) / 10.0 - 3.0  # distinct, some negative

    grades = rng.integers(0, 4, (6, 8)).astype(float)
    binary = (rng.random((5, 10)) < 0.3).astype(float)
    binary[:, 0] = 1.0  # every query has a relevant document
    none = rng.integers(0, 3, (4, 6)).astype(float)
    none[2] = 0.0  # one query without any relevant document
    perfect = np.array([[3.0, 2.0, 2.0, 1.0, 0.0, 0.0]])
    return [
        ("6 queries, 8 documents, grades 0-3, k = 5", grades, scores(6, 8), 5),
        ("k = 1: only the top document counts", grades, scores(6, 8), 1),
        ("k larger than the number of documents (k = 20, N = 8)", grades, scores(6, 8), 20),
        ("binary relevance, 10 documents, k = 3", binary, scores(5, 10), 3),
        ("a query with no relevant document: its NDCG is 0, not 0/0", none, scores(4, 6), 4),
        ("perfect ranking: NDCG = 1", perfect, np.array([[0.9, 0.8, 0.7, 0.6, 0.5, 0.4]]), 4),
        ("reversed ranking", perfect, np.array([[0.4, 0.5, 0.6, 0.7, 0.8, 0.9]]), 4),
        ("one query, relevant documents ranked low, k = 2", np.array([[0.0, 0.0, 0.0, 1.0, 2.0]]),
         np.array([[5.0, 4.0, 3.0, 2.0, 1.0]]), 2),
    ]


def _reference_ndcg(relevance, scores, k, which="library") -> float:
    """Mean NDCG@k by sklearn (oracle "library") or by mlnotes.metrics ("mlnotes", numpy only)."""
    if which == "library":
        from sklearn.metrics import ndcg_score

        return float(ndcg_score(relevance, scores, k=k))
    from mlnotes.metrics.ranking import ndcg_at_k

    return float(ndcg_at_k(relevance, scores, k))


@functools.lru_cache(maxsize=2)
def _expected(which: str) -> tuple:
    """Expected NDCG of every case under the oracle ``which`` (the cache key: never the other oracle's values)."""
    return tuple(_reference_ndcg(r, s, k, which) for _, r, s, k in ndcg_cases())


# -- wrong versions that a reader typically writes ---------------------------------------------------------------
def _variant(rel, scores, k, *, gain="linear", discount="log2(i+1)", ideal="sorted", cut_ideal=True, reduce="mean",
             normalize=True, descending=True) -> float:
    """NDCG@k with one deliberate mistake (used only to name the reader's bug)."""
    g = np.exp2(rel) - 1 if gain == "exponential" else rel
    order = np.argsort(-scores if descending else scores, axis=1)
    n = rel.shape[1]
    positions = np.arange(1, n + 1)
    with np.errstate(divide="ignore"):
        d = {"log2(i+1)": 1 / np.log2(positions + 1), "log2(i)": 1 / np.log2(positions), "1/i": 1 / positions}[discount]
    d_top = d.copy()
    d_top[k:] = 0.0
    ranked = np.take_along_axis(g, order, axis=1)
    dcg = ranked @ d_top
    if ideal == "sorted":
        best = -np.sort(-g, axis=1)
    else:  # the retrieved top k sorted: IDCG from the returned documents only
        best = -np.sort(-np.where(np.arange(n) < k, ranked, 0.0), axis=1)
    idcg = best @ (d_top if cut_ideal else d)
    per_query = np.divide(dcg, idcg, out=np.zeros_like(dcg), where=idcg > 0) if normalize else dcg
    return float(per_query.mean() if reduce == "mean" else per_query.sum())


VARIANTS = (
    ({"gain": "exponential"}, "the gain is 2^g − 1; sklearn's NDCG (and this drill) uses the grade g itself."),
    ({"discount": "log2(i)"}, "the discount is 1 / log2(i + 1) with i = 1 for the top document; 1 / log2(i) "
                              "divides by log2(1) = 0 at the top."),
    ({"discount": "1/i"}, "that discount is 1 / i (reciprocal rank); NDCG uses 1 / log2(i + 1)."),
    ({"ideal": "retrieved"}, "the ideal DCG sorts ALL documents of the query by relevance, not just the "
                             "top k you retrieved."),
    ({"cut_ideal": False}, "cut the ideal DCG at k too: IDCG@k sums only the k best grades."),
    ({"reduce": "sum"}, "return the MEAN over queries, not the sum."),
    ({"normalize": False}, "that is DCG; divide each query's DCG by its ideal DCG."),
    ({"descending": False}, "rank by DESCENDING score: the highest score is position 1."),
)


def _hint(got, rel, scores, k) -> str:
    try:
        g = float(np.asarray(got, dtype=float).reshape(()))
    except Exception:  # noqa: BLE001
        return ""
    if not np.isfinite(g):
        return (" Likely bug: 0/0 or log2(1) = 0. A query with no relevant document has IDCG = 0: its NDCG is 0; "
                "and the top document's discount is 1 / log2(2) = 1.")
    right = ndcg_solution(rel, scores, k)
    for kwargs, text in VARIANTS:
        with np.errstate(all="ignore"):
            value = _variant(rel, scores, k, **kwargs)
        if np.isfinite(value) and not np.isclose(value, right) and np.isclose(g, value, rtol=1e-9, atol=1e-12):
            return " Likely bug: " + text
    return ""


def _run(fn, name, rel, scores, k, expected) -> CaseResult:
    args = (rel.copy(), scores.copy())
    where = f"[inputs: relevance {rel.shape}, scores {scores.shape}, k={k}]"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got, error = call_reader(fn, *args, k)
    if not (np.array_equal(args[0], rel) and np.array_equal(args[1], scores)):
        return CaseResult(name, False, f"modified its input(s) in place (e.g. sorted them); work on copies. {where}")
    if error is not None:
        return CaseResult(name, False, f"{error} {where}")
    if isinstance(got, np.ndarray) and got.size == 1:
        got = got.reshape(())
    if not (isinstance(got, (Real, np.floating, np.integer)) or (isinstance(got, np.ndarray) and got.shape == ())):
        return CaseResult(name, False, f"should return one number (the mean over queries), got {type(got).__name__} "
                                       f"{fmt(got)}. {where}")
    msg, abs_err, rel_err = check_outputs(got, (np.float64(expected),), ("NDCG",), rtol=RTOL, atol=ATOL)
    if msg is not None:
        try:
            msg += _hint(got, rel, scores, k)
        except Exception:  # noqa: BLE001 - a hint is optional; never crash the checker
            pass
        return CaseResult(name, False, f"{msg} {where}", abs_err, rel_err)
    return CaseResult(name, True, "", abs_err, rel_err)


def check_ndcg(fn) -> Verdict:
    """Check a reader's ``fn(relevance, scores, k) -> float`` against sklearn's ndcg_score on 8 cases.

    Reference: ``sklearn.metrics.ndcg_score`` (float64); in the browser (Pyodide)
    ``mlnotes.metrics.ndcg_at_k``, proven equal in tests/test_metrics.py. Never raises because of ``fn``.
    See chapter: chapters/metrics_ranking.md
    """
    drill = "NDCG@k"
    if not callable(fn):
        return Verdict(drill, (CaseResult("(setup)", False, f"expected a function, got {type(fn).__name__}."),))
    return Verdict(drill, tuple(_run(fn, name, rel, s, k, want)
                                for (name, rel, s, k), want in zip(ndcg_cases(), _expected(oracle()))))
