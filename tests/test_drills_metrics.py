"""AUC and F1 drills: solutions pass, typical wrong versions fail with the right hint, hostile code never crashes."""

import sys

import numpy as np
import pytest

from mlnotes.drills.core import Verdict
from mlnotes.drills.metrics import (_auc_expected, _f1_expected, _reference_auc, _reference_f1, auc_cases, auc_solution,
                                    check_auc, check_f1, f1_cases, f1_solution)
from tests.drill_answers.metrics import (auc_descending, auc_loose_pairs, auc_ordinal_ranks,
                                         auc_returns_nan_for_one_class, auc_sorts_scores_in_place, auc_strict_pairs,
                                         auc_unnormalised, auc_zero_division, f1_accuracy, f1_class_zero, f1_macro,
                                         f1_naive, f1_one_for_empty, f1_overwrites_labels, f1_precision_only)


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


def test_browser_references_equal_sklearn_bit_for_bit():
    """The browser oracle (mlnotes.metrics.roc_auc / f1, numpy only) gives sklearn's values exactly on these cases."""
    for _, t, s in auc_cases():
        assert _reference_auc(t, s, "mlnotes") == _reference_auc(t, s, "library")
    for _, t, p in f1_cases():
        assert _reference_f1(t, p, "mlnotes") == _reference_f1(t, p, "library")
    assert _auc_expected("mlnotes") == _auc_expected("library") and _f1_expected("mlnotes") == _f1_expected("library")


# -- wrong AUCs (tests/drill_answers/metrics.py) ---------------------------------------------------
@pytest.mark.parametrize("fn,case,hint", [
    (auc_descending, "random, 20 samples", "descending order"),
    (auc_ordinal_ranks, "tied scores", "average rank"),
    (auc_strict_pairs, "tied scores", "counts 0; it must count ½"),
    (auc_loose_pairs, "tied scores", "counts 1; it must count ½"),
    (auc_unnormalised, "random, 20 samples", "not divided by M·N"),
    (auc_returns_nan_for_one_class, "only one class", "raise ValueError instead of returning a number"),
    (auc_zero_division, "only one class", "raised ZeroDivisionError"),
], ids=["descending", "ordinal-ranks", "strict-pairs", "loose-pairs", "unnormalised", "nan-one-class", "zerodiv"])
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


# -- wrong F1s (tests/drill_answers/metrics.py) ----------------------------------------------------
@pytest.mark.parametrize("fn,case,hint", [
    (f1_naive, "no predicted positives", "0/0"),
    (f1_accuracy, "random, 30 samples", "that is accuracy"),
    (f1_precision_only, "1000 samples", "that is precision"),
    (f1_class_zero, "random, 30 samples", "F1 of class 0"),
    (f1_macro, "random, 30 samples", "macro F1"),
    (f1_one_for_empty, "all negative", "must give 0.0"),
], ids=["naive-0/0", "accuracy", "precision", "class-0", "macro", "empty-is-1"])
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
    "mutates scores": auc_sorts_scores_in_place,
    "mutates labels": f1_overwrites_labels,
    "wrong arity": lambda t: 0.5,
}


@pytest.mark.parametrize("check", [check_auc, check_f1], ids=["auc", "f1"])
@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_code_never_crashes_the_checker(check, name):
    verdict = check(HOSTILE[name])
    assert isinstance(verdict, Verdict) and not verdict.passed
    assert str(verdict) and verdict._repr_html_() and verdict.message.startswith("✗")


def test_mutation_is_named():
    assert "modified its input" in check_auc(auc_sorts_scores_in_place).first_failure.message
    assert "modified its input" in check_f1(f1_overwrites_labels).first_failure.message


def test_not_a_function():
    for check in (check_auc, check_f1):
        verdict = check(42)
        assert not verdict.passed and "expected a function, got int" in verdict.message


def test_a_size_one_array_result_is_accepted_and_float32_is_flagged():
    assert check_auc(lambda t, s: np.array([auc_solution(t, s)])).passed
    verdict = check_f1(lambda t, p: np.float32(f1_solution(t, p)))  # float32 keeps ~7 digits, the check wants 1e-9
    assert not verdict.passed and "compute in float64" in verdict.message
