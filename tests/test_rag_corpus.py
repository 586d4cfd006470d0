"""The book as a corpus: sections, anchors, excluded parts and labelled queries, on a small fixture book."""

import re
from pathlib import Path

import pytest

from mlnotes.rag.corpus import chapter_files, find_root, heading_id, load_book, parse_chapter, plain_inline, ref_targets

ALPHA = '''---
jupytext:
  text_representation:
    extension: .md
kernelspec:
  name: python3
---

(ch-alpha)=
# Alpha chapter (阿尔法)

Alpha studies gradient descent and momentum. The value is {glue:text}`alpha_val:.2f` here.
It took {eval}`alpha_steps` steps (see {ref}`sec-alpha-saddle`), and **$k_1$** sets *how
fast* it saturates.

```{code-cell} ipython3
# a heading-like comment inside code must not start a section
SECRET_CODE_TOKEN = 1
```

```{code-cell} ipython3
:tags: [remove-input]

show(SHOWN_KERNEL._update)
```

```{code-cell} ipython3
with expect_error(ValueError, match="beta2"):
    DELIBERATE_ERROR(beta2=1.0)
```

(sec-alpha-momentum)=
## Momentum keeps a velocity

The velocity averages past gradients so zigzags cancel. See {ref}`the saddle <sec-alpha-saddle>`.

```{literalinclude} ../mlnotes/optim/optimizers.py
:pyobject: SGD
```

(sec-alpha-momentum-para)=
A labelled paragraph about heavy-ball momentum inside the momentum section.

## Adam's `bias` correction

Bias correction divides the moving averages by one minus beta to the power t.

:::{note}
A note directive keeps its prose: warmup is a schedule.
:::

(sec-alpha-saddle)=
### Saddle points

Eigenvalues of the Hessian with mixed signs mark a saddle point.

(sec-alpha-interview)=
## Interview questions (面试题)

:::{dropdown} Why does momentum help on ravines?
It averages the gradients. See {ref}`sec-alpha-momentum` and {ref}`sec-alpha-saddle`.
:::

:::{dropdown} What does bias correction fix?
Early steps. See {ref}`the paragraph <sec-alpha-momentum-para>`.
:::

:::{dropdown} A question whose answer links nowhere?
No link here, or {ref}`sec-does-not-exist`.
:::

(sec-alpha-drill)=
## Hand-write it: one step (手撕)

Write the step.

:::{dropdown} Solution
```{literalinclude} ../mlnotes/drills/optim.py
:pyobject: adam_step_solution
```
:::

### A drill subsection

DRILL_ONLY_TEXT must not be indexed.
'''

BETA = '''(ch-beta)=
# Beta chapter

Beta covers retrieval with inverted indexes and postings lists. It builds on {ref}`sec-alpha-momentum`
from {doc}`alpha` ({numref}`fig-x`).

## Postings lists

A postings list holds sorted document ids with term frequencies.

## Interview questions (面试题)

:::{dropdown} What is a postings list?
See {ref}`ch-beta` and {ref}`sec-alpha-momentum`.
:::
'''

GAMMA = '''# Gamma extra

Gamma is not in the table of contents but still indexed, last.
'''


def write_book(root: Path, alpha: str = ALPHA) -> Path:
    """A three-chapter fixture book under ``root`` (beta listed first in the toc)."""
    (root / "chapters").mkdir(parents=True, exist_ok=True)
    (root / "_toc.yml").write_text("format: jb-book\nroot: intro\nparts:\n  - caption: X\n    chapters:\n"
                                   "      - file: chapters/beta\n      - file: chapters/alpha\n", encoding="utf-8")
    (root / "chapters" / "alpha.md").write_text(alpha, encoding="utf-8")
    (root / "chapters" / "beta.md").write_text(BETA, encoding="utf-8")
    (root / "chapters" / "gamma.md").write_text(GAMMA, encoding="utf-8")
    return root


@pytest.fixture
def book(tmp_path):
    return load_book(write_book(tmp_path))


