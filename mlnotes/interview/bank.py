"""The question bank (面试题库): every interview question of the book, grouped by chapter, built when the page runs.

Each entry is a question, its short answer (collapsed, as in the chapter) and its links: the sections
its answer cites ({ref}), which demonstrate it by running code, and the interview section where the
question sits in its chapter. The bank is read from the chapter sources every time
(:mod:`mlnotes.interview.gather`), so it holds exactly the chapters' questions and cannot drift.

See chapter: chapters/questions.md
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from mlnotes.appendix._html import BOX
from mlnotes.appendix.errata import short_title
from mlnotes.interview.gather import all_chapters, chapter_questions, label_targets, source_chapters
from mlnotes.interview.render import to_html


@dataclass(frozen=True)
class Entry:
    """One question rendered: its HTML title and answer, and its links (href, text)."""

    question: object  # gather.Question
    title_html: str
    answer_html: str
    demonstrated: tuple  # ((href, text), ...) from the answer's {ref}s
    missing: tuple  # labels the answer links to that no chapter defines


def chapter_anchor(stem: str) -> str:
    """Id of a chapter's group on the bank page."""
    return f"bank-{stem}"


def render_entry(q, targets: dict) -> Entry:
    """Render one question's title and answer and resolve its links.

    See chapter: chapters/questions.md
    """
    ctx = q.context(targets)
    title = to_html(q.title, ctx, inline=True)
    answer = to_html(q.answer, ctx)
    seen, links = set(), []
    for label in q.links:
        t = targets.get(label)
        if t is not None and t.href not in seen:
            seen.add(t.href)
            where = t.title if t.chapter == q.chapter else f"{short_title(t.chapter_title)} › {t.title}"
            links.append((t.href, where))
    return Entry(q, title, answer, tuple(links), tuple(ctx.missing))


@dataclass
class QuestionBank:
    """Every chapter's questions, rendered: ``groups`` is a list of (chapter, [Entry])."""

    groups: list
    without: list  # chapters with no interview question

    @property
    def entries(self) -> list:
        return [e for _, entries in self.groups for e in entries]

    @property
    def broken(self) -> list:
        """(chapter, question, label) for every answer link to a label no chapter defines."""
        return [(e.question.chapter, e.question.text, m) for e in self.entries for m in e.missing]

    @property
    def unlinked(self) -> list:
        """Questions whose answer cites no section (they link to their interview section only)."""
        return [e.question for e in self.entries if not e.demonstrated]

    def __repr__(self) -> str:
        lines = []
        for ch, entries in self.groups:
            lines.append(f"{ch.title} — {len(entries)} questions")
            lines += [f"  {e.question.number:2d}. {e.question.text}" for e in entries]
        return "\n".join(lines)

    def contents_html(self) -> str:
        """A compact list of the chapters with their question counts, each a link to its group."""
        items = "".join(f'<li><a href="#{chapter_anchor(ch.stem)}">{html.escape(short_title(ch.title))}</a> '
                        f"({len(entries)})</li>" for ch, entries in self.groups)
        return f'<ul class="mlnotes-bank-contents" style="columns:2 16em;margin:.5em 0">{items}</ul>'

    def _repr_html_(self) -> str:
        parts = [self.contents_html()]
        for ch, entries in self.groups:
            parts.append(f'<h3 id="{chapter_anchor(ch.stem)}" style="margin-top:1.4em">{html.escape(ch.title)} '
                         f'<a href="{ch.stem}.html" style="font-size:.7em;font-weight:normal">chapter →</a></h3>')
            parts += [_entry_html(e) for e in entries]
        return f'<div class="mlnotes-bank mathjax_process">{"".join(parts)}</div>'


def _entry_html(e: Entry) -> str:
    q = e.question
    demo = " · ".join(f'<a href="{html.escape(h)}">{html.escape(t)}</a>' for h, t in e.demonstrated)
    asked = f'<a href="{html.escape(q.href)}">{html.escape(short_title(q.chapter_title))} › Interview questions</a>'
    links = (f"Demonstrated in: {demo}. " if demo else "") + f"Asked in: {asked}."
    return (f'<details id="q-{q.id}" class="mlnotes-q" style="margin:.35em 0">'
            f'<summary><b>{q.number}.</b> {e.title_html}</summary>'
            f'<div{BOX[:-1]};margin:.4em 0 .6em 1.2em">{e.answer_html}'
            f'<p style="font-size:.88em;margin:.4em 0 0">{links}</p></div></details>')


def question_bank(root=None) -> QuestionBank:
    """Every interview question of every chapter under ``root`` (default: found from the working directory).

    See chapter: chapters/questions.md
    """
    targets = label_targets(all_chapters(root))
    groups, without = [], []
    for ch in source_chapters(root):
        qs = chapter_questions(ch)
        if qs:
            groups.append((ch, [render_entry(q, targets) for q in qs]))
        else:
            without.append(ch)
    return QuestionBank(groups, without)
