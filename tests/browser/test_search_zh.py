"""The site's search box finds the book's Chinese terms (_ext/cjk_search.py): type a term, get the page that marks it.

The terms are the glossary's (``mlnotes.appendix.glossary``: every "Term (中文)" mark of the chapters, with the
chapter that marks it). Each is searched as typed, and so is every part of two or more characters of a longer
term (归一化 inside 批归一化). One search goes through the search page's form like a reader's; the rest run
``searchtools.js``'s own query functions on the loaded index, all in one call. The query splitter in the page
must cut text exactly as the index builder did, and must leave English as Sphinx's default splitter does.
"""

from __future__ import annotations

import functools
import re
import sys

import pytest

from .conftest import ROOT, site_dir

pytestmark = pytest.mark.browser
CJK_RUN = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003ffff]+")


@functools.lru_cache(maxsize=1)
def marked_terms() -> dict:
    """Chinese term as a reader types it -> the pages (``chapters/<name>``) that mark it."""
    from mlnotes.appendix.glossary import build_glossary
    from mlnotes.appendix.sources import load_chapters

    out: dict = {}
    for mark in build_glossary(load_chapters(ROOT)).marks:
        if mark.is_term and (site_dir() / "chapters" / f"{mark.chapter}.html").exists():
            for term in mark.chinese:
                out.setdefault(term.strip(), set()).add(f"chapters/{mark.chapter}")
    return out


def typed_queries() -> dict:
    """Every marked term, and every part of 2+ characters of its Chinese runs -> the pages that must be found."""
    queries: dict = {}
    for term, pages in marked_terms().items():
        queries.setdefault(term, set()).update(pages)
        for run in CJK_RUN.findall(term):
            for i in range(len(run)):
                for j in range(i + 2, len(run) + 1):
                    queries.setdefault(run[i:j], set()).update(pages)
    return queries


def open_search(page, query: str = ""):
    page.goto(f"{page.origin}/search.html" + (f"?q={query}" if query else ""), wait_until="load")
    page.wait_for_function("() => typeof Search !== 'undefined' && Search.hasIndex()")


FOUND = """queries => Object.fromEntries(queries.map(q => {
  const [query, terms, excluded, highlight, objects] = Search._parseQuery(q);
  return [q, [...new Set(Search._performSearch(query, terms, excluded, highlight, objects).map(r => r[0]))]];
}))"""


def test_the_glossary_has_chinese_terms():
    terms = marked_terms()
    assert len(terms) > 100 and "批归一化" in terms and "chapters/normalization" in terms["批归一化"]


def test_typing_a_chinese_word_finds_every_page_that_marks_a_term_with_it(page):
    """梯度 (gradient) is never a term alone: it is part of 梯度下降, 梯度裁剪, 梯度提升树 …, each marked on a page.
    Sphinx's English index stores each of those whole, and finds none of them for 梯度."""
    pages = set().union(*(p for t, p in marked_terms().items() if "梯度" in t))
    assert len(pages) >= 2
    open_search(page)
    box = page.locator("#search-results").locator("xpath=..").locator("input[name=q]")
    box.fill("梯度")
    box.press("Enter")
    page.wait_for_function("() => /found \\d+ page/.test(document.querySelector('#search-results').innerText)")
    links = page.eval_on_selector_all("#search-results ul.search li > a", "els => els.map(a => a.getAttribute('href'))")
    assert pages <= {h.split(".html")[0] for h in links}, (sorted(pages), links)
    assert page.log.errors == [] and page.log.offsite == []


def test_every_chinese_term_and_each_part_of_it_finds_its_pages(page):
    open_search(page)
    queries = typed_queries()
    found = page.evaluate(FOUND, sorted(queries))
    missing = {q: sorted(pages - set(found[q])) for q, pages in queries.items() if pages - set(found[q])}
    assert not missing, f"{len(missing)} of {len(queries)} Chinese searches miss the page that marks the term: " \
                        f"{dict(list(missing.items())[:10])}"


def test_the_page_splits_queries_like_the_index_and_english_like_sphinx(page):
    sys.path.insert(0, str(ROOT / "_ext"))
    try:
        from cjk_search import SearchEnglishCJK
    finally:
        sys.path.remove(str(ROOT / "_ext"))
    open_search(page)
    samples = ["Batch Normalization (批归一化)", "BN层和LayerNorm", "偏差-方差权衡", "归一化", "树", "𠀀𠀁 x",
               "Why divide by sqrt(d_k)?", "top-k, top-p; k1=1.5", "résumé naïve Ünïcode", "gradient_clipping 2x",
               *sorted(marked_terms())[:50]]
    ours = page.evaluate("texts => texts.map(t => splitQuery(t))", samples)
    assert ours == [SearchEnglishCJK({}).split(t) for t in samples]
    english = [t for t in samples if not CJK_RUN.search(t)]
    default = page.evaluate("""texts => texts.map(t => t.split(/[^\\p{Letter}\\p{Number}_\\p{Emoji_Presentation}]+/gu)
                                                    .filter(term => term))""", english)
    assert page.evaluate("texts => texts.map(t => splitQuery(t))", english) == default
