r"""The errata (勘误): each mistake of the source notes, its correction, a run that shows the difference,
and the chapter section that explains it.

An **erratum** is registered with :func:`erratum` on the function that demonstrates it. The function
calls the chapter's own ``mlnotes`` code (never a copy), asserts the difference, and returns an
:class:`Outcome`: what the notes' version gives and what the right version gives, as text.

**Where it is explained** is read from the chapter sources, never written here:

* errata 1–22 (numbered in ``TOPICS.md``) are found by their mention "erratum N": the first mention
  in a heading or in a bold lead (``**Erratum N …``), else the first mention in the registered
  chapter; the link goes to the section holding it, or to ``section=`` if given and it still
  contains a mention;
* further errata (23 on) are not numbered in the chapters: ``section=`` names the label and
  ``quote=`` a phrase of the chapter that must stand in that section. If the label is gone or no
  longer holds the phrase, the innermost section (with a code cell) that holds it is linked.

The registered chapter is searched first, then every chapter in book order: a section that moves to
another chapter (a chapter split in two) is followed, and only a mention or phrase that is gone from
the whole book is an error.

:func:`check_errata` lists every way the registry and the chapters disagree: a number mentioned in a
chapter that is not registered, a section that no longer exists or no longer holds its mention or
quote, a section without a code cell, a chapter paragraph that announces a further erratum ("a
further erratum", "new errata", a bold quoted claim ``**"…"**`` of the notes in a pitfalls section)
that no registered erratum covers.

See chapter: chapters/errata.md
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from mlnotes.appendix._html import BOX as _BOX
from mlnotes.appendix._html import CELL as _CELL
from mlnotes.appendix._html import HEAD as _HEAD
from mlnotes.appendix.sources import Chapter, Section, load_chapters

FIRST_NUMBERED, LAST_NUMBERED = 1, 22  # the errata of TOPICS.md; the chapters number only these
MENTION = r"(?i)\berratum\s+{n}\b"
ANY_MENTION = re.compile(r"(?i)\berrat(?:um|a)\s+(\d+)\b")
FURTHER = re.compile(r"(?i)\b(?:a further (?:erratum|mistake)|new errat(?:um|a))\b")
BOLD_QUOTE = re.compile(r'\*\*["“]([^*]+?)["”]\*\*')


@dataclass(frozen=True)
class Outcome:
    """What the notes' version gives and what the right version gives, as one line of text each."""

    notes: str
    right: str


@dataclass(frozen=True)
class Erratum:
    """One mistake of the notes: number, title, chapter, claim, correction and its demonstration."""

    number: int
    title: str
    chapter: str  # stem of chapters/<chapter>.md
    claim: str  # what the notes say or do, paraphrased
    right: str  # what is right
    demo: object  # () -> Outcome, calling the chapter's mlnotes code
    seed: str = ""  # the source note ("000" … "004")
    section: str | None = None  # label of the section that explains it (required from 23 on)
    quote: str | None = None  # a phrase of that section (required from 23 on)


REGISTRY: dict = {}


def erratum(number: int, title: str, *, chapter: str, claim: str, right: str, seed: str = "",
            section: str | None = None, quote: str | None = None):
    """Register the decorated function as the demonstration of erratum ``number``.

    Raises ``ValueError`` for a number registered twice, or a further erratum (> 22) without
    ``section`` and ``quote``. See chapter: chapters/errata.md
    """
    if not isinstance(number, int) or number < 1:
        raise ValueError(f"number must be a positive int, got {number!r}")
    if number > LAST_NUMBERED and not (section and quote):
        raise ValueError(f"erratum {number} is not numbered in the chapters: give section= and quote=")

    def register(demo):
        if number in REGISTRY and REGISTRY[number].demo.__qualname__ != demo.__qualname__:
            raise ValueError(f"erratum {number} is registered twice")
        REGISTRY[number] = Erratum(number, title, chapter, claim, right, demo, seed, section, quote)
        return demo

    return register


def all_errata() -> list[Erratum]:
    """Every registered erratum, by number (the demonstration modules are imported here).

    See chapter: chapters/errata.md
    """
    from mlnotes.appendix import errata_arch, errata_classic, errata_train  # noqa: F401  (they register)

    return [REGISTRY[n] for n in sorted(REGISTRY)]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _mentions(chapter: Chapter, number: int) -> tuple[list, list]:
    """Indices of the lines that introduce erratum ``number`` (in a heading or a bold lead), and of all mentions."""
    pattern = re.compile(MENTION.format(n=number))
    hits = [i for i, ln in enumerate(chapter.lines) if ln.kind in ("prose", "heading") and pattern.search(ln.text)]
    lead = [i for i in hits if chapter.lines[i].kind == "heading" or
            re.search(r"\*\*" + MENTION.format(n=number)[4:], chapter.lines[i].text, re.I)]
    return lead, hits


