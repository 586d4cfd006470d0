r"""A checker for "hand-write it" (手撕) drills: run the reader's function, compare, explain.

A drill runs the reader's function on named cases (random and edge) and compares every
returned array with a reference, assert_allclose-style:
$$|\text{got} - \text{expected}| \le \text{atol} + \text{rtol}\cdot|\text{expected}|\quad\text{elementwise}.$$
The reader's code is treated as hostile: an exception, a wrong type or shape, NaN, or an
input array modified in place becomes a failed case with a plain-language message, never a
crash of the checker. The result is a :class:`Verdict`.

See chapter: chapters/optimizers.md
"""

from __future__ import annotations

import html
import os
import sys
import warnings
from dataclasses import dataclass, field

import numpy as np


ORACLE_ENV = "MLNOTES_DRILL_ORACLE"
ORACLES = ("library", "mlnotes")


def oracle() -> str:
    """Which reference the checkers compare with: ``"library"`` or ``"mlnotes"``.

    ``"library"`` (the default in Python): torch, scikit-learn or scipy, as each checker's docstring names.
    ``"mlnotes"``: the book's own implementation (numpy only), which the unit tests prove equal to that
    library; it is what runs in the reader's browser (Pyodide, ``sys.platform == "emscripten"``), where
    torch cannot. The environment variable ``MLNOTES_DRILL_ORACLE`` chooses in Python; the verdicts of
    both oracles are tested to be the same text for the solutions and the known wrong answers.

    Raises ``ValueError`` naming ``MLNOTES_DRILL_ORACLE`` for any other value.
    See chapter: chapters/questions.md
    """
    if sys.platform == "emscripten":
        return "mlnotes"
    value = os.environ.get(ORACLE_ENV, "library")
    if value not in ORACLES:
        raise ValueError(f"{ORACLE_ENV} must be one of {ORACLES}, got {value!r}")
    return value


def library_oracle() -> bool:
    """True when the checkers compare with torch / scikit-learn / scipy (see :func:`oracle`)."""
    return oracle() == "library"


@dataclass(frozen=True)
class Case:
    """One named input to a drill: keyword arguments for the reader's function."""

    name: str
    kwargs: dict = field(default_factory=dict)


@dataclass(frozen=True)
class CaseResult:
    """The outcome of one case: passed or not, and why not."""

    name: str
    passed: bool
    message: str = ""
    max_abs_err: float | None = None
    max_rel_err: float | None = None


@dataclass(frozen=True)
class Verdict:
    """All case results of one drill, printable as ✓ / ✗ lines."""

    drill: str
    results: tuple

    @property
    def passed(self) -> bool:
        """True when every case passed."""
        return all(r.passed for r in self.results)

    @property
    def first_failure(self) -> CaseResult | None:
        """The first failed case, or None."""
        return next((r for r in self.results if not r.passed), None)

    @property
    def summary(self) -> str:
        """One line: how many cases passed."""
        n, n_fail = len(self.results), sum(not r.passed for r in self.results)
        if n_fail == 0:
            return f"✓ {self.drill}: all {n} cases passed."
        return f"✗ {self.drill}: {n_fail} of {n} cases failed."

    @property
    def message(self) -> str:
        """The summary plus, on failure, what went wrong in the first failing case."""
        fail = self.first_failure
        return self.summary if fail is None else f"{self.summary} First: case '{fail.name}': {fail.message}"

    def _lines(self):
        """(mark, case name, explanation): only the first failure is explained in full —
        fix it and re-run; later failures usually share its cause."""
        first = self.first_failure
        for r in self.results:
            yield ("✓" if r.passed else "✗"), r.name, (r.message if r is first else "")

    def __str__(self) -> str:
        lines = [self.summary]
        for mark, name, why in self._lines():
            lines.append(f"  {mark} {name}" + (f": {why}" if why else ""))
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        color = "#1a7f37" if self.passed else "#cf222e"
        rows = "".join(
            f"<li>{mark} <b>{html.escape(name)}</b>"
            + (f"<pre style='white-space:pre-wrap'>{html.escape(why)}</pre>" if why else "")
            + "</li>"
            for mark, name, why in self._lines()
        )
        return (
            f"<div><p style='color:{color}'><b>{html.escape(self.summary)}</b></p>"
            f"<ul style='list-style:none;padding-left:0.5em'>{rows}</ul></div>"
        )

    def raise_if_failed(self) -> None:
        """Raise ``AssertionError`` with the summary message if any case failed."""
        if not self.passed:
            raise AssertionError(self.message)


