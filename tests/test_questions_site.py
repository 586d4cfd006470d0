"""The Sphinx hook that shows each chapter's computed values in the question bank and the flashcards."""

from __future__ import annotations

import json
import textwrap

import pytest

from mlnotes.interview.render import Context, to_html
from mlnotes.interview.site import fill, lookup


def book(tmp_path, recorded):
    src = tmp_path / "book"
    (src / "chapters").mkdir(parents=True)
    (src / "chapters" / "c.md").write_text("A {eval}`x`, then {eval}`y`, {eval}`y` and {eval}`z`.\n", encoding="utf-8")
    executed = tmp_path / "jupyter_execute" / "chapters"
    executed.mkdir(parents=True)
    nb = {"cells": [], "metadata": {"mlnotes": {"eval": recorded}}, "nbformat": 4, "nbformat_minor": 5}
    (executed / "c.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    return src, executed


RECORDED = [["x", "'0.5'"], ["y", "'1'"], ["y", "'2'"], ["z", "'a<b & \"q\"'"]]


def test_lookup_binds_values_occurrence_by_occurrence(tmp_path):
    src, executed = book(tmp_path, RECORDED)
    assert lookup("c/x/0", src, executed) == "0.5"
    assert [lookup(f"c/y/{k}", src, executed) for k in (0, 1)] == ["1", "2"]  # rebound: by occurrence
    assert lookup("c/z/0", src, executed) == 'a<b & "q"'
    assert lookup("c/missing/0", src, executed) is None
    assert lookup("other/x/0", src, executed) is None  # a chapter that did not run
    assert lookup("garbage", src, executed) is None


def test_fill_in_html_and_in_json(tmp_path):
    src, executed = book(tmp_path, RECORDED)
    ctx = Context({}, "c")
    html = to_html("{eval}`x`, {eval}`y`, {eval}`y`, {eval}`z` and {eval}`w`", ctx, inline=True)
    filled, n, left = fill(html, src, executed)
    assert (n, left) == (4, 1)
    assert ">0.5</span>" in filled and ">1</span>" in filled and ">2</span>" in filled
    assert ">a&lt;b &amp; &quot;q&quot;</span>" in filled and ">…</span>" in filled
    as_json = json.dumps({"a": html}, ensure_ascii=False)
    filled_json, n, left = fill(as_json, src, executed)
    assert (n, left) == (4, 1)
    assert json.loads(filled_json)["a"] == filled


def test_stale_counts_leave_placeholders(tmp_path):
    src, executed = book(tmp_path, [["y", "'1'"], ["y", "'2'"], ["y", "'3'"]])  # the source has two now
    assert lookup("c/y/0", src, executed) is None


def test_the_extension_fills_a_built_page(tmp_path):
    sphinx = pytest.importorskip("sphinx.application")
    src, executed = book(tmp_path, RECORDED)
    proj = tmp_path / "proj"
    proj.mkdir()
    (proj / "chapters").symlink_to(src / "chapters")
    (proj / "conf.py").write_text("extensions = ['mlnotes.interview.site']\n")
    placeholder = to_html("{eval}`x`", Context({}, "c"), inline=True)
    (proj / "index.rst").write_text(textwrap.dedent(f"""
        Test
        ====

        .. raw:: html

           <p>{placeholder}</p>
        """))
    out = tmp_path / "_build" / "html"
    out.parent.mkdir()
    (out.parent / "jupyter_execute").symlink_to(executed.parent)  # myst-nb's place: beside the html folder
    app = sphinx.Sphinx(str(proj), str(proj), str(out), str(tmp_path / "doctrees"), "html", status=None,
                        warning=None, freshenv=True)
    app.build()
    page = (out / "index.html").read_text(encoding="utf-8")
    assert 'data-eval="c/x/0"' in page and ">0.5</span>" in page