def test_sections_titles_anchors_and_order(book):
    keys = [s.key for s in book.sections]
    assert keys == ["beta#ch-beta", "beta#postings-lists", "alpha#ch-alpha", "alpha#sec-alpha-momentum",
                    "alpha#adam-s-bias-correction", "alpha#sec-alpha-saddle", "gamma#gamma-extra"]
    by_key = {s.key: s for s in book.sections}
    assert by_key["alpha#adam-s-bias-correction"].title == "Adam's bias correction"
    assert by_key["alpha#sec-alpha-saddle"].level == 3
    assert by_key["alpha#ch-alpha"].chapter_title == "Alpha chapter (阿尔法)"
    assert by_key["alpha#sec-alpha-momentum"].site_path == "_build/html/chapters/alpha.html#sec-alpha-momentum"


def test_only_explanatory_prose_is_indexed(book):
    text = "\n".join(s.text for s in book.sections)
    for absent in ("SECRET_CODE_TOKEN", "pyobject", "literalinclude", "DRILL_ONLY_TEXT", "Write the step",
                   "(sec-alpha", "{ref}", "glue", "It averages the gradients", "show(", "SHOWN_KERNEL",
                   "remove-input", "expect_error", "DELIBERATE_ERROR", "{eval}", "alpha_steps", "**", "`"):
        assert absent not in text, absent
    assert "warmup is a schedule" in text  # a note directive keeps its prose
    assert "heavy-ball momentum" in text
    assert "See the saddle." in text  # {ref}`words <label>` keeps its words
    assert "The value is … here." in text  # a glued number becomes an ellipsis


def test_computed_values_and_links_read_as_on_the_page(book):
    by_key = {s.key: s.text for s in book.sections}
    alpha = " ".join(by_key["alpha#ch-alpha"].split())
    # {eval}`name`: the value exists only once the chapter runs, so it reads "…", never the variable's name;
    # a bare {ref}`label` reads as the heading it links to (here defined later in the same chapter)
    assert "It took … steps (see Saddle points), and $k_1$ sets how fast it saturates." in alpha
    # across chapters: {ref} to another chapter's heading, {doc} to its title; {numref} shows no words
    beta = " ".join(by_key["beta#ch-beta"].split())
    assert "It builds on Momentum keeps a velocity from Alpha chapter (阿尔法)." in beta


@pytest.mark.parametrize("source,plain", [
    ("**bold** and `code` and [link](http://x)", "bold and code and link"),
    ("{eval}`worst_err` and {glue:text}`x:.2f`", "… and …"),
    ("see {ref}`sec-a`.", "see Title A."),
    ("see {ref}`sec-unknown`.", "see."),
    ("({ref}`sec-unknown`)", ""),
    ("{ref}`the words <sec-a>`", "the words"),
    ("{math}`x^2` and {abbr}`RAG (retrieval)` and {sub}`2`", "x^2 and RAG (retrieval) and 2"),
    ("**$k_1$** (typically)", "$k_1$ (typically)"),
    ("*across\nlines*", "across\nlines"),
    ("$a*b*c$ and $$x_1 * y_2$$ stay", "$a*b*c$ and $$x_1 * y_2$$ stay"),
    ("`$\\sqrt{d_k}$` alone", "$\\sqrt{d_k}$ alone"),
    ("snake_case and d_k stay", "snake_case and d_k stay"),
    ("a <!-- hidden --> b", "a  b"),
])
def test_plain_inline(source, plain):
    assert plain_inline(source, {"sec-a": "Title A"}) == plain


def test_the_real_book_indexes_clean_prose():
    """Every section and question of this book, and every snippet `mlnotes ask` prints, is free of MyST syntax."""
    from mlnotes.rag.retriever import make_chunks, snippet

    book = load_book(find_root(Path(__file__).parent))
    raw = re.compile(r"\{[\w:.-]+\}`|`|^:::|^\(\S+\)=|<!--|\*\*|\(\s*\)", re.M)
    for s in book.sections:
        assert not raw.search(s.text), (s.key, raw.search(s.text).group())
    for q in book.queries:
        assert not raw.search(q.text), q.text
    for chunk in make_chunks(book.sections):
        assert not raw.search(snippet(chunk.text)), snippet(chunk.text)


def test_interview_questions_are_labelled_queries(book):
    queries = {q.text: q for q in book.queries}
    assert set(queries) == {"Why does momentum help on ravines?", "What does bias correction fix?",
                            "What is a postings list?"}
    assert queries["Why does momentum help on ravines?"].relevant == {"alpha#sec-alpha-momentum",
                                                                      "alpha#sec-alpha-saddle"}
    # a label on a paragraph points to the section that contains it
    assert queries["What does bias correction fix?"].relevant == {"alpha#sec-alpha-momentum"}
    # a chapter label points to the chapter's title section, across chapters
    assert queries["What is a postings list?"].relevant == {"beta#ch-beta", "alpha#sec-alpha-momentum"}
    assert book.dropped_queries == ["A question whose answer links nowhere?"]


