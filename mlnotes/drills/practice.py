"""Drill: hand-write a timing decorator (手撕装饰器), checked offline.

The reader writes ``timed(fn)`` returning a wrapper that calls ``fn(*args, **kwargs)``, returns its result,
stores the call's wall time in seconds in ``wrapper.last_seconds`` (also when ``fn`` raises, letting the
exception through) and keeps ``fn``'s ``__name__`` and ``__doc__``. The solution is
:func:`mlnotes.practice.timing.timed`. There is no library reference: the checks are exact, and a verdict
never quotes a measured time, so the same code gets the same verdict text on every run, in Python and in
the browser (Pyodide). The timed functions sleep, then busy-wait for whatever the sleep left (``time.sleep``
does not wait in every Pyodide version).

See chapter: chapters/pytorch_practice.md
"""

from __future__ import annotations

import math
import time

from mlnotes.drills.core import CaseResult, Verdict, call_reader
from mlnotes.practice.timing import timed as timed_solution  # noqa: F401  (the worked solution)

SLEEP = 0.02  # seconds the timed functions take
CLOCKS = (time.perf_counter, time.monotonic, time.time)  # the wall clocks a reader may time with


def _take(seconds=SLEEP):
    """Sleep ``seconds``, then busy-wait until every wall clock in :data:`CLOCKS` has advanced by ``seconds``.

    ``time.sleep`` does not wait in every Pyodide version (0.27.7 under Node waits; older versions returned at
    once); the busy wait covers that, so a wrapper timed with any of these clocks records at least ``seconds`` everywhere. The
    CPU clock ``time.process_time`` is not wall time: it barely moves during a sleep in Python and never moves
    in Pyodide, so a wrapper timed with it records less than ``seconds`` in both, the same verdict.
    """
    start = [clock() for clock in CLOCKS]
    time.sleep(seconds)
    limit = start[0] + 1.0  # a clock that never advances must not hang the checker
    while any(clock() - t0 < seconds for clock, t0 in zip(CLOCKS, start)) and time.perf_counter() < limit:
        pass


def _describe(seconds) -> str:
    """A recorded duration in words, never the measured number (the verdict must not change between runs)."""
    if seconds is None:
        return "None"
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        return f"a {type(seconds).__name__}, not a number of seconds"
    if not math.isfinite(seconds):
        return repr(float(seconds))  # nan, inf, -inf
    if seconds < 0:
        return "a negative time"
    if seconds < SLEEP:
        return f"less than {SLEEP} s"
    if seconds >= 1.0:
        return "1 s or more" + (" (about 1000 times too much: milliseconds?)" if seconds < 1000 else "")
    return f"between {SLEEP} s and 1 s"


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
        _take(SLEEP)
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
                          f"a call that takes {SLEEP} s recorded {_describe(seconds)}: time with "
                          f"time.perf_counter() around the call, in seconds.")
    return CaseResult("records the time of the call", True)


def _case_raises(decorator) -> CaseResult:
    def broken():
        _take(SLEEP)
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
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not seconds >= SLEEP:  # NaN fails too
        return CaseResult("lets an exception through, still timed", False,
                          f"after a call that took {SLEEP} s and raised, last_seconds is {_describe(seconds)}: "
                          f"record it in a finally: block.")
    return CaseResult("lets an exception through, still timed", True)


def check_timed(decorator) -> Verdict:
    """Check a reader's ``timed`` decorator on four cases; each failure names the likely bug.

    No library reference (the same checks in Python and in the browser); the verdict text does not depend
    on the measured times.

    See chapter: chapters/pytorch_practice.md
    """
    if not callable(decorator):
        return Verdict("timed", (CaseResult("is a function", False,
                                            f"timed should be a function, got {type(decorator).__name__}."),))
    cases = (_case_result_and_args, _case_metadata, _case_time, _case_raises)
    return Verdict("timed", tuple(case(decorator) for case in cases))
