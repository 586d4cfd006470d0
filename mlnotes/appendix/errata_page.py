"""The errata page's two outputs: an overview table and every erratum run, both built when the page runs.

See chapter: chapters/errata.md
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from mlnotes.appendix.errata import (LAST_NUMBERED, Demonstrated, check_errata, demonstrate, inline_html, locate,
                                     short_title)
from mlnotes.appendix.errata import all_errata as _all_errata
from mlnotes.appendix._html import CELL as _CELL
from mlnotes.appendix._html import TABLE as _TABLE
from mlnotes.appendix.sources import load_chapters



@dataclass
class Overview:
    """Number, title, source note and the chapter section of every erratum, as a table."""

    rows: list  # Located

    def __repr__(self) -> str:
        return "\n".join(f"{loc.erratum.number:2d}. {loc.erratum.title} — {loc.href}" for loc in self.rows)

    def _repr_markdown_(self) -> str:
        lines = ["| # | mistake | note | explained in |", "|---|---|---|---|"]
        for loc in self.rows:
            e = loc.erratum
            lines.append(f"| {e.number} | {e.title.replace('|', '/')} | {e.seed} | "
                         f"[{short_title(loc.chapter.title)} › {loc.section.title}]({loc.href}) |")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = "".join(f"<th{_CELL}>{c}</th>" for c in ("#", "mistake", "note", "explained in"))
        body = []
        for loc in self.rows:
            e = loc.erratum
            where = short_title(loc.chapter.title) + (f" › {loc.section.title}" if loc.section.level > 1 else "")
            body.append(f'<tr><td{_CELL}><a href="#erratum-{e.number}">{e.number}</a></td>'
                        f"<td{_CELL}>{inline_html(e.title)}</td><td{_CELL}>{html.escape(e.seed)}</td>"
                        f'<td{_CELL}><a href="{html.escape(loc.href)}">{html.escape(where)}</a></td></tr>')
        return (f'<table class="mlnotes-errata"{_TABLE[:-1]};table-layout:fixed">'
                '<colgroup><col style="width:8%"><col style="width:40%"><col style="width:14%"><col style="width:38%">'
                "</colgroup>"
                f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")


@dataclass
class Demonstrations:
    """Every erratum run, in number order: one box each (claim, correction, outcome, code, link)."""

    items: list  # Demonstrated

    def __repr__(self) -> str:
        return "\n\n".join(repr(d) for d in self.items)

    def _repr_html_(self) -> str:
        return "".join(d._repr_html_() for d in self.items)


@dataclass
class ErrataBook:
    """The registered errata checked against the chapters: located, counted, ready to run."""

    errata: list
    chapters: dict

    @property
    def numbered(self) -> int:
        """How many errata the chapters number (those of TOPICS.md)."""
        return sum(e.number <= LAST_NUMBERED for e in self.errata)

    @property
    def further(self) -> int:
        """How many further errata the chapters found (23 on)."""
        return len(self.errata) - self.numbered

    def overview(self) -> Overview:
        return Overview([locate(e, self.chapters) for e in self.errata])

    def run(self) -> Demonstrations:
        """Run every demonstration (each asserts its difference)."""
        items = [demonstrate(e, self.chapters) for e in self.errata]
        assert all(isinstance(d, Demonstrated) for d in items)
        return Demonstrations(items)


def errata_book(root=None) -> ErrataBook:
    """Every registered erratum, checked against the chapters under ``root`` (default: found from the
    working directory). Raises ``AssertionError`` listing every disagreement (see
    :func:`~mlnotes.appendix.errata.check_errata`).

    See chapter: chapters/errata.md
    """
    chapters = {c.stem: c for c in load_chapters(root)}
    errata = _all_errata()
    problems = check_errata(errata, chapters.values())
    if problems:
        raise AssertionError("the errata appendix and the chapters disagree:\n- " + "\n- ".join(problems))
    return ErrataBook(errata, chapters)
