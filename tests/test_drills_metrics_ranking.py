"""NDCG drill: the solution passes, typical wrong versions fail with the right hint, hostile code never crashes."""

import sys

import numpy as np
import pytest

from mlnotes.drills.core import Verdict, fmt
from mlnotes.drills.metrics_ranking import (VARIANTS, _expected, _reference_ndcg, _variant, check_ndcg, ndcg_cases,
                                            ndcg_solution)
from tests.drill_answers.metrics_ranking import ndcg_float32, ndcg_no_zero_guard, ndcg_sorts_scores_in_place


def test_solution_passes_every_case():
    verdict = check_ndcg(ndcg_solution)
    assert isinstance(verdict, Verdict) and verdict.passed, str(verdict)
    assert len(verdict.results) == len(ndcg_cases())


def test_solution_matches_sklearn_directly():
    from sklearn.metrics import ndcg_score

    for _, rel, s, k in ndcg_cases():
        assert ndcg_solution(rel, s, k) == pytest.approx(ndcg_score(rel, s, k=k), rel=1e-12)


def test_browser_reference_equals_sklearn():
    """The browser oracle (mlnotes.metrics.ndcg_at_k, numpy only) equals sklearn's ndcg_score on these cases: exactly
    on six, within two units in the last place on two (sklearn sums a tie block's discounts as differences of their
    cumulative sum), a difference no verdict text shows: expected values are printed to 6 digits, or 15 for a
    near miss, and both renderings are the same."""
    exact = 0
    for _, rel, s, k in ndcg_cases():
        ours, ref = _reference_ndcg(rel, s, k, "mlnotes"), _reference_ndcg(rel, s, k, "library")
        assert abs(ours - ref) <= 2 * np.spacing(ref), (ours, ref)
        assert fmt(ours) == fmt(ref) and fmt(ours, precision=15) == fmt(ref, precision=15)
        exact += ours == ref
    assert exact >= 6
    np.testing.assert_allclose(_expected("mlnotes"), _expected("library"), rtol=1e-15, atol=0)


@pytest.mark.parametrize("kwargs,hint", VARIANTS, ids=[str(v[0]) for v in VARIANTS])
def test_each_known_bug_fails_and_is_named(kwargs, hint):
    def wrong(rel, s, k):
        with np.errstate(all="ignore"):
            return _variant(np.asarray(rel, float), np.asarray(s, float), k, **kwargs)

    verdict = check_ndcg(wrong)
    assert not verdict.passed
    messages = " ".join(r.message for r in verdict.results if not r.passed)
    if "log2(i)" in hint:  # divides by log2(1) = 0: inf / NaN, named as such
        assert "log2(1) = 0" in messages
    else:
        assert hint in messages


def _exits(rel, s, k):
    sys.exit(1)


@pytest.mark.parametrize("fn,expect", [
    (lambda rel, s, k: None, "should return one number"),
    (lambda rel, s, k: "0.5", "should return one number"),
    (lambda rel, s, k: np.full(len(rel), 0.5), "should return one number"),
    (lambda rel, s, k: float("nan"), "NaN"),
    (lambda rel, s, k: 1 / 0, "ZeroDivisionError"),
    (ndcg_sorts_scores_in_place, "modified its input"),
    (_exits, "SystemExit"),
    (lambda rel, s, k: (_ for _ in ()).throw(NotImplementedError()), "not written yet"),
])
def test_hostile_code_gets_a_verdict(fn, expect):
    verdict = check_ndcg(fn)
    assert not verdict.passed
    assert expect in verdict.results[0].message


def test_not_a_function():
    verdict = check_ndcg("ndcg")
    assert not verdict.passed and "expected a function" in verdict.results[0].message


def test_nan_hint_names_the_zero_division():
    verdict = check_ndcg(ndcg_no_zero_guard)  # 0/0 for a query without relevant documents
    failed = [r for r in verdict.results if not r.passed]
    assert len(failed) == 1 and "NDCG is 0" in failed[0].message


def test_float32_is_flagged():
    verdict = check_ndcg(ndcg_float32)
    assert not verdict.passed and "compute in float64" in verdict.message
