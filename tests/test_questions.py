"""The question bank: every chapter's interview question is in it, every link resolves, answers render as the page
shows; cheat sheets and the seed notes' open questions."""

from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from mlnotes.appendix.sources import anchor_id
from mlnotes.interview.bank import question_bank
from mlnotes.interview.deck import flashcard_deck
from mlnotes.interview.drills import all_drills, drill_table
from mlnotes.interview.gather import GENERATED, all_chapters, all_questions, label_targets
from mlnotes.interview.render import Context, Target, to_html, to_text
from mlnotes.interview.seeds import seed_gaps

ROOT = Path(__file__).resolve().parents[1]
BANK = question_bank()


def independent_questions() -> list:
    """(chapter, title) of every dropdown under an "## Interview questions" heading, read with plain regexes."""
    out = []
    for path in sorted((ROOT / "chapters").glob("*.md")):
        if path.stem in GENERATED:
            continue
        inside = False
        for line in path.read_text(encoding="utf-8").splitlines():
            if re.match(r"^#{1,2} ", line):
                inside = line.lower().startswith("## interview questions")
            elif inside and re.match(r"^:::+\{dropdown\}", line):
                out.append((path.stem, re.sub(r"^:::+\{dropdown\}\s*", "", line).strip()))
    return out


def test_every_chapter_question_is_in_the_bank():
    in_bank = {(e.question.chapter, e.question.title) for e in BANK.entries}
    expected = independent_questions()
    missing = [q for q in expected if q not in in_bank]
    assert missing == [], f"questions missing from the bank: {missing}"
    assert len(BANK.entries) == len(expected) >= 280
    assert [e.question for e in BANK.entries] == all_questions()


def test_chapters_in_book_order_and_numbered():
    stems = [ch.stem for ch, _ in BANK.groups]
    toc = re.findall(r"file:\s*chapters/(\w+)", (ROOT / "_toc.yml").read_text())
    assert stems == [s for s in toc if s in stems]
    for _, entries in BANK.groups:
        assert [e.question.number for e in entries] == list(range(1, len(entries) + 1))


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href"))


def anchors_by_page() -> dict:
    """page -> every id the built page will have for its headings and labels (as Sphinx gives them)."""
    out = {}
    for ch in all_chapters():
        ids = {s.anchor for s in ch.sections} | {anchor_id(label) for label in ch.labels}
        out[f"{ch.stem}.html"] = ids
    return out


def test_every_link_of_the_bank_resolves():
    parser = _Links()
    parser.feed(BANK._repr_html_())
    pages, own_ids = anchors_by_page(), set(re.findall(r'id="([^"]+)"', BANK._repr_html_()))
    broken = []
    for href in parser.hrefs:
        page, _, frag = href.partition("#")
        if not page:
            ok = frag in own_ids
        else:
            ok = page in pages and (not frag or frag in pages[page])
        if not ok:
            broken.append(href)
    assert parser.hrefs and broken == [], broken
    assert BANK.broken == []


def test_a_broken_link_is_reported(tmp_path):
    (tmp_path / "chapters").mkdir()
    (tmp_path / "_toc.yml").write_text("root: intro\nparts:\n  - chapters:\n      - file: chapters/a\n"
                                       "      - file: chapters/b\n")
    (tmp_path / "chapters" / "a.md").write_text(
        "(ch-a)=\n# A (甲)\n\n(sec-a-x)=\n## Idea\n\nText {eval}`v` and {eval}`v`.\n\n(sec-a-interview)=\n"
        "## Interview questions (面试题)\n\n:::{dropdown} What is $x$?\nIt is {eval}`v`, see {ref}`sec-a-x` and "
        "{ref}`the gone part <sec-gone>`.\n:::\n\n:::{dropdown} Second?\nNo link.\n:::\n")
    (tmp_path / "chapters" / "b.md").write_text("# B\n\nNo questions here.\n")
    bank = question_bank(tmp_path)
    assert [ch.stem for ch in bank.without] == ["b"]
    assert bank.broken == [("a", "What is $x$?", "sec-gone")]
    assert [q.text for q in bank.unlinked] == ["Second?"]
    first = bank.entries[0]
    assert '<a href="a.html#sec-a-x">Idea</a>' in first.answer_html  # a bare ref shows the section title
    assert 'data-eval="a/v/2"' in first.answer_html  # the third {eval} of v in the chapter
    assert first.title_html == "What is \\(x\\)?"


