r"""Chunking (分块): cut text into retrievable pieces, by fixed size or by structure.

**Fixed size with overlap.** With size $S$ and overlap $O < S$ (both counted in *units*: words,
i.e. whitespace-separated tokens, or characters), chunk $j$ covers units
$[\,jT,\ jT + S\,)$ with stride $T = S - O$; the last chunk is cut at the end of the text, and
no chunk starts inside the previous chunk's overlap only. A text of $n$ units gives
$\lceil (n - O)/T \rceil$ chunks (one if $n \le S$). A plain English word is about 1.3
WordPiece tokens of the embedding model, more in text full of LaTeX (the chapter measures the
book's ratio); the model reads at most 256 tokens.

**By structure.** A section is cut at its headings first; its text is split into paragraphs
(blank lines) and sentences, and whole sentences are packed greedily into chunks of at most
$S$ words; the last ``overlap_sentences`` sentences of a chunk start the next one. A sentence
longer than $S$ words becomes a chunk of its own.

Every chunk keeps the character span ``[start, end)`` it came from, so boundaries can be drawn
on the original text and a chunk can be mapped back to its section (Small2Big).

See chapter: chapters/rag.md
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from mlnotes._checks import check_int

UNITS = ("word", "char")
_ABBREV = re.compile(r"\b(e\.g|i\.e|etc|vs|cf|Fig|Eq|approx|resp|Dr|Mr|Ms|No)\.$", re.I)


@dataclass(frozen=True)
class Chunk:
    """A piece of a section's text: which section, the text, its character span in the section.

    See chapter: chapters/rag.md
    """

    section: int
    text: str
    start: int
    end: int


def _check_text(text) -> str:
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    return text


def _check_size_overlap(size, overlap) -> tuple:
    size = check_int("size", size, low=1)
    overlap = check_int("overlap", overlap, low=0)
    if overlap >= size:
        raise ValueError(f"overlap must be smaller than size ({size}), got {overlap}")
    return size, overlap


def word_spans(text: str) -> list:
    """Character spans ``(start, end)`` of the whitespace-separated words of ``text``: str -> list of pairs.

    See chapter: chapters/rag.md
    """
    return [m.span() for m in re.finditer(r"\S+", _check_text(text))]


def window_ranges(n: int, size: int, overlap: int) -> list:
    """Unit ranges ``[first, last)`` of fixed-size windows with overlap over ``n`` units: -> list of pairs.

    Stride ``size - overlap``; the last window is cut at ``n``. See chapter: chapters/rag.md
    """
    stride, out = size - overlap, []
    for first in range(0, n, stride):
        last = min(first + size, n)
        out.append((first, last))
        if last == n:  # this window reached the end: no window starts inside its overlap only
            break
    return out


def fixed_spans(text: str, size: int, overlap: int = 0, unit: str = "word") -> list:
    """Character spans of fixed-size chunks with overlap, counted in words or characters: str -> list of pairs.

    See chapter: chapters/rag.md
    """
    text = _check_text(text)
    size, overlap = _check_size_overlap(size, overlap)
    if unit not in UNITS:
        raise ValueError(f"unit must be 'word' or 'char', got {unit!r}")
    units = [(i, i + 1) for i in range(len(text))] if unit == "char" else word_spans(text)
    return [(units[first][0], units[last - 1][1]) for first, last in window_ranges(len(units), size, overlap)]


def fixed_chunks(text: str, size: int, overlap: int = 0, unit: str = "word", section: int = 0) -> list:
    """Fixed-size chunks with overlap as :class:`Chunk` objects: str -> list of Chunk.

    See chapter: chapters/rag.md
    """
    return [Chunk(section, text[a:b], a, b) for a, b in fixed_spans(text, size, overlap, unit)]


def sentence_spans(text: str) -> list:
    """Character spans of the sentences of ``text``: paragraphs split at blank lines, then at . ! ? + space.

    Abbreviations such as "e.g." and "i.e." do not end a sentence; a display-math block stays
    whole. See chapter: chapters/rag.md
    """
    return list(_sentence_spans(_check_text(text)))


@functools.lru_cache(maxsize=4096)
def _sentence_spans(text: str) -> tuple:
    """The work of :func:`sentence_spans`, remembered per text (a section is split many times)."""
    out = []
    for para in re.finditer(r"(?:[^\n]|\n(?!\s*\n))+", text):
        p0, body = para.start(), para.group()
        cuts, in_math = [0], False
        for m in re.finditer(r"\$\$|[.!?](?=\s+[\"'(\[$A-Z0-9*`])", body):
            if m.group() == "$$":
                in_math = not in_math
            elif not in_math and not _ABBREV.search(body[max(0, m.start() - 8):m.end()]):
                cuts.append(m.end())
        cuts.append(len(body))
        for a, b in zip(cuts[:-1], cuts[1:]):
            while a < b and body[a].isspace():
                a += 1
            while b > a and body[b - 1].isspace():
                b -= 1
            if b > a:
                out.append((p0 + a, p0 + b))
    return tuple(out)


def sentences(text: str) -> list:
    """The sentences of ``text`` as strings: str -> list of str. See chapter: chapters/rag.md"""
    return [text[a:b] for a, b in sentence_spans(text)]


def pack_sentences(lengths: list, size: int, overlap_sentences: int = 0) -> list:
    """Greedy packing of sentences (given their word counts) into chunks of at most ``size`` words.

    Returns sentence ranges ``[i, j)``; the last ``overlap_sentences`` sentences of a chunk start
    the next one, and a sentence longer than ``size`` is a chunk of its own. See chapter: chapters/rag.md
    """
    out, i = [], 0
    while i < len(lengths):
        j, words = i, 0
        while j < len(lengths) and (j == i or words + lengths[j] <= size):
            words += lengths[j]
            j += 1
        out.append((i, j))
        if j == len(lengths):
            break
        back = max(j - overlap_sentences, i + 1)  # the overlap, never the whole previous chunk
        i = back if sum(lengths[back:j + 1]) <= size else j  # drop the overlap if the next sentence won't fit
    return out


def structure_chunks(text: str, size: int, overlap_sentences: int = 0, section: int = 0) -> list:
    """Whole sentences packed greedily into chunks of at most ``size`` words: str -> list of Chunk.

    The last ``overlap_sentences`` sentences of each chunk start the next one (:func:`pack_sentences`).
    See chapter: chapters/rag.md
    """
    text = _check_text(text)
    size = check_int("size", size, low=1)
    overlap_sentences = check_int("overlap_sentences", overlap_sentences, low=0)
    spans = sentence_spans(text)
    lengths = [len(text[a:b].split()) for a, b in spans]
    return [Chunk(section, text[spans[i][0]:spans[j - 1][1]], spans[i][0], spans[j - 1][1])
            for i, j in pack_sentences(lengths, size, overlap_sentences)]
