r"""The book's chapter sources, read the way the built site shows them: sections, labels, anchors, prose.

A chapter is a jupytext MyST file. Reading it line by line, each line is one of

* ``code`` — inside a fenced block (a ``{code-cell}`` or a plain ```` ```python ```` listing);
* ``heading`` — ``#`` … ``######``; it opens a **section** that runs to the next heading of the
  same or a higher level;
* ``label`` — ``(sec-x)=``, a target; the built page has an element with ``id`` equal to
  $\operatorname{make\_id}(\text{label})$ (docutils' rule: lower case, runs of other characters
  become ``-``), so ``losses.html#sec-loss-errata`` reaches it;
* ``dropdown`` — the title line of a ``:::{dropdown}`` (its body is prose);
* ``prose`` — everything else (paragraphs, lists, display math).

A section's **anchor** is the id the site gives it: its label if one is written just before the
heading, else the id Sphinx derives from the heading text
($\operatorname{make\_id}(\text{plain text})$: "Adam's bias correction" → ``adam-s-bias-correction``),
falling back to the enclosing section's anchor when that id is already taken on the page.

See chapter: chapters/errata.md (and chapters/glossary.md)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from mlnotes._repo import chapter_files, find_root
from mlnotes.rag.myst import plain_inline

HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
LABEL = re.compile(r"^\(([A-Za-z0-9_.:-]+)\)=\s*$")
FENCE = re.compile(r"^(`{3,}|~{3,}|:{3,})\s*(\{[^}]*\})?\s*(.*)$")
GENERATED = ("errata", "glossary")  # pages generated from the others: never their own sources


def anchor_id(name: str) -> str:
    """The HTML id Sphinx gives a label or a heading's plain text (``docutils.nodes.make_id``).

    See chapter: chapters/errata.md
    """
    from docutils.nodes import make_id

    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"name must be a non-empty string, got {name!r}")
    return make_id(name)


@dataclass(frozen=True)
class Line:
    """One source line: its 1-based number, its text and its kind (see the module docstring)."""

    number: int
    text: str
    kind: str


@dataclass(frozen=True)
class Section:
    """A heading and the lines under it, up to the next heading of the same or a higher level."""

    chapter: str
    title: str  # plain text, as the page shows it
    raw_title: str  # the MyST source of the heading
    level: int
    label: str | None
    anchor: str
    start: int  # index of the heading in Chapter.lines
    end: int  # index one past its last line (subsections included)


@dataclass
class Chapter:
    """One chapter source: its lines classified, its sections and its labels (label -> section index).

    See chapter: chapters/errata.md
    """

    stem: str
    title: str
    lines: list = field(default_factory=list)
    sections: list = field(default_factory=list)
    labels: dict = field(default_factory=dict)

    @property
    def page(self) -> str:
        """The built page of this chapter, relative to another chapter's page."""
        return f"{self.stem}.html"

    def section_at(self, index: int) -> Section:
        """The innermost section holding line ``index`` (the chapter's title section before any ``##``)."""
        found = self.sections[0]
        for s in self.sections:  # in source order: a subsection comes after the section holding it
            if s.start <= index < s.end:
                found = s
        return found

    def section_by_label(self, label: str) -> Section | None:
        """The section a label is written in (a label before a heading: that heading's section)."""
        i = self.labels.get(label)
        return None if i is None else self.sections[i]

    def href(self, label_or_section) -> str:
        """``<stem>.html#<anchor>`` for a label of this chapter or one of its sections."""
        if isinstance(label_or_section, Section):
            return f"{self.page}#{label_or_section.anchor}"
        if label_or_section not in self.labels:
            raise KeyError(f"chapters/{self.stem}.md has no label {label_or_section!r}")
        return f"{self.page}#{anchor_id(label_or_section)}"

    def text(self, section: Section, kinds=("prose", "heading", "dropdown")) -> str:
        """The source lines of a section (subsections included) of the given kinds, joined."""
        return "\n".join(ln.text for ln in self.lines[section.start:section.end] if ln.kind in kinds)

    def code_cells(self, section: Section) -> int:
        """How many ``{code-cell}`` blocks a section (subsections included) holds."""
        return sum(1 for ln in self.lines[section.start:section.end]
                   if ln.kind == "fence" and ln.text.lstrip().startswith("```{code-cell}"))


