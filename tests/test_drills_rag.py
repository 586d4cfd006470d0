"""BM25 and RRF drills: solutions pass, typical wrong versions fail with the right hint, hostile code never crashes."""

import numpy as np
import pytest

from mlnotes.drills.core import Verdict
from mlnotes.drills.rag import _bm25_expected, bm25_cases, bm25_solution, check_bm25, check_rrf, rrf_cases, rrf_solution
from mlnotes.rag.bm25 import BM25, bm25_reference
from tests.drill_answers.rag import (bm25_dedup_query, bm25_log10, bm25_mutates_docs, bm25_no_length, bm25_okapi_tf,
                                     bm25_rsj_idf, bm25_tfidf_idf, rrf_fixed_k, rrf_intersection, rrf_mutates_rankings,
                                     rrf_pairs, rrf_rank_sum, rrf_reversed, rrf_zero_based)


def test_solutions_pass():
    for verdict, n in ((check_bm25(bm25_solution), len(bm25_cases())), (check_rrf(rrf_solution), len(rrf_cases()))):
        assert isinstance(verdict, Verdict) and verdict.passed, str(verdict)
        assert len(verdict.results) == n


def test_bm25_solution_equals_bm25s():
    import bm25s

    for _, query, docs, k1, b in bm25_cases():
        ref = bm25s.BM25(k1=k1, b=b, method="lucene")
        ref.index(docs, show_progress=False)
        np.testing.assert_allclose(bm25_solution(query, docs, k1, b), ref.get_scores(query), rtol=1e-6, atol=1e-6)


def test_browser_reference_equals_the_sparse_index_bit_for_bit(monkeypatch):
    """In the browser (no scipy) the checker compares with bm25_reference: the very scores of the sparse BM25."""
    for _, query, docs, k1, b in bm25_cases():
        library = BM25(k1, b, "lucene").fit(docs).scores(query)
        assert np.array_equal(bm25_reference(query, docs, k1, b, "lucene"), library)
        monkeypatch.setenv("MLNOTES_DRILL_ORACLE", "mlnotes")
        assert np.array_equal(_bm25_expected(query, docs, k1, b), library)
        monkeypatch.setenv("MLNOTES_DRILL_ORACLE", "library")
        assert np.array_equal(_bm25_expected(query, docs, k1, b), library)


# -- wrong BM25s (tests/drill_answers/rag.py) ----------------------------------------------------
@pytest.mark.parametrize("fn,case,hint", [
    (bm25_okapi_tf, "random corpus", "(k1 + 1) times the expected"),
    (bm25_rsj_idf, "random corpus", "without the '1 +'"),
    (bm25_no_length, "random corpus", "equals b = 0"),
    (bm25_dedup_query, "a query token repeated", "each distinct query token once"),
    (bm25_log10, "random corpus", "not log10"),
    (bm25_tfidf_idf, "random corpus", "ln(N/df)"),
], ids=["okapi-tf", "rsj-idf", "no-length", "dedup", "log10", "tfidf-idf"])
def test_wrong_bm25_fails_with_the_expected_hint(fn, case, hint):
    verdict = check_bm25(fn)
    assert not verdict.passed
    assert verdict.first_failure.name.startswith(case)
    assert hint in verdict.first_failure.message


# -- wrong RRFs (tests/drill_answers/rag.py) -----------------------------------------------------
@pytest.mark.parametrize("fn,case,hint", [
    (rrf_zero_based, "small k", "Ranks start at 1"),
    (rrf_intersection, "two lists", "present in every list"),
    (rrf_reversed, "two lists", "reversed"),
    (rrf_fixed_k, "small k", "k = 60 result"),
    (rrf_pairs, "two lists", "not (id, score) pairs"),
    (rrf_rank_sum, "two lists", "not sorted by fused score"),
], ids=["zero-based", "intersection", "reversed", "fixed-k", "pairs", "rank-sum"])
def test_wrong_rrf_fails_with_the_expected_hint(fn, case, hint):
    verdict = check_rrf(fn)
    assert not verdict.passed
    assert verdict.first_failure.name.startswith(case), verdict.first_failure.name
    assert hint in verdict.first_failure.message


def test_rrf_ties_may_come_in_any_order():
    def ties_by_descending_id(rankings, k=60):
        s = {}
        for r in rankings:
            for i, d in enumerate(r, 1):
                s[d] = s.get(d, 0.0) + 1 / (k + i)
        by_id = sorted(s, key=str, reverse=True)
        return sorted(by_id, key=lambda d: -round(s[d], 12))

    tie_case = [["x", "y", "z"], ["z", "y", "x"], ["y"]]  # x and z tie at k = 0
    assert ties_by_descending_id(tie_case, 0) != rrf_solution(tie_case, 0)
    assert check_rrf(ties_by_descending_id).passed


# -- hostile code ---------------------------------------------------------------------------------
def _raises(*a, **k):
    raise RuntimeError("boom")


def _exit(*a, **k):
    raise SystemExit(3)


@pytest.mark.parametrize("fn", [
    _raises, _exit, lambda *a, **k: None, lambda *a, **k: "text", lambda *a, **k: {"a": 1},
    lambda *a, **k: [float("nan")] * 40, lambda *a, **k: np.ones((2, 2)), lambda *a, **k: [object()],
    lambda *a, **k: [[1, 2], [3]], bm25_mutates_docs, 42,
], ids=["raises", "exit", "none", "str", "dict", "nan", "matrix", "object", "ragged", "mutates", "not-callable"])
def test_hostile_bm25_code_never_crashes_the_checker(fn):
    verdict = check_bm25(fn)
    assert isinstance(verdict, Verdict) and not verdict.passed
    assert verdict.first_failure.message


@pytest.mark.parametrize("fn", [
    _raises, _exit, lambda *a, **k: None, lambda *a, **k: 7, lambda *a, **k: [[1], [2]], lambda *a, **k: ["A"] * 6,
    lambda *a, **k: [{"x"}], lambda *a, **k: iter(()), rrf_mutates_rankings, "not callable",
], ids=["raises", "exit", "none", "int", "lists", "repeats", "unhashable", "empty-iter", "mutates", "not-callable"])
def test_hostile_rrf_code_never_crashes_the_checker(fn):
    verdict = check_rrf(fn)
    assert isinstance(verdict, Verdict) and not verdict.passed
    assert verdict.first_failure.message