@dataclass(frozen=True)
class Located:
    """An erratum with the chapter section that explains it."""

    erratum: Erratum
    chapter: Chapter
    section: Section
    href: str  # <chapter>.html#<anchor>, relative to another page of chapters/


def _problem(e: Erratum, ch: Chapter, section: Section) -> str | None:
    """Why ``section`` cannot be the one that explains ``e`` (its quote or its mention is missing), or None."""
    text = _flat(ch.text(section))
    if e.quote is not None and _flat(e.quote) not in text:
        return f"section ({e.section}) of chapters/{ch.stem}.md no longer says {e.quote!r}"
    if e.number <= LAST_NUMBERED and not re.search(MENTION.format(n=e.number), text):
        return f"section ({e.section}) of chapters/{ch.stem}.md does not mention erratum {e.number}"
    return None


def _by_quote(e: Erratum, order: list) -> Located | None:
    """The innermost section holding ``e.quote`` and a code cell, searching the chapters in ``order``."""
    quote = _flat(e.quote)
    for ch in order:
        found = [s for s in ch.sections if quote in _flat(ch.text(s)) and ch.code_cells(s)]
        if found:
            section = max(found, key=lambda s: (s.level, s.start))
            return Located(e, ch, section, ch.href(section))
    return None


def locate(e: Erratum, chapters: dict) -> Located:
    """The section that explains ``e`` (see the module docstring), searched in ``e.chapter`` first, then in
    every chapter in book order, so that a section moved to another chapter is still found.

    ``section=`` (a label) is used when it still holds the quote (and, for 1–22, a mention); otherwise the
    section holding the quote is searched for; errata 1–22 without ``section=`` are found by their mention.
    ``chapters``: stem -> :class:`~mlnotes.appendix.sources.Chapter`. Raises ``LookupError`` naming the
    erratum when nothing is found. See chapter: chapters/errata.md
    """
    order = [chapters[e.chapter]] if e.chapter in chapters else []
    order += [c for stem, c in chapters.items() if stem != e.chapter]
    if e.section is not None:
        owner = next((c for c in order if c.section_by_label(e.section) is not None), None)
        problem = None if owner is None else _problem(e, owner, owner.section_by_label(e.section))
        if owner is not None and problem is None:
            return Located(e, owner, owner.section_by_label(e.section), owner.href(e.section))
        found = _by_quote(e, order) if e.quote is not None else None
        if found is not None:
            return found
        if e.quote is not None or e.number > LAST_NUMBERED:
            where = f"the label ({e.section})= is in no chapter" if owner is None else problem
            raise LookupError(f"erratum {e.number}: {where}" + (f", and no section with code says {e.quote!r}"
                                                                 if e.quote is not None else ""))
    found = [(lead, hits, c) for c in order for lead, hits in [_mentions(c, e.number)] if hits]
    lead = next(((c, idx[0]) for idx, _, c in found if idx), None)  # a heading or bold lead, anywhere
    if lead is None and found and found[0][2].stem == e.chapter:
        lead = (found[0][2], found[0][1][0])  # a plain mention in the registered chapter
    if lead is None:
        raise LookupError(f"erratum {e.number}: no chapter introduces 'erratum {e.number}' "
                          f"(in a heading or a bold lead, or anywhere in chapters/{e.chapter}.md)")
    ch, line = lead
    section = ch.section_at(line)
    return Located(e, ch, section, ch.href(section))


def _pitfall_section(section: Section) -> bool:
    words = f"{section.label or ''} {section.title}".lower()
    return any(w in words for w in ("errata", "erratum", "pitfall", "mistake"))


