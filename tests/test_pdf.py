"""``make pdf``: a small site printed by scripts/pdf.py has its text, opened answers, wrapped code, Chinese glyphs,
a contents page with working links, bookmarks and cheat sheets; every CJK character of the book has a glyph."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
from pathlib import Path


from tests.browser.conftest import _missing

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("mlnotes_pdf", ROOT / "scripts" / "pdf.py")
pdf = importlib.util.module_from_spec(spec)
spec.loader.exec_module(pdf)


def need(what: str):
    _missing(what, tests="PDF TEST")


def cjk_families() -> list:
    out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout
    return sorted({re.sub(r"\s+", "", f) for line in out.splitlines() for f in line.split(",") if f.isascii() and f})


def test_every_cjk_character_of_the_book_has_a_glyph():
    texts = [p.read_text(encoding="utf-8") for p in (ROOT / "chapters").glob("*.md")]
    texts.append((ROOT / "intro.md").read_text(encoding="utf-8"))
    chars = pdf.cjk_characters(texts)
    assert len(chars) > 300, "the book writes hundreds of distinct Chinese characters"
    if not pdf.cjk_font_files():
        need("no CJK font installed (scripts/ensure_cjk_font.sh)")
    assert pdf.missing_glyphs(chars) == []


def test_missing_glyphs_are_found():
    files = [f for f in pdf.cjk_font_files()]
    if not files:
        need("no CJK font installed (scripts/ensure_cjk_font.sh)")
    assert pdf.missing_glyphs({"中", "\U0002a6a5"}, files) == ["\U0002a6a5"]  # a rare extension-B character
    assert pdf.missing_glyphs({"中"}, []) == ["中"]


PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>{title}</title></head>
<body><main><h1>{title}</h1>{body}</main></body></html>"""


def small_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "chapters").mkdir(parents=True)
    (site / "index.html").write_text(PAGE.format(title="Intro 导言", body=(
        '<p>Read <a href="chapters/a.html#sec-a-late">the late section</a>. 批归一化 and 注意力.</p>'
        "<details><summary>Question 问题?</summary><p>HIDDEN_ANSWER 答案</p></details>"
        "<pre>" + "token " * 60 + "END_OF_LONG_LINE</pre>")), encoding="utf-8")
    filler = "<p>" + "Filler text. " * 400 + "</p>"
    (site / "chapters" / "a.html").write_text(PAGE.format(title="Chapter A (甲)", body=(
        f'{filler}{filler}<section id="sec-a-late"><h2>The late section</h2><p>LATE_SECTION_TEXT</p></section>'
        '<section id="cheat-sheet"><span id="sec-a-cheatsheet"></span><h2>Cheat sheet (速查)<a class="headerlink" '
        'href="#cheat-sheet">#</a></h2><p>SHEET_FORMULA 公式</p></section>')),  # as Sphinx writes it
        encoding="utf-8")
    (site / "chapters" / "q.html").write_text(PAGE.format(title="Appendix Q", body=(
        '<section id="cheat-sheets"><h2>Cheat sheets (速查)</h2><p>ALL_SHEETS</p></section>')), encoding="utf-8")
    return site


