"""Sphinx tweaks for the mlnotes book (loaded from _config.yml).

* **No thebe.** Jupyter Book always loads sphinx-thebe, which injects ``const THEBE_JS_URL``
  twice per page (a console SyntaxError) and points at unpkg.com. We never use thebe: drop it.
* **Parallel reading.** Chapters execute while they are read (myst-nb's inline mode), so a
  parallel read is a parallel execution (``scripts/jb.py`` passes ``jobs``). Sphinx reads in
  parallel only if every extension declares ``parallel_read_safe``; two that Jupyter Book loads
  do not declare it, although they keep no per-document state while reading:
  ``sphinx_multitoc_numbering`` replaces a method of the toctree collector that runs in the
  main process after reading, and ``sphinx_jupyterbook_latex`` registers nodes and transforms
  that act only for the LaTeX builder. We declare them safe (``PARALLEL_SAFE``); any other
  undeclared extension still makes Sphinx fall back to serial, with its warning (an error in
  the strict build). Each chapter is read in its own process, longest first, so two cores
  stay busy; Sphinx's default batching would put several chapters in one process.
* **A failing chapter fails the build, with its traceback.** In a parallel read, myst-nb's
  ``raise_on_error`` would surface only "ExecutionError: <path>" (the cell and traceback are lost
  in the child process). So the book lets myst-nb log the failure as a warning (with the cell's
  traceback) and this extension fails the build at the end if any chapter's execution failed,
  and marks it outdated so the next build executes it again (a failure is never cached).
* **Lighter pages.** pydata-sphinx-theme adds ``fontawesome.js`` (1.5 MB, 540 KB gzip: every
  icon as inline SVG) to every page, although its CSS already draws the same icons from the
  Font Awesome web font it ships. The script tag is removed from the built pages (the icons look
  the same; a browser test checks the pages), which takes a page from ~1.4 MB to ~0.9 MB gzip.
* **Stream outputs merged correctly.** myst-nb 1.4's ``coalesce_streams`` strips each chunk of a
  cell's stdout and appends a newline, so a ``print`` that arrives in two chunks (it happens on a
  loaded machine) is shown broken over two lines; it also merges *in place*, so the executed
  notebook it writes holds the merged text and the later chunks again. The book replaces it with
  a merge that joins the chunks exactly and leaves the notebook's outputs untouched.
* **Hidden cells run in order.** In inline mode myst-nb skips a cell tagged ``remove-cell`` while
  rendering and runs it only when the next visible cell needs the kernel, so an ``{eval}`` between
  the two would be evaluated before the hidden cell ran (a NameError). Chapters' ``remove-cell``
  tags are read as ``remove-input, remove-output``: nothing is shown, and the cell runs in place.
* **Generated pages follow their sources.** The Errata and Glossary appendices are built from the
  other chapters' sources, so an incremental build re-reads them whenever any chapter changed.
* **Progress.** Each chapter prints a line when it starts and ends executing, so a long build
  shows what it is doing (``[3/7] executing chapters/optimizers``).
* **Prose values recorded.** Each ``{eval}`` value the page shows is also written to the executed
  notebook (``metadata.mlnotes.eval``: expression and text, in order), so ``make test``'s second
  execution can check that the prose shows the same numbers again (``conftest.py``).
* **Frames as files.** ``mlnotes.explore`` puts every frame of a figure inline (base64) in the
  notebook output, so the live and static worlds share one output. On the site that would make
  a page download every frame before the reader touches a control. ``_externalize_frames``
  writes each frame once to ``_images/mlx/<sha256>.png`` (content-addressed, shared between
  pages) and leaves only their paths in the page; the page loads the start frame, and the rest
  when the reader first reaches for a control.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import posixpath
import re
import sys
import time
from pathlib import Path

#: Extensions that keep no state while reading a document (see the module docstring).
PARALLEL_SAFE = ("sphinx_multitoc_numbering", "sphinx_jupyterbook_latex")


def _drop_thebe(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if scripts is None:
        return
    context["script_files"] = [
        js for js in scripts
        if "thebe" not in str(getattr(js, "filename", js) or "")
        and "THEBE_JS_URL" not in str(getattr(js, "attributes", {}).get("body", ""))
    ]


def _declare_parallel_safe(app) -> None:
    for name in PARALLEL_SAFE:
        ext = app.extensions.get(name)
        if ext is not None:
            ext.parallel_read_safe = True


_progress: dict[str, object] = {"order": [], "start": {}}


def _order_and_count(app, env, docnames: list[str]) -> None:
    """Read the biggest sources first (a proxy for execution time: the longest tasks start first)."""
    _declare_parallel_safe(app)

    def size(doc: str) -> int:
        try:
            return os.path.getsize(env.doc2path(doc))
        except OSError:
            return 0

    docnames.sort(key=lambda d: (-size(d), d))
    _progress["order"] = list(docnames)


def _say(text: str) -> None:
    # Straight to the terminal: in a parallel read, Sphinx holds a child's log until it ends.
    sys.__stdout__.write(text + "\n")
    sys.__stdout__.flush()


_REMOVE_CELL = re.compile(r"^(\s*:?tags:\s*\[[^\]\n]*?)\bremove-cell\b", re.M)


def _hidden_cells_run_in_place(app, docname: str, source: list[str]) -> None:
    if "kernelspec" in source[0][:1000]:
        source[0] = _REMOVE_CELL.sub(r"\1remove-input, remove-output", source[0])


def _started(app, docname: str, source: list[str]) -> None:
    order = _progress["order"]
    if docname in order and "kernelspec" in source[0][:1000]:
        _progress["start"][docname] = time.perf_counter()
        _say(f"[{order.index(docname) + 1}/{len(order)}] executing {docname} …")


def _finished(app, doctree) -> None:
    docname = app.env.docname
    start = _progress["start"].pop(docname, None)
    if start is not None:
        _say(f"      done {docname} in {time.perf_counter() - start:.1f} s")


def _one_doc_per_process(app) -> None:
    """Sphinx batches documents per process (``make_chunks``); with chapters that each take
    seconds to execute, one process per chapter balances the cores better. Sphinx 7.4's
    ``ParallelTasks`` starts the first ``nproc`` tasks in order and then takes waiting tasks
    last-in first-out, so the rest are handed over reversed: chapters then start longest first."""
    import sphinx.builders

    def one_per_process(arguments, nproc, maxbatch=10):
        docs = list(arguments)
        return [[d] for d in docs[:nproc] + docs[nproc:][::-1]]

    sphinx.builders.make_chunks = one_per_process


_MLX_DATA = re.compile(r'(<script type="application/json" class="mlx-data">)(.*?)(</script>)', re.S)
_MLX_IMG = re.compile(r'(<img class="mlx-frame" src=")([^"]+)(")')
FRAME_DIR = "_images/mlx"


def _frame_file(app, data_url: str) -> str:
    """Write one frame (a ``data:image/png;base64,`` URL) to FRAME_DIR; return its site path."""
    head, _, payload = data_url.partition(",")
    if head != "data:image/png;base64":
        raise ValueError(f"an mlx frame must be a base64 PNG data URL, got {head[:40]!r}")
    png = base64.b64decode(payload)
    name = f"{FRAME_DIR}/{hashlib.sha256(png).hexdigest()[:24]}.png"
    path = Path(app.outdir) / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(png)
        os.replace(tmp, path)  # atomic: parallel writers of the same frame never see half a file
    return name


def _externalize(app, docname: str, text: str) -> str:
    match = _MLX_DATA.search(text)
    data = json.loads(match.group(2))
    page_dir = posixpath.dirname(app.builder.get_target_uri(docname))
    by_url = {url: posixpath.relpath(_frame_file(app, url), page_dir or ".") for url in data["frames"]}
    data["frames"] = [by_url[url] for url in data["frames"]]
    text = text[: match.start(2)] + json.dumps(data) + text[match.end(2):]
    return _MLX_IMG.sub(lambda m: m.group(1) + by_url.get(m.group(2), m.group(2)) + m.group(3), text)


def _externalize_frames(app, doctree, docname: str) -> None:
    """Frames of ``mlnotes.explore`` figures become files (see the module docstring)."""
    from docutils import nodes

    if app.builder.format != "html":
        return
    for node in list(doctree.findall(nodes.raw)):
        text = node.astext()
        if 'class="mlx-data"' in text and "data:image/png;base64," in text:
            node.replace_self(nodes.raw("", _externalize(app, docname, text), format="html"))


def _record_eval_values() -> None:
    """Wrap myst-nb's inline client so each evaluated expression is recorded in the notebook."""
    from myst_nb.core.execute.inline import NotebookClientInline

    if getattr(NotebookClientInline.eval_variable, "_mlnotes", False):
        return
    evaluate = NotebookClientInline.eval_variable

    def eval_variable(self, name):
        outputs = evaluate(self, name)
        shown = next((o["data"]["text/plain"] for o in outputs if "text/plain" in o.get("data", {})), None)
        if not shown:  # an error, or nothing to show: the page would silently show a blank
            from sphinx.util import logging

            errors = [f"{o.get('ename')}: {o.get('evalue')}" for o in outputs if o.get("output_type") == "error"]
            logging.getLogger(__name__).warning(f"{{eval}}`{name}` shows no text in {self.path}"
                                                + (f" ({errors[0]})" if errors else ""))
        self.notebook.metadata.setdefault("mlnotes", {}).setdefault("eval", []).append([name, shown or ""])
        return outputs

    eval_variable._mlnotes = True
    NotebookClientInline.eval_variable = eval_variable


