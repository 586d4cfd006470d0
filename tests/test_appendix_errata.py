"""mlnotes.appendix.errata: every erratum registered, demonstrated with the chapters' code, linked to a section
that exists; the check that keeps the registry and the chapters in agreement fails loudly, naming what is wrong."""

from __future__ import annotations

import inspect
import re

import pytest

from mlnotes.appendix import errata as E
from mlnotes.appendix.errata_page import errata_book
from mlnotes.appendix.sources import anchor_id, load_chapters, parse_chapter

HEADER = "---\njupytext:\n  text_representation:\n    extension: .md\n---\n\n"
CELL = "```{code-cell} ipython3\nx = 1\n```\n"
TORCH_ONLY = {38: "the chapter shows the shapes with torch itself", 39: "the chapter runs torch.round itself"}


@pytest.fixture(scope="module")
def chapters():
    return {c.stem: c for c in load_chapters()}


ERRATA = E.all_errata()


def test_all_topics_errata_and_the_further_ones_are_registered():
    numbers = [e.number for e in ERRATA]
    missing = sorted(set(range(1, 23)) - set(numbers))
    assert not missing, f"missing from TOPICS.md's list: {missing}"
    assert numbers == list(range(1, len(numbers) + 1))  # further ones numbered on from 23, no gaps
    assert all(e.section and e.quote for e in ERRATA if e.number > 22)


def test_the_registry_and_the_chapters_agree(chapters):
    problems = E.check_errata(ERRATA, chapters.values())
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("e", ERRATA, ids=lambda e: f"erratum-{e.number}")
def test_each_erratum_is_demonstrated_and_linked(e, chapters):
    shown = E.demonstrate(e, chapters)
    loc = shown.located
    assert loc.chapter.code_cells(loc.section) > 0
    page, anchor = loc.href.split("#")
    assert page == f"{loc.chapter.stem}.html"
    assert anchor in {s.anchor for s in loc.chapter.sections} | {anchor_id(lab) for lab in loc.chapter.labels}
    assert shown.outcome.notes and shown.outcome.right and shown.outcome.notes != shown.outcome.right
    source = inspect.getsource(e.demo)
    if e.number not in TORCH_ONLY:
        assert re.search(r"from mlnotes[. ]", source), f"erratum {e.number} must reuse the chapter's mlnotes code"
    html = shown._repr_html_()
    assert f'id="erratum-{e.number}"' in html and f'href="{loc.href}"' in html and "mlnotes-src" in html
    assert "@erratum" not in re.sub("<[^>]+>", "", html)  # the demonstration, not its registration


def test_the_page_objects(chapters):
    book = errata_book()
    assert (book.numbered, book.further) == (22, len(ERRATA) - 22)
    overview = book.overview()
    assert len(overview.rows) == len(ERRATA) and overview._repr_markdown_().count("\n") == len(ERRATA) + 1
    assert all(f'href="#erratum-{e.number}"' in overview._repr_html_() for e in ERRATA)


def test_every_link_resolves(chapters):
    """Links of the in-process pages against the sources; and, where a site was built after every chapter
    last changed, every chapter link of its errata and glossary pages against the built pages' ids."""
    from mlnotes.appendix.glossary import build_glossary

    book = errata_book()
    g = build_glossary(chapters.values())
    html = book.overview()._repr_html_() + "".join(E.demonstrate(e, chapters)._repr_html_() for e in ERRATA[:3])
    html += g.by_english()._repr_html_() + g.by_chinese()._repr_html_()
    ids = {stem: {s.anchor for s in c.sections} | {anchor_id(lab) for lab in c.labels} for stem, c in chapters.items()}
    links = re.findall(r'href="([\w-]+)\.html#([^"]+)"', html)
    assert links and all(a in ids[p] for p, a in links), [f"{p}#{a}" for p, a in links if a not in ids[p]]
    for site in _fresh_sites():
        errata_page = (site / "errata.html").read_text(encoding="utf-8")
        if "mlnotes-erratum" in errata_page:  # a site in which the errata page was executed
            absent = [e.number for e in ERRATA if f'id="erratum-{e.number}"' not in errata_page]
            assert not absent, f"{site}/errata.html has no box for errata {absent}"
        for page in ("errata", "glossary"):
            built = (site / f"{page}.html").read_text(encoding="utf-8")
            for target, anchor in set(re.findall(r'href="([\w-]+)\.html#([^"]+)"', built)):
                text = (site / f"{target}.html").read_text(encoding="utf-8")
                assert f'id="{anchor}"' in text, f"{site}/{page}.html links to {target}.html#{anchor}: not there"


def _fresh_sites():
    from mlnotes._repo import find_root

    root = find_root()
    newest = max(p.stat().st_mtime for p in (root / "chapters").glob("*.md"))
    for site in root.glob("_build/**/html/chapters"):
        pages = [site / "errata.html", site / "glossary.html"]
        if all(p.exists() and p.stat().st_mtime > newest for p in pages):
            yield site


