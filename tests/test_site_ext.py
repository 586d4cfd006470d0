"""The book's Sphinx extension (_ext/mlnotes_site.py), without running Sphinx."""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))
import mlnotes_site as ext  # noqa: E402


def test_hidden_cells_run_in_place():
    src = ["---\nkernelspec: {}\n---\n```{code-cell} ipython3\n:tags: [remove-cell]\nx = 1\n```\n"
           "```{code-cell} ipython3\n:tags: [timing, remove-cell]\n```\n---\ntags: [remove-cell]\n---\n"]
    ext._hidden_cells_run_in_place(None, "chapters/x", src)
    assert "remove-cell" not in src[0]
    assert src[0].count("remove-input, remove-output") == 3
    plain = ["# a page without a kernel\n:tags: [remove-cell]\n"]
    ext._hidden_cells_run_in_place(None, "intro", plain)
    assert "remove-cell" in plain[0]


def _fake_app(tmp_path):
    builder = SimpleNamespace(format="html", get_target_uri=lambda doc: doc + ".html")
    return SimpleNamespace(outdir=str(tmp_path), builder=builder)


def test_frames_become_shared_files(tmp_path):
    from mlnotes.explore import explore

    def draw(ax, a):
        ax.plot([0, 1], [0, a])
        ax.set_ylim(0, 3)

    html = explore(draw, a=[1, 2], mode="static").static_html()
    app = _fake_app(tmp_path)
    out = ext._externalize(app, "chapters/page", html)
    data = json.loads(ext._MLX_DATA.search(out).group(2))
    assert all(f.startswith("../_images/mlx/") and f.endswith(".png") for f in data["frames"])
    for frame, original in zip(data["frames"], json.loads(ext._MLX_DATA.search(html).group(2))["frames"]):
        assert (tmp_path / "chapters" / frame).resolve().read_bytes() == base64.b64decode(original.split(",")[1])
    assert "data:image/png" not in out
    assert 'src="../_images/mlx/' in out  # the start frame too
    again = ext._externalize(app, "intro", html)  # another page, same figure: the same files, one copy
    assert json.loads(ext._MLX_DATA.search(again).group(2))["frames"][0].startswith("_images/mlx/")
    assert len(list((tmp_path / "_images" / "mlx").iterdir())) == 2
    with pytest.raises(ValueError, match="base64 PNG data URL"):
        ext._frame_file(app, "data:image/gif;base64,AAAA")


def test_chapters_are_read_one_per_process_longest_first():
    import sphinx.builders

    original = sphinx.builders.make_chunks
    try:
        ext._one_doc_per_process(None)
        chunks = sphinx.builders.make_chunks(["a", "b", "c", "d", "e"], 2)
    finally:
        sphinx.builders.make_chunks = original
    # ParallelTasks starts the first two in order, then takes the rest last-in first-out:
    assert chunks == [["a"], ["b"], ["e"], ["d"], ["c"]]


def test_declared_parallel_safe_only_for_the_named_extensions():
    exts = {name: SimpleNamespace(parallel_read_safe=None) for name in (*ext.PARALLEL_SAFE, "other")}
    ext._declare_parallel_safe(SimpleNamespace(extensions=exts))
    assert all(exts[name].parallel_read_safe for name in ext.PARALLEL_SAFE)
    assert exts["other"].parallel_read_safe is None  # anything else still makes Sphinx read serially


def test_streams_merge_exactly_without_touching_the_notebook():
    import nbformat

    out = [nbformat.v4.new_output("stream", name="stdout", text="B = 1: 0.5"),
           nbformat.v4.new_output("stream", name="stdout", text="0\nB = 8: 0.25\n"),
           nbformat.v4.new_output("display_data", data={"text/plain": "x"}),
           nbformat.v4.new_output("stream", name="stdout", text="done\n")]
    before = [dict(o) for o in out]
    merged = ext.coalesce_streams(out)
    # one print split into two chunks ("0.5" + "0") is joined as printed, not broken onto two lines
    assert merged[0]["text"] == "B = 1: 0.50\nB = 8: 0.25\ndone\n"
    assert [o["output_type"] for o in merged] == ["stream", "display_data"]
    assert [dict(o) for o in out] == before  # the notebook's own outputs are unchanged
    progress = ext.coalesce_streams([nbformat.v4.new_output("stream", name="stdout", text="10%\r50%\r100%\n")])
    assert progress[0]["text"] == "100%\n"
    erased = ext.coalesce_streams([nbformat.v4.new_output("stream", name="stdout", text="abc\x08\x08d\n")])
    assert erased[0]["text"] == "ad\n"


def test_fontawesome_script_is_dropped_from_built_pages(tmp_path):
    page = tmp_path / "chapters" / "x.html"
    page.parent.mkdir()
    page.write_text('<head><script defer src="../_static/scripts/fontawesome.js?digest=1"></script>\n'
                    '<script src="../_static/x.js"></script></head>')
    app = SimpleNamespace(outdir=str(tmp_path), builder=SimpleNamespace(format="html"))
    ext._drop_fontawesome_js(app, None)
    assert page.read_text() == '<head><script src="../_static/x.js"></script></head>'
