"""Known wrong answers of the timing-decorator drill (mlnotes/drills/practice.py): stdlib only.

Run in Python and in Pyodide. ``timed(fn)`` should return a wrapper that forwards ``*args, **kwargs``, returns
``fn``'s result, records the call's wall time in seconds in ``wrapper.last_seconds`` (also when ``fn`` raises,
letting the exception through) and keeps ``fn``'s name and docstring. Each function is a mistake a reader makes;
every one must fail, with the same verdict text on every run (the checker never quotes a measured time).
"""

import functools
import sys
import time

# The book's own example of this mistake (stdlib only): no functools.wraps, so the wrapper is called 'wrapper'.
from mlnotes.practice.timing import timed_without_wraps


def timed_swallows_the_exception(fn):
    """Catches fn's exception and returns None."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        except Exception:  # noqa: BLE001 - the bug
            return None
        finally:
            wrapper.last_seconds = time.perf_counter() - start

    return wrapper


def timed_positional_only(fn):
    """The wrapper takes *args only: keyword arguments raise TypeError."""
    @functools.wraps(fn)
    def wrapper(*args):
        start = time.perf_counter()
        try:
            return fn(*args)
        finally:
            wrapper.last_seconds = time.perf_counter() - start

    return wrapper


def timed_in_milliseconds(fn):
    """Records milliseconds instead of seconds."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            wrapper.last_seconds = (time.perf_counter() - start) * 1000

    return wrapper


def timed_without_finally(fn):
    """Records the time only when fn returns: after a call that raised there is no last_seconds."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        result = fn(*args, **kwargs)
        wrapper.last_seconds = time.perf_counter() - start
        return result

    return wrapper


def timed_stops_the_clock_too_early(fn):
    """Reads the clock twice before calling fn: records (almost) 0 s."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        wrapper.last_seconds = time.perf_counter() - start
        return fn(*args, **kwargs)

    return wrapper


def timed_with_process_time(fn):
    """Times with time.process_time: CPU time, not wall time (a sleeping or waiting call records about 0)."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        start = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            wrapper.last_seconds = time.process_time() - start

    return wrapper


def timed_forgets_to_return(fn):
    """Calls fn but drops its result."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            fn(*args, **kwargs)
        finally:
            wrapper.last_seconds = time.perf_counter() - start

    return wrapper


def timed_returns_a_number(fn):
    """Returns a number instead of a wrapper function."""
    return 42


def timed_exits(fn):
    """Calls sys.exit: the checker must report it, not stop."""
    sys.exit(3)


ANSWERS = {
    "timed": [timed_without_wraps, timed_swallows_the_exception, timed_positional_only, timed_in_milliseconds,
              timed_without_finally, timed_stops_the_clock_too_early, timed_with_process_time, timed_forgets_to_return,
              timed_returns_a_number, timed_exits],
}
