"""mlnotes.appendix: chapter sources, "Term (中文)" marks and the glossary built from them."""

from __future__ import annotations

import re
import sys
import types

import pytest

from mlnotes.appendix import glossary as G
from mlnotes.appendix.marks import HAN, PAREN, TERMS, chapter_marks
from mlnotes.appendix.sources import anchor_id, load_chapters, parse_chapter

HEADER = "---\njupytext:\n  text_representation:\n    extension: .md\n---\n\n"


def chapter(body: str, stem: str = "toy"):
    return parse_chapter(HEADER + body, stem)


@pytest.fixture(scope="module")
def chapters():
    return load_chapters()


@pytest.fixture(scope="module")
def glossary(chapters):
    return G.build_glossary(chapters)


# ---------------------------------------------------------------- sources


def test_sections_labels_and_anchors():
    ch = chapter("(ch-toy)=\n# Toy (玩具)\n\nIntro.\n\n(sec-toy-a)=\n## Adam's bias correction\n\ntext\n\n"
                 "## Other traps\n\n### Other traps\n\n(sec-toy-par)=\nA labelled paragraph.\n\n"
                 "```{code-cell} ipython3\n# (sec-not-a-label)=\n## not a heading\n```\n")
    titles = [(s.level, s.title, s.anchor) for s in ch.sections]
    assert titles == [(1, "Toy (玩具)", "ch-toy"), (2, "Adam's bias correction", "sec-toy-a"),
                      (2, "Other traps", "other-traps"), (3, "Other traps", "other-traps")]  # a taken id: the parent's
    assert set(ch.labels) == {"ch-toy", "sec-toy-a", "sec-toy-par"}
    assert ch.section_by_label("sec-toy-par").title == "Other traps" and ch.section_by_label("sec-toy-par").level == 3
    assert ch.href("sec-toy-a") == "toy.html#sec-toy-a" and ch.code_cells(ch.sections[0]) == 1
    assert [ln.kind for ln in ch.lines if "not a heading" in ln.text] == ["code"]
    with pytest.raises(KeyError, match="no label"):
        ch.href("sec-missing")


def test_heading_ids_follow_docutils():
    assert anchor_id("Adam's bias correction") == "adam-s-bias-correction"
    half = "A further erratum: the Hessian step drops the ½"
    assert anchor_id(half) == "a-further-erratum-the-hessian-step-drops-the-12"  # ½ becomes 12 (NFKD)
    with pytest.raises(ValueError, match="non-empty"):
        anchor_id("  ")


def test_the_book_is_read_in_toc_order_without_the_generated_pages(chapters):
    stems = [c.stem for c in chapters]
    toc = re.findall(r"file:\s*chapters/([\w-]+)", open(_root() / "_toc.yml", encoding="utf-8").read())
    assert stems == [s for s in toc if s not in ("errata", "glossary")]
    assert "pytorch_practice" in stems  # written by hand: its marks count


def test_section_anchors_exist_in_a_built_page(chapters):
    """Every label and section anchor read from a chapter is an id of its built page (when one is newer)."""
    for ch in chapters:
        page = _fresh_page(ch.stem)
        if page is None:
            continue
        ids = set(re.findall(r'id="([^"]+)"', page))
        missing = [s.anchor for s in ch.sections if s.anchor and s.anchor not in ids]
        missing += [anchor_id(lab) for lab in ch.labels if anchor_id(lab) not in ids]
        assert not missing, f"chapters/{ch.stem}.md: anchors not in the built page: {missing}"


# ---------------------------------------------------------------- marks


