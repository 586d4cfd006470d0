"""The Adam drill: the worked solution passes; common mistakes and hostile code get clear verdicts."""

import sys

import numpy as np
import pytest

from mlnotes.drills import Case, Verdict, check
from mlnotes.drills.optim import adam_step_solution, check_adam_step


def _adam(param, grad, m, v, t, lr, beta1, beta2, eps, *, correct_m=True, sigma="sqrt", eps_in_sqrt=False,
          t0=0, dtype=float):
    """A parametrised Adam step for building wrong answers."""
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    k = t + t0
    m_hat = m / (1 - beta1**k) if correct_m else m
    if sigma == "sqrt":
        root = np.sqrt(v / (1 - beta2**k) + eps) if eps_in_sqrt else np.sqrt(v / (1 - beta2**k)) + eps
    elif sigma == "notes":  # σ / (1 − β2ᵗ)
        root = np.sqrt(v) / (1 - beta2**k) + eps
    else:  # none
        root = np.sqrt(v) + eps
    return (param - lr * m_hat / root).astype(dtype), m.astype(dtype), v.astype(dtype)


def wrong(**knobs):
    def fn(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        return _adam(param, grad, m, v, t, lr, beta1, beta2, eps, **knobs)
    return fn


def no_eps(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    return param - lr * (m / (1 - beta1**t)) / np.sqrt(v / (1 - beta2**t)), m, v


def mutates(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m *= beta1
    m += (1 - beta1) * grad
    v[...] = beta2 * v + (1 - beta2) * grad**2
    param -= lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
    return param, m, v


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
    ("no bias correction", wrong(correct_m=False, sigma="none"), None, r"did you forget bias correction\?"),
    ("m not corrected", wrong(correct_m=False), None, r"m is not bias-corrected.*did you forget bias correction"),
    ("v not corrected", wrong(sigma="none"), None, r"forget bias correction of v"),
    ("notes: sigma/(1-b2^t), raw m", wrong(correct_m=False, sigma="notes"), None, r"the notes' version"),
    ("eps inside sqrt", wrong(eps_in_sqrt=True), "tiny gradients ~1e-9 (eps matters)",
     r"eps is inside the square root"),
    ("t treated as 0-based", wrong(t0=1), None, r"t is treated as 0-based"),
    ("t - 1 in the exponent", wrong(t0=-1), None, r"NaN/inf.*exponent is t−1"),
    ("no eps", no_eps, "zero gradient: nothing moves", r"new_param contains 3 NaN/inf.*no eps"),
    ("float32", wrong(dtype=np.float32), None, r"dtype float32; compute in float64"),
    ("returns wrong shape", returns(lambda p, m, v: (p[None], m, v)), None, r"new_param has shape \(1, 1\), expected \(1,\)"),
    ("returns NaN", returns(lambda p, m, v: (p * np.nan, m, v)), None, r"new_param contains 1 NaN/inf value\(s\): \[nan\]\.$"),
    ("returns complex", returns(lambda p, m, v: (p + 0j, m, v)), None, r"new_param should hold real numbers, got dtype complex"),
    ("forgets to update param", lambda p, g, m, v, t, **hyper: (p, *adam_step_solution(p, g, m, v, t, **hyper)[1:]), None,
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
    ("mutates its inputs", mutates, None, r"modified its input\(s\) param, m, v in place"),
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
    def wrong_sign(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        p, m, v = adam_step_solution(param, grad, m, v, t, lr, beta1, beta2, eps)
        return 2 * param - p, m, v

    def swapped(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        return adam_step_solution(param, grad, m, v, t, lr, beta2, beta1, eps)

    assert "wrong sign" in check_adam_step(wrong_sign).message
    assert "swapped" in check_adam_step(swapped).message


def test_no_bias_correction_shows_where_and_how_much():
    message = check_adam_step(wrong(correct_m=False, sigma="none")).message
    assert "case 'random, shape (1,)'" in message and "at step t=1 of 50" in message
    assert "inputs param (1,), grad (1,), m (1,), v (1,)" in message
    assert "expected [" in message and "got [" in message
    assert "max abs error" in message and "max rel error" in message


def test_an_unknown_mistake_reports_the_update_ratio():
    def half_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        return adam_step_solution(param, grad, m, v, t, lr / 2, beta1, beta2, eps)

    assert "Your parameter update is 0.5× the correct one" in check_adam_step(half_step).message


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
