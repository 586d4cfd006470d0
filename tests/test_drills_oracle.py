"""Every drill's checker gives the same verdict with the browser oracle (mlnotes, numpy only) as with the library.

For each drill of the book, its worked solution and the known answers in ``tests/drill_answers/<topic>.py``
are checked twice, each in a fresh Python process (:mod:`tests.drill_answers.harness`):

* with the library oracle (torch / scikit-learn / scipy), as the notebook does;
* with ``MLNOTES_DRILL_ORACLE=mlnotes`` and torch, scikit-learn, scipy, matplotlib and pandas made
  unimportable, as the reader's browser (Pyodide) does.

The solution must pass, every known wrong answer must fail, and the two verdicts must be the same text.

Then the same harness runs in Pyodide under Node (``tests/pyodide/run_drills.mjs``: Pyodide's core and
numpy from ``vendor_pyodide/``, the package as the wheel the site serves), as the reader's browser runs
it, and must give the same verdicts again. There each drill's cell, exactly as the site shows it (the
stub), also runs through :func:`mlnotes.drills.web.run_cell` and prints the notebook's verdict.
"""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mlnotes.drills.web import run_cell
from mlnotes.interview.drills import _strip_cell_options, all_drills

pytestmark = pytest.mark.xdist_group("drills-oracle")  # one worker runs the shared harness fixtures once
ROOT = Path(__file__).resolve().parents[1]
ANSWERS_DIR = ROOT / "tests" / "drill_answers"
HARNESS = ANSWERS_DIR / "harness.py"
PYODIDE_DIR = ROOT / "vendor_pyodide" / "pyodide"
NODE_RUNNER = ROOT / "tests" / "pyodide" / "run_drills.mjs"
MIN_WRONG = 2  # known wrong answers per drill, at least
# The reader writes torch code for these (tensors, autograd); the browser has no torch, so there the reader
# writes the same formula in numpy (tests/drill_answers/generative.py: BROWSER_ANSWERS, same labels).
# Their verdicts must agree case by case and name the same likely bug, not match word for word.
TORCH_NATIVE = {"reparameterize", "q_sample"}
# Wrong answers whose own output is rounding noise from LAPACK (np.linalg.inv/solve/qr on an ill-conditioned
# or rank-deficient X): the digits the verdict quotes differ between LAPACK builds (Pyodide's and this
# machine's), as they would between two machines. In Pyodide they must fail the same cases with the same hint.
PLATFORM_DIGITS = {("normal_equation", "normal_equation_inv"), ("normal_equation", "normal_equation_solve"),
                   ("normal_equation", "normal_equation_qr")}


@functools.lru_cache(maxsize=1)
def manifest() -> list:
    """The book's drills as the harness wants them: name, module, checker, solution."""
    return [dict(name=d.name, module=d.module, checker=d.checker, solution=d.solution) for d in all_drills(ROOT)]


def answer_sources() -> dict:
    """topic -> source of tests/drill_answers/<topic>.py."""
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(ANSWERS_DIR.glob("*.py"))
            if p.stem not in ("harness", "__init__")}


