r"""The glossary (术语表): every "Term (中文)" mark of the chapters, English → 中文 and 中文 → English.

Marks are read by :mod:`mlnotes.appendix.marks`. Those that name a term are grouped by their English
side, compared case-insensitively without a leading article ("The dual" and "dual" are one entry);
an entry keeps every Chinese rendering, abbreviation and place (chapter and section) in book order.
The Chinese index groups the same marks by each Chinese term.

**Orders.** English: letters only, case-folded (``unicodedata`` NFKD). Chinese: by pinyin when the
optional ``pypinyin`` package is importable (tone numbers after the syllable, ``TONE3``), otherwise
by Unicode code point — for the CJK Unified Ideographs block that is the Kangxi radical-and-stroke
order in which Unicode lists the characters, not pinyin. :func:`chinese_order` says which was used.

See chapter: chapters/glossary.md
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field

from mlnotes.appendix._html import CELL as _CELL
from mlnotes.appendix._html import TABLE as _TABLE
from mlnotes.appendix.marks import chapter_marks
from mlnotes.appendix.sources import load_chapters


@dataclass(frozen=True)
class Place:
    """Where a term is marked: a chapter and a section of it."""

    chapter: str
    chapter_title: str
    anchor: str
    section: str

    @property
    def href(self) -> str:
        """Link from another page of ``chapters/``: ``<chapter>.html#<anchor>``."""
        return f"{self.chapter}.html" + (f"#{self.anchor}" if self.anchor else "")

    @property
    def text(self) -> str:
        short = re.sub(r"\s*\([^)]*\)\s*$", "", self.chapter_title)  # "Optimizers (优化器)" -> "Optimizers"
        return short if self.section == self.chapter_title else f"{short} › {self.section}"


@dataclass
class Entry:
    """One English term with its Chinese renderings, abbreviations and places (book order)."""

    english: str
    chinese: list = field(default_factory=list)
    aliases: list = field(default_factory=list)
    places: list = field(default_factory=list)


def term_key(english: str) -> str:
    """The grouping key of an English term: case-folded, no leading article, single spaces.

    See chapter: chapters/glossary.md
    """
    text = re.sub(r"\s+", " ", english).strip()
    text = re.sub(r"^(?:the|a|an)\s+", "", text, flags=re.I)
    return text.casefold()


def english_sort_key(english: str) -> tuple:
    """A→Z: letters and digits only, accents dropped, case-folded; ties broken by the text itself."""
    base = unicodedata.normalize("NFKD", term_key(english))
    return ("".join(ch for ch in base if ch.isalnum()), english)


def has_pinyin() -> bool:
    """True if the optional ``pypinyin`` package can be imported."""
    try:
        import pypinyin  # noqa: F401
    except ImportError:
        return False
    return True


def chinese_order() -> str:
    """Which order :func:`chinese_sort_key` uses: ``"pinyin (pypinyin X)"`` or the Unicode fallback.

    See chapter: chapters/glossary.md
    """
    try:
        import pypinyin
    except ImportError:
        return "Unicode code point (radical-and-stroke order; pypinyin is not installed)"
    return f"pinyin (pypinyin {getattr(pypinyin, '__version__', '?')})"


def pinyin(text: str) -> str:
    """The pinyin of a Chinese term with tone marks, or "" without ``pypinyin``."""
    try:
        from pypinyin import Style, lazy_pinyin
    except ImportError:
        return ""
    return " ".join(s.strip() for s in lazy_pinyin(text, style=Style.TONE) if s.strip())


def chinese_sort_key(text: str) -> tuple:
    """Sort key of a Chinese term: pinyin syllables with tone numbers if ``pypinyin`` is importable,
    else the code points (Unicode's radical-and-stroke order); Latin letters are case-folded.

    See chapter: chapters/glossary.md
    """
    try:
        from pypinyin import Style, lazy_pinyin
    except ImportError:
        return (text.casefold(), text)
    return (tuple(s.casefold() for s in lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True)), text)


