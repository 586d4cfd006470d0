"""nbval over the chapters: run each one and, when a first execution exists, compare with it.

Two kinds of file are collected when pytest runs with ``--nbval``:

* a chapter source, ``chapters/<name>.md`` (jupytext MyST). nbval only reads ``.ipynb``, so the
  collector reads it with jupytext (no ``.ipynb`` is ever written beside the sources). Without
  stored outputs this just executes the chapter: a cell that raises fails.
* an executed chapter written by the strict build, ``_build/strict/_build/jupyter_execute/
  chapters/<name>.ipynb``. ``make test`` runs nbval on these: each chapter is executed a second
  time and every output must equal the strict build's (text, HTML with every frame of every
  figure, and PNG images), so this one run is both the nbval check and the determinism check.
  The numbers quoted in the prose are checked too: the strict build records what each
  ``{eval}`` expression showed (``_ext/mlnotes_site.py``), and the collector turns each one into a
  cell that must evaluate to the same text at the same place in the chapter.

Cells tagged ``timing`` report wall-clock measurements: they run, but their outputs are not
compared (nbval's ``nbval-ignore-output``).
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import pytest

EXECUTED = ("_build", "jupyter_execute", "chapters")
EVAL_ROLE = re.compile(r"\{eval\}`([^`]+)`")


def _is_chapter_source(path: Path) -> bool:
    if path.suffix != ".md" or path.parent.name != "chapters":
        return False
    head = path.read_text(encoding="utf-8")[:400]
    return head.startswith("---") and "jupytext" in head


def _is_executed_chapter(path: Path) -> bool:
    return path.suffix == ".ipynb" and path.parts[-len(EXECUTED) - 1:-1] == EXECUTED


@pytest.hookimpl(wrapper=True)
def pytest_collect_file(file_path: Path, parent):
    """Chapters are collected by our nbval subclass only (nbval's own collector would run an
    executed chapter a second time, unprepared)."""
    collected = yield
    opt = parent.config.option
    if not (getattr(opt, "nbval", False) or getattr(opt, "nbval_lax", False)):
        return collected
    path = Path(file_path)
    if not (_is_chapter_source(path) or _is_executed_chapter(path)):
        return collected
    from nbval.plugin import IPyNbFile

    kept = [c for c in collected if not isinstance(c, IPyNbFile)]
    return [*kept, _chapter_class().from_parent(parent, path=file_path)]


def prepare(nb):
    """Tag timing cells, and add one checking cell per ``{eval}`` expression of the prose.

    The checks are inserted only where the executed notebook recorded what the expressions
    showed (``metadata.mlnotes.eval``, in document order); a source chapter has no record.
    """
    import nbformat

    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if cell.cell_type == "code" and "timing" in tags and "nbval-ignore-output" not in tags:
            cell.metadata["tags"] = [*tags, "nbval-ignore-output"]
    record = nb.metadata.get("mlnotes", {}).get("eval")
    if record is None:
        return nb
    found = [(i, expr) for i, cell in enumerate(nb.cells) if cell.cell_type == "markdown"
             for expr in EVAL_ROLE.findall(cell.source)]
    if [expr for _, expr in found] != [expr for expr, _ in record]:
        raise ValueError("the {eval} expressions of the prose differ from those the strict build recorded: "
                         f"{[e for _, e in found]} vs {[e for e, _ in record]}")
    cells = []
    checks = iter(zip(found, record))
    pending = next(checks, None)
    for i, cell in enumerate(nb.cells):
        cells.append(cell)
        while pending is not None and pending[0][0] == i:
            (_, expr), (_, shown) = pending
            check = nbformat.v4.new_code_cell(source=expr, metadata={"tags": ["mlnotes-eval"]}, execution_count=1)
            check.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": shown}, execution_count=1)]
            cells.append(check)
            pending = next(checks, None)
    nb.cells = cells
    return nb


@contextlib.contextmanager
def _read_chapters():
    import jupytext
    import nbformat
    import nbval.plugin

    original = nbval.plugin.nbformat

    class _Shim:
        def __getattr__(self, name):
            return getattr(original, name)

        @staticmethod
        def read(path, as_version=4):
            nb = jupytext.read(path, as_version=as_version) if str(path).endswith(".md") else \
                nbformat.read(path, as_version=as_version)
            return prepare(nb)

    nbval.plugin.nbformat = _Shim()
    try:
        yield
    finally:
        nbval.plugin.nbformat = original


def _chapter_class():
    from nbval.plugin import IPyNbFile

    class Chapter(IPyNbFile):
        """A chapter for nbval: a jupytext source or the strict build's executed notebook."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            # Compare PNG images too (nbval skips them unless nbdime is used): ours are deterministic.
            self.skip_compare = tuple(k for k in self.skip_compare if k not in ("image/png", "image/jpeg"))

        def collect(self):
            with _read_chapters():
                yield from super().collect()

    return Chapter
