r"""Timing code: a decorator that keeps the function's name, and why asynchronous work needs a wait.

A **decorator** is a function that takes a function and returns another: ``@timed`` above ``def f`` means
``f = timed(f)``. The wrapper forwards ``*args, **kwargs`` unchanged. ``functools.wraps`` copies the
wrapped function's ``__name__``, ``__doc__``, ``__module__``, ``__qualname__`` and ``__wrapped__`` onto the wrapper;
without it every decorated function is called ``wrapper``.

**Asynchronous work.** A CUDA kernel launch returns as soon as the work is queued, so
``t0 = time(); y = model(x); t1 = time()`` measures the launch; ``torch.cuda.synchronize()`` waits for the
queue. The same happens on the CPU with a thread pool: ``submit`` returns a future at once, ``result()`` waits.
:func:`launch_and_wait` times both.

See chapter: chapters/pytorch_practice.md
"""

from __future__ import annotations

import functools
import time


def timed(fn):
    """Decorator: call ``fn`` and record the wall time of the last call in ``wrapper.last_seconds``.

    Keeps ``fn``'s name and docstring (``functools.wraps``). Raises ``TypeError`` if ``fn`` is not callable.
    See chapter: chapters/pytorch_practice.md
    """
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {type(fn).__name__}")

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            wrapper.last_seconds = time.perf_counter() - start

    wrapper.last_seconds = None
    return wrapper


def timed_without_wraps(fn):
    """The same decorator without ``functools.wraps``: the result is called ``wrapper`` and has no docstring.

    See chapter: chapters/pytorch_practice.md
    """
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {type(fn).__name__}")

    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            wrapper.last_seconds = time.perf_counter() - start

    wrapper.last_seconds = None
    return wrapper


def launch_and_wait(work, *args) -> dict:
    """Run ``work(*args)`` in a worker thread: seconds until ``submit`` returned ("launch"), until the result
    was ready ("wait"), and the result. The CPU analogue of timing a CUDA call without and with
    ``torch.cuda.synchronize()``. Raises ``TypeError`` if ``work`` is not callable.

    See chapter: chapters/pytorch_practice.md
    """
    from concurrent.futures import ThreadPoolExecutor

    if not callable(work):
        raise TypeError(f"work must be callable, got {type(work).__name__}")
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(int).result()  # start the worker thread first, as a CUDA context exists before timing
        start = time.perf_counter()
        future = pool.submit(work, *args)  # returns at once, like a kernel launch
        launched = time.perf_counter() - start
        result = future.result()  # waits, like torch.cuda.synchronize()
        waited = time.perf_counter() - start
    return {"launch": launched, "wait": waited, "result": result}
