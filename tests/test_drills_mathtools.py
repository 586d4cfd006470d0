"""The Newton square-root and coin-flip drills: solutions pass, typical mistakes are named, hostile code (raises,
wrong types, NaN, never-ending loops) gives a verdict instead of a crash or a hang."""

import math
import time

import numpy as np
import pytest

from mlnotes import mathtools as mt
from mlnotes.drills.core import Verdict
from mlnotes.drills.mathtools import (Coin, OutOfFlips, check_expected_flips, check_flips_until_run, check_newton_sqrt,
                                      expected_flips_solution, flips_until_run_solution, newton_sqrt_solution,
                                      time_limit)


def test_solutions_and_library_pass():
    for check, fn in ((check_newton_sqrt, newton_sqrt_solution), (check_newton_sqrt, mt.newton_sqrt),
                      (check_expected_flips, expected_flips_solution),
                      (check_expected_flips, lambda n: int(mt.expected_flips(n))),
                      (check_flips_until_run, flips_until_run_solution)):
        verdict = check(fn)
        assert isinstance(verdict, Verdict) and verdict.passed, str(verdict)


def _absolute_tolerance(a, tol=1e-10):
    x = a
    while abs(x * x - a) > tol:
        x = (x + a / x) / 2
    return x


def _start_at_a(a):
    x = a
    for _ in range(60):
        x = (x + a / x) / 2  # a = 0: 0/0
    return x


def _fixed_steps(a):
    x = max(a, 1.0)
    for _ in range(3):
        x = (x + a / x) / 2
    return x


@pytest.mark.parametrize("fn,case,needle", [
    (_start_at_a, "a = 0 (x0 = a would divide by zero)", "divides by zero"),
    (_fixed_steps, "a = 2", "Close but not to the last bit"),
    (lambda a: (a + 1) / 2, "a = 2", "relative error"),
])
def test_newton_mistakes_are_named(fn, case, needle):
    verdict = check_newton_sqrt(fn)
    result = next(r for r in verdict.results if r.name == case)
    assert not result.passed and needle in result.message, result.message


def test_absolute_tolerance_hangs_on_huge_a_and_is_cut():
    start = time.monotonic()
    verdict = check_newton_sqrt(_absolute_tolerance)
    huge = next(r for r in verdict.results if r.name.startswith("a = 1e300"))
    assert not huge.passed and "DrillTimeout" in huge.message and "absolute tolerance" in huge.message
    assert time.monotonic() - start < 10


def test_tiny_a_absolute_tolerance_stops_early():
    verdict = check_newton_sqrt(lambda a: _absolute_tolerance(a, tol=1e-6) if a < 1 else math.sqrt(a))
    tiny = next(r for r in verdict.results if r.name == "a = 1e-10")
    assert not tiny.passed and "stopping rule |x² − a| < tol is absolute" in tiny.message


def _raise(*_):
    raise ValueError("nope")


def _forever(*_):
    while True:
        pass


@pytest.mark.parametrize("fn", [_raise, lambda a: None, lambda a: "1.4", lambda a: [1.0, 2.0], lambda a: np.nan,
                                lambda a: True, _forever])
def test_newton_hostile_code(fn):
    start = time.monotonic()
    verdict = check_newton_sqrt(fn)
    assert isinstance(verdict, Verdict) and not verdict.passed
    assert time.monotonic() - start < 5  # a hung loop costs one time limit, not one per case


@pytest.mark.parametrize("fn,needle", [
    (lambda n: 2**n, "1/P(n heads in n flips)"),
    (lambda n: 2 ** (n + 1), "off by the −2"),
    (lambda n: 2 ** (n + 1) - 1, "not − 1"),
    (lambda n: "many", "should return a number"),
    (_raise, "raised ValueError"),
])
def test_expected_flips_mistakes(fn, needle):
    verdict = check_expected_flips(fn)
    assert not verdict.passed and needle in verdict.message, verdict.message


def test_expected_flips_accepts_floats_and_fractions():
    assert check_expected_flips(lambda n: float(2 ** (n + 1) - 2)).passed
    assert check_expected_flips(lambda n: mt.expected_flips(n)).passed


def _no_reset(n, flip):
    flips = run = 0
    while run < n:
        flips += 1
        run += flip()
    return flips


def _off_by_one(n, flip):
    return flips_until_run_solution(n, flip) - 1


def _ignores_flip(n, flip):
    return 2 ** (n + 1) - 2


def _forever_flips(n, flip):
    while True:
        flip()


@pytest.mark.parametrize("fn,needle", [
    (_no_reset, "a tails must reset the run"),
    (_off_by_one, "return the number of flips used"),
    (_ignores_flip, "flipped the coin 0 times"),
    (_forever_flips, "ran out"),
    (lambda n, flip: None, "should return a number"),
])
def test_flips_mistakes(fn, needle):
    verdict = check_flips_until_run(fn)
    assert not verdict.passed and needle in verdict.message, verdict.message


def test_flips_hang_is_cut_once():
    def hang(n, flip):
        while True:
            pass

    start = time.monotonic()
    verdict = check_flips_until_run(hang)
    assert not verdict.passed and "DrillTimeout" in verdict.message
    assert all("not run" in r.message for r in verdict.results[1:])
    assert time.monotonic() - start < 5


def test_coin_budget_and_script():
    coin = Coin(script=[True, False], budget=10)
    assert coin() is True and coin() is False
    with pytest.raises(OutOfFlips, match="ran out"):
        coin()
    seeded = Coin(seed=1, budget=3)
    [seeded() for _ in range(3)]
    with pytest.raises(OutOfFlips, match="more than 3 times"):
        seeded()


def test_time_limit_restores_the_previous_handler():
    import signal

    before = signal.getsignal(signal.SIGALRM)
    with pytest.raises(Exception, match="did not finish"), time_limit(0.05):
        while True:
            pass
    assert signal.getsignal(signal.SIGALRM) == before
    with time_limit(1.0):
        pass
    time.sleep(1.1)  # no alarm fires after the block