def test_print_two_pages(tmp_path):
    if not os.path.exists(pdf.CHROMIUM):
        need(f"{pdf.CHROMIUM} is missing (apt-get install chromium)")
    if not pdf.cjk_font_files():
        need("no CJK font installed (scripts/ensure_cjk_font.sh)")
    from pypdf import PdfReader

    site, out = small_site(tmp_path), tmp_path / "book.pdf"
    pages = ["index.html", "chapters/a.html", "chapters/q.html"]
    assert pdf.main(["--site", str(site), "--pages", *pages, "--out", str(out)]) == 0
    reader = PdfReader(str(out))
    texts = [re.sub(r"\s+", "", p.extract_text()) for p in reader.pages]  # pypdf spaces out CJK: compare without
    text = "\n".join(texts)
    assert "Contents" in texts[0] and "ChapterA(甲)" in texts[0] and "Cheatsheets" in texts[0]
    assert "HIDDEN_ANSWER答案" in text, "a closed <details> is printed open"
    assert "END_OF_LONG_LINE" in text, "a long code line is wrapped, not cut"
    sheet = next(i for i, t in enumerate(texts) if "SHEET_FORMULA" in t and "Cheatsheet(速查):ChapterA" in t)
    assert "Filler" not in texts[sheet] and sheet == len(texts) - 1, "the cheat sheet alone, on one page at the end"
    assert texts[sheet].count("Cheatsheet") == 1, "the section's own heading gives way to the page title"
    assert sum("ALL_SHEETS" in t for t in texts) == 1, "a page listing the cheat sheets is not itself a cheat sheet"

    fonts = {str(f.get_object().get("/BaseFont", "")) for p in reader.pages
             for f in (p["/Resources"].get("/Font") or {}).values()}
    fonts |= {str(d.get_object().get("/BaseFont", "")) for p in reader.pages
              for f in (p["/Resources"].get("/Font") or {}).values()
              for d in f.get_object().get("/DescendantFonts", [])}
    families = cjk_families()
    assert any(fam in name for name in fonts for fam in families), (fonts, families)  # Chinese has real glyphs

    late = next(i for i, t in enumerate(texts) if "LATE_SECTION_TEXT" in t)
    first_a = next(i for i, t in enumerate(texts) if "ChapterA(甲)" in t and i > 0)
    pages = [p.indirect_reference for p in reader.pages]
    dests, uris = [], []
    for i, page in enumerate(reader.pages):
        for a in page.get("/Annots") or []:
            a = a.get_object()
            if "/Dest" in a:
                dests.append((i, pages.index(a["/Dest"][0])))
            elif "/A" in a:
                uris.append(str(a["/A"].get_object().get("/URI")))
    assert (0, first_a) in dests, "the contents link to the first page of each part"
    assert (0, len(texts) - 1) in dests, "the contents link to the cheat sheet"
    intro = next(i for i, t in enumerate(texts) if "HIDDEN_ANSWER" in t)
    assert (intro, late) in dests and late > first_a, "a link between pages lands on the section's page"
    assert not any("127.0.0.1" in u for u in uris), uris
    top = [o for o in reader.outline if not isinstance(o, list)]  # a list holds the children of the item before it
    assert [o.title for o in top] == ["Contents", "Intro 导言", "Chapter A (甲)", "Appendix Q", "Cheat sheets (速查)"]
    assert [o.title for o in reader.outline[-1]] == ["Chapter A (甲)"], "one bookmark per cheat sheet"
    assert texts[-1].endswith(str(len(texts))), "pages are numbered through"
    for page in reader.pages:  # numbering merges content streams: they must be compressed again
        contents = page["/Contents"].get_object()
        streams = contents if isinstance(contents, list) else [contents]
        assert all(c.get_object().get("/Filter") == "/FlateDecode" for c in streams)


def test_bad_input(tmp_path, capsys):
    assert pdf.main(["--site", str(tmp_path)]) == 2
    site = small_site(tmp_path)
    assert pdf.main(["--site", str(site), "--pages", "nope.html"]) == 2
    assert "not in the site" in capsys.readouterr().err


def test_book_pages_follow_the_toc_without_the_flashcards(tmp_path):
    site = tmp_path / "s"
    (site / "chapters").mkdir(parents=True)
    for name in ("intro.html", "chapters/optimizers.html", "chapters/flashcards.html", "chapters/questions.html"):
        (site / name).write_text("x")
    pages = pdf.book_pages(site)
    assert pages[0] == "intro.html" and "chapters/flashcards.html" not in pages
    assert pages.index("chapters/optimizers.html") < pages.index("chapters/questions.html")