def run_harness(oracle: str, *, block: bool, browser: bool, tmp: Path) -> dict:
    job = tmp / f"job-{oracle}.json"
    job.write_text(json.dumps({"drills": manifest(), "answers": answer_sources(), "oracle": oracle,
                               "block": block, "browser": browser}), encoding="utf-8")
    proc = subprocess.run([sys.executable, str(HARNESS), str(job)], capture_output=True, text=True, cwd=ROOT,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


def cell_sources() -> dict:
    """drill -> the source of its cell in the chapter (the stub and the checker call), as the site shows it."""
    out = {}
    for d in all_drills(ROOT):
        lines = (ROOT / "chapters" / f"{d.chapter}.md").read_text(encoding="utf-8").split("\n")
        body = []
        for line in lines[d.line:]:  # d.line is the 1-based line of the opening fence
            if line.startswith("```"):
                break
            body.append(line)
        out[d.name] = _strip_cell_options("\n".join(body))
    return out


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    return run_harness("library", block=False, browser=False, tmp=tmp_path_factory.mktemp("library"))


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    return run_harness("mlnotes", block=True, browser=True, tmp=tmp_path_factory.mktemp("browser"))


def test_every_drill_is_covered():
    names = [d["name"] for d in manifest()]
    assert len(names) == len(set(names)) >= 48


@pytest.mark.parametrize("name", [d["name"] for d in manifest()])
def test_same_verdict_without_torch(name, library, browser):
    lib, web = library[name], browser[name]
    assert lib["solution"]["passed"], lib["solution"]["text"]
    wrong = [label for label in lib if label != "solution"]
    assert len(wrong) >= MIN_WRONG, f"{name}: only {len(wrong)} known wrong answer(s) in tests/drill_answers/"
    for label in wrong:
        assert not lib[label]["passed"], f"{name}/{label} passed the library checker:\n{lib[label]['text']}"
    assert sorted(web) == sorted(lib)
    for label in lib:
        assert "CHECKER RAISED" not in web[label]["text"], web[label]["text"]
        shown = f"{name}/{label}:\nlibrary:\n{lib[label]['text']}\nbrowser:\n{web[label]['text']}"
        if name in TORCH_NATIVE:
            assert web[label]["passed"] == lib[label]["passed"], shown
            assert case_marks(web[label]["text"]) == case_marks(lib[label]["text"]), shown
            assert likely_bug(web[label]["text"]) == likely_bug(lib[label]["text"]), shown
        else:
            assert web[label] == lib[label], shown


def case_marks(text: str) -> list:
    """The ✓ / ✗ line of every case (mark and case name, without the explanation)."""
    return [line.split(":")[0] for line in text.splitlines()[1:]]


def likely_bug(text: str) -> str:
    """The 'Likely bug: …' sentence of a verdict, or ''."""
    return text.split("Likely bug:", 1)[1].split(". ")[0] if "Likely bug:" in text else ""


def test_unknown_oracle_is_refused(monkeypatch):
    from mlnotes.drills.core import oracle

    monkeypatch.setenv("MLNOTES_DRILL_ORACLE", "jax")
    with pytest.raises(ValueError, match="MLNOTES_DRILL_ORACLE"):
        oracle()


@pytest.fixture(scope="module")
def pyodide(tmp_path_factory):
    """The harness and every drill cell, run in Pyodide under Node (the browser's Python)."""
    from mlnotes.drills.site import build_wheel

    node = shutil.which("node")
    assert node, "node is needed to run Pyodide (the machine's Node.js)"
    assert (PYODIDE_DIR / "pyodide.asm.wasm").exists(), "run `make vendor` (scripts/fetch_pyodide.sh) first"
    tmp = tmp_path_factory.mktemp("pyodide")
    wheel = build_wheel(tmp / "wheel")
    job = tmp / "job.json"
    job.write_text(json.dumps({"harness": HARNESS.read_text(encoding="utf-8"), "drills": manifest(),
                               "answers": answer_sources(), "cells": cell_sources()}), encoding="utf-8")
    proc = subprocess.run([node, str(NODE_RUNNER), str(PYODIDE_DIR), str(wheel), str(job)], capture_output=True,
                          text=True, cwd=ROOT, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout)
    (ROOT / "_build").mkdir(exist_ok=True)
    (ROOT / "_build" / "pyodide-drills.json").write_text(json.dumps(out["timings"]), encoding="utf-8")  # for bench
    return out


def test_pyodide_is_the_browser(pyodide):
    assert pyodide["platform"] == "emscripten" and not pyodide["torch_importable"]
    assert pyodide["numpy"].startswith("2.0")


@pytest.mark.parametrize("name", [d["name"] for d in manifest()])
def test_same_verdict_in_pyodide(name, library, pyodide):
    lib, web = library[name], pyodide["harness"][name]
    assert sorted(web) == sorted(lib)
    for label in lib:
        shown = f"{name}/{label}:\nlibrary:\n{lib[label]['text']}\npyodide:\n{web[label]['text']}"
        if name in TORCH_NATIVE or (name, label) in PLATFORM_DIGITS:
            assert web[label]["passed"] == lib[label]["passed"], shown
            assert case_marks(web[label]["text"]) == case_marks(lib[label]["text"]), shown
            assert likely_bug(web[label]["text"]) == likely_bug(lib[label]["text"]), shown
        else:
            assert web[label] == lib[label], shown


@pytest.mark.parametrize("name", [d["name"] for d in manifest()])
def test_site_cell_runs_in_pyodide(name, pyodide):
    """The drill's cell as the site shows it runs in the browser and prints the notebook's verdict (the stub fails)."""
    source = cell_sources()[name]
    got = pyodide["cells"][name]
    assert got["kind"] == "verdict" and got["passed"] is False, got
    assert "NotImplementedError" in got["text"]
    notebook = run_cell(source)  # this process: the library oracle, as the notebook
    assert notebook["kind"] == "verdict"
    if name in TORCH_NATIVE:
        assert case_marks(got["text"]) == case_marks(notebook["text"])
    else:
        assert got["text"] == notebook["text"] and got["html"] == notebook["html"]
