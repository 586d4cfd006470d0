"""The book as a corpus: sections, anchors, excluded parts and labelled queries, on a small fixture book."""

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

```{code-cell} ipython3
# a heading-like comment inside code must not start a section
SECRET_CODE_TOKEN = 1
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

Beta covers retrieval with inverted indexes and postings lists.

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
                   "(sec-alpha", "{ref}", "glue", "It averages the gradients"):
        assert absent not in text, absent
    assert "warmup is a schedule" in text  # a note directive keeps its prose
    assert "heavy-ball momentum" in text
    assert "See the saddle." in text  # {ref}`words <label>` keeps its words
    assert "The value is … here." in text  # a glued number becomes an ellipsis


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


def test_inline_markup_and_ref_targets():
    assert plain_inline("**bold** and `code` and [link](http://x)") == "bold and code and link"
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


def test_find_root_walks_up(tmp_path):
    write_book(tmp_path)
    deep = tmp_path / "chapters"
    assert find_root(deep) == tmp_path.resolve()