def test_question_text_is_never_in_the_indexed_corpus(book):
    text = "\n".join(s.text for s in book.sections)
    for q in book.queries + [type("Q", (), {"text": t}) for t in book.dropped_queries]:
        assert q.text not in text


def test_heading_ids_match_sphinx():
    # ids read from the built site of the optimizers chapter
    assert heading_id("Adam's bias correction") == "adam-s-bias-correction"
    assert heading_id("Proven equal to `torch.optim`") == "proven-equal-to-torch-optim"
    assert heading_id("Interview questions (面试题)") == "interview-questions"
    assert heading_id("Hand-write it: one Adam step (手撕 Adam)") == "hand-write-it-one-adam-step-adam"


def test_ref_targets():
    assert ref_targets("see {ref}`sec-a` and {ref}`the b <sec-b>`.") == ["sec-a", "sec-b"]


def test_chapter_files_follow_the_toc_then_names(tmp_path):
    write_book(tmp_path)
    assert [p.stem for p in chapter_files(tmp_path)] == ["beta", "alpha", "gamma"]


def test_digest_changes_with_any_source(tmp_path):
    write_book(tmp_path)
    before = load_book(tmp_path).digest
    assert load_book(tmp_path).digest == before
    (tmp_path / "chapters" / "gamma.md").write_text(GAMMA + "\nOne more line.\n", encoding="utf-8")
    assert load_book(tmp_path).digest != before


def test_labels_of_parse_chapter_point_to_sections():
    sections, questions, labels = parse_chapter(ALPHA, "alpha")
    assert labels["sec-alpha-momentum-para"] == labels["sec-alpha-momentum"] == 1
    assert "sec-alpha-drill" not in labels and "sec-alpha-interview" not in labels
    assert len(questions) == 3


def test_a_cheat_sheet_is_not_indexed():
    """A cheat sheet repeats the sections it sums up: indexed, it would compete with them for every question."""
    source = ("# C\n\n(sec-c-a)=\n## Adam\n\nAdam text.\n\n(sec-c-cheatsheet)=\n## Cheat sheet (速查)\n\n"
              "SHEET_ONLY adam.\n\n## Summary\n\nSummary text.\n")
    sections, _, labels = parse_chapter(source, "c")
    assert [s.title for s in sections] == ["C", "Adam", "Summary"] and "sec-c-cheatsheet" not in labels
    assert not any("SHEET_ONLY" in s.text for s in sections)
    relabelled = source.replace("## Cheat sheet (速查)", "## Key formulas")
    assert [s.title for s in parse_chapter(relabelled, "c")[0]] == ["C", "Adam", "Summary"]  # by its label too


def test_find_root_walks_up(tmp_path):
    write_book(tmp_path)
    deep = tmp_path / "chapters"
    assert find_root(deep) == tmp_path.resolve()


def test_label_titles_and_doc_titles(tmp_path):
    from mlnotes.rag.corpus import label_titles

    assert label_titles(ALPHA) == {"ch-alpha": "Alpha chapter (阿尔法)", "sec-alpha-momentum": "Momentum keeps a velocity",
                                   "sec-alpha-saddle": "Saddle points", "sec-alpha-interview": "Interview questions (面试题)",
                                   "sec-alpha-drill": "Hand-write it: one step (手撕)"}
    # a label on a paragraph labels no heading: a bare {ref} to it has no title to show
    assert "sec-alpha-momentum-para" not in label_titles(ALPHA)


def test_rag_intro_says_which_pieces_are_not_from_scratch():
    """Issue 11, item 14: the intro used to say every piece is built from scratch; faiss and the stand-in
    reranker are not, and the intro (the chapter's title section) must say so before any section."""
    root = find_root(Path(__file__).parent)
    sections, _, _ = parse_chapter((root / "chapters" / "rag.md").read_text(encoding="utf-8"), "rag")
    intro = " ".join(sections[0].text.split())
    assert sections[0].level == 1 and "builds each piece from scratch" not in intro
    assert "faiss" in intro and "stand-in" in intro and "not written here" in intro
