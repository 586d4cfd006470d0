"""NDCG drill: the solution passes, typical wrong versions fail with the right hint, hostile code never crashes."""

import sys

import numpy as np
import pytest

from mlnotes.drills.core import Verdict
from mlnotes.drills.metrics_ranking import VARIANTS, _variant, check_ndcg, ndcg_cases, ndcg_solution


def test_solution_passes_every_case():
    verdict = check_ndcg(ndcg_solution)
    assert isinstance(verdict, Verdict) and verdict.passed, str(verdict)
    assert len(verdict.results) == len(ndcg_cases())


def test_solution_matches_sklearn_directly():
    from sklearn.metrics import ndcg_score

    for _, rel, s, k in ndcg_cases():
        assert ndcg_solution(rel, s, k) == pytest.approx(ndcg_score(rel, s, k=k), rel=1e-12)


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


def _sorts_in_place(rel, s, k):
    s.sort(axis=1)
    return ndcg_solution(rel, s, k)


def _exits(rel, s, k):
    sys.exit(1)


@pytest.mark.parametrize("fn,expect", [
    (lambda rel, s, k: None, "should return one number"),
    (lambda rel, s, k: "0.5", "should return one number"),
    (lambda rel, s, k: np.full(len(rel), 0.5), "should return one number"),
    (lambda rel, s, k: float("nan"), "NaN"),
    (lambda rel, s, k: 1 / 0, "ZeroDivisionError"),
    (_sorts_in_place, "modified its input"),
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
    def no_guard(rel, s, k):
        rel = np.asarray(rel, float)
        order = np.argsort(-np.asarray(s), axis=1)
        d = 1 / np.log2(np.arange(2, rel.shape[1] + 2))
        d[k:] = 0
        dcg = np.take_along_axis(rel, order, axis=1) @ d
        return float(np.mean(dcg / (-np.sort(-rel, axis=1) @ d)))  # 0/0 for a query without relevant documents

    verdict = check_ndcg(no_guard)
    failed = [r for r in verdict.results if not r.passed]
    assert len(failed) == 1 and "NDCG is 0" in failed[0].message
