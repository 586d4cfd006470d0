"""The initialization and sigmoid drills: the solutions pass; common mistakes and hostile code get clear verdicts."""

import sys

import numpy as np
import pytest

from mlnotes.drills.init import (check_kaiming_normal, check_sigmoid, check_xavier_uniform, kaiming_normal_solution,
                                 sigmoid_solution, xavier_uniform_solution)
from tests.drill_answers import init as A


def test_solutions_pass():
    for verdict in (check_xavier_uniform(xavier_uniform_solution), check_kaiming_normal(kaiming_normal_solution),
                    check_sigmoid(sigmoid_solution)):
        assert verdict.passed, verdict.message


XAVIER_WRONG = [
    ("fan_in only", A.xavier_fan_in_only, r"you used fan_in only"),
    ("std as bound", A.xavier_std_as_bound, r"the uniform bound is √3 times it"),
    ("normal draw", A.xavier_normal_draw, r"a normal draw\?"),
    ("no kernel", A.xavier_no_kernel, r"kernel size is missing"),
    ("no gain", A.xavier_no_gain, r"the gain is missing"),
    ("rand [0, 1)", A.xavier_rand_unit, r"mean .* is not 0"),
]


@pytest.mark.parametrize("name,fn,hint", XAVIER_WRONG, ids=[w[0] for w in XAVIER_WRONG])
def test_xavier_mistakes_are_named(name, fn, hint):
    verdict = check_xavier_uniform(fn)
    assert not verdict.passed and any(r.message and __import__("re").search(hint, r.message) for r in verdict.results)


KAIMING_WRONG = [
    ("fan_out", A.kaiming_fan_out, r"you used fan_out"),
    ("no gain", A.kaiming_no_relu_gain, r"ReLU gain is missing"),
    ("variance as std", A.kaiming_variance_as_std, r"the std is its square root"),
    ("xavier", A.kaiming_xavier_std, r"that is Xavier's std"),
    ("uniform", A.kaiming_uniform_draw, r"not normal .*a uniform"),
]


@pytest.mark.parametrize("name,fn,hint", KAIMING_WRONG, ids=[w[0] for w in KAIMING_WRONG])
def test_kaiming_mistakes_are_named(name, fn, hint):
    verdict = check_kaiming_normal(fn)
    assert not verdict.passed and __import__("re").search(hint, verdict.message), verdict.message


class Hostile:
    def __array__(self, *args, **kwargs):
        raise RuntimeError("no")


HOSTILE = [
    ("raises", lambda *a, **k: 1 / 0, r"raised ZeroDivisionError"),
    ("not written", lambda *a, **k: (_ for _ in ()).throw(NotImplementedError), r"not written yet"),
    ("exits", lambda *a, **k: sys.exit(3), r"raised SystemExit"),
    ("returns None", lambda *a, **k: None, r"should return an array"),
    ("returns a tuple", lambda *a, **k: (1, 2), r"should return an array"),
    ("wrong shape", lambda s, **k: np.zeros(3), r"returned shape \(3,\)"),
    ("NaN", lambda s, **k: np.full(s, np.nan), r"contains NaN or inf"),
    ("hostile object", lambda *a, **k: Hostile(), r"array of numbers"),
    ("not callable", 42, r"expected a function"),
]


@pytest.mark.parametrize("name,fn,msg", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_init_code_gets_a_verdict(name, fn, msg):
    for check in (check_xavier_uniform, check_kaiming_normal):
        verdict = check(fn)
        assert not verdict.passed and __import__("re").search(msg, verdict.message), verdict.message


SIGMOID_WRONG = [
    ("naive", A.sigmoid_naive, r"overflow warning.*numpy warned"),
    ("exp over 1+exp", A.sigmoid_exp_over_one_plus_exp, r"inf/inf = NaN"),
    ("flipped", A.sigmoid_flipped, r"you computed σ\(−x\)"),
    ("mutates", A.sigmoid_overwrites_x, r"modified its input"),
    ("raises", lambda x: [][1], r"raised IndexError"),
    ("returns a string", lambda x: "sigmoid", r"should be an array"),
]


@pytest.mark.parametrize("name,fn,msg", SIGMOID_WRONG, ids=[w[0] for w in SIGMOID_WRONG])
def test_sigmoid_mistakes_and_hostile_code(name, fn, msg):
    verdict = check_sigmoid(fn)
    text = str(verdict)
    assert not verdict.passed and __import__("re").search(msg, text, flags=__import__("re").S), text


def test_verdict_renders_html():
    html = check_sigmoid(A.sigmoid_naive)._repr_html_()
    assert "✗" in html and "overflow" in html


def test_browser_oracle_gives_the_same_verdicts(monkeypatch):
    """With MLNOTES_DRILL_ORACLE=mlnotes (numpy stand-ins for scipy's kolmogorov and torch.sigmoid) every verdict
    reads the same."""
    from mlnotes.drills.init import _sigmoid_reference, sigmoid_cases

    answers = [(check_xavier_uniform, A.xavier_normal_draw), (check_kaiming_normal, A.kaiming_uniform_draw),
               (check_kaiming_normal, kaiming_normal_solution), (check_sigmoid, A.sigmoid_clipped_input)]
    library = [str(check(fn)) for check, fn in answers]
    torch_values = [_sigmoid_reference(c.kwargs["x"]) for c in sigmoid_cases()]
    monkeypatch.setenv("MLNOTES_DRILL_ORACLE", "mlnotes")
    assert [str(check(fn)) for check, fn in answers] == library
    for want, c in zip(torch_values, sigmoid_cases()):
        np.testing.assert_allclose(_sigmoid_reference(c.kwargs["x"]), want, rtol=1e-15, atol=0)


def test_overflow_warnings_are_emulated_where_the_cpu_flags_are_missing(monkeypatch):
    """WebAssembly (Pyodide) has no floating-point flags: there np.exp(1000) is inf without a warning. The checker
    then watches np.exp & co. and warns as numpy does on a CPU, so the verdict reads the same."""
    import warnings

    from mlnotes.drills import init as D

    assert D._fp_flags_work()  # this CPU
    with warnings.catch_warnings(record=True) as caught, np.errstate(over="ignore"), D._overflow_warnings(emulate=True):
        warnings.simplefilter("always")
        np.exp(np.array([1.0, 1000.0]))
        np.exp(np.array([np.inf]))  # inf in, inf out: no overflow
        np.power(10.0, 400.0)
    assert [str(w.message) for w in caught] == ["overflow encountered in exp", "overflow encountered in power"]
    assert np.exp is not None and type(np.exp) is np.ufunc  # restored
    notebook = [str(check_sigmoid(fn)) for fn in (A.sigmoid_naive, A.sigmoid_exp_over_one_plus_exp, sigmoid_solution)]
    monkeypatch.setattr(D, "_fp_flags_work", lambda: False)
    assert [str(check_sigmoid(fn)) for fn in (A.sigmoid_naive, A.sigmoid_exp_over_one_plus_exp,
                                              sigmoid_solution)] == notebook
