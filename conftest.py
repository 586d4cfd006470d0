"""Let nbval execute the jupytext MyST chapters (``chapters/*.md``) directly.

nbval only collects ``.ipynb`` files. Rather than converting (and risking ``.ipynb`` copies
beside the sources, which Sphinx would also pick up), we subclass nbval's collector and read
the notebook with jupytext. Run with ``pytest --nbval --nbval-current-env chapters``.
"""

from __future__ import annotations

import contextlib
from pathlib import Path



def _is_chapter(path: Path) -> bool:
    if path.suffix != ".md" or path.parent.name != "chapters":
        return False
    head = path.read_text(encoding="utf-8")[:400]
    return head.startswith("---") and "jupytext" in head


def pytest_collect_file(file_path: Path, parent):
    opt = parent.config.option
    if getattr(opt, "nbval", False) or getattr(opt, "nbval_lax", False):
        if _is_chapter(Path(file_path)):
            return _chapter_class().from_parent(parent, path=file_path)
    return None


@contextlib.contextmanager
def _read_with_jupytext():
    import jupytext
    import nbval.plugin

    original = nbval.plugin.nbformat

    class _Shim:
        def __getattr__(self, name):
            return getattr(original, name)

        @staticmethod
        def read(path, as_version=4):
            return jupytext.read(path, as_version=as_version)

    nbval.plugin.nbformat = _Shim()
    try:
        yield
    finally:
        nbval.plugin.nbformat = original


def _chapter_class():
    from nbval.plugin import IPyNbFile

    class JupytextChapter(IPyNbFile):
        """An nbval notebook read from a jupytext MyST file."""

        def collect(self):
            with _read_with_jupytext():
                yield from super().collect()

    return JupytextChapter
