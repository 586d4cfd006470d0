"""Tree drills: solutions pass, typical mistakes fail with the expected hint, hostile code never crashes."""

import math

import numpy as np
import pytest

from mlnotes.drills.core import Verdict
from mlnotes.drills.trees import (_split_reference, _split_variant, best_split_solution, check_best_split,
                                  check_entropy, check_gini, entropy_solution, gini_solution)
from tests.drill_answers.trees import (best_split_between_equal_values, best_split_sorts_x_in_place, entropy_bincount,
                                       entropy_counts_not_proportions, entropy_is_gini, entropy_natural_log,
                                       entropy_no_minus, gini_is_entropy, gini_misclassification,
                                       gini_overwrites_labels, gini_sum_of_squares)


def test_solutions_pass():
    for verdict in (check_entropy(entropy_solution), check_gini(gini_solution), check_best_split(best_split_solution)):
        assert isinstance(verdict, Verdict) and verdict.passed, str(verdict)
        assert verdict.message.startswith("✓")


def test_solution_values_by_hand():
    assert entropy_solution([0, 1, 0, 1]) == 1.0
    assert entropy_solution(np.arange(8)) == 3.0
    assert gini_solution([0, 0, 1, 1, 2, 2]) == pytest.approx(2 / 3)
    assert best_split_solution([3.0, 1.0, 2.0, 4.0], [1, 0, 0, 1]) == (2.5, 0.5)


@pytest.mark.parametrize("fn,hint", [
    (entropy_natural_log, "natural log"),
    (entropy_no_minus, "minus sign"),
    (entropy_is_gini, "Gini impurity, not the entropy"),
    (entropy_counts_not_proportions, "counts are used"),
])
def test_entropy_mistakes_are_named(fn, hint):
    verdict = check_entropy(fn)
    assert not verdict.passed and "Likely bug" in verdict.message and hint in verdict.message


@pytest.mark.parametrize("fn,hint", [
    (gini_sum_of_squares, "1 − Σ p_k²"),
    (gini_is_entropy, "the entropy, not the Gini"),
    (gini_misclassification, "misclassification"),
])
def test_gini_mistakes_are_named(fn, hint):
    verdict = check_gini(fn)
    assert not verdict.passed and hint in verdict.message


def test_bincount_entropy_fails_on_odd_labels_only():
    verdict = check_entropy(entropy_bincount)
    failed = {r.name for r in verdict.results if not r.passed}
    assert failed == {"labels -1 and +1", "string labels"}
    assert "raised" in verdict.first_failure.message


@pytest.mark.parametrize("knobs,hint", [
    (dict(threshold="left"), "sits on a data value"),
    (dict(threshold="right"), "first value on the right"),
    (dict(gain="unweighted"), "without weights"),
    (dict(gain="children"), "not the decrease"),
    (dict(impurity=entropy_solution), "scored with entropy"),
])
def test_split_mistakes_are_named(knobs, hint):
    verdict = check_best_split(lambda x, y: _split_variant(x, y, **knobs))
    assert not verdict.passed and hint in verdict.message, str(verdict)


def test_split_between_equal_values_fails():
    verdict = check_best_split(best_split_between_equal_values)
    assert not verdict.passed
    assert any(not r.passed and "repeated" in r.name for r in verdict.results)


@pytest.mark.parametrize("check,fn,expect", [
    (check_entropy, lambda y: 1 / 0, "raised ZeroDivisionError"),
    (check_entropy, lambda y: None, "got NoneType"),
    (check_entropy, lambda y: "1.0", "got str"),
    (check_entropy, lambda y: float("nan"), "NaN"),
    (check_entropy, lambda y: np.ones(3), "has shape (3,)"),
    (check_gini, gini_overwrites_labels, "modified its input(s) y in place"),
    (check_gini, lambda y: exec("raise SystemExit(3)"), "raised SystemExit"),
    (check_best_split, best_split_sorts_x_in_place, "modified its input(s) x in place"),
    (check_best_split, lambda x, y: 0.5, "should return a tuple (threshold, gain)"),
    (check_best_split, lambda x, y: (0.5,), "tuple of 2"),
    (check_best_split, lambda x, y: (np.inf, 0.1), "NaN/inf"),
    (check_best_split, lambda x: (0.5, 0.5), "raised TypeError"),
    (check_best_split, 3, "expected a function"),
])
def test_hostile_code_never_crashes(check, fn, expect):
    verdict = check(fn)
    assert not verdict.passed
    assert expect in str(verdict), str(verdict)
    assert "<li>" in verdict._repr_html_()


def test_reference_thresholds_are_sklearn_midpoints():
    for name, kwargs, (t, gain) in _split_reference("library"):
        xs = np.unique(kwargs["x"])
        i = np.searchsorted(xs, t)
        assert 0 < i < len(xs) and t == xs[i - 1] / 2 + xs[i] / 2, name
        assert 0 < gain <= 1 - 1 / len(np.unique(kwargs["y"])) + 1e-12
        assert math.isclose(best_split_solution(**kwargs)[1], gain, rel_tol=1e-12)


def test_browser_reference_is_sklearns():
    """The browser's reference (our CART) gives sklearn's threshold and Gini decrease on every case, bit for bit."""
    for (name, kw, library), (_, kw_browser, browser) in zip(_split_reference("library"), _split_reference("mlnotes")):
        assert browser == library, name
        np.testing.assert_array_equal(kw_browser["x"], kw["x"])
