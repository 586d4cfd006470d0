"""``mlnotes drill``: the drills read from the chapters, and hostile files judged, never crashing the command."""

from __future__ import annotations

import ast
import importlib
import inspect
import textwrap
from pathlib import Path

import pytest

from mlnotes.cli import main
from mlnotes.interview.drills import all_drills, find_drill

DRILLS = all_drills()
ROOT = Path(__file__).resolve().parents[1]


def run(capsys, *argv):
    code = main(["drill", *argv])
    out, err = capsys.readouterr()
    return code, out, err


# ---------------------------------------------------------------- the registry


def test_every_checker_of_the_package_is_a_drill_of_some_chapter():
    defined = set()
    for path in (ROOT / "mlnotes" / "drills").glob("*.py"):
        if path.stem in ("core", "cli", "runner", "__init__"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        defined |= {(f"mlnotes.drills.{path.stem}", n.name) for n in tree.body
                    if isinstance(n, ast.FunctionDef) and n.name.startswith("check_")}
    found = {(d.module, d.checker) for d in DRILLS}
    assert defined - found == set(), "checkers no chapter's drill section calls on a stub"
    assert len(DRILLS) >= 46


def test_drill_names_are_unique_and_resolve_to_checker_and_solution():
    names = [d.name for d in DRILLS]
    assert len(names) == len(set(names))
    for d in DRILLS:
        module = importlib.import_module(d.module)
        assert callable(getattr(module, d.checker)), d
        assert all(callable(getattr(module, n)) for n in d.shown), d
        assert d.signature.startswith(f"{d.function}("), d
        assert "NotImplementedError" in d.stub and d.task.strip(), d


def test_the_solution_is_the_one_ci_checks_even_when_its_name_differs():
    kv = find_drill("kv_cache_attention", DRILLS)
    assert kv.solution == "attend_with_cache_solution"  # not kv_cache_attention_solution
    assert find_drill("adam", DRILLS).solution == "adam_step_solution"


@pytest.mark.parametrize("query, name", [("adam", "adam_step"), ("adam_step", "adam_step"), ("ADAM-STEP", "adam_step"),
                                         ("nms", "nms"), ("kmeans", "kmeans"), ("my_mha", "multi_head_attention")])
def test_find_drill(query, name):
    assert find_drill(query, DRILLS).name == name


@pytest.mark.parametrize("query, match", [("", "non-empty"), ("   ", "non-empty"), ("no_such_drill", "no drill named"),
                                          ("conv", "ambiguous"), (None, "non-empty")])
def test_find_drill_refuses(query, match):
    with pytest.raises(ValueError, match=match):
        find_drill(query, DRILLS)


# ---------------------------------------------------------------- list / show


def test_list_shows_every_drill_with_its_signature(capsys):
    code, out, _ = run(capsys, "list")
    assert code == 0
    for d in DRILLS:
        assert f"{d.chapter}" in out and f" {d.name} " in out and d.signature in out
    assert f"{len(DRILLS)} drills" in out


def test_show_prints_task_and_a_stub_that_compiles(capsys):
    code, out, _ = run(capsys, "show", "adam")
    assert code == 0
    assert "Optimizers" in out and "torch.optim.Adam" in out  # the chapter's task
    stub = out[out.index("import numpy as np"):]
    compile(stub, "stub.py", "exec")
    assert "def adam_step(param, grad, m, v, t" in stub and "raise NotImplementedError" in stub


def test_show_solution_prints_the_worked_solution_and_its_helpers(capsys):
    from mlnotes.drills import ensembles, optim

    code, out, _ = run(capsys, "show", "adam", "--solution")
    assert code == 0 and inspect.getsource(optim.adam_step_solution).strip() in out
    code, out, _ = run(capsys, "show", "gbdt", "--solution")
    assert code == 0 and inspect.getsource(ensembles._best_stump).strip() in out
    assert "shapley_solution" not in out  # another drill's solution shown in the same chapter cell


@pytest.mark.parametrize("argv, match", [(["show", "nope"], "no drill named"), (["show", "conv"], "ambiguous"),
                                         (["check", "newton"], "which file"),
                                         (["check", "newton", "missing.py"], "no such file"),
                                         (["check", "newton", "--timeout", "0", "--solution"], "--timeout"),
                                         (["check", "newton", "x.py", "--solution"], "not both")])
def test_bad_input_is_one_line_and_status_2(capsys, tmp_path, monkeypatch, argv, match):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.py").write_text("def f(a):\n    return a\n")
    code, out, err = run(capsys, *argv)
    assert code == 2 and match in err and err.count("\n") == 1 and out == ""


# ---------------------------------------------------------------- check


def write(tmp_path, source: str, name="mine.py") -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return str(path)


def test_solution_passes_with_status_0(capsys):
    code, out, _ = run(capsys, "check", "newton_sqrt", "--solution")
    assert code == 0 and out.startswith("✓ Newton")


def test_a_correct_file_passes_and_prints_the_notebooks_verdict(capsys, tmp_path):
    from mlnotes.drills.mathtools import check_newton_sqrt, newton_sqrt_solution

    body = inspect.getsource(newton_sqrt_solution).replace("newton_sqrt_solution", "newton_sqrt")
    code, out, _ = run(capsys, "check", "newton", write(tmp_path, "import math\n\n" + body))
    assert code == 0
    assert out.strip() == str(check_newton_sqrt(newton_sqrt_solution)).replace("newton_sqrt_solution", "newton_sqrt")


def test_a_wrong_file_fails_with_status_1_and_the_same_verdict_as_the_notebook(capsys, tmp_path):
    from mlnotes.drills.optim import check_adam_step

    source = """
    import numpy as np

    def adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * grad**2
        return param - lr * m / (np.sqrt(v) + eps), m, v  # no bias correction
    """
    namespace = {}
    exec(textwrap.dedent(source), namespace)
    code, out, _ = run(capsys, "check", "adam", write(tmp_path, source))
    assert code == 1
    assert out.strip() == str(check_adam_step(namespace["adam_step"]))
    assert "did you forget bias correction?" in out


HOSTILE = {
    "syntax error": ("def newton_sqrt(a)\n    return a\n", "does not compile: SyntaxError", "line 1"),
    "import error": ("import no_such_module_xyz\n", "could not import a module", "no_such_module_xyz"),
    "error while loading": ("x = 1 / 0\n", "raised an error while loading: ZeroDivisionError", "line 1"),
    "sys.exit while loading": ("import sys\nsys.exit(3)\n", "called sys.exit(3) while loading", ""),
    "no function": ("x = 1\n", "which function?", "functions in your file: none"),
    "two other functions": ("def f(a):\n    return a\n\ndef g(a):\n    return a\n", "which function?", "f, g"),
    "sys.exit inside": ("import sys\ndef newton_sqrt(a):\n    sys.exit(0)\n", "raised SystemExit", "✗ Newton"),
    "os._exit inside": ("import os\ndef newton_sqrt(a):\n    os._exit(7)\n", "ended without a verdict", "exit status 7"),
    "returns a string": ("def newton_sqrt(a):\n    return 'sqrt'\n", "✗ Newton", ""),
    "not utf-8": (b"\xff\xfe\x00def", "cannot read", ""),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_files_get_a_verdict_never_a_crash(capsys, tmp_path, case):
    source, *needles = HOSTILE[case]
    path = tmp_path / "mine.py"
    path.write_bytes(source if isinstance(source, bytes) else source.encode())
    code, out, _ = run(capsys, "check", "newton_sqrt", str(path), "--timeout", "30")
    assert code == 1, out
    assert out.startswith("✗"), out
    for needle in needles:
        assert needle in out, out


def test_the_only_function_of_a_file_is_checked_whatever_its_name(capsys, tmp_path):
    from mlnotes.drills.mathtools import newton_sqrt_solution

    body = inspect.getsource(newton_sqrt_solution).replace("newton_sqrt_solution", "my_root")
    code, out, _ = run(capsys, "check", "newton", write(tmp_path, body))
    assert code == 0, out
    code, out, _ = run(capsys, "check", "newton", write(tmp_path, body, "b.py"), "--function", "other")
    assert code == 1 and "defines no function 'other'" in out


@pytest.mark.parametrize("where", ["module", "function"])
def test_an_endless_loop_is_stopped_by_the_time_limit(capsys, tmp_path, where):
    source = ("while True:\n    pass\n" if where == "module" else
              "import signal\ndef newton_sqrt(a):\n    signal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
              "    while True:\n        pass\n")  # ignores the checker's own alarm: only the limit stops it
    code, out, _ = run(capsys, "check", "newton", write(tmp_path, source), "--timeout", "3")
    assert code == 1 and "stopped after 3 s" in out, out


def test_the_readers_prints_do_not_mix_with_the_verdict(capfd, tmp_path):
    from mlnotes.drills.mathtools import newton_sqrt_solution

    body = inspect.getsource(newton_sqrt_solution).replace("newton_sqrt_solution", "newton_sqrt")
    code = main(["drill", "check", "newton", write(tmp_path, "print('hello from the reader')\n" + body)])
    out, err = capfd.readouterr()
    assert code == 0 and "hello from the reader" in err and "hello" not in out