@pytest.mark.parametrize("source, reading, english, chinese, aliases", [
    ("**Batch Normalization (批归一化)** normalizes.", "bold", "Batch Normalization", ("批归一化",), ()),
    ("**Gradient descent (梯度下降, GD)** steps.", "bold", "Gradient descent", ("梯度下降",), ("GD",)),
    ("**Regression (回归):** MSE.", "bold", "Regression", ("回归",), ()),
    ("**LoRA (低秩适配**, Hu et al., 2022) freezes.", "bold", "LoRA", ("低秩适配",), ()),
    ("**RoPE (旋转位置编码, rotary position embedding**, Su et al., 2021)", "bold", "rotary position embedding",
     ("旋转位置编码",), ("RoPE",)),
    ("The **information content** (信息量) of", "bold-before", "information content", ("信息量",), ()),
    ("The **KKT conditions** (complementary slackness, 互补松弛) sort", "bold-before", "complementary slackness",
     ("互补松弛",), ()),
    ("**MRR** (mean reciprocal rank, 平均倒数排名)", "bold-before", "mean reciprocal rank", ("平均倒数排名",), ("MRR",)),
    ('**one-vs-one** (OvO, 一对一; Hand & Till 2001, "A simple generalisation")', "bold-before", "one-vs-one",
     ("一对一",), ("OvO",)),  # after the semicolon: a reference, not a term
    ("zeros (**padding, 填充**), and", "bold-inside", "padding", ("填充",), ()),
    ("entries (the **fan-in**, 扇入) and", "bold-inside", "fan-in", ("扇入",), ()),
    ("## Interview questions (面试题)", "heading", "Interview questions", ("面试题",), ()),
    ("## Overfitting and pruning (剪枝)", "heading", "Pruning", ("剪枝",), ()),
    ("# Decision trees & ensembles (决策树与集成学习)", "heading", "Decision trees & ensembles", ("决策树与集成学习",), ()),
    ("## Hand-write it: one Adam step (手撕 Adam)", "drill", "Hand-write it", ("手撕",), ()),
    ("**1. k-means (手撕 K-Means)**", "drill", "Hand-write it", ("手撕",), ()),
    ("## Is cross-entropy noisy? (交叉熵对噪声敏感吗)", "question", "", (), ()),
    (":::{dropdown} Which losses? (用过哪些损失函数)\nAnswer.\n:::", "question", "", (), ()),
    ("## Numerical stability: softmax (softmax 的数值问题)", "topic", "", (), ()),
    ("$\\text{entropy (熵)}$ here", "math", "", (), ()),
    ("`f(x) (中文)` here", "code", "", (), ()),
    ("Its Jacobian (雅可比矩阵), with", "plain", "", (), ()),
])
def test_each_way_of_writing_a_mark(source, reading, english, chinese, aliases):
    (mark,) = chapter_marks(chapter(source))
    assert (mark.reading, mark.english, mark.chinese, mark.aliases) == (reading, english, chinese, aliases)
    assert mark.is_term == (reading in TERMS)


def test_a_mark_spanning_lines_and_its_place():
    ch = chapter("(sec-x)=\n## Steps\n\nOne pass is an **epoch**\n(轮次). And **mini-batch\n(小批量)** too.\n")
    marks = chapter_marks(ch)
    assert [(m.english, m.chinese, m.line, m.anchor) for m in marks] == [
        ("epoch", ("轮次",), 11, "sec-x"), ("mini-batch", ("小批量",), 12, "sec-x")]


def test_every_bracket_with_chinese_in_the_book_gets_a_reading(chapters):
    """Totality: each one-line bracket with Han characters outside code is a mark at its line."""
    one_line = re.compile(f"[(（][^()（）\n]*[{HAN}][^()（）\n]*[)）]")
    for ch in chapters:
        found = {(m.line, " ".join(m.source.split())) for m in chapter_marks(ch)}
        for ln in ch.lines:
            if ln.kind in ("prose", "heading", "dropdown"):
                for m in one_line.finditer(ln.text):
                    assert (ln.number, m.group(0)) in found, f"chapters/{ch.stem}.md:{ln.number} {m.group(0)} unread"


# ---------------------------------------------------------------- glossary


def test_the_glossary_lacks_no_marked_term(chapters, glossary):
    """A term any chapter marks is in the glossary, with its Chinese term and a link to its section."""
    missing = []
    for ch in chapters:
        for m in chapter_marks(ch):
            if not m.is_term:
                continue
            entry = glossary.lookup(m.english)
            if entry is None or not set(m.chinese) <= set(entry.chinese) or \
                    not any(p.chapter == ch.stem and p.anchor == m.anchor for p in entry.places):
                missing.append(f"chapters/{ch.stem}.md:{m.line} {m.english} ({'、'.join(m.chinese)})")
    assert not missing, "terms marked in the chapters but missing from the glossary:\n" + "\n".join(missing)