def fmt(a, precision=6, max_items=6) -> str:
    """A short one-line rendering of an array (flattened) for messages."""
    try:
        return np.array2string(np.ravel(a), precision=precision, threshold=max_items, edgeitems=2, separator=", ")
    except Exception:  # noqa: BLE001 - hostile objects with a broken __repr__/__array__
        return f"<{type(a).__name__}>"


def call_reader(fn, *args, **kwargs):
    """Call the reader's function. Returns ``(output, None)`` or ``(None, message)`` if it raised.

    Floating-point warnings are silenced during the call: a NaN or inf it returns is
    reported by the comparison, in words.
    """
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return fn(*args, **kwargs), None
    except NotImplementedError:
        return None, "raised NotImplementedError: the function is not written yet."
    except (Exception, SystemExit) as exc:  # noqa: BLE001 - any reader error is a verdict, not a crash
        return None, f"raised {type(exc).__name__}: {exc}{_tensor_method_hint(exc)}"


#: torch tensor methods a reader may call on a numpy array (numpy has functions for them instead)
TENSOR_METHODS = {"exp": "np.exp(x)", "log": "np.log(x)", "sqrt": "np.sqrt(x)", "sigmoid": "1 / (1 + np.exp(-x))",
                  "clone": "x.copy()", "detach": "x (no autograd here)", "softmax": "a softmax with np.exp",
                  "pow": "x ** k", "numel": "x.size", "dim": "x.ndim", "unsqueeze": "x[:, None]",
                  "cumprod": "np.cumprod(x)", "abs": "np.abs(x)", "tanh": "np.tanh(x)", "relu": "np.maximum(x, 0)"}


def _tensor_method_hint(exc: BaseException) -> str:
    """' (numpy arrays have no .exp(): that is torch; use np.exp(x))' for a torch method called on an array."""
    text = str(exc)
    if not isinstance(exc, AttributeError) or "'numpy.ndarray' object has no attribute" not in text:
        return ""
    name = text.rsplit("attribute", 1)[1].strip(" '\"")
    if name not in TENSOR_METHODS:
        return ""
    return f" (numpy arrays have no .{name}(): that is torch; use {TENSOR_METHODS[name]})"


def mutated_inputs(before: dict, after: dict) -> list:
    """Names of arrays whose contents changed between two snapshots."""
    return [k for k in before if not np.array_equal(before[k], after[k], equal_nan=True)]


def compare(name: str, expected: np.ndarray, got, *, rtol: float, atol: float):
    """Compare one returned value with the expected array.

    Returns ``(None, abs_err, rel_err)`` when close, else ``(message, abs_err, rel_err)``;
    errors are None when the value could not be compared at all.
    """
    if got is None or isinstance(got, (str, bytes, dict, set)):
        return f"{name} should be an array of shape {expected.shape}, got {type(got).__name__}.", None, None
    try:
        raw = np.asarray(got)
        if raw.dtype.kind not in "biuf":
            return f"{name} should hold real numbers, got dtype {raw.dtype}.", None, None
        arr = raw.astype(float)
    except Exception:  # noqa: BLE001
        return f"{name} should be an array of numbers of shape {expected.shape}, got {type(got).__name__}.", None, None
    if arr.shape != expected.shape:
        return f"{name} has shape {arr.shape}, expected {expected.shape}.", None, None
    if not np.all(np.isfinite(arr)):
        bad = int(np.sum(~np.isfinite(arr)))
        return f"{name} contains {bad} NaN/inf value(s): {fmt(arr)}.", None, None
    with np.errstate(all="ignore"):
        diff = np.abs(arr - expected)
        abs_err = float(np.max(diff, initial=0.0))
        rel_err = float(np.max(np.where(diff == 0, 0.0, diff / np.abs(expected)), initial=0.0))  # inf if expected 0
        close = bool(np.all(diff <= atol + rtol * np.abs(expected)))
    if close:
        return None, abs_err, rel_err
    shown = (fmt(expected), fmt(arr))
    for digits in range(7, 16):  # the difference hides below 6 digits: the fewest digits that show it
        if shown[0] != shown[1]:
            break
        shown = (fmt(expected, precision=digits), fmt(arr, precision=digits))
    msg = (f"{name} is wrong: expected {shown[0]}, got {shown[1]} "
           f"(max abs error {abs_err:.3g}, max rel error {rel_err:.3g}; tolerance rtol={rtol:g}, atol={atol:.3g}).")
    if raw.dtype != np.float64:
        msg += f" Note: you returned dtype {raw.dtype}; compute in float64."
    return msg, abs_err, rel_err


