r"""Every "hand-write it" (手撕) drill of the book, read from the chapters: task, stub, checker, solution.

A chapter's drill section (a heading that starts "Hand-write it", or a label ending in ``-drill``)
gives each drill as a code cell that imports its checker from ``mlnotes.drills.<topic>``, defines the
reader's stub (a function whose body raises ``NotImplementedError``) and calls the checker on it:

    from mlnotes.drills.optim import adam_step_solution, check_adam_step
    def adam_step(param, grad, m, v, t, ...): raise NotImplementedError
    check_adam_step(adam_step)

Reading the cells with :mod:`ast` gives, for each stub, the checker ``check_<name>`` (the call whose
argument is the stub), its module (the import), the worked solution (the ``*_solution`` the chapter
checks with the same checker, by default ``<name>_solution``) with the helpers the chapter ``show``\ s
beside it, and the task: the prose between the previous code cell (or the heading) and the stub's cell. The drill is called ``<name>``. Nothing is listed twice:
``mlnotes drill`` and the question bank read the chapters each time.

See chapter: chapters/questions.md
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from mlnotes.appendix.errata import short_title
from mlnotes.interview.gather import source_chapters

DRILL_TITLE, DRILL_LABEL = "hand-write it", "-drill"


@dataclass(frozen=True)
class Drill:
    """One drill: its name, chapter, section, task (MyST), stub (Python), checker and solution."""

    name: str  # e.g. "adam_step" (the checker is check_<name>)
    chapter: str
    chapter_title: str
    section: str  # title of the (sub)section holding the stub
    anchor: str  # anchor of that section
    line: int  # 1-based line of the stub's cell in chapters/<chapter>.md
    task: str  # MyST prose
    stub: str  # the stub's source, as in the chapter
    function: str  # the stub's name (the reader's function)
    module: str  # e.g. "mlnotes.drills.optim"
    checker: str  # e.g. "check_adam_step"
    shown: tuple  # names in the drill module shown as the worked solution (first: <name>_solution)

    @property
    def signature(self) -> str:
        """``adam_step(param, grad, m, v, t, lr=0.001, …)`` as written in the stub."""
        tree = ast.parse(self.stub).body[0]
        return f"{tree.name}({ast.unparse(tree.args)})"

    @property
    def solution(self) -> str:
        return self.shown[0]

    @property
    def where(self) -> str:
        return f"{short_title(self.chapter_title)} › {self.section}"


def is_drill_section(section) -> bool:
    """True for a chapter's "Hand-write it" section (by title or by a label ending in ``-drill``)."""
    return section.title.lower().startswith(DRILL_TITLE) or bool(section.label and
                                                                  section.label.endswith(DRILL_LABEL))


def _cells(chapter, section):
    """(index of the opening fence, source) of every code cell in a section, in order."""
    lines, i, out = chapter.lines, section.start, []
    while i < section.end:
        if lines[i].kind == "fence" and lines[i].text.lstrip().startswith("```{code-cell}"):
            j = i + 1
            body = []
            while j < section.end and lines[j].kind == "code":
                body.append(lines[j].text)
                j += 1
            out.append((i, "\n".join(body)))
            i = j
        i += 1
    return out


def _strip_cell_options(code: str) -> str:
    """Drop a cell's leading ``:tags: [...]`` option lines (and the blank line after them)."""
    lines = code.split("\n")
    while lines and re.match(r"^:[\w-]+:", lines[0]):
        lines.pop(0)
    return "\n".join(lines).lstrip("\n")


def _parse(code: str):
    try:
        return ast.parse(_strip_cell_options(code))
    except SyntaxError:
        return None


def _imports(trees) -> dict:
    """name -> module for ``from mlnotes.drills.<x> import name``."""
    out = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("mlnotes.drills."):
                out.update({a.asname or a.name: node.module for a in node.names})
    return out


def _is_stub(node) -> bool:
    return isinstance(node, ast.FunctionDef) and any(
        isinstance(n, ast.Raise) and "NotImplementedError" in ast.unparse(n) for n in ast.walk(node))


def _shown_with(trees, solution: str) -> tuple:
    """The names ``show(...)`` displays together with ``solution`` (attribute access reads as its name)."""
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "show":
                names = [a.attr if isinstance(a, ast.Attribute) else getattr(a, "id", "") for a in node.args]
                if solution in names:  # other drills' solutions shown in the same cell are not this one's
                    return (solution, *[n for n in names if n and n != solution and not n.endswith("_solution")])
    return (solution,)