def _classify(lines: list[str]) -> list[Line]:
    out, i, n = [], 0, len(lines)
    if lines and lines[0].strip() == "---":  # jupytext front matter
        j = next((k for k in range(1, n) if lines[k].strip() == "---"), 0)
        out += [Line(k + 1, lines[k], "front") for k in range(j + 1)]
        i = j + 1
    while i < n:
        text = lines[i]
        fence = FENCE.match(text)
        if fence and fence.group(1)[0] == ":":
            kind = "dropdown" if fence.group(2) == "{dropdown}" else "fence"
            out.append(Line(i + 1, text, kind))  # colon fences hold prose: their body is read on
        elif fence:
            marker = fence.group(1)
            out.append(Line(i + 1, text, "fence"))
            j = i + 1
            while j < n and not (lines[j].strip() and set(lines[j].strip()) == {marker[0]}
                                 and len(lines[j].strip()) >= len(marker)):
                out.append(Line(j + 1, lines[j], "code"))
                j += 1
            if j < n:
                out.append(Line(j + 1, lines[j], "fence"))
            i = j
        elif HEADING.match(text):
            out.append(Line(i + 1, text, "heading"))
        elif LABEL.match(text):
            out.append(Line(i + 1, text, "label"))
        else:
            out.append(Line(i + 1, text, "prose"))
        i += 1
    return out


def parse_chapter(source: str, stem: str) -> Chapter:
    """Classify a chapter's lines and find its sections, labels and anchors.

    ``source``: the MyST text of ``chapters/<stem>.md``. Raises ``TypeError`` for a non-string.
    See chapter: chapters/errata.md
    """
    if not isinstance(source, str):
        raise TypeError(f"source must be a str, got {type(source).__name__}")
    lines = _classify(source.splitlines())
    heads, pending = [], None  # (index, level, raw title, label)
    chapter_labels = {}
    for idx, ln in enumerate(lines):
        if ln.kind == "label":
            pending = LABEL.match(ln.text).group(1)
            chapter_labels[pending] = idx
        elif ln.kind == "heading":
            m = HEADING.match(ln.text)
            heads.append((idx, len(m.group(1)), m.group(2), pending))
            pending = None
        elif ln.kind == "prose" and not ln.text.strip():
            continue  # a blank line between a label and its heading
        else:
            pending = None
    if not heads or heads[0][1] != 1:
        heads.insert(0, (0, 1, stem, None))  # no title: the whole file is one section
    sections, seen, stack = [], set(), []
    for k, (idx, level, raw, label) in enumerate(heads):
        end = next((h[0] for h in heads[k + 1:] if h[1] <= level), len(lines))
        title = plain_inline(raw).strip()
        while stack and stack[-1].level >= level:
            stack.pop()
        slug = anchor_id(title) if title else ""
        anchor = anchor_id(label) if label else (slug if slug and slug not in seen else
                                                 (stack[-1].anchor if stack else ""))
        seen.add(slug)
        section = Section(stem, title, raw, level, label, anchor, idx, end)
        sections.append(section)
        stack.append(section)
    chapter = Chapter(stem, sections[0].title, lines, sections)
    for label, idx in chapter_labels.items():  # the section of what the label stands before
        after = next((j for j in range(idx + 1, len(lines)) if lines[j].text.strip()), idx)
        chapter.labels[label] = sections.index(chapter.section_at(after))
    return chapter


@lru_cache(maxsize=8)
def _load(root: str, stamp: tuple) -> tuple:
    return tuple(parse_chapter(Path(p).read_text(encoding="utf-8"), Path(p).stem) for p, _ in stamp)


def load_chapters(root=None) -> list[Chapter]:
    """Every chapter of the book in ``_toc.yml`` order, the generated appendices (errata, glossary) left out.

    ``root``: the repository (default: found from the working directory, as ``mlnotes ask`` does).
    Parsed once per set of file versions (cached on paths and modification times).
    Raises ``ValueError`` if ``root`` has no ``chapters/``.
    See chapter: chapters/errata.md
    """
    root = Path(root) if root is not None else find_root()
    if not (root / "chapters").is_dir():
        raise ValueError(f"root must contain a chapters/ folder, got {str(root)!r}")
    files = [p for p in chapter_files(root) if p.stem not in GENERATED]
    stamp = tuple((str(p), p.stat().st_mtime_ns) for p in files)
    return list(_load(str(root), stamp))
