"""What a chapter uses to show its code and check its own claims, the same in both worlds.

A chapter is read on the static site (myst-nb) and run in Jupyter Lab, VS Code or Notebook.
Sphinx-only directives such as ``literalinclude`` or ``glue`` are invisible or raw text in
those, so a chapter uses plain code cells instead:

* ``show(SGD._update)`` displays the source of an ``mlnotes`` object, highlighted, taken
  from the package when the cell runs (never copied into the chapter). On the site the cell
  is tagged ``remove-input`` and only the code is seen.
* numbers in prose are MyST's ``{eval}`var``` inline role: a string formatted in the cell
  that computes it (``worst = f"{err:.0e}"``), so the sentence always shows what ran.
* ``figure(draw, figsize=(6.4, 3), alt="…", **values)`` shows one static figure drawn by a
  ``draw(ax, **values)`` function, rendered like an ``explore`` frame: at 2× its CSS size (sharp
  on 2× screens, never upscaled), with alt text; plain ``plt.show()`` output is 1× and blurry.
* ``expect_error(ValueError, match="beta2")`` runs a statement that must fail and prints the
  error in one line; if nothing (or something else) is raised the cell fails, so "this raises"
  is itself a checked claim, and no notebook-wide setting such as ``%xmode`` is changed.

See chapter: chapters/optimizers.md (the model chapter).
"""

from __future__ import annotations

import ast
import contextlib
import html
import inspect
import re
import textwrap
from pathlib import Path

_PACKAGE_ROOT = Path(__file__).resolve().parent
PYGMENTS_STYLE = "a11y-high-contrast-light"  # the site's light-mode style (pydata-sphinx-theme)


def _formatter():
    """Pygments' inline-style HTML formatter in the site's style. Importing that style (package
    ``a11y_pygments``) calls ``logging.basicConfig(level=INFO)``, which would send every library's
    log lines to stderr (and stderr fails the book's strict build): the root logger is restored."""
    import logging

    from pygments.formatters import HtmlFormatter

    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        return HtmlFormatter(noclasses=True, style=PYGMENTS_STYLE, nobackground=True)
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


class Source:
    """Source code of one or more ``mlnotes`` objects, displayed highlighted.

    ``text/html`` (inline-styled Pygments, so it looks the same on the site, in Lab and in VS
    Code), ``text/markdown`` (a fenced block) and ``text/plain`` (the code itself: stable, so
    two executions give identical outputs).
    """

    def __init__(self, parts: list[tuple[str, str]], summary: str | None = None):
        self.parts = parts  # (caption, code)
        self.summary = summary  # if set: shown collapsed under this title (e.g. a drill's solution)

    def __repr__(self) -> str:
        return "\n\n".join(f"# {caption}\n{code}" for caption, code in self.parts)

    def _repr_markdown_(self) -> str:
        text = "\n\n".join(f"`{caption}`\n\n```python\n{code}\n```" for caption, code in self.parts)
        if self.summary:
            text = f"<details><summary>{html.escape(self.summary)}</summary>\n\n{text}\n\n</details>"
        return text

    def _repr_html_(self) -> str:
        from pygments import highlight
        from pygments.lexers import PythonLexer

        formatter = _formatter()
        blocks = []
        for caption, code in self.parts:
            body = highlight(code, PythonLexer(), formatter)
            blocks.append(f'<div class="mlnotes-src"><div class="mlnotes-src-caption"{_CAPTION_STYLE}>{html.escape(caption)}</div>'
                          f'<div class="highlight-python notranslate">{body}</div></div>')
        body = "".join(blocks)
        if self.summary:
            body = (f'<details class="mlnotes-details"{_DETAILS_STYLE}><summary style="cursor:pointer;font-weight:600">'
                    f"{html.escape(self.summary)}</summary>{body}</details>")
        return body


_CAPTION_STYLE = ' style="font-size:.8em;color:#57606a;font-family:monospace;margin:.6em 0 .2em"'
_DETAILS_STYLE = ' style="border:1px solid #d0d7de;border-radius:.3em;padding:.4em .8em;margin:.5em 0"'


def _caption(obj) -> str:
    name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", "")
    try:
        path = Path(inspect.getsourcefile(obj)).resolve()
        lines, first = inspect.getsourcelines(obj)
    except (TypeError, OSError):
        raise TypeError(f"show() needs a function, class, method or module of mlnotes, got {type(obj).__name__}")
    try:
        where = path.relative_to(_PACKAGE_ROOT.parent).as_posix()
    except ValueError:
        raise ValueError(f"show() displays mlnotes code only; {name or obj!r} is defined in {path}") from None
    if inspect.ismodule(obj):
        return where
    return f"{where} · {name} (lines {first}–{first + len(lines) - 1})"


