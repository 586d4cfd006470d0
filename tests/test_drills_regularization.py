"""The dropout and lasso-sweep drills: solutions pass, typical mistakes are named, hostile code never crashes."""

import numpy as np
import pytest

from mlnotes.drills import regularization as drills
from mlnotes.drills.core import Verdict
from mlnotes.drills.regularization import check_dropout, check_lasso_sweep, dropout_solution, lasso_sweep_solution
from mlnotes.regularization import dropout, dropout_backward, l1
from tests.drill_answers import regularization as A


def test_solutions_pass():
    for verdict in (check_dropout(dropout_solution), check_lasso_sweep(lasso_sweep_solution)):
        assert isinstance(verdict, Verdict) and verdict.passed, str(verdict)


def test_library_functions_pass():
    def via_library(x, grad_y, mask, p, training):
        if training and p == 1:
            return dropout(x, p, training, rng=np.random.default_rng(0))[0], dropout_backward(grad_y, mask, p)
        return dropout(x, p, training, mask=mask)[0], dropout_backward(grad_y, mask, p, training)

    def one_sweep(X, y, w, alpha):
        w = w.copy()
        l1.coordinate_descent(X.T @ X, X.T @ y, w, len(y) * alpha, 0.0, tol=0.0, max_iter=1)
        return w

    assert check_dropout(via_library).passed
    assert check_lasso_sweep(one_sweep).passed


def test_the_masks_keep_and_drop_and_are_the_same_for_both_oracles():
    library, browser = drills._dropout_cases_with_reference("library"), drills._dropout_cases_with_reference("mlnotes")
    for (name, kw, want), (_, kw_browser, got) in zip(library, browser):
        if kw["training"] and 0 < kw["p"] < 1:
            assert 0 < kw["mask"].mean() < 1, name
        assert all(np.array_equal(kw[k], kw_browser[k]) for k in ("x", "grad_y", "mask")), name
        for w, g in zip(want, got):  # torch's dropout and autograd, and mlnotes': bit for bit
            np.testing.assert_array_equal(g, w)


def test_browser_lasso_reference_equals_sklearns():
    library = drills._sweep_cases_with_reference("library")[-1][-1][0]
    browser = drills._sweep_cases_with_reference("mlnotes")[-1][-1][0]
    np.testing.assert_allclose(browser, library, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("knobs,needle", [
    (dict(scale="none", back="no_scale"), "not scaled"),
    (dict(scale="p"), "divided by p"),
    (dict(scale="times"), "multiplied by (1 − p)"),
    (dict(eval_drop=True), "applied in eval mode"),
    (dict(keep_false=True), "mask is inverted"),
    (dict(back="no_mask"), "ignores the mask"),
    (dict(back="no_scale"), "forgets the 1/(1 − p) scale"),
    (dict(back="identity"), "passed through unchanged"),
])
def test_dropout_mistakes_are_named(knobs, needle):
    verdict = check_dropout(lambda x, grad_y, mask, p, training: drills._dropout_variant(x, grad_y, mask, p, training,
                                                                                           **knobs))
    assert not verdict.passed and needle in verdict.message, verdict.message


def test_p_equal_one_nan_is_explained():
    verdict = check_dropout(A.dropout_nan_at_p_one)
    failed = [r for r in verdict.results if not r.passed]
    assert len(failed) == 1 and "p = 1" in failed[0].name and "0·∞ is NaN" in failed[0].message


@pytest.mark.parametrize("knobs,needle", [
    (dict(t_scale="1"), "the threshold is α, not nα"),
    (dict(threshold="hard"), "hard threshold"),
    (dict(threshold="positive"), "keeps the sign"),
    (dict(jacobi=True), "Jacobi sweep"),
    (dict(add_back=False), "add back feature j"),
    (dict(divide=False), "not divided by ‖x_j‖²"),
])
def test_sweep_mistakes_are_named(knobs, needle):
    verdict = check_lasso_sweep(lambda X, y, w, alpha: drills._sweep_variant(X, y, w, alpha, **knobs))
    assert not verdict.passed and needle in verdict.message, verdict.message


def test_repeated_sweep_case_reports_its_own_failure():
    verdict = check_lasso_sweep(A.lasso_jacobi_sweep)
    assert verdict.results[-1].name.startswith("repeated")


class _BrokenArray:
    def __array__(self, *a, **k):
        raise RuntimeError("no")


def _raise_system_exit(*a, **k):
    raise SystemExit(3)


HOSTILE = [
    ("not callable", 42, "expected a function"),
    ("raises", lambda *a, **k: 1 / 0, "raised ZeroDivisionError"),
    ("not implemented", lambda *a, **k: (_ for _ in ()).throw(NotImplementedError), "not written yet"),
    ("system exit", _raise_system_exit, "raised SystemExit"),
    ("returns None", lambda *a, **k: None, ""),
    ("returns a string", lambda *a, **k: "hello", ""),
    ("returns a broken object", lambda *a, **k: _BrokenArray(), ""),
    ("wrong signature", lambda x: x, "raised TypeError"),
    ("mutates an input", None, "in place"),
    ("returns a generator", lambda *a, **k: (i for i in range(3)), ""),
]


@pytest.mark.parametrize("label,fn,needle", HOSTILE, ids=[h[0] for h in HOSTILE])
@pytest.mark.parametrize("checker", [check_dropout, check_lasso_sweep], ids=["dropout", "lasso_sweep"])
def test_hostile_code_never_crashes_the_checker(checker, label, fn, needle):
    if fn is None:
        fn = A.dropout_masks_x_in_place if checker is check_dropout else A.lasso_updates_w_in_place
    verdict = checker(fn)
    assert isinstance(verdict, Verdict) and not verdict.passed
    assert needle in verdict.message, verdict.message
    assert str(verdict) and verdict._repr_html_()


def test_nan_and_wrong_shapes_are_reported():
    verdict = check_dropout(lambda x, grad_y, mask, p, training: (np.full_like(x, np.nan), grad_y))
    assert "NaN" in verdict.message
    verdict = check_lasso_sweep(lambda X, y, w, alpha: np.zeros(len(w) + 1))
    assert "has shape" in verdict.message