@dataclass
class Glossary:
    """Every term entry of the book, every mark read (terms or not), and the chapters read."""

    entries: list
    marks: list
    chapters: list

    def by_english(self) -> "Table":
        """English A→Z: term, 中文, abbreviations, where it is marked."""
        rows = []
        for e in sorted(self.entries, key=lambda e: english_sort_key(e.english)):
            rows.append((e.english, "、".join(e.chinese), ", ".join(e.aliases), e.places))
        return Table(("English", "中文", "also", "where"), rows, index="en")

    def by_chinese(self) -> "Table":
        """中文 by :func:`chinese_order`: Chinese term, pinyin (if available), English, where."""
        groups: dict = {}
        for e in self.entries:
            for zh in e.chinese:
                g = groups.setdefault(zh, {"english": [], "places": []})
                g["english"].append(e.english)
                g["places"] += [p for p in e.places if p not in g["places"]]
        ordered = sorted(groups.items(), key=lambda kv: chinese_sort_key(kv[0]))
        if has_pinyin():
            rows = [(zh, pinyin(zh), "; ".join(g["english"]), g["places"]) for zh, g in ordered]
            return Table(("中文", "pinyin", "English", "where"), rows, index="zh")
        rows = [(zh, "; ".join(g["english"]), g["places"]) for zh, g in ordered]
        return Table(("中文", "English", "where"), rows, index="zh")

    def readings(self) -> "Readings":
        """How every bracket with Chinese in the chapters was read: counts, and the ones left out."""
        return Readings(self.marks)

    def lookup(self, english: str) -> Entry | None:
        """The entry of an English term (compared by :func:`term_key`), or None."""
        key = term_key(english)
        return next((e for e in self.entries if term_key(e.english) == key), None)


def _display(english: str) -> str:
    text = re.sub(r"^(?:the|a|an)\s+", "", re.sub(r"\s+", " ", english).strip(), flags=re.I)
    return text[:1].upper() + text[1:]


def build_glossary(chapters=None) -> Glossary:
    """Read every chapter's marks and group the terms (see the module docstring).

    ``chapters``: parsed chapters (default: :func:`~mlnotes.appendix.sources.load_chapters` of the
    repository found from the working directory).
    See chapter: chapters/glossary.md
    """
    chapters = load_chapters() if chapters is None else list(chapters)
    marks, entries = [], {}
    for ch in chapters:
        for m in chapter_marks(ch):
            marks.append(m)
            if not m.is_term:
                continue
            e = entries.setdefault(term_key(m.english), Entry(_display(m.english)))
            e.chinese += [c for c in m.chinese if c not in e.chinese]
            e.aliases += [a for a in m.aliases if a not in e.aliases]
            place = Place(ch.stem, ch.title, m.anchor, m.section)
            if place not in e.places:
                e.places.append(place)
    return Glossary(list(entries.values()), marks, [c.stem for c in chapters])




WIDTHS = {  # column widths (%) of each index table
    ("English", "中文", "also", "where"): (30, 22, 10, 38),
    ("中文", "pinyin", "English", "where"): (20, 18, 24, 38),
    ("中文", "English", "where"): (26, 34, 40),
}


