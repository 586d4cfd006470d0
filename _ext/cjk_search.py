"""The site's search box finds Chinese terms: English search with CJK runs split into character bigrams.

Sphinx's English search index stores every run of word characters as one term, so a page that
says "Batch Normalization (批归一化)" is indexed under ``批归一化`` only, and a reader who types
归一化 (or 偏差 inside 偏差-方差权衡) finds nothing. Chinese has no spaces, so a run is often a
whole phrase. ``language: zh_CN`` would also translate the site's interface, and Sphinx's
Chinese index (jieba) segments the pages but not the reader's query.

This extension replaces the English search language with a subclass that splits each run of CJK
characters (Han, kana, Hangul) into overlapping character **bigrams**, on both sides:

* **index** (Python, :meth:`SearchEnglishCJK.split`): 批归一化 → 批归, 归一, 一化;
* **query** (JavaScript, ``js_splitter_code``: the ``splitQuery`` that ``searchtools.js`` calls
  before stemming each term): 归一化 → 归一, 一化.

For a query of Chinese only, ``searchtools.js`` keeps a page only if it holds every bigram of the
query (terms of one or two characters are never matched partially), so a typed term of two or
more characters finds every page whose text contains it, alone or inside a longer run. A single
character alone stays a unigram on both sides (it finds that character only where it stands
alone). Text without CJK characters is split exactly as before, and the porter stemmer and the
stop words are untouched, so English results do not change. (Sphinx's index drops hiragana
terms shorter than three characters, so Japanese kana bigrams are not searchable; Chinese is.)

Loaded from ``_config.yml`` (``sphinx: local_extensions``); it registers itself for ``en``.
"""

from __future__ import annotations

import re

from sphinx.search.en import SearchEnglish

#: Kana, Han (extension A, unified, compatibility, supplementary planes), Hangul syllables
#: (the same ranges as ``mlnotes.rag.tfidf.CJK_CHARS`` and as ``CJK_RUN_RE`` in the JavaScript below).
CJK_CHARS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003ffff"
_CJK_RUN = re.compile(f"([{CJK_CHARS}]+)")


def bigrams(run: str) -> list[str]:
    """Overlapping character bigrams of a CJK run; a single character stays as it is."""
    return [run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)]


def split_cjk(word: str) -> list[str]:
    """One word of the English splitter, with each CJK run replaced by its bigrams (text order kept)."""
    out = []
    for i, part in enumerate(_CJK_RUN.split(word)):  # odd parts are CJK runs
        if i % 2:
            out.extend(bigrams(part))
        elif part:
            out.append(part)
    return out


# The query side. searchtools.js calls splitQuery(query) and then lower-cases, drops stop words and
# stems each term; the default splitter (kept here as the first step) splits at every character that
# is not a letter, number, underscore or emoji. Array.from walks code points, not UTF-16 halves.
JS_SPLITTER = r"""
var CJK_RUN_RE = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\u{20000}-\u{3ffff}]+/gu;
var splitQuery = (query) => {
  const terms = [];
  query.split(/[^\p{Letter}\p{Number}_\p{Emoji_Presentation}]+/gu).forEach((word) => {
    let last = 0;
    for (const match of word.matchAll(CJK_RUN_RE)) {
      if (match.index > last) terms.push(word.slice(last, match.index));
      const chars = Array.from(match[0]);
      if (chars.length === 1) terms.push(chars[0]);
      for (let i = 0; i + 1 < chars.length; i++) terms.push(chars[i] + chars[i + 1]);
      last = match.index + match[0].length;
    }
    if (last < word.length) terms.push(word.slice(last));
  });
  return terms.filter((term) => term);
};
"""


class SearchEnglishCJK(SearchEnglish):
    """Sphinx's English search language, with CJK runs split into character bigrams (index and query)."""

    lang = "en"
    js_splitter_code = JS_SPLITTER

    def split(self, input: str) -> list[str]:  # noqa: A002 (Sphinx's signature)
        return [term for word in super().split(input) for term in split_cjk(word)]


def setup(app):
    app.add_search_language(SearchEnglishCJK)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