def _failed_docs(env) -> list[str]:
    from myst_nb.sphinx_ import NbMetadataCollector

    failed = []
    for docname in sorted(env.all_docs):
        try:
            data = NbMetadataCollector.get_exec_data(env, docname)
        except KeyError:
            continue
        if data and not data.get("succeeded", True):
            failed.append(docname)
    return failed


def _reexecute_failed(app, env, added, changed, removed) -> list[str]:
    return [d for d in _failed_docs(env) if d not in changed and d not in added]


#: pages generated from the other chapters' sources (mlnotes.appendix): rebuilt when any chapter changes
GENERATED_PAGES = ("chapters/errata", "chapters/glossary", "chapters/questions", "chapters/flashcards")


def _appendices_follow_chapters(app, env, added, changed, removed) -> list[str]:
    others = (set(added) | set(changed) | set(removed)) - set(GENERATED_PAGES)
    return [d for d in GENERATED_PAGES if others and d in env.found_docs and d not in changed]


def _fail_on_execution_errors(app, exception) -> None:
    if exception is not None:
        return
    failed = _failed_docs(app.env)
    if failed:
        from sphinx.util import logging

        logging.getLogger(__name__).error("executing failed (traceback above; reports/ in the output folder): "
                                          + ", ".join(failed))
        app.statuscode = 1