def check_errata(errata=None, chapters=None) -> list[str]:
    """Every disagreement between the registry and the chapters, one message each (empty: all agree).

    See the module docstring for what is checked. See chapter: chapters/errata.md
    """
    errata = all_errata() if errata is None else list(errata)
    chapters = {c.stem: c for c in (load_chapters() if chapters is None else chapters)}
    problems, located = [], []
    numbers = [e.number for e in errata]
    missing = sorted(set(range(1, max(numbers, default=0) + 1)) - set(numbers))
    problems += [f"erratum {n} is not registered (numbers must run 1, 2, … without gaps)" for n in missing]
    for e in errata:
        try:
            loc = locate(e, chapters)
        except LookupError as err:
            problems.append(str(err))
            continue
        located.append(loc)
        if loc.chapter.code_cells(loc.section) == 0:
            problems.append(f"erratum {e.number}: section {loc.href} holds no code cell to demonstrate it")
    known = set(numbers)
    for ch in chapters.values():
        for ln in ch.lines:
            if ln.kind not in ("prose", "heading", "dropdown"):
                continue
            for n in map(int, ANY_MENTION.findall(ln.text)):
                if n not in known:
                    problems.append(f"chapters/{ch.stem}.md line {ln.number} mentions erratum {n}, "
                                    f"which the errata appendix lacks")
    further = {(loc.chapter.stem, loc.section.anchor) for loc in located if loc.erratum.number > LAST_NUMBERED}
    quotes = [(loc.chapter.stem, _flat(loc.erratum.quote)) for loc in located if loc.erratum.quote]
    for ch in chapters.values():
        starts = [s.start for s in ch.sections[1:]] + [len(ch.lines)]
        for section, stop in zip(ch.sections, starts):  # each section's own lines, up to the next heading
            own = " ".join(ln.text for ln in ch.lines[section.start:stop] if ln.kind in ("prose", "heading"))
            if FURTHER.search(_flat(own)) and (ch.stem, section.anchor) not in further:
                problems.append(f"chapters/{ch.stem}.md announces a further erratum in section '{section.title}', "
                                f"which no erratum from {LAST_NUMBERED + 1} on covers")
        for section in ch.sections:
            if section.level < 2 or not _pitfall_section(section):
                continue
            for claim in BOLD_QUOTE.findall(ch.text(section, kinds=("prose",))):
                if not any(stem == ch.stem and q in _flat(claim) for stem, q in quotes):
                    problems.append(f"chapters/{ch.stem}.md, section '{section.title}': the notes' claim "
                                    f"\"{_flat(claim)}\" is not in the errata appendix")
    return sorted(set(problems), key=problems.index)




def inline_html(text: str) -> str:
    """Plain text with `code` spans to HTML (escaped; backticks become <code>).

    See chapter: chapters/errata.md
    """
    parts = re.split(r"`([^`]+)`", text)
    return "".join(f"<code>{html.escape(p)}</code>" if i % 2 else html.escape(p) for i, p in enumerate(parts))


def short_title(title: str) -> str:
    """A chapter title without its Chinese term: "Optimizers (优化器)" -> "Optimizers"."""
    return re.sub(r"\s*\([^()]*[\u3400-\u9fff][^()]*\)\s*$", "", title)


@dataclass
class Demonstrated:
    """One erratum run: its location, its outcome, and the demonstration's source (``show``)."""

    located: Located
    outcome: Outcome

    def _repr_html_(self) -> str:
        from mlnotes.book import show

        e, loc = self.located.erratum, self.located
        where = short_title(loc.chapter.title) + (f" › {loc.section.title}" if loc.section.level > 1 else "")
        src = show(e.demo, drop_docstring=True)
        src.parts = [(caption, code[code.index("def "):]) for caption, code in src.parts]  # without @erratum(…)
        code = src._repr_html_()
        return (f'<div id="erratum-{e.number}" class="mlnotes-erratum"{_BOX}>'
                f"<p><strong>Erratum {e.number}. {inline_html(e.title)}</strong>"
                f"{' (notes ' + html.escape(e.seed) + ')' if e.seed else ''}</p>"
                f"<p><em>The notes:</em> {inline_html(e.claim)}</p>"
                f"<p><em>Right:</em> {inline_html(e.right)}</p>"
                f'<table style="border-collapse:collapse;width:100%">'
                f"<tr><th{_HEAD}>the notes' version gives</th><td{_CELL}>{inline_html(self.outcome.notes)}</td></tr>"
                f"<tr><th{_HEAD}>the right version gives</th><td{_CELL}>{inline_html(self.outcome.right)}</td></tr>"
                f"</table>"
                f'<details class="mlnotes-details"><summary style="cursor:pointer">the code that ran</summary>'
                f"{code}</details>"
                f'<p>Explained in <a href="{html.escape(loc.href)}">{html.escape(where)}</a>.</p></div>')

    def __repr__(self) -> str:
        e = self.located.erratum
        return (f"Erratum {e.number}. {e.title}\n  notes: {e.claim}\n  right: {e.right}\n"
                f"  notes' version gives: {self.outcome.notes}\n  right version gives: {self.outcome.right}\n"
                f"  explained in: {self.located.href}")


def demonstrate(e: Erratum, chapters: dict) -> Demonstrated:
    """Locate ``e`` and run its demonstration (its assertions included).

    Raises ``LookupError`` if it cannot be located, ``TypeError`` if the demonstration returns
    no :class:`Outcome`, ``ValueError`` if both sides give the same text.
    See chapter: chapters/errata.md
    """
    loc = locate(e, chapters)
    out = e.demo()
    if not isinstance(out, Outcome):
        raise TypeError(f"erratum {e.number}: its demonstration returned {type(out).__name__}, not an Outcome")
    if not out.notes.strip() or not out.right.strip() or out.notes == out.right:
        raise ValueError(f"erratum {e.number}: the demonstration shows no difference ({out})")
    return Demonstrated(loc, out)