def show(*objs, drop_docstring: bool = False, collapsed: str | None = None) -> Source:
    """Display the source of ``mlnotes`` functions, classes, methods or modules.

    ``show(SGD)``, ``show(SGD._update, Adam._update)``. ``drop_docstring=True`` leaves out each
    object's docstring (the math is already in the chapter's prose). ``collapsed="Solution"``
    shows the code folded under that title (a ``<details>`` element: closed on the site, in
    Lab and in VS Code). Raises ``TypeError`` for an object without Python source and
    ``ValueError`` for code outside ``mlnotes``.

    See chapter: chapters/optimizers.md.
    """
    if not objs:
        raise TypeError("show() needs at least one object, e.g. show(SGD)")
    parts = []
    for obj in objs:
        obj = inspect.unwrap(getattr(obj, "__func__", obj))  # methods and lru_cache wrappers show their function
        caption = _caption(obj)
        code = textwrap.dedent(inspect.getsource(obj)).rstrip("\n")
        if drop_docstring:
            code = _drop_docstring(code)
        parts.append((caption, code))
    if collapsed is not None and (not isinstance(collapsed, str) or not collapsed.strip()):
        raise TypeError(f"collapsed must be a non-empty title such as 'Solution', got {collapsed!r}")
    return Source(parts, summary=collapsed)


def _drop_docstring(code: str) -> str:
    """The code without the docstring of its outer ``def``/``class`` (found with ``ast``)."""
    tree = ast.parse(code)
    node = tree.body[0] if tree.body else None
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) or not node.body:
        return code
    first = node.body[0]
    if not (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str)):
        return code
    lines = code.split("\n")
    return "\n".join(lines[: first.lineno - 1] + lines[first.end_lineno:])


class Figure:
    """One static figure: PNG at ``scale`` × its CSS size, shown at the CSS size with alt text."""

    def __init__(self, png: bytes, css_size: tuple[int, int], alt: str):
        self.png, self.css_size, self.alt = png, css_size, alt

    def __repr__(self) -> str:
        return f"<figure {self.css_size[0]}×{self.css_size[1]}: {self.alt}>"

    def _repr_html_(self) -> str:
        import base64

        w, h = self.css_size
        data = base64.b64encode(self.png).decode("ascii")
        return (f'<img class="mlnotes-figure" src="data:image/png;base64,{data}" width="{w}" height="{h}" '
                f'alt="{html.escape(self.alt)}" style="max-width:100%;height:auto">')

    def _repr_png_(self):
        w, h = self.css_size
        return self.png, {"width": w, "height": h}


def figure(draw, *, figsize=(6.4, 3.0), nrows=1, ncols=1, dpi=80, scale=2, alt: str = "", **values) -> Figure:
    """A static figure of ``draw(axes, **values)``, rendered as ``explore`` renders its frames.

    ``figsize`` (inches) × ``dpi`` is the size it is shown at (CSS pixels); the PNG has ``scale``
    times as many pixels. ``alt`` describes it for screen readers (default: ``draw``'s docstring).
    Raises what ``explore`` raises for bad sizes, and ``ValueError`` if the figure plots NaN or inf.

    See chapter: chapters/normalization.md.
    """
    from mlnotes.explore import FrameRenderer

    if not callable(draw):
        raise TypeError(f"draw must be callable, got {type(draw).__name__}")
    renderer = FrameRenderer(draw, figsize=figsize, nrows=nrows, ncols=ncols, dpi=dpi, scale=scale)
    text = alt or getattr(draw, "__doc__", "") or "figure"
    return Figure(renderer.render(values), renderer.css_size, " ".join(text.split()))


@contextlib.contextmanager
def expect_error(*types: type[BaseException], match: str | None = None):
    """Run a block that must raise one of ``types``; print ``TypeName: message`` and go on.

    Fails with ``AssertionError`` if nothing is raised, and lets any other exception through,
    so the chapter's claim "this raises X" is checked whenever the cell runs. ``match`` is a
    regular expression the message must contain (``re.search``).

    See chapter: chapters/optimizers.md.
    """
    if not types or not all(isinstance(t, type) and issubclass(t, BaseException) for t in types):
        raise TypeError("expect_error needs exception classes, e.g. expect_error(ValueError)")
    try:
        yield
    except types as err:
        message = str(err)
        if match is not None and not re.search(match, message):
            raise AssertionError(f"{type(err).__name__} was raised but its message {message!r} does not match "
                                 f"{match!r}") from err
        print(f"{type(err).__name__}: {message}")
    else:
        names = " or ".join(t.__name__ for t in types)
        raise AssertionError(f"expected {names}, but the block ran without an error")
