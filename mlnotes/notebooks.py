"""The reader's notebooks: personal copies of the chapters that never touch the tracked sources.

``chapters/<name>.md`` is the book's source (a jupytext MyST notebook). A reader who runs,
edits and saves it would rewrite the tracked file (drill attempts, outputs, autosaves). So
``mlnotes notebooks`` (run by ``make lab``) writes a copy of each chapter to
``notebooks/<name>.ipynb`` (ignored by git) the first time, and never overwrites it after:
the reader's edits and outputs stay. ``--reset NAME`` puts one chapter back to pristine (the
old copy is kept as ``notebooks/.trash/<name>-<time>.ipynb``), ``--reset-all`` does every one,
and ``--list`` tells which copies are older than their chapter.

The conversion is jupytext's (``.md`` → ``.ipynb``); each copy records where it came from in
its metadata (``mlnotes.source``, ``mlnotes.source_sha256``).

See chapter: chapters/optimizers.md (the model chapter) and README.md ("Run the notebooks").
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

from mlnotes._repo import chapter_files, find_root

FOLDER = "notebooks"


@dataclass(frozen=True)
class Copy:
    """One chapter and its reader's copy."""

    name: str
    source: Path
    copy: Path

    @property
    def exists(self) -> bool:
        return self.copy.exists()

    def stale(self) -> bool:
        """True if the chapter changed since this copy was made."""
        if not self.exists:
            return False
        import nbformat

        meta = nbformat.read(self.copy, as_version=4).metadata.get("mlnotes", {})
        return meta.get("source_sha256") != _sha256(self.source)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def copies(root=None) -> list[Copy]:
    """Every chapter (in the book's order) with the path of its reader's copy."""
    root = Path(root) if root else find_root()
    return [Copy(p.stem, p, root / FOLDER / f"{p.stem}.ipynb") for p in chapter_files(root)]


def _find(root, name: str) -> Copy:
    known = copies(root)
    for c in known:
        if c.name == name or c.source.name == name:
            return c
    raise ValueError(f"no chapter named {name!r}; the chapters are: {', '.join(c.name for c in known)}")


def write_copy(c: Copy) -> Path:
    """Convert the chapter to a fresh ``.ipynb`` at ``c.copy`` (overwriting it)."""
    import jupytext
    import nbformat

    nb = jupytext.read(c.source)
    nb.metadata.pop("jupytext", None)  # a plain notebook: saving it never involves jupytext
    nb.metadata["mlnotes"] = {"source": c.source.relative_to(c.source.parents[1]).as_posix(),
                              "source_sha256": _sha256(c.source)}
    c.copy.parent.mkdir(parents=True, exist_ok=True)
    tmp = c.copy.with_suffix(".ipynb.tmp")
    nbformat.write(nb, tmp)
    tmp.replace(c.copy)
    return c.copy


def ensure(root=None) -> list[Copy]:
    """Create the copies that do not exist yet; never touch existing ones. Returns the ones made."""
    made = [c for c in copies(root) if not c.exists]
    for c in made:
        write_copy(c)
    return made


def reset(root, name: str) -> Path | None:
    """Put one chapter's copy back to pristine; the old copy goes to ``notebooks/.trash``. Returns
    the trashed path (None if there was no copy)."""
    c = _find(root, name)
    trashed = None
    if c.exists:
        trash = c.copy.parent / ".trash"
        trash.mkdir(exist_ok=True)
        trashed = trash / f"{c.name}-{time.strftime('%Y%m%d-%H%M%S')}.ipynb"
        c.copy.replace(trashed)
    write_copy(c)
    return trashed


def run(args) -> int:
    """``mlnotes notebooks [--reset NAME ...] [--reset-all] [--list]``; returns the exit status."""
    root = Path(args.root) if args.root else find_root()
    if args.reset_all:
        names = [c.name for c in copies(root)]
    else:
        names = args.reset or []
    for name in names:
        trashed = reset(root, name)
        note = f" (your old copy: {trashed.relative_to(root)})" if trashed else ""
        print(f"reset {FOLDER}/{_find(root, name).copy.name} to the chapter as published{note}")
    made = ensure(root)
    if made:
        print(f"created {len(made)} notebook(s) in {FOLDER}/: " + ", ".join(c.copy.name for c in made))
    stale = [c for c in copies(root) if c.stale()]
    if args.list:
        for c in copies(root):
            state = "chapter updated since your copy" if c in stale else "up to date"
            print(f"{c.copy.relative_to(root)}  ({state})")
    elif stale:
        print(f"{len(stale)} chapter(s) changed since you copied them ({', '.join(c.name for c in stale)}); "
              f"`mlnotes notebooks --reset NAME` takes the new version (your copy goes to {FOLDER}/.trash)")
    return 0


def add_parser(sub) -> None:
    """The ``notebooks`` subcommand of ``mlnotes``."""
    p = sub.add_parser("notebooks", help="create or reset your own copies of the chapters (notebooks/)",
                       description="Your copies of the chapters as notebooks in notebooks/ (not tracked by git). "
                       "Existing copies are never overwritten unless you reset them.")
    p.add_argument("--reset", action="append", metavar="NAME", help="put this chapter's copy back to pristine "
                   "(repeatable; the old copy is kept in notebooks/.trash)")
    p.add_argument("--reset-all", action="store_true", help="reset every chapter's copy")
    p.add_argument("--list", action="store_true", help="list the copies and whether their chapter changed")
    p.add_argument("--root", default=None, help="the book's folder (default: found from the current folder)")
