"""Drill: hand-write a timing decorator (手撕装饰器), checked offline.

The reader writes ``timed(fn)`` returning a wrapper that calls ``fn(*args, **kwargs)``, returns its result,
stores the call's wall time in seconds in ``wrapper.last_seconds`` (also when ``fn`` raises, letting the
exception through) and keeps ``fn``'s ``__name__`` and ``__doc__``. The solution is
:func:`mlnotes.practice.timing.timed`.

See chapter: chapters/pytorch_practice.md
"""

from __future__ import annotations

import time

from mlnotes.drills.core import CaseResult, Verdict, call_reader
from mlnotes.practice.timing import timed as timed_solution  # noqa: F401  (the worked solution)

SLEEP = 0.02  # seconds the timed function sleeps


def _decorate(decorator, fn):
    wrapper, err = call_reader(decorator, fn)
    if err:
        return None, f"timed(fn) {err}"
    if not callable(wrapper):
        return None, f"timed(fn) should return a function (the wrapper), got {type(wrapper).__name__}."
    return wrapper, None


def _case_result_and_args(decorator) -> CaseResult:
    def add(a, b, *, scale=1):
        """Add two numbers and scale the sum."""
        return (a + b) * scale

    wrapper, err = _decorate(decorator, add)
    if err:
        return CaseResult("forwards *args and **kwargs and returns the result", False, err)
    got, err = call_reader(wrapper, 2, 3, scale=10)
    if err:
        hint = " Does the wrapper accept *args, **kwargs and pass them on?" if "argument" in err else ""
        return CaseResult("forwards *args and **kwargs and returns the result", False,
                          f"wrapper(2, 3, scale=10) {err}.{hint}")
    if got != 50:
        return CaseResult("forwards *args and **kwargs and returns the result", False,
                          f"wrapper(2, 3, scale=10) returned {got!r}, expected 50: return fn(*args, **kwargs).")
    return CaseResult("forwards *args and **kwargs and returns the result", True)


def _case_metadata(decorator) -> CaseResult:
    def train_step(batch):
        """One training step."""
        return batch

    wrapper, err = _decorate(decorator, train_step)
    if err:
        return CaseResult("keeps the name and docstring", False, err)
    name, doc = getattr(wrapper, "__name__", None), getattr(wrapper, "__doc__", None)
    if name != "train_step" or doc != "One training step.":
        return CaseResult("keeps the name and docstring", False,
                          f"the wrapper is called {name!r} with docstring {doc!r}: decorate it with "
                          f"@functools.wraps(fn).")
    return CaseResult("keeps the name and docstring", True)


def _case_time(decorator) -> CaseResult:
    def slow():
        time.sleep(SLEEP)
        return "done"

    wrapper, err = _decorate(decorator, slow)
    if err:
        return CaseResult("records the time of the call", False, err)
    _, err = call_reader(wrapper)
    if err:
        return CaseResult("records the time of the call", False, f"wrapper() {err}")
    seconds = getattr(wrapper, "last_seconds", None)
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        return CaseResult("records the time of the call", False,
                          f"wrapper.last_seconds should be a number of seconds, got {type(seconds).__name__}.")
    if not SLEEP <= seconds < 1.0:
        return CaseResult("records the time of the call", False,
                          f"a call that sleeps {SLEEP} s recorded {seconds!r} s: time with time.perf_counter() "
                          f"around the call, in seconds.")
    return CaseResult("records the time of the call", True)


def _case_raises(decorator) -> CaseResult:
    def broken():
        time.sleep(SLEEP)
        raise KeyError("batch")

    wrapper, err = _decorate(decorator, broken)
    if err:
        return CaseResult("lets an exception through, still timed", False, err)
    try:
        wrapper()
    except KeyError:
        pass
    except (Exception, SystemExit) as exc:  # noqa: BLE001 - the reader's code
        return CaseResult("lets an exception through, still timed", False,
                          f"fn raised KeyError but the wrapper raised {type(exc).__name__}: {exc}.")
    else:
        return CaseResult("lets an exception through, still timed", False,
                          "fn raised KeyError, but the wrapper swallowed it: do not catch the exception.")
    seconds = getattr(wrapper, "last_seconds", None)
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < SLEEP:
        return CaseResult("lets an exception through, still timed", False,
                          f"after a call that raised, last_seconds is {seconds!r}: record it in a finally: block.")
    return CaseResult("lets an exception through, still timed", True)


def check_timed(decorator) -> Verdict:
    """Check a reader's ``timed`` decorator on four cases; each failure names the likely bug.

    See chapter: chapters/pytorch_practice.md
    """
    if not callable(decorator):
        return Verdict("timed", (CaseResult("is a function", False,
                                            f"timed should be a function, got {type(decorator).__name__}."),))
    cases = (_case_result_and_args, _case_metadata, _case_time, _case_raises)
    return Verdict("timed", tuple(case(decorator) for case in cases))