def _task(chapter, section, cell_start: int, previous: str) -> str:
    """The prose between the previous code cell (or the section's heading) and the stub's cell."""
    lines, out = chapter.lines, []
    for j in range(cell_start - 1, section.start, -1):
        ln = lines[j]
        if ln.kind in ("code", "fence", "heading") and not ln.text.startswith(":::"):
            break
        out.append(ln.text)
    text = "\n".join(reversed(out)).strip()
    return text or previous


def chapter_drills(chapter) -> list[Drill]:
    """The drills of one chapter, in order (see the module docstring).

    See chapter: chapters/questions.md
    """
    drills = []
    for top in (s for s in chapter.sections if is_drill_section(s)):
        cells = _cells(chapter, top)
        trees = [t for t in (_parse(c) for _, c in cells) if t is not None]
        imports = _imports(trees)
        calls, solutions = {}, {}  # stub name -> checker; checker -> the solution CI checks with it
        for tree in trees:
            for node in ast.walk(tree):
                if (isinstance(node, ast.Call) and getattr(node.func, "id", "").startswith("check_") and node.args
                        and isinstance(node.args[0], ast.Name)):
                    arg = node.args[0].id
                    if arg.endswith("_solution") and arg in imports:
                        solutions.setdefault(node.func.id, arg)
                    else:
                        calls.setdefault(arg, node.func.id)
        previous = ""
        for start, code in cells:
            tree = _parse(code)
            if tree is None:
                continue
            source = _strip_cell_options(code).split("\n")
            task = _task(chapter, top, start, previous)
            for node in tree.body:
                if not _is_stub(node) or node.name not in calls or calls[node.name] not in imports:
                    continue
                checker = calls[node.name]
                name = checker.removeprefix("check_")
                sub = chapter.section_at(start)
                stub = "\n".join(source[node.lineno - 1:node.end_lineno])
                drills.append(Drill(name, chapter.stem, chapter.title, sub.title, sub.anchor,
                                    chapter.lines[start].number, task, stub, node.name, imports[checker], checker,
                                    _shown_with(trees, solutions.get(checker, f"{name}_solution"))))
            previous = task
    return drills


def all_drills(root=None) -> list[Drill]:
    """Every drill of the book, chapter by chapter in the book's order.

    See chapter: chapters/questions.md
    """
    return [d for ch in source_chapters(root) for d in chapter_drills(ch)]


def find_drill(query: str, drills) -> Drill:
    """The drill named ``query``: its exact name, else the one drill whose name starts with (or contains) it.

    Raises ``ValueError`` naming the candidates when none or several match.
    See chapter: chapters/questions.md
    """
    if not isinstance(query, str) or not query.strip():
        raise ValueError(f"drill must be a non-empty name, got {query!r}")
    q = query.strip().lower().replace("-", "_")
    for match in (lambda d: d.name == q, lambda d: d.name.startswith(q), lambda d: q in d.name,
                  lambda d: q in d.function.lower()):
        found = [d for d in drills if match(d)]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise ValueError(f"drill {query!r} is ambiguous: " + ", ".join(d.name for d in found))
    raise ValueError(f"no drill named {query!r}; `mlnotes drill list` shows them all")


@dataclass
class DrillTable:
    """Every drill as a table row: chapter, name (the ``mlnotes drill`` name), signature, link."""

    drills: list

    def __repr__(self) -> str:
        return "\n".join(f"{d.chapter:16s} {d.name:22s} {d.signature}" for d in self.drills)

    def _repr_html_(self) -> str:
        import html

        from mlnotes.appendix._html import CELL, TABLE

        head = "".join(f"<th{CELL}>{c}</th>" for c in ("chapter", "drill", "signature"))
        rows = "".join(f'<tr><td{CELL}><a href="{d.chapter}.html#{d.anchor}">{html.escape(d.where)}</a></td>'
                       f"<td{CELL}><code>{html.escape(d.name)}</code></td>"
                       f"<td{CELL}><code>{html.escape(d.signature)}</code></td></tr>" for d in self.drills)
        return f"<table{TABLE}><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def drill_table(root=None) -> DrillTable:
    """Every drill of the book as a table (see :class:`DrillTable`).

    See chapter: chapters/questions.md
    """
    return DrillTable(all_drills(root))
