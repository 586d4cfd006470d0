"""Run a drill cell's code as the notebook does and return what to show: the reader's browser (Pyodide) calls this.

On the static site a drill cell has a "Run in your browser" mode: the reader edits the cell's code and
runs it; a Web Worker (``mlnotes/drills/static/mlnotes-drill-worker.js``) hands the code to
:func:`run_cell_json` inside Pyodide. The code runs like a notebook cell in a fresh namespace: every
statement in order, and the value of a final expression is the cell's result. A
:class:`~mlnotes.drills.core.Verdict` result is shown with its own ``_repr_html_``, the HTML the
notebook displays; any other result as its ``repr``. The reader's prints are returned too. A syntax
error or an exception outside the checker (the checker itself never raises because of the reader's
function) becomes a short traceback naming the line of the reader's code.

In Pyodide the checkers compare with the book's own numpy implementations
(:func:`mlnotes.drills.core.oracle`), which CI proves equal to torch and scikit-learn and whose
verdicts CI proves identical (``tests/test_drills_oracle.py``, ``tests/test_pyodide_drills.py``).

See chapter: chapters/questions.md
"""

from __future__ import annotations

import ast
import contextlib
import html
import io
import json
import traceback

FILENAME = "<your code>"
MAX_OUTPUT = 20_000  # characters of the reader's prints kept
ABSENT = ("torch", "sklearn", "scipy", "pandas", "matplotlib")  # not in the browser's Python


def _absent_hint(exc: BaseException) -> str:
    """A line for ``import torch`` (or sklearn, scipy…) where only numpy exists, else ''."""
    if isinstance(exc, ModuleNotFoundError) and (exc.name or "").split(".")[0] in ABSENT:
        return (f"\n{exc.name.split('.')[0]} is not available in your browser (only Python and numpy are): write this "
                "drill with numpy. torch and scikit-learn work in the notebook (make lab) and with "
                "`mlnotes drill check`.")
    return ""


def _no_input(prompt=""):
    raise OSError("input() cannot ask for anything here: pass values as arguments instead")


def _traceback(exc: BaseException) -> str:
    """The exception with only the frames of the reader's code (the line numbers of the edited cell)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == FILENAME]
    lines = [f"  line {f.lineno}, in {f.name}" for f in frames]
    return "\n".join(["Traceback (your code):", *lines, f"{type(exc).__name__}: {exc}"] if lines
                     else [f"{type(exc).__name__}: {exc}"])


def run_cell(source: str) -> dict:
    """Run ``source`` like a notebook cell; return what to display.

    ``source``: the cell's Python code (str). Returns a dict with ``kind`` ("verdict", "value", "none" or
    "error"), ``passed`` (bool or None when no verdict), ``html`` (the verdict's HTML, or escaped text),
    ``text`` (plain text of the same) and ``stdout`` (the prints, at most 20 000 characters).
    Raises ``TypeError`` if ``source`` is not a str; never raises because of the code it runs.
    See chapter: chapters/questions.md
    """
    if not isinstance(source, str):
        raise TypeError(f"source must be a str, got {type(source).__name__}")
    out = io.StringIO()
    result = {"kind": "none", "passed": None, "html": "", "text": "", "stdout": ""}
    try:
        tree = ast.parse(source, filename=FILENAME)
    except (SyntaxError, ValueError) as exc:  # ValueError: a NUL byte in the source
        where = f" (line {exc.lineno})" if getattr(exc, "lineno", None) else ""
        shown = f"\n    {exc.text.rstrip()}" if getattr(exc, "text", None) else ""
        text = f"{type(exc).__name__}: {getattr(exc, 'msg', exc)}{where}{shown}"
        return {**result, "kind": "error", "text": text, "html": f"<pre>{html.escape(text)}</pre>"}
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    namespace = {"__name__": "__main__", "input": _no_input}
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            exec(compile(tree, FILENAME, "exec"), namespace)  # noqa: S102 - the reader's own code, in their browser
            value = None if last is None else eval(compile(ast.Expression(last.value), FILENAME, "eval"),  # noqa: S307
                                                   namespace)
    except BaseException as exc:  # noqa: BLE001 - SystemExit, KeyboardInterrupt too: a message, not a dead worker
        text = _traceback(exc) + _absent_hint(exc)
        return {**result, "kind": "error", "text": text, "html": f"<pre>{html.escape(text)}</pre>",
                "stdout": out.getvalue()[:MAX_OUTPUT]}
    result["stdout"] = out.getvalue()[:MAX_OUTPUT]
    if value is None:
        return result
    from mlnotes.drills.core import Verdict

    if isinstance(value, Verdict):
        return {**result, "kind": "verdict", "passed": value.passed, "html": value._repr_html_(), "text": str(value)}
    text = repr(value)
    return {**result, "kind": "value", "text": text, "html": f"<pre>{html.escape(text)}</pre>"}


def run_cell_json(source: str) -> str:
    """:func:`run_cell` as a JSON string (what the Web Worker posts back to the page)."""
    return json.dumps(run_cell(source), ensure_ascii=False)
