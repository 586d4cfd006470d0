"""The logistic-regression and normal-equation drills: solutions pass, typical mistakes are named, hostile code never
crashes the checker."""

import numpy as np
import pytest

from mlnotes.drills import linear as drills
from mlnotes.drills.core import Verdict
from mlnotes.drills.linear import (check_logistic_gd, check_normal_equation, logistic_gd_solution,
                                   normal_equation_solution)
from mlnotes.linear import fit_logistic_gd
from tests.drill_answers.linear import (logistic_gd_ascent, logistic_gd_bias_after_w, logistic_gd_bias_never_updated,
                                        logistic_gd_mse_gradient, logistic_gd_one_step_too_many,
                                        logistic_gd_summed_gradient, normal_equation_inv, normal_equation_qr,
                                        normal_equation_refuses_rank_deficient, normal_equation_solve)


def test_solutions_pass():
    for verdict in (check_logistic_gd(logistic_gd_solution), check_normal_equation(normal_equation_solution)):
        assert isinstance(verdict, Verdict) and verdict.passed, str(verdict)


def test_library_and_other_stable_methods_pass():
    def via_library(X, y, lr, n_iter):
        fit = fit_logistic_gd(X, y, lr=lr, n_iter=n_iter)
        return fit.coef, fit.intercept

    def qr_with_fallback(X, y):
        return np.linalg.pinv(X) @ y  # SVD-based, like lstsq

    assert check_logistic_gd(via_library).passed
    assert check_normal_equation(qr_with_fallback).passed


def test_large_logits_case_has_logits_in_the_hundreds():
    kw = dict(drills.logistic_cases())["nearly separable, logits in the hundreds"]
    w, b = logistic_gd_solution(**kw)
    assert np.max(np.abs(kw["X"] @ w + b)) > 100


@pytest.mark.parametrize("knobs,needle", [
    (dict(sign=-1.0), "gradient *ascent*"),
    (dict(mean=False), "summed, not averaged"),
    (dict(bias=False), "b never moves"),
    (dict(mse=True), "gradient of the MSE"),
    (dict(stale=True), "after w was updated"),
    (dict(iters_shift=1), "one step too many"),
    (dict(iters_shift=-1), "one step too few"),
])
def test_logistic_mistakes_are_named(knobs, needle):
    verdict = check_logistic_gd(lambda X, y, lr, n_iter: drills._lr_variant(X, y, lr, n_iter, **knobs))
    assert not verdict.passed and needle in verdict.message, verdict.message


@pytest.mark.parametrize("fn,needle", [
    (logistic_gd_ascent, "gradient *ascent*"),
    (logistic_gd_summed_gradient, "summed, not averaged"),
    (logistic_gd_bias_never_updated, "b never moves"),
    (logistic_gd_mse_gradient, "gradient of the MSE"),
    (logistic_gd_bias_after_w, "after w was updated"),
    (logistic_gd_one_step_too_many, "one step too many"),
], ids=lambda v: v.__name__ if callable(v) else None)
def test_known_wrong_logistic_answers_are_named(fn, needle):
    verdict = check_logistic_gd(fn)
    assert not verdict.passed and needle in verdict.message, verdict.message


@pytest.mark.parametrize("fn,needle", [
    (normal_equation_inv, "you formed XᵀX (inv)"),
    (normal_equation_solve, "you formed XᵀX (solve)"),
])
def test_normal_equation_mistakes_are_named(fn, needle):
    verdict = check_normal_equation(fn)
    assert not verdict.passed and needle in verdict.message, verdict.message
    failed = [r.name for r in verdict.results if not r.passed]
    assert any("1e+08" in name for name in failed) and not any("random" in name for name in failed)


def test_qr_without_care_fails_only_the_rank_deficient_case_with_a_hint():
    verdict = check_normal_equation(normal_equation_qr)
    failed = [r for r in verdict.results if not r.passed]
    assert len(failed) == 1 and failed[0].name.startswith("rank-deficient")
    assert "minimum-norm" in failed[0].message


def test_singular_solve_error_gets_a_hint():
    verdict = check_normal_equation(normal_equation_refuses_rank_deficient)
    assert not verdict.passed and "minimum-norm solution" in verdict.message


class _BrokenArray:
    def __array__(self, *a, **k):
        raise RuntimeError("no")


def _raise_system_exit(*a, **k):
    raise SystemExit(3)


def _mutate_X(X, *a, **k):
    X += 1.0
    return np.zeros(X.shape[1])


HOSTILE = [
    ("not callable", 42, "expected a function"),
    ("raises", lambda *a, **k: 1 / 0, "raised ZeroDivisionError"),
    ("not implemented", lambda *a, **k: (_ for _ in ()).throw(NotImplementedError), "not written yet"),
    ("system exit", _raise_system_exit, "raised SystemExit"),
    ("returns None", lambda *a, **k: None, ""),
    ("returns a string", lambda *a, **k: "hello", ""),
    ("returns a broken object", lambda *a, **k: _BrokenArray(), ""),
    ("returns NaN", lambda X, *a, **k: np.full(X.shape[1], np.nan), ""),
    ("wrong signature", lambda X: X, "raised TypeError"),
    ("mutates X", _mutate_X, "modified its input(s) X in place"),
    ("returns a generator", lambda *a, **k: (i for i in range(3)), ""),
]


@pytest.mark.parametrize("label,fn,needle", HOSTILE, ids=[h[0] for h in HOSTILE])
@pytest.mark.parametrize("checker", [check_logistic_gd, check_normal_equation], ids=["logistic_gd", "normal_eq"])
def test_hostile_code_never_crashes_the_checker(checker, label, fn, needle):
    verdict = checker(fn)
    assert isinstance(verdict, Verdict) and not verdict.passed
    assert needle in verdict.message, verdict.message
    assert str(verdict) and verdict._repr_html_()


def test_wrong_tuple_is_explained():
    verdict = check_logistic_gd(lambda X, y, lr, n_iter: np.zeros(X.shape[1]))
    assert "should return a tuple (w, b)" in verdict.message
