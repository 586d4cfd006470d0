r"""The book as a retrieval corpus: chapters split into sections, interview questions as labelled queries.

A chapter is a MyST markdown file. Each heading (``#`` … ``####``) starts a **section**
$s = (\text{chapter}, \text{title}, \text{anchor}, \text{text})$; the text before the first ``##``
belongs to the chapter's title section. The anchor is the MyST label ``(sec-xxx)=`` written
just before the heading, else the id Sphinx derives from the heading
(``docutils.nodes.make_id``: "Adam's bias correction" → ``adam-s-bias-correction``).

Only explanatory prose is indexed: code cells (``show(...)`` listings and ``expect_error``
demonstrations included), ``literalinclude`` blocks, dropdowns, the "Interview questions"
section, the "Hand-write it" drill sections and the "Cheat sheet" (a summary that repeats the
sections it sums up, so it would compete with them for every question) are dropped, and inline
markup becomes the text
the built page shows (:mod:`mlnotes.rag.myst`: a bare ``{ref}`` reads as the linked heading's
title, found in a first pass over every chapter; a value computed when a chapter runs reads as
the built page shows it, taken from the executed notebooks of the last build when ``executed``
names them (:mod:`mlnotes.rag.values`), else as "…"). Each
interview question (the title of a ``:::{dropdown}``) becomes a **labelled query** whose
relevant sections are the targets of the ``{ref}`` links in its answer, so
$\mathcal R_q = \{\, s : \text{label}(s) \in \text{refs}(q) \,\}$ and the question text itself is
never in the index.

See chapter: chapters/rag.md
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from mlnotes._repo import chapter_files, find_root  # noqa: F401  (re-exported)
from mlnotes.rag.myst import heading_id, plain_inline, ref_targets  # noqa: F401  (re-exported)
from mlnotes.rag.values import EVAL_ROLE, bind_values, recorded_values, values_digest

HEADING = re.compile(r"^(#{1,4})\s+(.+?)\s*#*\s*$")
LABEL = re.compile(r"^\(([A-Za-z0-9_.:-]+)\)=\s*$")
FENCE = re.compile(r"^(`{3,}|~{3,}|:{3,})\s*(\{[^}]*\}|[\w+-]*)?\s*(.*)$")
KEEP_DIRECTIVES = {"{note}", "{tip}", "{warning}", "{important}", "{admonition}", "{math}", "{hint}", "{attention}",
                   "{caution}", "{seealso}", "{margin}", "{epigraph}"}
EXCLUDED_TITLES = ("interview questions", "hand-write it", "cheat sheet")
EXCLUDED_LABEL_ENDS = ("-interview", "-drill", "-cheatsheet")
INTERVIEW = ("interview questions", "-interview")


@dataclass(frozen=True)
class Section:
    """One indexed section of a chapter: where it is, what it is called, its plain text.

    See chapter: chapters/rag.md
    """

    chapter: str  # file stem, e.g. "optimizers"
    chapter_title: str
    title: str
    anchor: str  # MyST label if any, else the Sphinx heading id
    label: str | None
    level: int
    text: str

    @property
    def key(self) -> str:
        """A book-wide unique id: ``chapter#anchor``."""
        return f"{self.chapter}#{self.anchor}"

    @property
    def site_path(self) -> str:
        """The built page with anchor, relative to the repository root."""
        return f"_build/html/chapters/{self.chapter}.html" + (f"#{self.anchor}" if self.anchor else "")


@dataclass(frozen=True)
class Query:
    """One interview question with the anchors of the sections its answer links to.

    See chapter: chapters/rag.md
    """

    text: str
    chapter: str
    relevant: frozenset  # keys (chapter#anchor) of the relevant sections