def test_both_tables_list_every_term_and_rendering(glossary):
    en, zh = glossary.by_english()._repr_html_(), glossary.by_chinese()._repr_html_()
    for e in glossary.entries:
        assert G.html.escape(e.english) in en
        for c in e.chinese:
            assert G.html.escape(c) in en and G.html.escape(c) in zh
    assert len(glossary.by_english().rows) == len(glossary.entries)
    md = glossary.by_english()._repr_markdown_()
    assert md.count("\n") == len(glossary.entries) + 1 and "](" in md


def test_english_order_and_grouping():
    ch = chapter("# T\n\n**The dual (对偶问题)**, **dual (对偶)**, **k-means (K均值)**, **Adam (Adam 优化器)**, "
                 "**batch norm (批归一化)**.\n")
    g = G.build_glossary([ch])
    assert [e.english for e in g.entries] == ["Dual", "K-means", "Adam", "Batch norm"]
    assert g.lookup("the dual").chinese == ["对偶问题", "对偶"]  # one entry: article and case ignored
    assert [row[0] for row in g.by_english().rows] == ["Adam", "Batch norm", "Dual", "K-means"]


def test_chinese_order_without_and_with_pinyin(monkeypatch):
    ch = chapter("# T\n\n**zebra (斑马)**, **apple (苹果)**, **bee (蜜蜂)**.\n")
    monkeypatch.setitem(sys.modules, "pypinyin", None)  # import fails: the fallback
    g = G.build_glossary([ch])
    assert not G.has_pinyin() and G.chinese_order().startswith("Unicode code point")
    assert [r[0] for r in g.by_chinese().rows] == sorted(["斑马", "苹果", "蜜蜂"])  # code point order
    assert g.by_chinese().columns == ("中文", "English", "where")
    fake = types.ModuleType("pypinyin")
    table = {"斑": "ban1", "马": "ma3", "苹": "ping2", "果": "guo3", "蜜": "mi4", "蜂": "feng1"}
    fake.Style = types.SimpleNamespace(TONE=1, TONE3=8)
    fake.lazy_pinyin = lambda text, style=None, **_: [table.get(ch, ch) for ch in text]
    fake.__version__ = "test"
    monkeypatch.setitem(sys.modules, "pypinyin", fake)
    assert G.chinese_order() == "pinyin (pypinyin test)"
    rows = g.by_chinese().rows
    assert [r[0] for r in rows] == ["斑马", "蜜蜂", "苹果"] and rows[0][1] == "ban1 ma3"  # ban < mi < ping
    assert 'href="#gloss-zh-0"' in g.by_chinese()._repr_html_()  # letter groups with pinyin


def test_readings_count_every_mark_and_list_the_plain_ones(glossary):
    counts = glossary.readings().counts()
    assert sum(counts.values()) == len(glossary.marks)
    page = glossary.readings()._repr_html_()
    assert page.count("<li>") == counts["plain"] > 0


def test_glossary_page_links_point_to_sections_that_exist(chapters, glossary):
    anchors = {c.stem: {s.anchor for s in c.sections} | {anchor_id(lab) for lab in c.labels} for c in chapters}
    html = glossary.by_english()._repr_html_() + glossary.by_chinese()._repr_html_() + glossary.readings()._repr_html_()
    links = re.findall(r'href="([\w-]+)\.html#([^"]+)"', html)
    assert links
    bad = [f"{page}.html#{a}" for page, a in links if a not in anchors.get(page, ())]
    assert not bad, f"glossary links to nothing: {bad}"


def _root():
    from mlnotes._repo import find_root

    return find_root()


def _fresh_page(stem):
    """The text of the newest built page of ``stem`` built after its source changed, else None."""
    root = _root()
    source = (root / "chapters" / f"{stem}.md").stat().st_mtime
    pages = [p for p in root.glob(f"_build/**/html/chapters/{stem}.html") if p.stat().st_mtime > source]
    return max(pages, key=lambda p: p.stat().st_mtime).read_text(encoding="utf-8") if pages else None