def test_answers_render_math_links_and_placeholders():
    n_roles = n_placeholders = 0
    for e in BANK.entries:
        html = e.answer_html
        prose = re.sub(r"\\\(.*?\\\)|\\\[.*?\\\]", "", html, flags=re.S)
        assert "{ref}" not in html and "{eval}" not in html, e.question.text
        assert "$" not in prose, f"untypeset math in {e.question.chapter}: {e.question.text}"
        n_roles += len(re.findall(r"\{eval\}`", e.question.answer))
        n_placeholders += html.count('class="mlx-eval"')
    assert n_roles == n_placeholders > 100


def test_placeholders_name_the_right_occurrence_in_the_chapter():
    sources = {p.stem: p.read_text(encoding="utf-8") for p in (ROOT / "chapters").glob("*.md")}
    for e in BANK.entries:
        q = e.question
        for key in re.findall(r'data-eval="([^"]+)"', e.answer_html):
            chapter, name, k = key.rsplit("/", 2)
            roles = [m for m in re.finditer(r"\{eval\}`\s*([^`]*?)\s*`", sources[chapter]) if m.group(1) == name]
            line = sources[chapter].count("\n", 0, roles[int(k)].start()) + 1
            assert chapter == q.chapter and q.line < line <= q.line + q.answer.count("\n") + 1, (key, q.text)


def test_question_ids_are_stable_and_unique():
    ids = [e.question.id for e in BANK.entries]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[0-9a-f]{12}", i) for i in ids)


@pytest.mark.parametrize("source, expected", [
    ("$a_1 < b$", "\\(a_1 &lt; b\\)"),
    ("**bold** and `code`", "<strong>bold</strong> and <code>code</code>"),
    ("$$x^2$$", "\\[x^2\\]"),
    ("{ref}`words <sec-t>`", '<a href="t.html#sec-t">words</a>'),
    ("{ref}`sec-t`", '<a href="t.html#sec-t">The title</a>'),
    ("{math}`\\alpha`", "\\(\\alpha\\)"),
])
def test_to_html_inline(source, expected):
    ctx = Context({"sec-t": Target("t", "sec-t", "The title", "T")}, "c")
    assert to_html(source, ctx, inline=True) == expected


def test_to_html_blocks_tables_and_unknown_labels():
    ctx = Context({}, "c", {"v": 2})
    out = to_html("| a | b |\n|---|---|\n| 1 | {eval}`v` |\n\n$$\nx\n$$\n\nsee {ref}`nowhere`", ctx)
    assert "<table>" in out and 'data-eval="c/v/2"' in out and '<div class="math-display">\\[\nx\n\\]</div>' in out
    assert ctx.missing == ["nowhere"]
    with pytest.raises(TypeError, match="source must be a str"):
        to_html(3, ctx)


def test_to_text_reads_as_the_page():
    targets = label_targets(all_chapters())
    text = to_text("See {ref}`sec-optim-bias` and {eval}`x`; `code`.", targets)
    assert text == "See Adam's bias correction and …; code."


def test_deck_has_every_question_once_and_is_safe_json():
    deck = flashcard_deck()
    assert [c["id"] for c in deck.cards] == [e.question.id for e in BANK.entries]
    assert sum(c["count"] for c in deck.chapters) == len(deck.cards)
    text = deck.to_json()
    assert "</script" not in text.lower() and "<!--" not in text
    assert json.loads(text)["cards"][0]["a"] == deck.cards[0]["a"]
    page = deck._repr_html_()
    assert page.count("<script") == 2 and 'id="mlx-flashcards-deck"' in page and "_static/ts-fsrs/" in page


def test_flashcards_app_is_valid_javascript():
    import shutil
    import subprocess

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (the browser test runs the app)")
    app = ROOT / "mlnotes" / "interview" / "flashcards.js"
    subprocess.run([node, "--check", str(app)], check=True)


def test_drill_table_and_seed_gaps():
    table = drill_table()
    html = table._repr_html_()
    assert all(f"<code>{d.name}</code>" in html for d in all_drills())
    gaps = seed_gaps()
    assert len(gaps.gaps) >= 10 and all(re.fullmatch(r"00[0-4](, 00[0-4])*", g.notes) for g in gaps.gaps)
    assert gaps._repr_html_().count("<li>") == len(gaps.gaps)
    for g in gaps.gaps:
        assert re.search(g.pattern, g.question, re.I), g  # the pattern recognises the question itself
        answered = [e.question.text for e in BANK.entries if re.search(g.pattern, e.question.text, re.I)]
        assert answered == [], f"a chapter now answers {g.question!r} ({answered}): drop it from seeds.py"


