"""SVM drills: solutions pass, typical mistakes fail with the expected hint, hostile code never crashes."""

import numpy as np
import pytest

from mlnotes.drills.core import Verdict
from mlnotes.drills.svm import (_hinge_variant, check_hinge_step, check_rbf_kernel, hinge_step_solution,
                                rbf_kernel_solution)
from mlnotes.drills.svm import _rbf_reference
from mlnotes.svm import hinge_subgradient_step, rbf_kernel
from tests.drill_answers.svm import (hinge_step_updates_w_in_place, rbf_kernel_divides_by_gamma,
                                     rbf_kernel_gamma_as_sigma, rbf_kernel_ignores_gamma, rbf_kernel_transposed,
                                     rbf_kernel_unclipped, rbf_kernel_unsquared_distance)


def test_solutions_pass_and_equal_the_library():
    for verdict in (check_hinge_step(hinge_step_solution), check_rbf_kernel(rbf_kernel_solution)):
        assert isinstance(verdict, Verdict) and verdict.passed, str(verdict)
    # the library functions solve the drills too
    assert check_hinge_step(hinge_subgradient_step).passed
    assert check_rbf_kernel(lambda X, Z, gamma: rbf_kernel(X, Z, gamma=gamma)).passed


@pytest.mark.parametrize("knobs,hint", [
    (dict(reg=False), "regulariser"),
    (dict(strict=False), "m ≥ 1"),
    (dict(mean=True), "averaged"),
    (dict(sign=1.0), "uphill"),
    (dict(use_y=False), "labels are missing"),
    (dict(reg_b=True), "bias is penalised"),
    (dict(use_c=False), "C is missing"),
])
def test_hinge_mistakes_are_named(knobs, hint):
    verdict = check_hinge_step(lambda **kw: _hinge_variant(**kw, **knobs))
    assert not verdict.passed and "Likely bug" in verdict.message and hint in verdict.message, verdict.message


def test_browser_reference_is_sklearns_bit_for_bit():
    for library, browser in zip(_rbf_reference("library"), _rbf_reference("mlnotes")):
        np.testing.assert_array_equal(browser, library)


@pytest.mark.parametrize("fn,hint", [
    (rbf_kernel_unsquared_distance, "not squared"),
    (rbf_kernel_gamma_as_sigma, "like σ"),
    (rbf_kernel_divides_by_gamma, "divided by γ"),
    (rbf_kernel_ignores_gamma, "γ is not used"),
])
def test_rbf_mistakes_are_named(fn, hint):
    verdict = check_rbf_kernel(fn)
    assert not verdict.passed and hint in verdict.message, verdict.message


def test_unclipped_expansion_is_caught():
    verdict = check_rbf_kernel(rbf_kernel_unclipped)
    assert not verdict.passed and "clip it at 0" in verdict.message


def test_transposed_kernel_names_the_shape():
    verdict = check_rbf_kernel(rbf_kernel_transposed)
    assert not verdict.passed and "has shape (4, 5), expected (5, 4)" in verdict.message


def _exits(*args, **kwargs):
    raise SystemExit(3)


@pytest.mark.parametrize("fn,text", [
    (hinge_step_updates_w_in_place, "in place"),
    (_exits, "SystemExit"),
    (lambda **kw: None, "should return a tuple"),
    (lambda **kw: (np.full(2, np.nan), 0.0), "NaN"),
    (lambda **kw: ("w", "b"), "should be an array"),
    (lambda w, b, X, y, C, lr: (w, b, 0.0), "tuple of 2"),
    (42, "expected a function"),
])
def test_hostile_hinge_code_gets_a_verdict(fn, text):
    verdict = check_hinge_step(fn)
    assert not verdict.passed and text in verdict.message, verdict.message


@pytest.mark.parametrize("fn,text", [
    (lambda X, Z, gamma: [[1.0]], "has shape"),
    (lambda X, Z, gamma: np.full((X.shape[0], Z.shape[0]), np.inf), "NaN/inf"),
    (lambda X, Z, gamma: 1 / 0, "ZeroDivisionError"),
])
def test_hostile_rbf_code_gets_a_verdict(fn, text):
    verdict = check_rbf_kernel(fn)
    assert not verdict.passed and text in verdict.message, verdict.message
