"""The initialization and sigmoid drills: the solutions pass; common mistakes and hostile code get clear verdicts."""

import math
import sys

import numpy as np
import pytest

from mlnotes.drills.init import (check_kaiming_normal, check_sigmoid, check_xavier_uniform, kaiming_normal_solution,
                                 sigmoid_solution, xavier_uniform_solution)


def fans(shape):
    r = int(np.prod(shape[2:]))
    return shape[1] * r, shape[0] * r


def test_solutions_pass():
    for verdict in (check_xavier_uniform(xavier_uniform_solution), check_kaiming_normal(kaiming_normal_solution),
                    check_sigmoid(sigmoid_solution)):
        assert verdict.passed, verdict.message


XAVIER_WRONG = [
    ("fan_in only", lambda s, gain=1.0, rng=None: rng.uniform(-1, 1, s) * gain * math.sqrt(6 / fans(s)[0]),
     r"you used fan_in only"),
    ("std as bound", lambda s, gain=1.0, rng=None: rng.uniform(-1, 1, s) * gain * math.sqrt(2 / sum(fans(s))),
     r"the uniform bound is √3 times it"),
    ("normal draw", lambda s, gain=1.0, rng=None: rng.standard_normal(s) * gain * math.sqrt(2 / sum(fans(s))),
     r"a normal draw\?"),
    ("no kernel", lambda s, gain=1.0, rng=None: rng.uniform(-1, 1, s) * gain * math.sqrt(6 / (s[0] + s[1])),
     r"kernel size is missing"),
    ("no gain", lambda s, gain=1.0, rng=None: rng.uniform(-1, 1, s) * math.sqrt(6 / sum(fans(s))),
     r"the gain is missing"),
    ("rand [0, 1)", lambda s, gain=1.0, rng=None: rng.random(s) * 0.01, r"mean .* is not 0"),
]


@pytest.mark.parametrize("name,fn,hint", XAVIER_WRONG, ids=[w[0] for w in XAVIER_WRONG])
def test_xavier_mistakes_are_named(name, fn, hint):
    verdict = check_xavier_uniform(fn)
    assert not verdict.passed and any(r.message and __import__("re").search(hint, r.message) for r in verdict.results)


KAIMING_WRONG = [
    ("fan_out", lambda s, rng=None: rng.standard_normal(s) * math.sqrt(2 / fans(s)[1]), r"you used fan_out"),
    ("no gain", lambda s, rng=None: rng.standard_normal(s) * math.sqrt(1 / fans(s)[0]), r"ReLU gain is missing"),
    ("variance as std", lambda s, rng=None: rng.standard_normal(s) * 2 / fans(s)[0], r"the std is its square root"),
    ("xavier", lambda s, rng=None: rng.standard_normal(s) * math.sqrt(2 / sum(fans(s))), r"that is Xavier's std"),
    ("uniform", lambda s, rng=None: rng.uniform(-1, 1, s) * math.sqrt(6 / fans(s)[0]), r"not normal .*a uniform"),
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
    ("naive", lambda x: 1 / (1 + np.exp(-x)), r"overflow warning.*numpy warned"),
    ("exp over 1+exp", lambda x: np.exp(x) / (1 + np.exp(x)), r"inf/inf = NaN"),
    ("flipped", lambda x: 1 / (1 + np.exp(np.clip(x, -700, 700))), r"you computed σ\(−x\)"),
    ("mutates", lambda x: (x.__setitem__(..., -np.abs(x)), sigmoid_solution(x))[1], r"modified its input"),
    ("raises", lambda x: [][1], r"raised IndexError"),
    ("returns a list", lambda x: "sigmoid", r"should be an array"),
]


@pytest.mark.parametrize("name,fn,msg", SIGMOID_WRONG, ids=[w[0] for w in SIGMOID_WRONG])
def test_sigmoid_mistakes_and_hostile_code(name, fn, msg):
    verdict = check_sigmoid(fn)
    text = str(verdict)
    assert not verdict.passed and __import__("re").search(msg, text, flags=__import__("re").S), text


def test_verdict_renders_html():
    html = check_sigmoid(lambda x: 1 / (1 + np.exp(-x)))._repr_html_()
    assert "✗" in html and "overflow" in html
