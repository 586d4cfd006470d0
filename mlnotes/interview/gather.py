r"""Every interview question of the book, read from the chapter sources, with its answer and links.

A chapter's "Interview questions (面试题)" section (a heading whose title starts so, or whose label
ends in ``-interview``: the rule of :mod:`mlnotes.rag.corpus`) holds one ``:::{dropdown} Question?``
block per question. Its title is the question; its body, up to the closing fence, is the answer;
the ``{ref}`` links in the answer name the sections that demonstrate it. A question's place in the
book is $(\text{chapter}, n)$, its $n$-th dropdown, and its stable id is a hash of the chapter and the
question's text, so a flashcard keeps its schedule while answers are edited.

The chapters are read with :mod:`mlnotes.appendix.sources` (sections, labels, anchors as the site
gives them); no second parser.

See chapter: chapters/questions.md
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from mlnotes._repo import chapter_files, find_root
from mlnotes.appendix.sources import Chapter, parse_chapter
from mlnotes.interview.render import Context, Target
from mlnotes.rag.corpus import INTERVIEW
from mlnotes.rag.myst import plain_inline, ref_targets
from mlnotes.rag.values import EVAL_ROLE

#: pages built from the others: never a source of questions, cheat sheets or drills
GENERATED = ("errata", "glossary", "questions", "flashcards")


@dataclass(frozen=True)
class Question:
    """One interview question: where it is, its MyST title and answer, the labels its answer links to."""

    chapter: str  # file stem
    chapter_title: str
    number: int  # 1-based, in the chapter's order
    title: str  # MyST source of the dropdown title
    answer: str  # MyST source of the dropdown body
    line: int  # 1-based line of the dropdown in chapters/<chapter>.md
    section: str  # anchor of the interview section
    links: tuple  # labels linked by {ref} in the answer
    eval_offsets: tuple  # (name, count) of {eval} roles before the question in its chapter

    @property
    def text(self) -> str:
        """The question as plain text."""
        return plain_inline(self.title).strip()

    @property
    def id(self) -> str:
        """A stable id: the chapter and the question's words (not its answer), hashed."""
        words = re.sub(r"\s+", " ", self.text.lower())
        return hashlib.sha1(f"{self.chapter}\n{words}".encode()).hexdigest()[:12]

    @property
    def href(self) -> str:
        """Link to the chapter's interview section, relative to another chapter page."""
        return f"{self.chapter}.html#{self.section}"

    def context(self, targets: dict) -> Context:
        """The rendering context of this question's title and answer."""
        return Context(targets, self.chapter, dict(self.eval_offsets))


@lru_cache(maxsize=4)
def _parse_all(stamp: tuple) -> tuple:
    return tuple(parse_chapter(Path(p).read_text(encoding="utf-8"), Path(p).stem) for p, _ in stamp)


def all_chapters(root=None) -> list[Chapter]:
    """Every page source under ``root/chapters`` in ``_toc.yml`` order, generated pages included (for labels).

    Parsed once per set of file versions. Raises ``ValueError`` if ``root`` has no ``chapters/``.
    See chapter: chapters/questions.md
    """
    root = Path(root) if root is not None else find_root()
    if not (root / "chapters").is_dir():
        raise ValueError(f"root must contain a chapters/ folder, got {str(root)!r}")
    files = chapter_files(root)
    return list(_parse_all(tuple((str(p), p.stat().st_mtime_ns) for p in files)))


def source_chapters(root=None) -> list[Chapter]:
    """The chapters that hold questions, cheat sheets and drills: every page but the generated ones."""
    return [c for c in all_chapters(root) if c.stem not in GENERATED]


def label_targets(chapters) -> dict:
    """label -> :class:`~mlnotes.interview.render.Target` for every label of every chapter.

    See chapter: chapters/questions.md
    """
    out = {}
    for ch in chapters:
        for label in ch.labels:
            section = ch.section_by_label(label)
            out[label] = Target(ch.stem, ch.href(label).split("#", 1)[1], section.title, ch.title)
    return out


def is_interview(section) -> bool:
    """True for a chapter's "Interview questions" section (by title or by a label ending in ``-interview``)."""
    return section.title.lower().startswith(INTERVIEW[0]) or bool(section.label and
                                                                   section.label.endswith(INTERVIEW[1]))


def block_end(chapter: Chapter, start: int) -> int:
    """Index of the fence that closes the colon-fenced block opened at ``chapter.lines[start]``."""
    marker = re.match(r"\s*(:{3,})", chapter.lines[start].text).group(1)
    for j in range(start + 1, len(chapter.lines)):
        s = chapter.lines[j].text.strip()
        if s and set(s) == {":"} and len(s) >= len(marker):
            return j
    return len(chapter.lines)


def _eval_counts(chapter: Chapter, upto: int) -> tuple:
    counts: dict = {}
    for ln in chapter.lines[:upto]:
        for m in EVAL_ROLE.finditer(ln.text):
            counts[m.group(1).strip()] = counts.get(m.group(1).strip(), 0) + 1
    return tuple(sorted(counts.items()))


def chapter_questions(chapter: Chapter) -> list[Question]:
    """The interview questions of one chapter, in order (see the module docstring).

    See chapter: chapters/questions.md
    """
    out = []
    for idx, ln in enumerate(chapter.lines):
        if ln.kind != "dropdown":
            continue
        section = chapter.section_at(idx)
        interview = next((s for s in chapter.sections if s.start <= idx < s.end and is_interview(s)), None)
        if interview is None:
            continue
        end = block_end(chapter, idx)
        title = re.sub(r"^\s*:{3,}\s*\{dropdown\}\s*", "", ln.text).strip()
        body = [b.text for b in chapter.lines[idx + 1:end] if not re.match(r"^:[\w-]+:", b.text)]
        answer = "\n".join(body).strip()
        out.append(Question(chapter.stem, chapter.title, len(out) + 1, title, answer, ln.number,
                            interview.anchor if section else interview.anchor, tuple(ref_targets(answer)),
                            _eval_counts(chapter, idx)))
    return out


def all_questions(root=None) -> list[Question]:
    """Every interview question of the book, chapter by chapter in the book's order.

    See chapter: chapters/questions.md
    """
    return [q for ch in source_chapters(root) for q in chapter_questions(ch)]
