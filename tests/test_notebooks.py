"""mlnotes notebooks: readers' copies are made once, never overwritten, reset on request."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from mlnotes import notebooks
from mlnotes.cli import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def book(tmp_path):
    (tmp_path / "chapters").mkdir()
    for name in ("optimizers", "attention"):
        shutil.copy(ROOT / "chapters" / f"{name}.md", tmp_path / "chapters" / f"{name}.md")
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n  - file: chapters/optimizers\n"
                                       "  - file: chapters/attention\n")
    return tmp_path


def test_copies_are_plain_notebooks_made_once(book, capsys):
    assert main(["notebooks", "--root", str(book)]) == 0
    copy = book / "notebooks" / "optimizers.ipynb"
    nb = nbformat.read(copy, as_version=4)
    assert "jupytext" not in nb.metadata  # a plain notebook: saving never rewrites the chapter
    assert nb.metadata["mlnotes"]["source"] == "chapters/optimizers.md"
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert any("show(SGD._update" in c.source for c in nb.cells)
    nb.cells[0].source = "my own notes"
    nbformat.write(nb, copy)
    assert main(["notebooks", "--root", str(book)]) == 0
    assert nbformat.read(copy, as_version=4).cells[0].source == "my own notes"  # never overwritten
    assert "created 2 notebook(s)" in capsys.readouterr().out


def test_reset_keeps_the_old_copy_in_the_trash(book, capsys):
    main(["notebooks", "--root", str(book)])
    copy = book / "notebooks" / "attention.ipynb"
    nb = nbformat.read(copy, as_version=4)
    nb.cells[0].source = "my attempt"
    nbformat.write(nb, copy)
    assert main(["notebooks", "--root", str(book), "--reset", "attention"]) == 0
    assert nbformat.read(copy, as_version=4).cells[0].source != "my attempt"
    trashed = list((book / "notebooks" / ".trash").glob("attention-*.ipynb"))
    assert len(trashed) == 1 and nbformat.read(trashed[0], as_version=4).cells[0].source == "my attempt"
    assert "reset notebooks/attention.ipynb" in capsys.readouterr().out


def test_list_tells_which_chapters_changed(book, capsys):
    main(["notebooks", "--root", str(book)])
    capsys.readouterr()
    src = book / "chapters" / "optimizers.md"
    src.write_text(src.read_text() + "\nA new paragraph.\n")
    assert main(["notebooks", "--root", str(book), "--list"]) == 0
    out = capsys.readouterr().out
    assert "notebooks/optimizers.ipynb  (chapter updated since your copy)" in out
    assert "notebooks/attention.ipynb  (up to date)" in out


def test_unknown_chapter_is_a_clear_error(book, capsys):
    assert main(["notebooks", "--root", str(book), "--reset", "nope"]) == 2
    assert "no chapter named 'nope'; the chapters are: optimizers, attention" in capsys.readouterr().err


def test_saving_a_chapter_from_lab_leaves_its_source_unchanged(tmp_path):
    """Contributors who open chapters/*.md in Lab: the repository's jupytext.toml and the chapters'
    header (kernelspec keys in Lab's order) make a save after running write back the same bytes."""
    import asyncio

    from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
    from jupytext.async_contentsmanager import build_async_jupytext_contents_manager_class

    shutil.copy(ROOT / "jupytext.toml", tmp_path / "jupytext.toml")
    (tmp_path / "chapters").mkdir()
    names = [p.name for p in sorted((ROOT / "chapters").glob("*.md"))]
    for name in names:
        shutil.copy(ROOT / "chapters" / name, tmp_path / "chapters" / name)
    cm = build_async_jupytext_contents_manager_class(AsyncLargeFileManager)(root_dir=str(tmp_path))

    async def save_all():
        for name in names:
            path = f"chapters/{name}"
            model = await cm.get(path, content=True, type="notebook")
            # what Lab sends back after a kernel ran: its kernelspec (in its key order) and language_info
            model["content"]["metadata"]["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                                          "language": "python"}
            model["content"]["metadata"]["language_info"] = {"name": "python", "version": "3.11"}
            await cm.save({"type": "notebook", "format": "json", "content": model["content"]}, path)

    asyncio.run(save_all())
    changed = [n for n in names if (tmp_path / "chapters" / n).read_bytes() != (ROOT / "chapters" / n).read_bytes()]
    assert changed == [], (f"saving these chapters from Lab rewrites them: {changed}; put each in jupytext's "
                           "canonical form with `.venv/bin/jupytext --to myst chapters/<name>.md`")
