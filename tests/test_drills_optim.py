"""The Adam drill: the worked solution passes; common mistakes and hostile code get clear verdicts."""

import sys

import numpy as np
import pytest

from mlnotes.drills import Case, Verdict, check
from mlnotes.drills.optim import adam_step_solution, check_adam_step
from tests.drill_answers import optim as A


def not_written(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    raise NotImplementedError


def crashes(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    return 1 / 0 if t < 3 else {}["missing"]


def exits(*args, **kwargs):
    sys.exit(1)


class Hostile:
    """An object that refuses to become an array."""

    def __array__(self, *args, **kwargs):
        raise RuntimeError("no")


def returns(transform):
    def fn(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        return transform(*adam_step_solution(param, grad, m, v, t, lr, beta1, beta2, eps))
    return fn


WRONG = [  # (name, reader's function, first failing case if it must be a special one, message regex)
    ("no bias correction", A.adam_no_bias_correction, None, r"did you forget bias correction\?"),
    ("m not corrected", A.adam_m_not_corrected, None, r"m is not bias-corrected.*did you forget bias correction"),
    ("v not corrected", A.adam_v_not_corrected, None, r"forget bias correction of v"),
    ("notes: sigma/(1-b2^t), raw m", A.adam_notes_sigma_correction, None, r"the notes' version"),
    ("eps inside sqrt", A.adam_eps_inside_sqrt, "tiny gradients ~1e-9 (eps matters)",
     r"eps is inside the square root"),
    ("t treated as 0-based", A.adam_t_zero_based, None, r"t is treated as 0-based"),
    ("t - 1 in the exponent", A.adam_t_minus_one, None, r"NaN/inf.*exponent is t−1"),
    ("no eps", A.adam_no_eps, "zero gradient: nothing moves", r"new_param contains 3 NaN/inf.*no eps"),
    ("float32", A.adam_float32, None, r"dtype float32; compute in float64"),
    ("returns wrong shape", returns(lambda p, m, v: (p[None], m, v)), None, r"new_param has shape \(1, 1\), expected \(1,\)"),
    ("returns NaN", returns(lambda p, m, v: (p * np.nan, m, v)), None, r"new_param contains 1 NaN/inf value\(s\): \[nan\]\.$"),
    ("returns complex", returns(lambda p, m, v: (p + 0j, m, v)), None, r"new_param should hold real numbers, got dtype complex"),
    ("forgets to update param", A.adam_forgets_param, None,
     r"new_param equals param: the update is missing"),
    ("returns a list", returns(lambda p, m, v: [p, m, v]), None,
     r"should return a tuple \(new_param, new_m, new_v\), got list"),
    ("returns a pair", returns(lambda p, m, v: (p, m)), None, r"tuple of 3 arrays .* got a tuple of 2"),
    ("returns None", lambda *a, **k: None, None, r"should return a tuple .* got NoneType"),
    ("returns text", returns(lambda p, m, v: ("p", m, v)), None, r"new_param should be an array of shape \(1,\), got str"),
    ("returns hostile object", returns(lambda p, m, v: (p, Hostile(), v)), None, r"new_m should be an array of numbers"),
    ("raises NotImplementedError", not_written, None, r"raised NotImplementedError: the function is not written yet"),
    ("raises other errors", crashes, None, r"at step t=1 of 50 .*raised ZeroDivisionError"),
    ("calls sys.exit", exits, None, r"raised SystemExit"),
    ("mutates its inputs", A.adam_updates_in_place, None, r"modified its input\(s\) param, m, v in place"),
    ("wrong keyword names", lambda param, grad, m, v, t, lr, b1, b2, eps: (param, m, v), None,
     r"raised TypeError: .*unexpected keyword argument 'beta1'"),
]


def test_the_worked_solution_passes():
    verdict = check_adam_step(adam_step_solution)
    assert isinstance(verdict, Verdict) and verdict.passed
    assert len(verdict.results) == 9 and all(r.passed for r in verdict.results)
    assert max(r.max_rel_err for r in verdict.results) < 1e-12
    verdict.raise_if_failed()
    text = str(verdict)
    assert text.splitlines()[0] == "✓ Adam step: all 9 cases passed." and text.count("  ✓ ") == 9
    assert repr(verdict) == text
    assert "✓" in verdict._repr_html_() and "✗" not in verdict._repr_html_()


def test_the_solution_does_not_modify_its_inputs():
    p, g, m, v = np.ones(2), np.full(2, 0.5), np.zeros(2), np.zeros(2)
    new_p, new_m, new_v = adam_step_solution(p, g, m, v, 1)
    assert np.all(p == 1) and np.all(m == 0) and np.all(v == 0)
    np.testing.assert_allclose(new_p, 1 - 1e-3 * 0.5 / (0.5 + 1e-8), rtol=1e-12)  # first step ≈ lr


@pytest.mark.parametrize("fn, only_case, match", [w[1:] for w in WRONG], ids=[w[0] for w in WRONG])
def test_a_wrong_answer_gets_a_clear_verdict(fn, only_case, match):
    verdict = check_adam_step(fn)
    assert not verdict.passed
    failure = verdict.first_failure
    assert failure.message and failure.name in verdict.message
    assert __import__("re").search(match, verdict.message), verdict.message
    if only_case is not None:  # a subtle mistake is caught first by the case built for it
        assert failure.name == only_case
        assert all(r.passed for r in verdict.results[:3])  # ordinary gradients hide it
    with pytest.raises(AssertionError, match="Adam step: .* cases failed"):
        verdict.raise_if_failed()
    assert "✗" in str(verdict) and "✗" in verdict._repr_html_()


def test_wrong_sign_and_swapped_betas_are_named():
    assert "wrong sign" in check_adam_step(A.adam_wrong_sign).message
    assert "swapped" in check_adam_step(A.adam_swapped_betas).message


def test_no_bias_correction_shows_where_and_how_much():
    message = check_adam_step(A.adam_no_bias_correction).message
    assert "case 'random, shape (1,)'" in message and "at step t=1 of 50" in message
    assert "inputs param (1,), grad (1,), m (1,), v (1,)" in message
    assert "expected [" in message and "got [" in message
    assert "max abs error" in message and "max rel error" in message


def test_an_unknown_mistake_reports_the_update_ratio():
    assert "Your parameter update is 0.5× the correct one" in check_adam_step(A.adam_half_step).message


def test_browser_reference_equals_torchs():
    """The browser oracle (mlnotes.optim.Adam, numpy) follows torch.optim.Adam's trajectory on every case."""
    from mlnotes.drills.optim import _cases_with_reference

    for library, browser in zip(_cases_with_reference("library"), _cases_with_reference("mlnotes")):
        for want, got in zip(library[-1], browser[-1]):
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15 * np.max(np.abs(want)))


def test_not_a_function_is_a_verdict_not_a_crash():
    verdict = check_adam_step(None)
    assert not verdict.passed and "expected a function, got NoneType" in verdict.message


def test_html_escapes_reader_text():
    def raises_html(*args, **kwargs):
        raise ValueError("<script>")

    html = check_adam_step(raises_html)._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html


def _softmax(x):
    z = np.exp(x - x.max(axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)


SOFTMAX_CASES = [Case("random (4,)", dict(x=np.random.default_rng(0).standard_normal(4))),
                 Case("large logits", dict(x=np.array([1000.0, 1001.0, 999.0]))),
                 Case("batch (2, 3)", dict(x=np.arange(6.0).reshape(2, 3)))]


def test_generic_check_passes_a_right_answer_and_explains_a_wrong_one():
    assert check(_softmax, _softmax, SOFTMAX_CASES, drill="softmax").passed
    naive = check(lambda x: np.exp(x) / np.exp(x).sum(axis=-1, keepdims=True), _softmax, SOFTMAX_CASES,
                  drill="softmax")
    assert [r.passed for r in naive.results] == [True, False, True]
    assert "case 'large logits'" in naive.message and "NaN/inf" in naive.message
    assert "inputs: x (3,)" in naive.message


def test_generic_check_catches_mutation_and_exceptions():
    def in_place(x):
        x -= x.max()
        return _softmax(x)

    assert "modified its input(s) x in place" in check(in_place, _softmax, SOFTMAX_CASES, drill="softmax").message
    def not_yet(x):
        raise NotImplementedError

    assert "not written yet" in check(not_yet, _softmax, SOFTMAX_CASES, drill="softmax").message
    assert all(r.passed is False for r in check(lambda x: x, _softmax, SOFTMAX_CASES, drill="softmax").results)
