"""A Sphinx extension: the question bank and the flashcards show the values their chapters computed.

An answer that says "{eval}`ratio_t1` ×" shows, in its chapter, the value the chapter computed when it
ran. The question bank and the flashcard deck are built from the chapter *sources*
(:mod:`mlnotes.interview.render`), so there each such role is a placeholder
``<span class="mlx-eval" data-eval="optimizers/ratio_t1/1">…</span>``: the notebook output stays the
same however the book was built (the strict build and its second execution compare equal), and in
Jupyter the placeholder reads "…".

On the site this extension fills the placeholders after every chapter has run (Sphinx's write phase,
``doctree-resolved``): the value of the $k$-th ``{eval}`` of ``name`` in a chapter is the one the
chapter's executed notebook recorded (``metadata.mlnotes.eval``, written by ``_ext/mlnotes_site.py``),
bound to the source's roles by :func:`mlnotes.rag.values.bind_values`, the same rule ``mlnotes ask``
uses. A chapter that did not execute in this build (``MLNOTES_ONLY``) keeps "…". Placeholders inside
the flashcards' JSON (quotes escaped) are filled the same way, JSON-escaped.

Register it in ``_config.yml`` (``sphinx: extra_extensions: [mlnotes.interview.site]``).
See chapter: chapters/questions.md
"""

from __future__ import annotations

import html
import json
import re
from functools import lru_cache
from pathlib import Path

from mlnotes.interview.render import EVAL_CLASS, PLACEHOLDER

#: a placeholder in HTML (group 1 empty) or inside a JSON string (quotes escaped: group 1 is a backslash)
PLACEHOLDERS = re.compile(r'<span class=(\\?)"' + EVAL_CLASS + r'\1" data-eval=\1"([^"\\]+)\1"([^>]*)>'
                          + PLACEHOLDER + "</span>")


@lru_cache(maxsize=64)
def chapter_values(source_path: str, notebook_path: str, stamp: tuple) -> dict:
    """``{eval}`` body (``name`` or ``name#k``) -> shown text, for one chapter source and its executed notebook."""
    from mlnotes.rag.values import bind_values, recorded_values

    try:
        source = Path(source_path).read_text(encoding="utf-8")
    except OSError:
        return {}
    return bind_values(source, recorded_values(notebook_path))[1]


def _stamp(*paths) -> tuple:
    out = []
    for p in paths:
        try:
            out.append(Path(p).stat().st_mtime_ns)
        except OSError:
            out.append(None)
    return tuple(out)


def lookup(key: str, srcdir, executed) -> str | None:
    """The value a chapter shows for a placeholder key ``chapter/name/k``, or None if it has none.

    ``srcdir``: the book's root (``chapters/<chapter>.md``); ``executed``: the folder of executed
    notebooks (``<chapter>.ipynb``). See chapter: chapters/questions.md
    """
    try:
        chapter, name, k = key.rsplit("/", 2)
    except ValueError:
        return None
    src, nb = Path(srcdir) / "chapters" / f"{chapter}.md", Path(executed) / f"{chapter}.ipynb"
    values = chapter_values(str(src), str(nb), _stamp(src, nb))
    return values.get(f"{name}#{k}", values.get(name))


def fill(text: str, srcdir, executed) -> tuple[str, int, int]:
    """Replace every placeholder in ``text`` whose value is known: -> (text, filled, left as "…").

    See chapter: chapters/questions.md
    """
    counts = [0, 0]

    def one(match) -> str:
        value = lookup(match.group(2), srcdir, executed)
        if value is None:
            counts[1] += 1
            return match.group(0)
        counts[0] += 1
        shown = html.escape(value)
        if match.group(1):  # inside a JSON string
            shown = json.dumps(shown, ensure_ascii=False)[1:-1]
        return match.group(0).replace(f">{PLACEHOLDER}</span>", f">{shown}</span>")

    return PLACEHOLDERS.sub(one, text), counts[0], counts[1]


def _fill_doctree(app, doctree, docname: str) -> None:
    from docutils import nodes

    if app.builder.format != "html":
        return
    executed = Path(app.outdir).parent / "jupyter_execute" / "chapters"
    for node in list(doctree.findall(nodes.raw)):
        text = node.astext()
        if EVAL_CLASS in text and "data-eval=" in text:
            filled, _, _ = fill(text, app.srcdir, executed)
            if filled != text:
                node.replace_self(nodes.raw("", filled, format="html"))


def setup(app):
    """Sphinx entry point: fill placeholders when each page is written."""
    app.connect("doctree-resolved", _fill_doctree)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
