"""Ensemble drills: the solutions pass, typical mistakes fail with the expected hint, hostile code never crashes."""

import numpy as np
import pytest

from mlnotes.drills.core import Verdict
from mlnotes.drills.ensembles import (_best_stump, _gbdt_cases, _gbdt_reference, _gbdt_variant, _shapley_variant,
                                      _unique_margins, check_gbdt_stumps, check_shapley, gbdt_stumps_solution,
                                      shapley_solution)
from tests.drill_answers.ensembles import gbdt_sorts_X_in_place


def test_solutions_pass():
    for verdict in (check_gbdt_stumps(gbdt_stumps_solution), check_shapley(shapley_solution)):
        assert isinstance(verdict, Verdict) and verdict.passed, str(verdict)
        assert verdict.message.startswith("✓")


def test_every_gbdt_case_has_a_unique_best_stump_each_round():
    for name, kw in _gbdt_cases():
        assert _unique_margins(kw["X"], kw["y"], kw["n_rounds"], kw["learning_rate"]), name


def test_browser_reference_equals_sklearns():
    """The browser's reference (our GBDTRegressor) predicts what sklearn's does on every case, to a few ulps
    (leaf means summed in another order); the checker prints 6 digits and its tolerance is 1e-9."""
    for (name, _, library), (_, _, browser) in zip(_gbdt_reference("library"), _gbdt_reference("mlnotes")):
        np.testing.assert_allclose(browser, library, rtol=1e-14, atol=1e-14, err_msg=name)


def test_solution_values_by_hand():
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    np.testing.assert_allclose(gbdt_stumps_solution(X, np.array([1.0, 1.0, 3.0, 3.0]), X, 1, 1.0), [1, 1, 3, 3])
    np.testing.assert_allclose(gbdt_stumps_solution(X, np.array([1.0, 1.0, 3.0, 3.0]), X, 1, 0.5),
                               [1.5, 1.5, 2.5, 2.5])
    j, t, left, right, _ = _best_stump(X, np.array([-1.0, -1.0, 1.0, 1.0]))
    assert (j, t, left, right) == (0, 1.5, -1.0, 1.0)
    np.testing.assert_allclose(shapley_solution(lambda S: 80.0 if S == {0, 1} else 0.0, 2), [40.0, 40.0])
    np.testing.assert_allclose(shapley_solution(lambda S: float(len(S)) ** 2, 3), [3.0, 3.0, 3.0])


@pytest.mark.parametrize("knob,hint", [
    (dict(init="zero"), "F_0 is 0"),
    (dict(target="y"), "fitted to y itself"),
    (dict(shrink=False), "learning rate is not applied"),
    (dict(threshold="left"), "threshold sits on a data value"),
])
def test_gbdt_mistakes_are_named(knob, hint):
    verdict = check_gbdt_stumps(lambda **kw: _gbdt_variant(**kw, **knob))
    assert not verdict.passed and "Likely bug" in verdict.message and hint in verdict.message


@pytest.mark.parametrize("knob,hint", [
    (dict(weight="uniform"), "same weight"),
    (dict(weight="off by one"), "|S|!(d−|S|)!/d!"),
    (dict(sign=-1.0), "sign is reversed"),
])
def test_shapley_mistakes_are_named(knob, hint):
    verdict = check_shapley(lambda v, n_features: _shapley_variant(v, n_features, **knob))
    assert not verdict.passed and hint in verdict.message


@pytest.mark.parametrize("fn,expect", [
    (lambda X, y, X_test, n_rounds, learning_rate: 1 / 0, "raised ZeroDivisionError"),
    (lambda X, y, X_test, n_rounds, learning_rate: "predictions", "should be an array"),
    (lambda X, y, X_test, n_rounds, learning_rate: np.full(len(X_test), np.nan), "NaN"),
    (lambda X, y, X_test, n_rounds, learning_rate: np.zeros(3), "has shape"),
    (gbdt_sorts_X_in_place, "modified its input(s) X in place"),
    (42, "expected a function"),
])
def test_hostile_gbdt_code_never_crashes(fn, expect):
    verdict = check_gbdt_stumps(fn)
    assert not verdict.passed and expect in verdict.message


@pytest.mark.parametrize("fn,expect", [
    (lambda v, n_features: v(frozenset()) + [1.0], "raised TypeError"),
    (lambda v, n_features: np.zeros(n_features + 1), "has shape"),
    (lambda v, n_features: None, "should be an array"),
    (lambda v, n_features: [float("inf")] * n_features, "NaN/inf"),
])
def test_hostile_shapley_code_never_crashes(fn, expect):
    verdict = check_shapley(fn)
    assert not verdict.passed and expect in verdict.message
