"""Where the book's files are: the repository root and its chapters in the book's order.

Used by ``mlnotes ask`` (the RAG chapter's index) and ``mlnotes notebooks`` (the reader's copies).
"""

from __future__ import annotations

import re
from pathlib import Path


def chapter_files(root) -> list[Path]:
    """Chapter sources under ``root/chapters``: those in ``_toc.yml`` first, in its order, then the rest by name.

    See chapter: chapters/rag.md
    """
    root = Path(root)
    found = sorted((root / "chapters").glob("*.md"))
    order = []
    toc = root / "_toc.yml"
    if toc.exists():
        order = re.findall(r"file:\s*chapters/([\w.-]+?)(?:\.md)?\s*$", toc.read_text(encoding="utf-8"), re.M)
    rank = {name: i for i, name in enumerate(order)}
    return sorted(found, key=lambda p: (rank.get(p.stem, len(rank)), p.stem))


def find_root(start=None) -> Path:
    """The repository root: the nearest folder at or above ``start`` (default: cwd) holding
    ``chapters/`` and ``_toc.yml``, else the folder above the installed package.

    See chapter: chapters/rag.md
    """
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "chapters").is_dir() and (folder / "_toc.yml").exists():
            return folder
    return Path(__file__).resolve().parents[1]