SHEET_CHAPTERS = ("mathtools", "initialization", "losses", "optimizers", "regularization", "normalization",
                  "linear_models", "svm", "trees", "ensembles", "unsupervised", "cnn", "rnn", "attention",
                  "transformer", "llm", "generative")


def test_cheat_sheets_are_read_from_the_chapters_and_resolve():
    from mlnotes.interview.cheatsheets import cheat_sheets

    sheets = cheat_sheets()
    found = {s.chapter: s for s in sheets.sheets}
    assert set(SHEET_CHAPTERS) <= set(found), set(SHEET_CHAPTERS) - set(found)
    assert not set(found) & set(sheets.without)
    for s in sheets.sheets:
        ctx = Context(sheets.targets, s.chapter, dict(s.eval_offsets))
        html = to_html(s.source, ctx)
        assert ctx.missing == [], (s.chapter, ctx.missing)
        assert html.count('class="mlx-eval"') == len(re.findall(r"\{eval\}`", s.source)), s.chapter
        assert "```" not in s.source and "{code-cell}" not in s.source, "code cells are left out"
        assert s.chapter not in SHEET_CHAPTERS or re.fullmatch(r"sec-[a-z]+-cheatsheet", s.anchor), s.anchor
        assert len(s.source) < 2600, f"the cheat sheet of {s.chapter} is too long for one page"
    assert f'id="sheet-{SHEET_CHAPTERS[0]}"' in sheets._repr_html_()


def test_a_chapter_without_a_cheat_sheet_is_listed_not_an_error(tmp_path):
    from mlnotes.interview.cheatsheets import cheat_sheets

    (tmp_path / "chapters").mkdir()
    (tmp_path / "_toc.yml").write_text("root: intro\nparts:\n  - chapters:\n      - file: chapters/a\n"
                                       "      - file: chapters/b\n      - file: chapters/c\n")
    (tmp_path / "chapters" / "a.md").write_text(
        "# A\n\n(sec-a-x)=\n## Idea\n\nText {eval}`v`.\n\n(sec-a-cheatsheet)=\n## Cheat sheet (速查)\n\n"
        "- $x^2$ is {eval}`v` ({ref}`sec-a-x`).\n\n```{code-cell} ipython3\nprint(1)\n```\n\n## Interview questions\n")
    (tmp_path / "chapters" / "b.md").write_text("# B\n\nNo cheat sheet.\n")
    (tmp_path / "chapters" / "c.md").write_text("# Appendix: C\n\nAn appendix needs none.\n")
    sheets = cheat_sheets(tmp_path)
    assert [s.chapter for s in sheets.sheets] == ["a"] and sheets.without == ["b"]
    sheet = sheets.sheets[0]
    assert sheet.source == "- $x^2$ is {eval}`v` ({ref}`sec-a-x`)." and sheet.href == "a.html#sec-a-cheatsheet"
    html = sheets._repr_html_()
    assert 'data-eval="a/v/1"' in html and '<a href="a.html#sec-a-x">Idea</a>' in html and "\\(x^2\\)" in html
    assert 'Not yet written: <a href="b.html">b</a>' in html


def bump(path):
    """Move a file's modification time on, as a later save would (the chapters are parsed once per version)."""
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))


def test_a_card_keeps_its_id_when_its_answer_is_edited(tmp_path):
    (tmp_path / "chapters").mkdir()
    (tmp_path / "_toc.yml").write_text("root: intro\nparts:\n  - chapters:\n      - file: chapters/a\n")
    page = tmp_path / "chapters" / "a.md"
    text = "# A\n\n## Interview questions (面试题)\n\n:::{dropdown} Why  $x$?\n{answer}\n:::\n"
    page.write_text(text.replace("{answer}", "Because."))
    before = all_questions(tmp_path)[0]
    page.write_text(text.replace("{answer}", "Because, as measured.").replace("Why  $x$", "why $x$"))
    bump(page)
    after = all_questions(tmp_path)[0]
    assert after.answer != before.answer and after.id == before.id  # case and spacing of the words ignored
    page.write_text(text.replace("{answer}", "Because.").replace("Why  $x$", "Why $y$"))
    bump(page)
    assert all_questions(tmp_path)[0].id != before.id
