"""AUC and F1 drills: solutions pass, typical wrong versions fail with the right hint, hostile code never crashes."""

import sys

import numpy as np
import pytest
import scipy.stats

from mlnotes.drills.core import Verdict
from mlnotes.drills.metrics import auc_cases, auc_solution, check_auc, check_f1, f1_cases, f1_solution


def test_solutions_pass():
    for verdict, n in ((check_auc(auc_solution), len(auc_cases())), (check_f1(f1_solution), len(f1_cases()))):
        assert isinstance(verdict, Verdict) and verdict.passed, str(verdict)
        assert len(verdict.results) == n


def test_solutions_match_sklearn_directly():
    from sklearn.metrics import f1_score, roc_auc_score

    for _, t, s in auc_cases()[:-1]:
        assert auc_solution(t, s) == pytest.approx(roc_auc_score(t, s), rel=1e-12)
    for _, t, p in f1_cases():
        assert f1_solution(t, p) == pytest.approx(f1_score(t, p, zero_division=0.0), rel=1e-12)


# -- wrong AUCs -------------------------------------------------------------------------------------
def _rank_auc(t, s, ranks):
    t = np.asarray(t) == 1
    m, n = t.sum(), (~t).sum()
    if m == 0 or n == 0:
        raise ValueError("one class")
    return float((ranks[t].sum() - m * (m + 1) / 2) / (m * n))


def auc_descending(t, s):
    return _rank_auc(t, s, scipy.stats.rankdata(-np.asarray(s)))


def auc_ordinal_ranks(t, s):
    return _rank_auc(t, s, scipy.stats.rankdata(s, method="ordinal").astype(float))


def auc_strict_pairs(t, s):
    t = np.asarray(t) == 1
    if t.all() or not t.any():
        raise ValueError("one class")
    return float(np.mean(s[t][:, None] > s[~t][None, :]))


def auc_unnormalised(t, s):
    return auc_solution(t, s) * np.sum(np.asarray(t) == 1) * np.sum(np.asarray(t) == 0)


def auc_returns_nan_for_one_class(t, s):
    t = np.asarray(t) == 1
    if t.all() or not t.any():
        return float("nan")
    return auc_solution(t, s)


def auc_zero_division(t, s):
    t = np.asarray(t) == 1
    m = int(t.sum())
    if m * (len(t) - m) == 0:
        return 1 / 0
    return auc_solution(t, s)


@pytest.mark.parametrize("fn,case,hint", [
    (auc_descending, "random, 20 samples", "descending order"),
    (auc_ordinal_ranks, "tied scores", "average rank"),
    (auc_strict_pairs, "tied scores", "counts 0; it must count ½"),
    (auc_unnormalised, "random, 20 samples", "not divided by M·N"),
    (auc_returns_nan_for_one_class, "only one class", "raise ValueError instead of returning a number"),
    (auc_zero_division, "only one class", "raised ZeroDivisionError"),
], ids=["descending", "ordinal-ranks", "strict-pairs", "unnormalised", "nan-one-class", "zerodiv"])
def test_wrong_auc_fails_with_the_expected_message(fn, case, hint):
    verdict = check_auc(fn)
    assert not verdict.passed
    failed = {r.name: r.message for r in verdict.results if not r.passed}
    name = next(n for n in failed if n.startswith(case))
    assert hint in failed[name], failed[name]


def test_descending_auc_passes_only_symmetric_cases():
    verdict = check_auc(auc_descending)
    passed = {r.name for r in verdict.results if r.passed}
    assert passed == {"all scores equal: AUC must be 0.5", "only one class in y_true: AUC is undefined, must raise "
                                                            "ValueError"}


# -- wrong F1s ---------------------------------------------------------------------------------------
def f1_naive(t, p):
    t, p = np.asarray(t) == 1, np.asarray(p) == 1
    tp = np.sum(t & p)
    prec, rec = tp / np.sum(p), tp / np.sum(t)
    return 2 * prec * rec / (prec + rec)


