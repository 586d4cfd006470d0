r"""The "Term (中文)" marks of the chapters: where the book names a concept in English and Chinese.

A **parenthetical** is a pair of round brackets (ASCII or full-width) whose content holds at least
one Han character. Every parenthetical in a chapter's prose, headings and dropdown titles gets
exactly one reading, so none can slip through unnoticed:

| reading | source pattern | English | Chinese |
|---|---|---|---|
| ``bold`` | ``**Batch Normalization (批归一化)**``, ``**Regression (回归):**``, ``**LoRA (低秩适配**, Hu…)`` | text in bold before the bracket | Han parts of the bracket |
| ``bold-before`` | ``**gain** (增益)`` | the bold just before | Han parts |
| ``bold-inside`` | ``(**padding, 填充**)``, ``(the **fan-in**, 扇入)`` | the bold inside (its Latin part) | Han parts |
| ``heading`` | ``# Attention (注意力机制)``, ``## Interview questions (面试题)`` | heading text before the bracket | Han parts |
| ``drill`` | any of the above whose Chinese starts with 手撕: ``(手撕 Adam)`` | "Hand-write it" | 手撕 |
| ``question`` | a dropdown title, or a heading that asks (``…? (交叉熵对噪声敏感吗)``) | — not a term: the notes' question | |
| ``topic`` | a heading with a colon (``Numerical stability: … (softmax 的数值问题)``) | — not a term: the notes' name of a topic | |
| ``math`` / ``code`` | inside ``$…$`` or backticks | — not a term | |
| ``plain`` | ``Its Jacobian (雅可比矩阵)`` with no bold | — ambiguous: where the English term starts is not marked | |

The content of a bracket is split at commas (``,`` ``，`` ``、`` ``;``): parts with Han characters
are Chinese terms, the others abbreviations or aliases (``GD``, ``BPE``). Only the clause before a
semicolon counts, and a citation ("Su et al., 2021") or a quoted title ends it.

See chapter: chapters/glossary.md
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mlnotes.appendix.sources import Chapter
from mlnotes.rag.myst import plain_inline

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAS_HAN = re.compile(f"[{HAN}]")
PAREN = re.compile(f"[(（]([^()（）]*[{HAN}][^()（）]*)[)）]")
TERMS = ("bold", "bold-before", "bold-inside", "heading", "drill")  # readings that give a glossary term
DRILL = ("手撕", "Hand-write it")  # the book's name for its drill sections
CITATION = re.compile(r"\bet al\b|\b(?:1[89]|20)\d\d\b|^\s*[A-Z][a-z]+ (?:&|and) [A-Z][a-z]+\s*$")


@dataclass(frozen=True)
class Mark:
    """One parenthetical with Han characters and its reading; ``english``/``chinese`` for terms."""

    chapter: str
    line: int  # 1-based line number in chapters/<chapter>.md
    reading: str
    english: str
    chinese: tuple
    aliases: tuple
    anchor: str  # id of the section it is in
    section: str  # that section's title
    source: str  # the bracket as written

    @property
    def is_term(self) -> bool:
        return self.reading in TERMS


def _spans(text: str, pattern: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(pattern, text, re.S)]


def _inside(pos: int, spans) -> bool:
    return any(a < pos < b for a, b in spans)


def _split(content: str) -> tuple[tuple, tuple]:
    """Han parts and the other parts (aliases) of a bracket's content. Only the first clause counts (what
    follows a semicolon is a remark: ``(OvO, 一对一; Hand & Till 2001, "…")``), and a citation ends it."""
    chinese, aliases = [], []
    for part in re.split(r"[,，、]", re.split(r"[;；]", content)[0]):
        part = re.sub(r"\s+", " ", plain_inline(part)).strip(" *:.")
        if not part:
            continue
        if CITATION.search(part) or part[0] in "\"“'‘":
            break  # a citation or a quoted title: the rest of the clause is the reference
        (chinese if HAS_HAN.search(part) else aliases).append(part)
    return tuple(chinese), tuple(aliases)


def _is_abbreviation(text: str) -> bool:
    """``GD``, ``BPE``, ``RoPE``, ``IoU``: one word with two or more capitals or a digit."""
    return " " not in text and (sum(ch.isupper() for ch in text) >= 2 or any(ch.isdigit() for ch in text))


def _normalize(reading: str, english: str, chinese: tuple, aliases: tuple) -> tuple[str, tuple]:
    """The term a bracket glosses. An English phrase inside the bracket is what the Chinese translates
    (``**KKT conditions** (complementary slackness, 互补松弛)``); the bold then stays only as an
    abbreviation (``**MRR** (mean reciprocal rank, 平均倒数排名)``). A heading's leading article goes,
    and in "X and Y (中文)" without 与/和/及 in the Chinese the bracket glosses Y."""
    phrases = [a for a in aliases if not _is_abbreviation(a)]
    if phrases and reading in ("bold", "bold-before"):
        keep = [english] if _is_abbreviation(english) else []
        return phrases[0], tuple(keep + [a for a in aliases if a != phrases[0]])
    if reading == "heading":
        english = re.sub(r"^(?:The|A|An)\s+", "", english)
        if re.search(r"\s(?:and|&)\s", english) and not any(re.search("[与和及]", c) for c in chinese):
            english = re.split(r"\s(?:and|&)\s", english)[-1]
            english = english[:1].upper() + english[1:]
    return english, aliases


def _english(raw: str) -> str:
    text = plain_inline(raw.replace("**", "")).strip()
    return re.sub(r"\s+", " ", text).strip(" ,;:.")


def _read_prose(para: str, start: int, end: int, content: str) -> tuple[str, str, str]:
    """(reading, english, chinese content) of one bracket in a paragraph of prose."""
    before, after = para[:start], para[end:]
    m = re.search(r"\*\*([^*]+?)\*\*\s*$", before)
    if m and re.search("[A-Za-z]", m.group(1)):
        return "bold-before", _english(m.group(1)), content
    opened = re.search(r"\*\*([^*]*)$", before)  # a bold that opened before the bracket and is still open
    if opened and before.count("**") % 2 == 1 and re.search("[A-Za-z]", opened.group(1)):
        if "**" in content:  # bold closes inside the bracket: **LoRA (低秩适配**, Hu et al., 2022)
            return "bold", _english(opened.group(1)), content.split("**")[0]
        if re.match(r"\s*[:.,]?\*\*", after):
            return "bold", _english(opened.group(1)), content
    inner = re.search(r"\*\*([^*]+)\*\*", content)
    if inner:
        latin = [p for p in re.split(r"[,，]", inner.group(1)) if re.search("[A-Za-z]", p) and not HAS_HAN.search(p)]
        if latin:
            rest = content.replace(inner.group(0), "", 1)
            han = [p for p in re.split(r"[,，、]", inner.group(1) + "," + rest) if HAS_HAN.search(p)]
            return "bold-inside", _english(latin[0]), ", ".join(han)  # "the", "an" around the bold: no alias
    return "plain", "", content


def _read_title(title: str, start: int, content: str, kind: str) -> tuple[str, str, str]:
    before = title[:start].strip()
    if kind == "dropdown" or before.rstrip().endswith("?"):
        return "question", "", content
    if ":" in before and not content.strip().startswith(DRILL[0]):
        return "topic", "", content  # "Numerical stability: softmax, … (softmax 的数值问题)": the notes' topic
    return "heading", _english(before), content


def _paragraphs(chapter: Chapter):
    """(kind, text, [line index of each character's line]) for prose paragraphs and title lines."""
    buf, owners = [], []

    def flush():
        if buf:
            yield "prose", "\n".join(buf), owners[:]
        buf.clear()
        owners.clear()

    for idx, ln in enumerate(chapter.lines):
        if ln.kind == "prose" and ln.text.strip():
            buf.append(ln.text)
            owners.append(idx)
            continue
        yield from flush()
        if ln.kind in ("heading", "dropdown"):
            text = re.sub(r"^(#+|:::+\s*\{dropdown\})\s*", "", ln.text)
            yield ln.kind, text, [idx]
    yield from flush()


def chapter_marks(chapter: Chapter) -> list[Mark]:
    """Every bracket with Han characters in a chapter, with its reading (see the module docstring).

    See chapter: chapters/glossary.md
    """
    marks = []
    for kind, text, owners in _paragraphs(chapter):
        starts = [0]
        for line in text.split("\n")[:-1]:
            starts.append(starts[-1] + len(line) + 1)
        maths = _spans(text, r"\$\$.*?\$\$|\$[^$\n]+?\$")
        codes = _spans(text, r"`[^`\n]+`")
        for m in PAREN.finditer(text):
            content = m.group(1)
            if _inside(m.start(), maths):
                reading, english, han = "math", "", content
            elif _inside(m.start(), codes):
                reading, english, han = "code", "", content
            elif kind == "prose":
                reading, english, han = _read_prose(text, m.start(), m.end(), content)
            else:
                reading, english, han = _read_title(text, m.start(), content, kind)
            chinese, aliases = _split(han)
            if reading in TERMS and chinese and chinese[0].startswith(DRILL[0]):
                reading, english, chinese, aliases = "drill", DRILL[1], (DRILL[0],), ()
            if reading in TERMS and (not english or not chinese):
                reading = "plain"
            if reading in TERMS:
                english, aliases = _normalize(reading, english, chinese, aliases)
            row = sum(1 for s in starts if s <= m.start()) - 1
            idx = owners[min(row, len(owners) - 1)]
            section = chapter.section_at(idx)
            marks.append(Mark(chapter.stem, chapter.lines[idx].number, reading, english,
                              chinese if reading in TERMS else (), aliases if reading in TERMS else (),
                              section.anchor, section.title, m.group(0)))
    return marks
