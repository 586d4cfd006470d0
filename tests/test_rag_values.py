"""`mlnotes ask` indexes what the built page shows: each {eval} reads as the value recorded in the executed notebook
(metadata.mlnotes.eval), "…" without a build; a new build changes the index's cache key, so the index is refreshed."""

import json

import numpy as np
import pytest

from mlnotes.rag.cache import EmbeddingCache
from mlnotes.rag.corpus import load_book, parse_chapter
from mlnotes.rag.dense import Embedder, hashing_encode
from mlnotes.rag.myst import plain_inline
from mlnotes.rag.values import bind_values, built_notebooks, recorded_values, shown_text, values_digest
from tests.test_rag_corpus import write_book


def _notebook(path, pairs):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"cells": [], "metadata": {"mlnotes": {"eval": pairs}}, "nbformat": 4,
                                "nbformat_minor": 5}), encoding="utf-8")
    return path


def test_the_page_shows_a_string_without_its_quotes():
    assert shown_text("'3e-16'") == "3e-16" and shown_text('"a"') == "a"
    assert shown_text("42") == "42" and shown_text("'a\"") == "'a\""  # only matching outer quotes go


def test_a_value_is_shown_as_written_never_read_as_markup():
    text = "Diff {eval}`err` in $a_1$ and {eval}`unknown`, **bold**."
    assert plain_inline(text, values={"err": "3e-16 *x* _y_"}) == "Diff 3e-16 *x* _y_ in $a_1$ and …, bold."
    assert plain_inline(text) == "Diff … in $a_1$ and …, bold."


def test_bind_values_by_name_and_by_occurrence_when_a_name_is_rebound():
    source = "A {eval}`n`, B {eval}`k`, C {eval}`n`, D {eval}`k`."
    same = bind_values(source, [("n", "'1'"), ("k", "'2'"), ("n", "'1'"), ("k", "'3'")])
    src, values = same
    assert values == {"n": "1", "k#0": "2", "k#1": "3"}
    assert plain_inline(src, values=values) == "A 1, B 2, C 1, D 3."
    stale = bind_values(source, [("n", "'1'"), ("k", "'2'"), ("k", "'3'"), ("k", "'4'")])  # 3 k's recorded, 2 in text
    assert plain_inline(stale[0], values=stale[1]) == "A 1, B …, C 1, D …."
    assert bind_values(source, []) == (source, {})
    assert values_digest({}) == "" and values_digest({"a": "1"}) != values_digest({"a": "2"})


def test_recorded_values_of_a_missing_or_broken_notebook_are_empty(tmp_path):
    assert recorded_values(tmp_path / "none.ipynb") == []
    (tmp_path / "bad.ipynb").write_text("{not json", encoding="utf-8")
    assert recorded_values(tmp_path / "bad.ipynb") == []
    ok = _notebook(tmp_path / "ok.ipynb", [["a", "'1'"], ["b", "2"], "junk"])
    assert recorded_values(ok) == [("a", "'1'"), ("b", "2")]
    assert built_notebooks(tmp_path) is None


def test_load_book_reads_the_values_of_the_build(tmp_path):
    root = write_book(tmp_path / "book")
    folder = root / "_build" / "jupyter_execute" / "chapters"
    _notebook(folder / "alpha.ipynb", [["alpha_val:.2f", "'0.25'"], ["alpha_steps", "'17'"]])
    assert built_notebooks(root) == folder
    plain, built = load_book(root), load_book(root, executed=folder)
    text = {s.key: " ".join(s.text.split()) for s in built.sections}
    assert "The value is 0.25 here. It took 17 steps" in text["alpha#ch-alpha"]
    assert "The value is … here. It took … steps" in " ".join(plain.sections[2].text.split())
    assert (plain.n_roles, plain.n_values) == (2, 0) and (built.n_roles, built.n_values) == (2, 2)
    assert plain.digest != built.digest  # the index's cache key changes with the values
    _notebook(folder / "alpha.ipynb", [["alpha_val:.2f", "'0.25'"], ["alpha_steps", "'18'"]])
    assert load_book(root, executed=folder).digest != built.digest  # a rebuild with another value: a new key


def test_parse_chapter_with_values_keeps_everything_else():
    source = "# T\n\nIt took {eval}`n` steps.\n"
    sections, _, _ = parse_chapter(source, "c", values={"n": "12"})
    assert sections[0].text == "It took 12 steps."


def test_the_ask_index_is_refreshed_by_a_new_build(tmp_path, monkeypatch):
    from mlnotes.rag.store import open_index

    monkeypatch.setenv("MLNOTES_CACHE", str(tmp_path / "cache"))
    emb = Embedder("h", encode=hashing_encode, cache=EmbeddingCache("h", root=tmp_path / "c"))
    use = Embedder("h512", encode=lambda t: hashing_encode(t, 512), cache=EmbeddingCache("h512", root=tmp_path / "c"),
                   dim=512)
    root = write_book(tmp_path / "book")
    r0, built0 = open_index(root, embedder=emb, multilingual=use, progress=False)
    assert built0 and "It took … steps" in " ".join(r0.sections[2].text.split())
    _notebook(root / "_build" / "jupyter_execute" / "chapters" / "alpha.ipynb", [["alpha_steps", "'17'"]])
    r1, built1 = open_index(root, embedder=emb, multilingual=use, progress=False)
    assert built1 and "It took 17 steps" in " ".join(r1.sections[2].text.split())
    hit = r1.search("took 17 steps", "bm25", k=1)[0]
    assert hit.chapter == "alpha" and "It took 17 steps" in hit.snippet  # the snippet shows the value
    r2, built2 = open_index(root, embedder=emb, multilingual=use, progress=False)
    assert not built2 and np.array_equal(r1.vectors, r2.vectors)
    r3, _ = open_index(root, embedder=emb, multilingual=use, progress=False, executed=None)
    assert "It took … steps" in " ".join(r3.sections[2].text.split())  # executed=None: the sources only


def test_open_index_embeds_only_the_encoders_asked_for(tmp_path, monkeypatch):
    from mlnotes.rag.store import open_index

    monkeypatch.setenv("MLNOTES_CACHE", str(tmp_path / "cache"))
    emb = Embedder("h", encode=hashing_encode, cache=EmbeddingCache("h", root=tmp_path / "c"))
    use = Embedder("h512", encode=lambda t: hashing_encode(t, 512), cache=EmbeddingCache("h512", root=tmp_path / "c"),
                   dim=512)
    root = write_book(tmp_path / "book")
    r, _ = open_index(root, models=("use",), embedder=emb, multilingual=use, progress=False)
    assert r.vectors is None and r.multilingual_vectors.shape[1] == 512 and emb.encoded == 0
    r2, built = open_index(root, models=("use", "minilm"), embedder=emb, multilingual=use, progress=False)
    assert built and r2.vectors is not None and use.encoded == len(r.chunks)  # USE's vectors came from the index
    with pytest.raises(ValueError, match="models must be among minilm, use, got 'e5'"):
        open_index(root, models=("e5",), embedder=emb, multilingual=use, progress=False)