@dataclass
class Table:
    """A glossary index as a table: HTML (the site, Lab), markdown (VS Code) and plain text."""

    columns: tuple
    rows: list  # (…, places): the last column holds Place objects
    index: str  # "en" or "zh": prefix of the row ids

    def _groups(self) -> list:
        out: dict = {}
        for row in self.rows:
            first = row[0][:1]
            if self.index == "en":
                first = unicodedata.normalize("NFKD", first)[:1].upper()
                first = first if first.isalpha() else "#"
            elif has_pinyin():
                first = (chinese_sort_key(row[0])[0][0][:1].upper() or "#")
            else:
                first = ""  # radical-and-stroke order: no letter groups
            out.setdefault(first, []).append(row)
        return list(out.items())

    def __repr__(self) -> str:
        lines = [" | ".join(self.columns)]
        for *cells, places in self.rows:
            lines.append(" | ".join([c for c in cells if c] + ["; ".join(p.href for p in places)]))
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        head = "| " + " | ".join(self.columns) + " |\n|" + "---|" * len(self.columns)
        body = []
        for *cells, places in self.rows:
            where = ", ".join(f"[{p.text}]({p.href})" for p in places)
            body.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + f" | {where} |")
        return head + "\n" + "\n".join(body)

    def _repr_html_(self) -> str:
        groups = self._groups()
        ids = {g: f"gloss-{self.index}-{i}" for i, (g, _) in enumerate(groups)}
        jump = " ".join(f'<a href="#{ids[g]}">{html.escape(g)}</a>' for g, _ in groups if g)
        widths = WIDTHS[self.columns]
        cols = "".join(f'<col style="width:{w}%">' for w in widths)
        table = _TABLE[:-1] + ';table-layout:fixed"'  # fixed widths: Chinese text wraps inside its column
        out = [f'<div class="mlnotes-glossary"><p style="word-spacing:.4em">{jump}</p>' if jump else
               '<div class="mlnotes-glossary">', f"<table{table}><colgroup>{cols}</colgroup><thead><tr>"]
        out += [f"<th{_CELL}>{html.escape(c)}</th>" for c in self.columns]
        out.append("</tr></thead><tbody>")
        for g, rows in groups:
            if g:
                out.append(f'<tr id="{ids[g]}"><th colspan="{len(self.columns)}"{_CELL}>{html.escape(g)}</th></tr>')
            for *cells, places in rows:
                where = "<br>".join(f'<a href="{html.escape(p.href)}">{html.escape(p.text)}</a>' for p in places)
                tds = "".join(f"<td{_CELL}>{html.escape(c)}</td>" for c in cells)
                out.append(f"<tr>{tds}<td{_CELL}>{where}</td></tr>")
        out.append("</tbody></table></div>")
        return "".join(out)


READING_NAMES = {
    "bold": "**Term (中文)**", "bold-before": "**Term** (中文)", "bold-inside": "(**Term**, 中文)",
    "heading": "a heading: Title (中文)", "drill": "手撕: Hand-write it",
    "question": "a question's Chinese original (dropdown title or heading ending in ?)",
    "topic": "the notes' name of a topic (a heading with a colon)", "math": "inside math", "code": "inside code",
    "plain": "plain prose: where the English term starts is not marked",
}


@dataclass
class Readings:
    """Counts of each reading of the brackets with Chinese (see :mod:`mlnotes.appendix.marks`), and the
    brackets in plain prose, which the glossary leaves out, with links to them."""

    marks: list

    def counts(self) -> dict:
        out = {name: 0 for name in READING_NAMES}
        for m in self.marks:
            out[m.reading] = out.get(m.reading, 0) + 1
        return out

    def __repr__(self) -> str:
        return "\n".join(f"{n:4d}  {READING_NAMES.get(r, r)}" for r, n in self.counts().items())

    def _repr_html_(self) -> str:
        from mlnotes.appendix.marks import TERMS

        rows = "".join(f"<tr><td{_CELL}>{html.escape(READING_NAMES.get(r, r))}</td><td{_CELL}>{n}</td>"
                       f"<td{_CELL}>{'yes' if r in TERMS else 'no'}</td></tr>" for r, n in self.counts().items())
        plain = [m for m in self.marks if m.reading == "plain"]
        items = "".join(f'<li><a href="{html.escape(Place(m.chapter, "", m.anchor, "").href)}">'
                        f"{html.escape(m.chapter)}.md line {m.line}</a>: {html.escape(' '.join(m.source.split()))}</li>"
                        for m in plain)
        return (f"<table{_TABLE}><thead><tr><th{_CELL}>written as</th><th{_CELL}>brackets</th>"
                f"<th{_CELL}>in the glossary</th></tr></thead><tbody>{rows}</tbody></table>"
                f'<details class="mlnotes-details"><summary style="cursor:pointer">the {len(plain)} brackets in plain '
                f"prose</summary><ul>{items}</ul></details>")
