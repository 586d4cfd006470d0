"""Each chapter's one-page cheat sheet (速查), read from the chapter's marked section.

A chapter marks its cheat sheet with a section whose title starts "Cheat sheet" (or whose label ends
in ``-cheatsheet``), e.g. ``(sec-loss-cheatsheet)=`` / ``## Cheat sheet (速查)``: key formulas and
traps, in the chapter's own words and with its computed values. This module finds those sections
and renders their prose (code cells left out) for the question-bank page; ``scripts/pdf.py`` prints
the same section of each built chapter page as one page of the print edition. A chapter without one
is listed, not an error: the generators tolerate it.

See chapter: chapters/questions.md
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from mlnotes.appendix.errata import short_title
from mlnotes.interview.gather import _eval_counts, all_chapters, label_targets, source_chapters
from mlnotes.interview.render import Context, to_html

TITLE, LABEL = "cheat sheet", "-cheatsheet"
APPENDIX = "Appendix"  # appendix pages (practice, errata…) need no cheat sheet


def is_cheatsheet(section) -> bool:
    """True for a cheat-sheet section (by title or by a label ending in ``-cheatsheet``)."""
    return section.title.lower().startswith(TITLE) or bool(section.label and section.label.endswith(LABEL))


@dataclass(frozen=True)
class CheatSheet:
    """One chapter's cheat sheet: where it is, and its prose (MyST, code cells dropped)."""

    chapter: str
    chapter_title: str
    anchor: str
    source: str
    eval_offsets: tuple

    @property
    def href(self) -> str:
        return f"{self.chapter}.html#{self.anchor}"


def chapter_cheatsheet(chapter) -> CheatSheet | None:
    """The chapter's cheat sheet, or None if it has none (see the module docstring).

    See chapter: chapters/questions.md
    """
    section = next((s for s in chapter.sections if is_cheatsheet(s)), None)
    if section is None:
        return None
    lines = []
    for ln in chapter.lines[section.start + 1:section.end]:
        if ln.kind == "heading":  # subsections read as small headings under the chapter's
            lines.append(re.sub(r"^#+", "#####", ln.text))
        elif ln.kind in ("prose", "dropdown") or (ln.kind == "fence" and ln.text.startswith(":")):
            lines.append(ln.text)
    return CheatSheet(chapter.stem, chapter.title, section.anchor, "\n".join(lines).strip(),
                      _eval_counts(chapter, section.start))


@dataclass
class CheatSheets:
    """Every chapter's cheat sheet, and the chapters that have none yet."""

    sheets: list
    without: list  # chapter stems
    targets: dict  # label -> Target, for the sheets' links

    def __repr__(self) -> str:
        have = ", ".join(s.chapter for s in self.sheets) or "none"
        return f"cheat sheets: {have}\nnot yet: {', '.join(self.without) or 'none'}"

    def _repr_html_(self) -> str:
        parts = []
        for s in self.sheets:
            body = to_html(s.source, Context(self.targets, s.chapter, dict(s.eval_offsets)))
            parts.append(f'<div id="sheet-{s.chapter}" style="border:1px solid #d0d7de;border-radius:.4em;'
                         f'padding:.2em 1em .6em;margin:1em 0">'
                         f'<h3 style="margin-top:.6em">{html.escape(short_title(s.chapter_title))} '
                         f'<a href="{html.escape(s.href)}" style="font-size:.7em;font-weight:normal">in the chapter →'
                         f"</a></h3>{body}</div>")
        if self.without:
            parts.append("<p>Not yet written: " + ", ".join(
                f'<a href="{c}.html">{c}</a>' for c in self.without) + ".</p>")
        return f'<div class="mlnotes-sheets mathjax_process">{"".join(parts)}</div>'


def cheat_sheets(root=None) -> CheatSheets:
    """The cheat sheets of every chapter under ``root`` (default: found from the working directory).

    See chapter: chapters/questions.md
    """
    sheets, without = [], []
    for ch in source_chapters(root):
        sheet = chapter_cheatsheet(ch)
        if sheet is not None:
            sheets.append(sheet)
        elif not ch.title.startswith(APPENDIX):
            without.append(ch.stem)
    return CheatSheets(sheets, without, label_targets(all_chapters(root)))
