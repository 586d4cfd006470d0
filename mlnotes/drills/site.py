"""A Sphinx extension: every drill cell on the site gets a "Run in your browser" mode (Pyodide, offline).

At build time:

* after each drill cell (the cell that defines a chapter's stub and calls its checker,
  :func:`mlnotes.interview.drills.chapter_drills`) it inserts ``<div class="mlx-drill-run"
  data-drill="NAME">``; a page holding one loads ``mlnotes-drills.js`` and ``mlnotes-drills.css``
  (``mlnotes/drills/static/``), and no other page does;
* at the end it writes ``_static/pyodide/mlnotes-<version>-py3-none-any.whl``, the package as a
  pure-Python wheel (``pip wheel``), rebuilt only when ``mlnotes/`` changed.

Pyodide itself (core + numpy, about 17 MB) is copied from ``vendor_pyodide/`` (``scripts/fetch_pyodide.sh``,
sha256-verified at set-up). Nothing of it loads until the reader presses Run: the page's weight is
unchanged until then (``mlnotes-drills.js`` is a few kB). Then a Web Worker boots Pyodide from the site
itself, loads numpy and the wheel, and runs the edited cell with :func:`mlnotes.drills.web.run_cell_json`.

Register it in ``_config.yml`` (``sphinx: extra_extensions: [mlnotes.drills.site]``).
See chapter: chapters/questions.md
"""

from __future__ import annotations

import hashlib
import html
import importlib
import json
import shutil
import subprocess
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

STATIC = Path(__file__).with_name("static")
PACKAGE = Path(__file__).resolve().parents[1]  # mlnotes/
MARK = "mlx-drill-run"


@lru_cache(maxsize=8)
def _drills_by_chapter(root: str) -> dict:
    from mlnotes.interview.drills import all_drills

    out: dict = {}
    for d in all_drills(root):
        out.setdefault(d.chapter, []).append(d)
    return out


def drills_in_cell(source: str, drills) -> list:
    """The drills whose stub this cell defines and checks (``def <stub>`` and ``check_<name>(<stub>)``)."""
    return [d for d in drills if f"def {d.function}(" in source and f"{d.checker}({d.function})" in source]


def browser_note(module: str, name: str) -> str:
    """What differs in the browser for drill ``name``: its module's ``BROWSER_NOTES[name]``, or ''."""
    try:
        notes = getattr(importlib.import_module(module), "BROWSER_NOTES", {})
    except ImportError:
        return ""
    return str(notes.get(name, ""))


def _mark_cells(app, doctree, docname: str) -> None:
    from docutils import nodes

    if app.builder.format != "html" or not docname.startswith("chapters/"):
        return
    drills = _drills_by_chapter(str(app.srcdir)).get(docname.split("/", 1)[1], [])
    if not drills:
        return
    for cell in list(doctree.findall(nodes.container)):
        if cell.get("nb_element") != "cell_code":
            continue
        blocks = [n for n in cell.findall(nodes.literal_block)]
        if not blocks:
            continue
        for d in drills_in_cell(blocks[0].astext(), drills):
            note = browser_note(d.module, d.name)
            attrs = f' data-drill="{html.escape(d.name)}"' + (f' data-note="{html.escape(note)}"' if note else "")
            marker = nodes.raw("", f'<div class="{MARK}"{attrs}></div>', format="html")
            cell.parent.insert(cell.parent.index(cell) + 1, marker)


def _page_assets(app, pagename, templatename, context, doctree) -> None:
    if f'class="{MARK}"' in context.get("body", ""):
        app.add_js_file("mlnotes-drills.js", defer="defer")
        app.add_css_file("mlnotes-drills.css")


def _static_path(app, config) -> None:
    config.html_static_path.append(str(STATIC))


def source_hash() -> str:
    """A hash of the package's Python sources and pyproject.toml: the wheel is rebuilt when it changes."""
    h = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")) + [PACKAGE.parent / "pyproject.toml"]:
        h.update(str(path.relative_to(PACKAGE.parent)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def build_wheel(dest: Path) -> Path:
    """``pip wheel`` the package (no dependencies) into ``dest`` from a clean copy; return the wheel's path.

    Skipped when ``dest`` already holds the wheel of the same sources. Raises ``RuntimeError`` with pip's
    output if the build fails. See chapter: chapters/questions.md
    """
    dest.mkdir(parents=True, exist_ok=True)
    stamp, wanted = dest / "mlnotes-wheel.sha", source_hash()
    existing = sorted(dest.glob("mlnotes-*.whl"))
    if existing and stamp.exists() and stamp.read_text() == wanted:
        return existing[0]
    with tempfile.TemporaryDirectory(prefix="mlnotes-wheel-") as tmp:
        src = Path(tmp) / "src"
        shutil.copytree(PACKAGE, src / "mlnotes", ignore=shutil.ignore_patterns("__pycache__", "static"))
        for name in ("pyproject.toml", "README.md"):
            if (PACKAGE.parent / name).exists():
                shutil.copy2(PACKAGE.parent / name, src / name)
        out = Path(tmp) / "out"
        proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                               "--disable-pip-version-check", str(src), "-w", str(out)],
                              capture_output=True, text=True)
        built = sorted(out.glob("mlnotes-*.whl"))
        if proc.returncode != 0 or not built:
            raise RuntimeError(f"pip wheel failed:\n{proc.stdout}\n{proc.stderr}")
        for old in existing:
            old.unlink()
        shutil.copy2(built[0], dest / built[0].name)
    stamp.write_text(wanted)
    # What the Web Worker reads first (no-cache): the wheel's name, and its hash to bust the HTTP cache.
    (dest / "mlnotes-wheel.json").write_text(json.dumps({"wheel": built[0].name, "hash": wanted}))
    return dest / built[0].name


def _wheel(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    build_wheel(Path(app.outdir) / "_static" / "pyodide")


def setup(app):
    """Sphinx entry point."""
    app.connect("config-inited", _static_path)
    app.connect("doctree-resolved", _mark_cells)
    app.connect("html-page-context", _page_assets)
    app.connect("build-finished", _wheel)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
