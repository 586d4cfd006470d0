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
from tests.drill_answers.mathtools import (flips_as_words, flips_minus_one, flips_missing_minus_two,
                                           flips_two_to_the_n, newton_absolute_tolerance_capped, newton_fixed_steps,
                                           newton_one_step, newton_start_at_a, trial_ignores_the_coin,
                                           trial_no_reset, trial_off_by_one, trial_returns_none)


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


@pytest.mark.parametrize("fn,case,needle", [
    (newton_start_at_a, "a = 0 (x0 = a would divide by zero)", "divides by zero"),
    (newton_fixed_steps, "a = 2", "Close but not to the last bit"),
    (newton_one_step, "a = 2", "relative error"),
    (newton_absolute_tolerance_capped, "a = 1e-10", "stopping rule |x² − a| < tol is absolute"),
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
    (flips_two_to_the_n, "1/P(n heads in n flips)"),
    (flips_missing_minus_two, "off by the −2"),
    (flips_minus_one, "not − 1"),
    (flips_as_words, "should return a number"),
    (_raise, "raised ValueError"),
])
def test_expected_flips_mistakes(fn, needle):
    verdict = check_expected_flips(fn)
    assert not verdict.passed and needle in verdict.message, verdict.message


def test_expected_flips_accepts_floats_and_fractions():
    assert check_expected_flips(lambda n: float(2 ** (n + 1) - 2)).passed
    assert check_expected_flips(lambda n: mt.expected_flips(n)).passed


def _forever_flips(n, flip):
    while True:
        flip()


@pytest.mark.parametrize("fn,needle", [
    (trial_no_reset, "a tails must reset the run"),
    (trial_off_by_one, "return the number of flips used"),
    (trial_ignores_the_coin, "flipped the coin 0 times"),
    (_forever_flips, "ran out"),
    (trial_returns_none, "should return a number"),
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
