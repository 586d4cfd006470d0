"""The losses drills: the solutions pass; the known mistakes are named; hostile code gets a clear verdict."""

import re
import sys

import numpy as np
import pytest

from mlnotes.drills import losses as D
from mlnotes.drills.losses import (check_info_nce, check_kl_normal, check_softmax_cross_entropy, info_nce_solution,
                                   kl_normal_solution, softmax_cross_entropy_solution)
from tests.drill_answers.losses import sce_global_max, sce_shifts_logits_in_place

CHECKS = [check_softmax_cross_entropy, check_info_nce, check_kl_normal]


def test_solutions_pass():
    for check, solution in zip(CHECKS, [softmax_cross_entropy_solution, info_nce_solution, kl_normal_solution]):
        verdict = check(solution)
        assert verdict.passed, verdict.message


MISTAKES = ([(check_softmax_cross_entropy, hint, fn) for hint, fn in D._softmax_ce_mistakes()]
            + [(check_info_nce, hint, fn) for hint, fn in D._info_nce_mistakes()]
            + [(check_kl_normal, hint, fn) for hint, fn in D._kl_normal_mistakes()])


@pytest.mark.parametrize("check,hint,fn", MISTAKES, ids=[m[1][:40] for m in MISTAKES])
def test_each_known_mistake_fails_and_is_named(check, hint, fn):
    verdict = check(fn)
    assert not verdict.passed
    assert any(hint in r.message for r in verdict.results), str(verdict)


def test_global_max_softmax_is_caught():
    verdict = check_softmax_cross_entropy(sce_global_max)
    assert not verdict.passed and any("global max" in r.message for r in verdict.results), str(verdict)


@pytest.mark.parametrize("reference,cases", [(D._softmax_ce_reference, D.softmax_ce_cases),
                                             (D._info_nce_reference, D.info_nce_cases),
                                             (D._kl_normal_reference, D.kl_normal_cases)],
                         ids=["softmax_ce", "info_nce", "kl_normal"])
def test_browser_references_equal_torchs(reference, cases, monkeypatch):
    """The browser oracle (mlnotes, numpy) gives torch's expected values on every case, to the last bits."""
    library = [reference(**c.kwargs) for c in cases()]
    monkeypatch.setenv("MLNOTES_DRILL_ORACLE", "mlnotes")
    browser = [reference(**c.kwargs) for c in cases()]
    for want, got in zip(library, browser):
        for w, g in zip(want if isinstance(want, tuple) else (want,), got if isinstance(got, tuple) else (got,)):
            assert np.shape(g) == np.shape(w)
            np.testing.assert_allclose(g, w, rtol=1e-13, atol=1e-15)


class Hostile:
    def __array__(self, *args, **kwargs):
        raise RuntimeError("no")


HOSTILE = [
    ("raises", lambda **k: 1 / 0, r"raised ZeroDivisionError"),
    ("exits", lambda **k: sys.exit(1), r"raised SystemExit"),
    ("returns None", lambda **k: None, r"should (be an array|return a tuple)"),
    ("returns a string", lambda **k: "loss", r"should (be an array|return a tuple)"),
    ("hostile object", lambda **k: Hostile(), r"array|tuple"),
    ("NaN", lambda **k: np.nan, r"NaN|tuple|shape"),
    ("not callable", None, r"expected a function"),
]


@pytest.mark.parametrize("name,fn,msg", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_code_gets_a_verdict(name, fn, msg):
    for check in CHECKS:
        verdict = check(fn)
        assert not verdict.passed and re.search(msg, verdict.message), verdict.message


def test_mutating_inputs_is_reported_without_a_false_hint():
    verdict = check_softmax_cross_entropy(sce_shifts_logits_in_place)
    assert "modified its input(s) logits in place" in verdict.message and "Likely bug" not in verdict.message


def test_wrong_shapes_are_reported():
    verdict = check_softmax_cross_entropy(lambda logits, target: (np.zeros(3), 0.0))
    assert "probs has shape (3,)" in verdict.message
    verdict = check_kl_normal(lambda mu_p, sigma_p, mu_q, sigma_q: np.zeros(1))
    assert "kl has shape (1,)" in verdict.message