def test_the_defining_mention_wins():
    ch = parse_chapter(HEADER + "# T\n\n(sec-a)=\n## Early\n\nSee erratum 3 below.\n\n" + CELL +
                       "\n(sec-b)=\n## Pitfalls\n\n**Erratum 3: momentum.** Wrong.\n\n" + CELL, "toy")
    e = E.Erratum(3, "t", "toy", "c", "r", lambda: E.Outcome("a", "b"))
    assert E.locate(e, {"toy": ch}).href == "toy.html#sec-b"  # the bold lead, not the earlier mention


# ------------------------------------------------- the check fails loudly, naming what is wrong

def _toy(body):
    return parse_chapter(HEADER + "# Toy\n\n" + body, "toy")


def _erratum(n, **kw):
    return E.Erratum(n, f"t{n}", "toy", "c", "r", lambda: E.Outcome("a", "b"), **kw)


GOOD = "(sec-toy-errata)=\n## Pitfalls\n\n**Erratum 1: x.** Wrong.\n\n" + CELL


@pytest.mark.parametrize("body, errata, message", [
    (GOOD, [_erratum(1), _erratum(3)], "erratum 2 is not registered"),
    (GOOD + "\nAs erratum 7 shows.\n", [_erratum(1)], "mentions erratum 7, which the errata appendix lacks"),
    ("## Pitfalls\n\nNothing here.\n\n" + CELL, [_erratum(1)], "no chapter introduces 'erratum 1'"),
    ("(sec-toy-errata)=\n## Pitfalls\n\n**Erratum 1: x.** Wrong.\n", [_erratum(1)], "holds no code cell"),
    (GOOD, [_erratum(1), _erratum(23, section="sec-gone", quote="nowhere")], "the label (sec-gone)= is in no chapter"),
    (GOOD + "\n(sec-toy-more)=\n## More\n\nA further erratum: the notes say y.\n\n" + CELL, [_erratum(1)],
     "announces a further erratum in section 'More'"),
    (GOOD + "\n- **\"Dropout is a normalization\"** (the notes).\n", [_erratum(1)],
     "the notes' claim \"Dropout is a normalization\" is not in the errata appendix"),
    (GOOD, [_erratum(1), _erratum(23, section="sec-toy-errata", quote="a phrase no longer there")],
     "erratum 23: section (sec-toy-errata) of chapters/toy.md no longer says"),
])
def test_a_disagreement_is_named(body, errata, message):
    problems = E.check_errata(errata, [_toy(body)])
    assert any(message in p for p in problems), problems


def test_a_covered_further_erratum_passes(monkeypatch):
    monkeypatch.setattr(E, "LAST_NUMBERED", 1)  # the toy book numbers only erratum 1
    body = GOOD + "\n(sec-toy-more)=\n## More\n\n- **\"Dropout is a normalization\"**: a further mistake.\n\n" + CELL
    errata = [_erratum(1), _erratum(2, section="sec-toy-more", quote="Dropout is a normalization")]
    assert E.check_errata(errata, [_toy(body)]) == []


def test_registration_rules():
    with pytest.raises(ValueError, match="give section= and quote="):
        E.erratum(99, "t", chapter="toy", claim="c", right="r")
    with pytest.raises(ValueError, match="positive int"):
        E.erratum(0, "t", chapter="toy", claim="c", right="r")
    with pytest.raises(ValueError, match="registered twice"):
        E.erratum(1, "t", chapter="toy", claim="c", right="r")(lambda: None)


def test_a_demonstration_must_show_a_difference(chapters):
    same = E.Erratum(1, "t", "losses", "c", "r", lambda: E.Outcome("x", "x"))
    with pytest.raises(ValueError, match="shows no difference"):
        E.demonstrate(same, chapters)
    wrong_type = E.Erratum(1, "t", "losses", "c", "r", lambda: ("x", "y"))
    with pytest.raises(TypeError, match="not an Outcome"):
        E.demonstrate(wrong_type, chapters)
    with pytest.raises(LookupError, match="no chapter introduces 'erratum 99'"):
        E.locate(E.Erratum(99, "t", "nowhere", "c", "r", None), chapters)


def test_a_section_that_moved_to_another_chapter_is_followed():
    """A chapter split in two: the erratum's heading or quoted phrase now lives in the new chapter."""
    old = parse_chapter(HEADER + "# Old\n\n(sec-old)=\n## Kept\n\nNothing else.\n\n" + CELL, "old")
    new = parse_chapter(HEADER + "# New\n\n(sec-new)=\n## Moved\n\n### Erratum 2: moved\n\nThe notes say q.\n\n"
                        + CELL, "new")
    chapters = {"old": old, "new": new}
    numbered = E.Erratum(2, "t", "old", "c", "r", None)
    assert E.locate(numbered, chapters).href == "new.html#erratum-2-moved"
    further = E.Erratum(23, "t", "old", "c", "r", None, section="sec-old", quote="The notes say q.")
    assert E.locate(further, chapters).href == "new.html#erratum-2-moved"  # innermost section with the phrase


def test_inline_code_and_titles():
    assert E.inline_html("use `a < b` & go") == "use <code>a &lt; b</code> &amp; go"
    assert E.short_title("Optimizers (优化器)") == "Optimizers" and E.short_title("Retrieval (检索, RAG)") == "Retrieval"