@dataclass
class Book:
    """Every indexed section of the book and every labelled interview question.

    See chapter: chapters/rag.md
    """

    sections: list = field(default_factory=list)
    queries: list = field(default_factory=list)
    dropped_queries: list = field(default_factory=list)  # questions whose links point to no indexed section
    sources: dict = field(default_factory=dict)  # chapter stem -> sha256 of its source
    labels: dict = field(default_factory=dict)  # MyST label -> index of its section
    values: dict = field(default_factory=dict)  # chapter stem -> sha256 of the {eval} values read from a build
    n_roles: int = 0  # {eval} roles in the sources
    n_values: int = 0  # of which the build gave a value (the others read "…")

    @property
    def digest(self) -> str:
        """sha256 over the chapter order, every source and every value read from a build.

        It changes when any chapter changes or is built again with other values.
        """
        h = hashlib.sha256()
        for name, sha in self.sources.items():
            h.update(f"{name}:{sha}:{self.values.get(name, '')}\n".encode())
        return h.hexdigest()


def label_titles(source: str, values: dict | None = None) -> dict:
    """Label -> plain title of the heading it labels, for every ``(label)=`` written just before a heading.

    See chapter: chapters/rag.md
    """
    out, pending = {}, None
    for block in _blocks(_strip_front_matter(source.splitlines())):
        if block[0] == "label":
            pending = block[1]
        elif block[0] == "heading":
            if pending:
                out[pending] = plain_inline(block[2], values=values).strip()
            pending = None
        elif pending and not (block[0] == "text" and not block[1].strip()):
            pending = None
    return out


def _strip_front_matter(lines: list) -> list:
    if lines and lines[0].strip() == "---":
        for i in range(1, len(lines)):
            if lines[i].strip() == "---":
                return lines[i + 1:]
    return lines


def _closes(line: str, marker: str) -> bool:
    """True if ``line`` closes a fence opened by ``marker`` (same character, at least as long)."""
    s = line.strip()
    return bool(s) and set(s) == {marker[0]} and len(s) >= len(marker)


def _blocks(lines: list):
    """Yield ("heading", level, title) | ("label", name) | ("text", line) | ("dropdown", title, body)
    with code cells and other dropped fences removed."""
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        fence = FENCE.match(line)
        if fence:
            marker, kind, rest = fence.group(1), (fence.group(2) or ""), fence.group(3)
            j = i + 1
            while j < n and not _closes(lines[j], marker):
                j += 1
            body = lines[i + 1:j]
            i = j + 1
            if kind == "{dropdown}":
                yield ("dropdown", rest.strip(), "\n".join(body))
            elif kind in KEEP_DIRECTIVES:
                for b in body:
                    if not re.match(r"^:[\w-]+:", b):
                        yield ("text", b)
            continue
        heading = HEADING.match(line)
        if heading:
            yield ("heading", len(heading.group(1)), heading.group(2))
        elif LABEL.match(line):
            yield ("label", LABEL.match(line).group(1))
        else:
            yield ("text", line)
        i += 1


def _clean(lines: list, titles: dict, values: dict) -> str:
    """Join kept lines into plain text: inline markup removed, blank-line paragraphs kept."""
    text = plain_inline("\n".join(lines), titles, values)
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def _excluded(title: str, label: str | None) -> bool:
    t = plain_inline(title).strip().lower()
    return t.startswith(EXCLUDED_TITLES) or bool(label and label.endswith(EXCLUDED_LABEL_ENDS))