def _only_one_chapter(app, config) -> None:
    """``MLNOTES_ONLY=<name>`` (scripts/check_chapter.sh): execute only chapters/<name>.md. The
    other chapters are still read, so cross-references resolve, but are not executed."""
    only = os.environ.get("MLNOTES_ONLY")
    if only:
        others = [p.as_posix() for p in sorted(Path(app.srcdir, "chapters").glob("*.md")) if p.stem != only]
        config.nb_execution_excludepatterns = list(config.nb_execution_excludepatterns) + others


_FONTAWESOME = re.compile(r'<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>\s*')


def _drop_fontawesome_js(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        lighter = _FONTAWESOME.sub("", text)
        if lighter != text:
            page.write_text(lighter, encoding="utf-8")


_CARRIAGE_RETURN = re.compile(r".*\r(?=[^\n])")
_BACKSPACE = re.compile("[^\n]\x08")  # a character erased by a backspace


def coalesce_streams(outputs: list) -> list:
    """Merge a cell's stream outputs by name, joining their text exactly, on copies (the notebook's
    outputs are not changed); ``\r`` and backspaces applied as a terminal would."""
    import copy

    merged, streams = [], {}
    for output in outputs or []:
        if output.get("output_type") == "stream":
            if output["name"] in streams:
                streams[output["name"]]["text"] += output["text"]
                continue
            output = copy.deepcopy(output)
            streams[output["name"]] = output
        merged.append(output)
    for output in streams.values():
        text = output["text"]
        while True:
            shorter = _BACKSPACE.sub("", text)
            if shorter == text:
                break
            text = shorter
        output["text"] = _CARRIAGE_RETURN.sub("", text)
    for i in range(len(merged) - 1):  # as myst-nb: a stderr block directly before stdout goes after it
        if merged[i].get("name") == "stderr" and merged[i + 1].get("name") == "stdout":
            merged[i], merged[i + 1] = merged[i + 1], merged[i]
    return merged


def _merge_streams_exactly() -> None:
    import myst_nb.core.render as render

    render.coalesce_streams = coalesce_streams


def setup(app):
    _record_eval_values()
    _merge_streams_exactly()
    app.connect("build-finished", _drop_fontawesome_js)
    app.connect("config-inited", _only_one_chapter)
    app.connect("env-get-outdated", _reexecute_failed)
    app.connect("env-get-outdated", _appendices_follow_chapters)
    app.connect("build-finished", _fail_on_execution_errors)
    app.connect("doctree-resolved", _externalize_frames)
    app.connect("html-page-context", _drop_thebe, priority=900)
    app.connect("builder-inited", _declare_parallel_safe)
    app.connect("builder-inited", _one_doc_per_process)
    app.connect("env-before-read-docs", _order_and_count)
    app.connect("source-read", _hidden_cells_run_in_place)
    app.connect("source-read", _started)
    app.connect("doctree-read", _finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
