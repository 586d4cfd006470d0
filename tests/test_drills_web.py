"""The browser side of the drills: run_cell (what Pyodide runs), the site extension's cell marking and wheel."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from mlnotes.drills.site import browser_note, build_wheel, drills_in_cell, source_hash
from mlnotes.drills.web import run_cell, run_cell_json
from mlnotes.interview.drills import all_drills

ROOT = Path(__file__).resolve().parents[1]

STUB = '''from mlnotes.drills.attention import check_softmax


def my_softmax(x):
    raise NotImplementedError


check_softmax(my_softmax)
'''

RIGHT = '''import numpy as np
from mlnotes.drills.attention import check_softmax


def my_softmax(x):
    z = np.exp(x - x.max(axis=-1, keepdims=True))
    print("called")
    return z / z.sum(axis=-1, keepdims=True)


check_softmax(my_softmax)
'''


def test_stub_gives_the_failing_verdict():
    r = run_cell(STUB)
    assert r["kind"] == "verdict" and r["passed"] is False
    assert "raised NotImplementedError: the function is not written yet." in r["text"]
    assert r["html"].startswith("<div><p style='color:#cf222e'>")


def test_right_answer_passes_and_prints_are_kept():
    r = run_cell(RIGHT)
    assert r["kind"] == "verdict" and r["passed"] is True
    assert r["text"].startswith("✓ softmax")
    assert r["stdout"].startswith("called\n")


def test_syntax_error_names_the_line():
    r = run_cell("x = 1\ndef f(:\n    pass\n")
    assert r["kind"] == "error" and r["passed"] is None
    assert r["text"].startswith("SyntaxError:") and "(line 2)" in r["text"] and "def f(:" in r["text"]


def test_exception_outside_the_checker_shows_the_readers_line():
    r = run_cell("a = 1\nb = 0\na / b\n")
    assert r["kind"] == "error"
    assert r["text"] == "Traceback (your code):\n  line 3, in <module>\nZeroDivisionError: division by zero"


def test_sys_exit_and_values():
    assert run_cell("import sys\nsys.exit(3)")["text"].endswith("line 2, in <module>\nSystemExit: 3")
    assert run_cell("x = [1, 2]\nx")["text"] == "[1, 2]"
    assert run_cell("print('<b>')")["kind"] == "none"
    assert run_cell("'<b>'")["html"] == "<pre>&#x27;&lt;b&gt;&#x27;</pre>"  # text is escaped, never HTML
    assert run_cell("")["kind"] == "none"


def test_each_run_starts_fresh():
    run_cell("leak = 1")
    assert run_cell("leak")["text"].endswith("NameError: name 'leak' is not defined")


def test_bad_source_type():
    with pytest.raises(TypeError, match="source must be a str"):
        run_cell(b"x = 1")
    assert '"kind": "none"' in run_cell_json("x = 1")


def test_every_drill_cell_is_recognised_once():
    drills = all_drills(ROOT)
    by_chapter: dict = {}
    for d in drills:
        by_chapter.setdefault(d.chapter, []).append(d)
    found = []
    for chapter, ds in by_chapter.items():
        text = (ROOT / "chapters" / f"{chapter}.md").read_text(encoding="utf-8")
        for cell in text.split("```{code-cell}")[1:]:
            found += [d.name for d in drills_in_cell(cell.split("\n```")[0], ds)]
    assert sorted(found) == sorted(d.name for d in drills)


def test_solution_cells_are_not_drill_cells():
    ds = [d for d in all_drills(ROOT) if d.name == "softmax"]
    assert drills_in_cell("verdict = check_softmax(softmax_solution)\nverdict", ds) == []
    assert drills_in_cell(STUB, ds) == ds


def test_browser_note_of_a_module():
    assert browser_note("mlnotes.drills.attention", "softmax") == ""
    assert "np.exp" in browser_note("mlnotes.drills.generative", "reparameterize")
    assert "cumprod" not in browser_note("mlnotes.drills.generative", "reparameterize")
    assert "int64" in browser_note("mlnotes.drills.generative", "q_sample")
    assert browser_note("mlnotes.no_such_module", "x") == ""


def test_wheel_is_pure_python_and_rebuilt_only_on_change(tmp_path):
    wheel = build_wheel(tmp_path)
    assert wheel.name.startswith("mlnotes-") and wheel.name.endswith("-py3-none-any.whl")
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
    assert "mlnotes/drills/web.py" in names and "mlnotes/drills/core.py" in names
    assert not any(n.endswith((".so", ".js", ".pyc")) for n in names)
    mtime = wheel.stat().st_mtime_ns
    assert build_wheel(tmp_path) == wheel and wheel.stat().st_mtime_ns == mtime  # same sources: not rebuilt
    assert (tmp_path / "mlnotes-wheel.sha").read_text() == source_hash()


def test_every_drill_cell_runs_alone():
    """On the site each drill cell runs by itself (no earlier cell ran): it imports its own checker."""
    from tests.test_drills_oracle import cell_sources

    sources = cell_sources()
    assert len(sources) == len(all_drills(ROOT))
    for name, source in sources.items():
        r = run_cell(source)
        assert r["kind"] == "verdict" and r["passed"] is False, f"{name}: {r['text']}"
        assert "NotImplementedError" in r["text"], f"{name}: {r['text']}"


def test_torch_and_input_in_the_browser_get_plain_words():
    r = run_cell("import definitely_not_here")
    assert r["text"].endswith("ModuleNotFoundError: No module named 'definitely_not_here'")
    import mlnotes.drills.web as web

    exc = ModuleNotFoundError("No module named 'torch'", name="torch")
    assert "torch is not available in your browser" in web._absent_hint(exc)
    assert web._absent_hint(ModuleNotFoundError("x", name="numpyx")) == ""
    r = run_cell("def f():\n    return input('n? ')\n\nf()")
    assert r["kind"] == "error" and "input() cannot ask for anything here" in r["text"]


def test_a_torch_method_on_a_numpy_array_is_explained():
    from mlnotes.drills.core import call_reader

    import numpy as np

    _, message = call_reader(lambda x: x.exp(), np.zeros(2))
    assert message == ("raised AttributeError: 'numpy.ndarray' object has no attribute 'exp' "
                       "(numpy arrays have no .exp(): that is torch; use np.exp(x))")
    _, message = call_reader(lambda x: x.frobnicate(), np.zeros(2))
    assert message == "raised AttributeError: 'numpy.ndarray' object has no attribute 'frobnicate'"