def parse_chapter(source: str, chapter: str, titles: dict | None = None, values: dict | None = None) -> tuple:
    """Split one chapter's MyST source into indexed sections and (question, answer-links) pairs.

    Returns ``(sections, questions, labels)``: a list of :class:`Section`, a list of
    ``(question text, [linked labels])`` and a dict label -> section index (labels written
    mid-section point to the enclosing section). ``titles`` (label -> heading title, for labels
    of other chapters) lets a bare ``{ref}`label``` read as the heading it links to; ``values``
    (role body -> the text the built page shows, :func:`mlnotes.rag.values.bind_values`) lets an
    ``{eval}`` read as its value instead of "…".
    See chapter: chapters/rag.md
    """
    if not isinstance(source, str):
        raise TypeError(f"source must be a str, got {type(source).__name__}")
    values = values or {}
    titles = {**(titles or {}), **label_titles(source, values)}
    lines = _strip_front_matter(source.splitlines())
    sections, questions, labels = [], [], {}
    chapter_title = chapter
    current = None  # dict of the open section
    excluded_level = None  # level of an excluded heading whose subsections are dropped too
    pending_label, seen_ids = None, set()

    def close():
        if current is not None and not current["excluded"]:
            text = _clean(current["lines"], titles, values)
            sections.append(Section(chapter, chapter_title, current["title"], current["anchor"], current["label"],
                                    current["level"], text))
            for lab in current["labels"]:
                labels[lab] = len(sections) - 1

    for block in _blocks(lines):
        kind = block[0]
        if kind == "label":
            pending_label = block[1]
            continue
        if kind == "heading":
            level, title = block[1], plain_inline(block[2], values=values).strip()
            close()
            if level == 1:
                chapter_title = title
            if excluded_level is not None and level <= excluded_level:
                excluded_level = None
            excluded = excluded_level is not None or _excluded(block[2], pending_label)
            if excluded and excluded_level is None:
                excluded_level = level
            slug = heading_id(block[2])
            anchor = pending_label or (slug if slug not in seen_ids else "")
            seen_ids.add(slug)
            interview = title.lower().startswith(INTERVIEW[0]) or bool(pending_label and
                                                                       pending_label.endswith(INTERVIEW[1]))
            current = {"title": title, "anchor": anchor, "label": pending_label, "level": level, "lines": [],
                       "excluded": excluded, "interview": interview,
                       "labels": [pending_label] if pending_label else []}
            pending_label = None
            continue
        if pending_label is not None and current is not None:
            if kind == "text" and not block[1].strip():
                pass  # a blank line between a label and what it labels
            else:
                current["labels"].append(pending_label)  # a label on a paragraph: point to the section
                pending_label = None
        if current is None:
            continue
        if kind == "dropdown":
            title, body = block[1], block[2]
            if current["interview"]:
                questions.append((plain_inline(title, titles, values).strip(), ref_targets(body)))
            continue
        current["lines"].append(block[1])
    close()
    return sections, questions, labels


def load_book(root, *, skip=(), executed=None) -> Book:
    """Parse every chapter under ``root`` into a :class:`Book` (sections + labelled queries).

    ``skip`` names chapter stems to leave out. ``executed`` is a folder of executed notebooks
    (``<chapter>.ipynb``, e.g. :func:`mlnotes.rag.values.built_notebooks`): each ``{eval}`` then
    reads as the value the built page shows; without it (or for a chapter it lacks) as "…".
    See chapter: chapters/rag.md
    """
    root = Path(root)
    if not (root / "chapters").is_dir():
        raise ValueError(f"root must contain a chapters/ folder, got {str(root)!r}")
    book = Book()
    raw_questions = []
    sources = {p.stem: p.read_text(encoding="utf-8") for p in chapter_files(root) if p.stem not in skip}
    bound = {}  # chapter stem -> {eval} role body -> the text its built page shows
    for stem in sources:
        if executed is not None:
            sources[stem], bound[stem] = bind_values(sources[stem], recorded_values(Path(executed) / f"{stem}.ipynb"))
    titles = {}  # every heading label of the book, and "doc:<stem>" -> chapter title, for {ref} and {doc}
    for stem, source in sources.items():
        found = label_titles(source, bound.get(stem))
        titles.update(found)
        heading = next((b[2] for b in _blocks(_strip_front_matter(source.splitlines())) if b[0] == "heading"), None)
        if heading is not None:
            titles[f"doc:{stem}"] = plain_inline(heading).strip()
    for stem, source in sources.items():
        book.sources[stem] = hashlib.sha256(source.encode()).hexdigest()
        book.values[stem] = values_digest(bound.get(stem))
        bodies = [m.group(1).strip() for m in EVAL_ROLE.finditer(source)]
        book.n_roles += len(bodies)
        book.n_values += sum(body in bound.get(stem, {}) for body in bodies)
        sections, questions, labels = parse_chapter(source, stem, titles, bound.get(stem))
        offset = len(book.sections)
        book.sections.extend(sections)
        book.labels.update({k: v + offset for k, v in labels.items()})
        raw_questions.extend((q, stem, targets) for q, targets in questions)
    for text, chapter, targets in raw_questions:
        relevant = frozenset(book.sections[book.labels[t]].key for t in targets if t in book.labels)
        if relevant:
            book.queries.append(Query(text, chapter, relevant))
        else:
            book.dropped_queries.append(text)
    return book