def f1_accuracy(t, p):
    return float(np.mean(np.asarray(t) == np.asarray(p)))


def f1_class_zero(t, p):
    return f1_solution(1 - np.asarray(t, dtype=int), 1 - np.asarray(p, dtype=int))


def f1_macro(t, p):
    return (f1_solution(t, p) + f1_class_zero(t, p)) / 2


def f1_one_for_empty(t, p):
    t, p = np.asarray(t) == 1, np.asarray(p) == 1
    d = 2 * np.sum(t & p) + np.sum(t ^ p)
    return 2 * np.sum(t & p) / d if d else 1.0


@pytest.mark.parametrize("fn,case,hint", [
    (f1_naive, "no predicted positives", "0/0"),
    (f1_accuracy, "random, 30 samples", "that is accuracy"),
    (f1_class_zero, "random, 30 samples", "F1 of class 0"),
    (f1_macro, "random, 30 samples", "macro F1"),
    (f1_one_for_empty, "all negative", "must give 0.0"),
], ids=["naive-0/0", "accuracy", "class-0", "macro", "empty-is-1"])
def test_wrong_f1_fails_with_the_expected_message(fn, case, hint):
    verdict = check_f1(fn)
    assert not verdict.passed
    failed = {r.name: r.message for r in verdict.results if not r.passed}
    name = next(n for n in failed if n.startswith(case))
    assert hint in failed[name], failed[name]


# -- hostile code ------------------------------------------------------------------------------------
class Weird:
    def __array__(self, *args, **kwargs):
        raise RuntimeError("no")

    def __float__(self):
        raise RuntimeError("no")

    def __repr__(self):
        raise RuntimeError("no")


def sorts_in_place(t, s):
    s.sort()
    return 0.5


def overwrites_labels(t, p):
    t[:] = 0
    return 0.0


HOSTILE = {
    "raises": lambda t, s: (_ for _ in ()).throw(KeyError("boom")),
    "not implemented": lambda t, s: (_ for _ in ()).throw(NotImplementedError()),
    "exits": lambda t, s: sys.exit(3),
    "returns None": lambda t, s: None,
    "returns a string": lambda t, s: "0.5",
    "returns a dict": lambda t, s: {"auc": 0.5},
    "returns a list": lambda t, s: [0.5, 0.5],
    "returns nan": lambda t, s: float("nan"),
    "returns inf": lambda t, s: np.inf,
    "returns a weird object": lambda t, s: Weird(),
    "returns a tuple": lambda t, s: (0.5,),
    "returns a complex": lambda t, s: 0.5 + 1j,
    "warns and divides by zero": lambda t, s: np.float64(1.0) / np.float64(0.0),
    "mutates scores": sorts_in_place,
    "mutates labels": overwrites_labels,
    "wrong arity": lambda t: 0.5,
}


@pytest.mark.parametrize("check", [check_auc, check_f1], ids=["auc", "f1"])
@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_code_never_crashes_the_checker(check, name):
    verdict = check(HOSTILE[name])
    assert isinstance(verdict, Verdict) and not verdict.passed
    assert str(verdict) and verdict._repr_html_() and verdict.message.startswith("✗")


def test_mutation_is_named():
    assert "modified its input" in check_auc(sorts_in_place).first_failure.message
    assert "modified its input" in check_f1(overwrites_labels).first_failure.message


def test_not_a_function():
    for check in (check_auc, check_f1):
        verdict = check(42)
        assert not verdict.passed and "expected a function, got int" in verdict.message


def test_a_size_one_array_result_is_accepted_and_float32_is_flagged():
    assert check_auc(lambda t, s: np.array([auc_solution(t, s)])).passed
    verdict = check_f1(lambda t, p: np.float32(f1_solution(t, p)))  # float32 keeps ~7 digits, the check wants 1e-9
    assert not verdict.passed and "compute in float64" in verdict.message
