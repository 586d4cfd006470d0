r"""Query translation (查询翻译) through the book's glossary: Chinese terms in a question → their English names.

Every chapter marks a key concept with its Chinese term, "**Batch Normalization (批归一化)**",
and the glossary appendix (:mod:`mlnotes.appendix.glossary`) collects the marks. Read backwards,
that is a bilingual dictionary of exactly the book's vocabulary: 批归一化 → "BatchNorm",
"Batch Normalization". For a question with Chinese in it, BM25 scores the question *and* the
English names of the Chinese terms found in it, so the question also matches every passage that
names the concept in English, not only the one place where the Chinese term is printed
(dictionary-based query translation, the oldest cross-language retrieval method). The dense
encoder still reads the question as written.

Terms are found longest first and do not overlap (批归一化 is found, not 归一化 inside it). Only
Chinese renderings written in CJK characters alone, of two or more characters, are used (the
parts of "归一化 / 标准化" are two terms; "Xavier 初始化" is not looked up as 初始化).

See chapter: chapters/rag.md
"""

from __future__ import annotations

import re

from mlnotes.rag.tfidf import CJK_RUN


def glossary_dictionary(root=None) -> dict:
    """Chinese term -> tuple of English names (term and abbreviations), from the glossary's marks.

    ``root`` is the book (default: found from the working directory). See chapter: chapters/rag.md
    """
    from mlnotes.appendix.glossary import build_glossary
    from mlnotes.appendix.sources import load_chapters

    return dictionary_from(((e.english, tuple(e.chinese), tuple(e.aliases))
                            for e in build_glossary(load_chapters(root)).entries))


def dictionary_from(entries) -> dict:
    """Chinese term -> English names from (english, chinese renderings, aliases) triples: -> dict.

    See chapter: chapters/rag.md
    """
    out: dict = {}
    for english, chinese, aliases in entries:
        names = [english, *aliases]
        for rendering in chinese:
            for part in re.split(r"[/、,，;；]", rendering):
                term = part.strip()
                if len(term) >= 2 and CJK_RUN.fullmatch(term):
                    known = out.setdefault(term, [])
                    known += [n for n in names if n not in known]
    return {term: tuple(names) for term, names in out.items()}


def translate(query: str, dictionary: dict) -> list:
    """English names of the dictionary's Chinese terms found in the query, longest terms first: -> list of str.

    A found term is blanked out before shorter ones are looked up, so terms never overlap.
    See chapter: chapters/rag.md
    """
    if not isinstance(query, str):
        raise TypeError(f"query must be a str, got {type(query).__name__}")
    rest, out = query, []
    for term in sorted((t for t in dictionary if t in query), key=lambda t: (-len(t), t)):
        if term in rest:
            rest = rest.replace(term, "\x00")
            out += [n for n in dictionary[term] if n not in out]
    return out


def expand(query: str, dictionary: dict) -> str:
    """The query followed by the English names of its Chinese terms (the query itself if none): str -> str.

    See chapter: chapters/rag.md
    """
    names = translate(query, dictionary)
    return f"{query} {' '.join(names)}" if names else query