def check_outputs(got, expected: tuple, names: tuple, *, rtol: float, atol) -> tuple:
    """Check a reader's return value against a tuple of expected arrays.

    ``atol`` is a float or one float per output. Returns ``(message or None, abs_err, rel_err)``.
    """
    if len(expected) > 1:
        want = "(" + ", ".join(names) + ")"
        if not isinstance(got, tuple):
            return f"should return a tuple {want}, got {type(got).__name__}.", None, None
        if len(got) != len(expected):
            return f"should return a tuple of {len(expected)} arrays {want}, got a tuple of {len(got)}.", None, None
    else:
        got = (got,)
    atols = atol if isinstance(atol, (tuple, list)) else [atol] * len(expected)
    worst_abs = worst_rel = 0.0
    for name, e, g, a in zip(names, expected, got, atols):
        msg, abs_err, rel_err = compare(name, np.asarray(e, dtype=float), g, rtol=rtol, atol=a)
        if msg is not None:
            return msg, abs_err, rel_err
        worst_abs, worst_rel = max(worst_abs, abs_err), max(worst_rel, rel_err)
    return None, worst_abs, worst_rel


def shapes_of(kwargs: dict) -> str:
    """'name (shape)' for every array argument, for messages."""
    return ", ".join(f"{k} {np.shape(v)}" for k, v in kwargs.items() if isinstance(v, np.ndarray))


def call_case(fn, case: Case, *, advice: str = "; return new arrays instead") -> tuple:
    """Call the reader's ``fn(**case.kwargs)`` on copies of the inputs -> ``(got, failure, where)``.

    ``failure`` is None, or the message of a case that already failed: ``fn`` raised (or returned
    nothing usable), or it modified an input array in place. ``where`` names the inputs' shapes.
    """
    inputs = {k: v.copy() for k, v in case.kwargs.items() if isinstance(v, np.ndarray)}
    kwargs = {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in case.kwargs.items()}
    got, error = call_reader(fn, **kwargs)
    where = f"[inputs: {shapes_of(case.kwargs)}]"
    if error is not None:
        return got, f"{error} {where}", where
    changed = mutated_inputs(inputs, kwargs)
    if changed:
        return got, f"modified its input(s) {', '.join(changed)} in place{advice}. {where}", where
    return got, None, where


def check(fn, reference, cases, *, drill, output_names=("output",), rtol=1e-7, atol=1e-10) -> Verdict:
    """Run ``fn(**case.kwargs)`` and ``reference(**case.kwargs)`` on every case and compare.

    For drills whose answer is one call. ``reference`` returns one array or a tuple of
    ``len(output_names)`` arrays. Returns a :class:`Verdict`; never raises because of ``fn``.
    See chapter: chapters/optimizers.md
    """
    if not callable(fn):
        return Verdict(drill, (CaseResult("(setup)", False, f"expected a function, got {type(fn).__name__}."),))
    results = []
    for case in cases:
        expected = reference(**case.kwargs)
        expected = expected if isinstance(expected, tuple) else (expected,)
        got, failure, where = call_case(fn, case)
        if failure is not None:
            results.append(CaseResult(case.name, False, failure))
            continue
        msg, abs_err, rel_err = check_outputs(got, expected, tuple(output_names), rtol=rtol, atol=atol)
        results.append(CaseResult(case.name, msg is None, "" if msg is None else f"{msg} {where}", abs_err, rel_err))
    return Verdict(drill, tuple(results))
